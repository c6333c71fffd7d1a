/**
 * The per-item result record of a benchmark (`items.jsonl`): one row per item × arm × seed.
 *
 * @module
 */
import { z } from "zod";
import type { Equals, Schema } from "../schemas/schema.ts";

/** One item × arm × seed result. Scores always come from the task's scorer (hidden tests, gold answer, judge panel). */
export interface ItemResult {
  /** Item id. */
  id: string;
  /** Arm name. */
  arm: string;
  /** Seed. */
  seed: number;
  /** Hidden-test score of the arm's final answer, in [0, 1]. */
  score: number;
  /** All hidden tests passed. */
  passed: boolean;
  /** Hidden-test score of the arm's first answer (round 0), for before/after plots. */
  initialScore: number;
  /** Revision rounds run (0 for baseline). */
  rounds: number;
  /** LLM calls made (all roles). */
  calls: number;
  /** Student calls made (the budget a best-of-n control matches). */
  studentCalls: number;
  /** Tokens in + out. */
  tokens: number;
  /** USD of the calls, when the run had a price table covering every call's model. */
  costUsd?: number;
  /** Why the loop stopped. */
  stopReason: string;
  /** Set when the item failed (infrastructure error); score is then 0. */
  error?: string;
  /** Wall time in milliseconds. */
  ms: number;
  /** Trace id in `traces.jsonl`, for loops. */
  traceId?: string;
  /** True when the authors were simulated. */
  simulated: boolean;
  /** Answer tasks: the answer extracted from the final answer (null when none could be). */
  extracted?: string | null;
  /** Answer tasks: the extraction rule that found it (`none` when unextracted). */
  extractRule?: string;
  /** Open tasks: no judge gave a parseable verdict; excluded from statistics (with a note). */
  unscored?: boolean;
  /** Open tasks: each panel judge's score of the final answer (null = unparseable). */
  judgeScores?: (number | null)[];
  /** Trajectory arms: the score of every recorded attempt, first to final. */
  attemptScores?: number[];
  /** Trajectory arms: whether every recorded attempt passed, first to final. */
  attemptPassed?: boolean[];
}

const itemResultSchema = z.object({
  id: z.string(),
  arm: z.string(),
  seed: z.number().int(),
  /** Hidden-test score of the arm's final answer, in [0, 1]. */
  score: z.number().min(0).max(1),
  /** All hidden tests passed. */
  passed: z.boolean(),
  /** Hidden-test score of the arm's first answer (round 0), for before/after plots. */
  initialScore: z.number().min(0).max(1),
  /** Revision rounds run (0 for baseline). */
  rounds: z.number().int().nonnegative(),
  /** LLM calls made (all roles). */
  calls: z.number().int().nonnegative(),
  /** Student calls made (the budget a best-of-n control matches). */
  studentCalls: z.number().int().nonnegative(),
  /** Tokens in + out. */
  tokens: z.number().int().nonnegative(),
  /** USD of the calls, when the run had a price table covering every call's model. */
  costUsd: z.number().nonnegative().optional(),
  /** Why the loop stopped. */
  stopReason: z.string(),
  /** Set when the item failed (infrastructure error); score is then 0. */
  error: z.string().optional(),
  /** Wall time in milliseconds. */
  ms: z.number().nonnegative(),
  /** Trace id in `traces.jsonl`, for loops. */
  traceId: z.string().optional(),
  /** True when the authors were simulated. */
  simulated: z.boolean(),
  /** Answer tasks: the answer extracted from the final answer (null when none could be). */
  extracted: z.string().nullable().optional(),
  /** Answer tasks: the extraction rule that found it (`none` when unextracted). */
  extractRule: z.string().optional(),
  /** Open tasks: no judge gave a parseable verdict; excluded from statistics (with a note). */
  unscored: z.boolean().optional(),
  /** Open tasks: each panel judge's score of the final answer (null = unparseable). */
  judgeScores: z.array(z.number().min(0).max(1).nullable()).optional(),
  attemptScores: z.array(z.number().min(0).max(1)).optional(),
  attemptPassed: z.array(z.boolean()).optional(),
});
const _itemResult: Equals<z.infer<typeof itemResultSchema>, ItemResult> = true;
/** Validates an {@linkcode ItemResult} (a line of `items.jsonl`). */
export const ItemResultSchema: Schema<ItemResult> = itemResultSchema;

/**
 * The journal key of a unit of work.
 *
 * @param r A record (or its id, arm, seed).
 * @returns `"<arm>\u0000<seed>\u0000<id>"`.
 *
 * @example
 * ```ts
 * import { resultKey } from "./records.ts";
 * if (resultKey({ id: "a", arm: "b", seed: 1 }) === resultKey({ id: "a", arm: "b", seed: 2 })) throw new Error();
 * ```
 */
export function resultKey(r: { id: string; arm: string; seed: number }): string {
  return `${r.arm}\u0000${r.seed}\u0000${r.id}`;
}

/** Which arm each loop trace belongs to, from a run's records. */
export interface TraceArms {
  /** Arm name by trace id. */
  arm: Map<string, string>;
  /** Arms that have traces, in the order of their first record. */
  order: string[];
}

/**
 * Maps trace ids to arms through the records that name them (best-of-n records have no trace).
 *
 * @param records A run's records.
 * @returns Arm by trace id, and the arms in first-record order.
 *
 * @example
 * ```ts
 * import { traceArms } from "./records.ts";
 * const { arm, order } = traceArms([{ arm: "tests", traceId: "t1" }, { arm: "best_of_n" }] as never);
 * if (arm.get("t1") !== "tests" || order.join() !== "tests") throw new Error();
 * ```
 */
export function traceArms(records: readonly ItemResult[]): TraceArms {
  const arm = new Map<string, string>();
  const order: string[] = [];
  for (const r of records) {
    if (r.traceId === undefined) continue;
    arm.set(r.traceId, r.arm);
    if (!order.includes(r.arm)) order.push(r.arm);
  }
  return { arm, order };
}
