/**
 * The row of a repair pool (`runs/<name>/pool.jsonl`): one initial sample of one item under one
 * seed, with every feedback+repair pair drawn for it. This file is the contract between pool
 * generation (`runPool`) and anything that estimates from it (`estimateFrontier`, other tools).
 *
 * Token counts are per call: `tokens` = prompt + completion of that call; the prompt and
 * completion parts are recorded separately as well.
 *
 * @module
 */
import { z } from "zod";
import type { Equals, Schema } from "../schemas/schema.ts";

/** One critique + repair of a sample that failed its gate. */
export interface PoolRepair {
  /** Repair index r (0-based); each (sample, repair) is seeded independently. */
  repair: number;
  /** The task's scorer passed the repaired answer (hidden tests / gold answer). */
  passed: boolean;
  /** The task's score of the repaired answer, in [0, 1]. */
  score: number;
  /** Tokens of the student's revision call (prompt + completion); 0 when there was no feedback. */
  tokens: number;
  /** Prompt tokens of the revision call. */
  promptTokens: number;
  /** Completion tokens of the revision call. */
  completionTokens: number;
  /** Tokens of the critic's calls for this repair (0 for critics that call no model). */
  feedbackTokens: number;
  /** The critic had nothing to say: no revision was made and the answer is the sample itself. */
  noFeedback?: boolean;
}

/** One initial sample of an item under a seed, with its repairs. */
export interface PoolRow {
  /** Item id. */
  id: string;
  /** Run seed. */
  seed: number;
  /** Sample index k (seeded with `sampleSeed(seed, id, k)`, like the controls' samples). */
  sample: number;
  /** The task's scorer passed the sample. */
  passed: boolean;
  /** The task's score of the sample, in [0, 1]. */
  score: number;
  /** Tokens of the sample's call (prompt + completion). */
  tokens: number;
  /** Prompt tokens of the sample's call. */
  promptTokens: number;
  /** Completion tokens of the sample's call. */
  completionTokens: number;
  /** The sample passed its gate (visible tests, the critic's verdict, or the oracle): no repairs. */
  gatePassed: boolean;
  /**
   * Tokens the gate spent that no repair accounts for: a critic-verdict gate that found nothing
   * to criticise (when it did, its call is repair 0's feedback). 0 for test and oracle gates.
   */
  gateTokens: number;
  /** The repairs, in order (empty when the gate passed). */
  repairs: PoolRepair[];
}

const count = z.number().int().min(0);

const poolRepairObject = z.object({
  repair: count,
  passed: z.boolean(),
  score: z.number().min(0).max(1),
  tokens: count,
  promptTokens: count,
  completionTokens: count,
  feedbackTokens: count,
  noFeedback: z.boolean().optional(),
});
/** Schema of {@linkcode PoolRepair}. */
export const PoolRepairSchema: Schema<PoolRepair> = poolRepairObject;
const _repair: Equals<z.infer<typeof poolRepairObject>, PoolRepair> = true;

const poolRowObject = z.object({
  id: z.string().min(1),
  seed: z.number().int(),
  sample: count,
  passed: z.boolean(),
  score: z.number().min(0).max(1),
  tokens: count,
  promptTokens: count,
  completionTokens: count,
  gatePassed: z.boolean(),
  gateTokens: count,
  repairs: z.array(poolRepairObject),
});
/**
 * Schema of {@linkcode PoolRow} (one line of `pool.jsonl`).
 *
 * @example
 * ```ts
 * import { PoolRowSchema } from "./pool_row.ts";
 * const row = PoolRowSchema.parse({
 *   id: "q1", seed: 0, sample: 0, passed: false, score: 0, tokens: 120, promptTokens: 40,
 *   completionTokens: 80, gatePassed: false, gateTokens: 0,
 *   repairs: [{ repair: 0, passed: true, score: 1, tokens: 210, promptTokens: 150,
 *     completionTokens: 60, feedbackTokens: 90 }],
 * });
 * if (row.repairs[0].feedbackTokens !== 90) throw new Error();
 * ```
 */
export const PoolRowSchema: Schema<PoolRow> = poolRowObject;
const _row: Equals<z.infer<typeof poolRowObject>, PoolRow> = true;

/**
 * The order of `pool.jsonl`: seed, then the items' dataset order, then sample.
 *
 * @param order Item ids in dataset order.
 * @returns A comparator of pool rows.
 *
 * @example
 * ```ts
 * import { poolRowOrder } from "./pool_row.ts";
 * const rows = [{ id: "b", seed: 0, sample: 0 }, { id: "a", seed: 0, sample: 1 }, { id: "a", seed: 0, sample: 0 }];
 * const sorted = rows.sort(poolRowOrder(["a", "b"]));
 * if (sorted.map((r) => `${r.id}${r.sample}`).join() !== "a0,a1,b0") throw new Error();
 * ```
 */
export function poolRowOrder(
  order: readonly string[],
): (
  a: Pick<PoolRow, "id" | "seed" | "sample">,
  b: Pick<PoolRow, "id" | "seed" | "sample">,
) => number {
  const rank = new Map(order.map((id, i) => [id, i]));
  return (a, b) =>
    a.seed - b.seed || (rank.get(a.id) ?? Infinity) - (rank.get(b.id) ?? Infinity) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) || a.sample - b.sample;
}
