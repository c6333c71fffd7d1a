/**
 * Turns per-item results into per-arm summaries: means, pass rates, costs, and paired comparisons
 * (Δ with a bootstrap CI, sign and permutation p-values, wins/ties/losses) against the baseline and
 * against the same-budget best-of-n control. With repeated seeds the unit of resampling is the item
 * (each item's scores are averaged over its seeds first — the cluster bootstrap with equal weights).
 *
 * @module
 */
import { z } from "zod";
import {
  type PairedSummary,
  PairedSummarySchema,
  summarizePaired,
} from "../stats/summarize_paired.ts";
import type { Arm } from "./arms.ts";
import type { ItemResult } from "./records.ts";
import type { Schema } from "../schemas/schema.ts";
import { zodOf } from "../schemas/zod_of.ts";

/** One arm's summary. */
export interface ArmSummary {
  /** Arm name. */
  arm: string;
  /** Arm kind. */
  kind: Arm["kind"];
  /** Critic used. */
  critic: Arm["critic"];
  /** Ratchet signal used. */
  gate: Arm["gate"];
  /** Judge symmetry. */
  judge: Arm["judge"];
  /** Arm description. */
  description: string;
  /** Records (items × seeds). */
  n: number;
  /** Distinct items. */
  items: number;
  /** Mean hidden-test score of the final answer. */
  meanScore: number;
  /** Fraction of records whose final answer passed every hidden test. */
  passRate: number;
  /** Mean hidden-test score of the first answer. */
  meanInitialScore: number;
  /** Mean LLM calls per record. */
  meanCalls: number;
  /** Mean student calls per record. */
  meanStudentCalls: number;
  /** Mean tokens per record. */
  meanTokens: number;
  /** Mean USD per record, when every record of the arm has a cost (the run had prices). */
  meanCostUsd?: number;
  /** Records that ended with an error. */
  errors: number;
  /** Paired comparison with the baseline arm (absent for the baseline itself). */
  vsBaseline?: PairedSummary;
  /** Paired comparison with the best-of-n control (loop arms only). */
  vsControl?: PairedSummary;
}

/** Schema of {@linkcode ArmSummary}. */
export const ArmSummarySchema: Schema<ArmSummary> = z.object({
  arm: z.string(),
  kind: z.enum(["baseline", "loop", "best_of_n"]),
  critic: z.enum(["none", "tests", "tests_anchor", "llm", "hybrid"]),
  gate: z.enum(["none", "visible_tests", "judge", "hidden_tests"]),
  judge: z.enum(["symmetric", "asymmetric"]),
  description: z.string(),
  n: z.number().int().min(0),
  items: z.number().int().min(0),
  meanScore: z.number(),
  passRate: z.number(),
  meanInitialScore: z.number(),
  meanCalls: z.number(),
  meanStudentCalls: z.number(),
  meanTokens: z.number(),
  meanCostUsd: z.number().nonnegative().optional(),
  errors: z.number().int().min(0),
  vsBaseline: zodOf(PairedSummarySchema).optional(),
  vsControl: zodOf(PairedSummarySchema).optional(),
});

/** The whole benchmark summary (`summary.json`). */
export interface BenchSummary {
  /** Run name. */
  run: string;
  /** True when the authors were simulated: every output must say SIMULATED. */
  simulated: boolean;
  /** Seeds run. */
  seeds: number[];
  /** Items in the dataset (after sharding). */
  items: number;
  /** False when a budget or an interrupt stopped the run early. */
  complete: boolean;
  /** Per-arm summaries, in arm order. */
  arms: ArmSummary[];
  /** Notes (budget exhausted, missing pairs…). */
  notes: string[];
}

/** Schema of {@linkcode BenchSummary}. */
export const BenchSummarySchema: Schema<BenchSummary> = z.object({
  run: z.string(),
  simulated: z.boolean(),
  seeds: z.array(z.number().int()),
  items: z.number().int().min(0),
  complete: z.boolean(),
  arms: z.array(zodOf(ArmSummarySchema)),
  notes: z.array(z.string()),
});

/** Options for {@linkcode summarizeBenchmark}. */
export interface SummarizeBenchmarkOptions {
  /** Run name. @default "run" */
  run?: string;
  /** Simulated authors. @default false */
  simulated?: boolean;
  /** Seeds of the run. @default the seeds found in the records */
  seeds?: number[];
  /** Items in the dataset. @default the distinct ids found */
  items?: number;
  /** Whether the run finished. @default true */
  complete?: boolean;
  /** Bootstrap resamples. @default 9999 */
  resamples?: number;
  /** Seed of the bootstrap and permutation tests. @default 0 */
  statsSeed?: number;
  /** Extra notes. @default [] */
  notes?: string[];
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

/**
 * Item-level paired scores of two sets of records: each item's mean over the seeds both completed
 * (the cluster bootstrap's unit is the item). Records are matched by (seed, item id).
 *
 * @param a The reference records.
 * @param b The compared records.
 * @returns Paired item means (items sorted by id) and the count of `a` records with no partner.
 *
 * @example
 * ```ts
 * import { pairedByItem } from "./summary.ts";
 * const r = (id: string, seed: number, score: number) => ({ id, seed, score }) as never;
 * const p = pairedByItem([r("x", 0, 0), r("x", 1, 1)], [r("x", 0, 1), r("x", 1, 1)]);
 * if (p.a[0] !== 0.5 || p.b[0] !== 1 || p.missing !== 0) throw new Error();
 * ```
 */
export function pairedByItem(
  a: readonly ItemResult[],
  b: readonly ItemResult[],
): { a: number[]; b: number[]; missing: number } {
  const key = (r: ItemResult) => `${r.seed}\u0000${r.id}`;
  const bByKey = new Map(b.map((r) => [key(r), r]));
  const perItem = new Map<string, { a: number[]; b: number[] }>();
  let missing = 0;
  for (const ra of a) {
    const rb = bByKey.get(key(ra));
    if (!rb) {
      missing++;
      continue;
    }
    const entry = perItem.get(ra.id) ?? { a: [], b: [] };
    entry.a.push(ra.score);
    entry.b.push(rb.score);
    perItem.set(ra.id, entry);
  }
  const ids = [...perItem.keys()].sort();
  return {
    a: ids.map((id) => mean(perItem.get(id)!.a)),
    b: ids.map((id) => mean(perItem.get(id)!.b)),
    missing,
  };
}

/**
 * Summarizes benchmark records per arm, with paired comparisons against the baseline and the
 * same-budget control.
 *
 * @param records All item results.
 * @param arms The arms, in report order.
 * @param options Run name, simulation label, statistics settings.
 * @returns A summary valid under {@linkcode BenchSummarySchema}.
 *
 * @example
 * ```ts
 * import { resolveArms } from "./arms.ts";
 * import { summarizeBenchmark } from "./summary.ts";
 * const arms = resolveArms(["baseline", "tests", "best_of_n"]);
 * const rec = (id: string, arm: string, score: number) => ({
 *   id, arm, seed: 0, score, passed: score === 1, initialScore: 0, rounds: 1, calls: 2,
 *   studentCalls: 2, tokens: 10, stopReason: "max_rounds", ms: 1, simulated: true,
 * });
 * const records = ["a", "b", "c"].flatMap((id) => [rec(id, "baseline", 0), rec(id, "tests", 1), rec(id, "best_of_n", 0)]);
 * const s = summarizeBenchmark(records, arms, { resamples: 999 });
 * if (s.arms[1].vsBaseline?.delta !== 1 || s.arms[1].vsControl?.wtl.wins !== 3) throw new Error();
 * ```
 */
export function summarizeBenchmark(
  records: readonly ItemResult[],
  arms: readonly Arm[],
  options: SummarizeBenchmarkOptions = {},
): BenchSummary {
  const byArm = new Map<string, ItemResult[]>();
  for (const r of records) byArm.set(r.arm, [...(byArm.get(r.arm) ?? []), r]);
  const baseline = arms.find((a) => a.kind === "baseline");
  const notes = [...(options.notes ?? [])];
  const stats = { resamples: options.resamples ?? 9999, seed: options.statsSeed ?? 0 };
  const compare = (arm: Arm, other: Arm | undefined, label: string) => {
    if (!other || other.name === arm.name) return undefined;
    const paired = pairedByItem(byArm.get(other.name) ?? [], byArm.get(arm.name) ?? []);
    if (paired.missing) {
      notes.push(`${arm.name} vs ${label}: ${paired.missing} pair(s) missing (not run or failed)`);
    }
    return summarizePaired(paired.a, paired.b, stats);
  };
  const summaries = arms.map((arm): ArmSummary => {
    const rs = byArm.get(arm.name) ?? [];
    const control = arm.kind === "loop"
      ? arms.find((a) => a.kind === "best_of_n" && a.matchBudgetOf === arm.name) ??
        arms.find((a) => a.kind === "best_of_n")
      : undefined;
    return {
      arm: arm.name,
      kind: arm.kind,
      critic: arm.critic,
      gate: arm.gate,
      judge: arm.judge,
      description: arm.description,
      n: rs.length,
      items: new Set(rs.map((r) => r.id)).size,
      meanScore: mean(rs.map((r) => r.score)),
      passRate: mean(rs.map((r) => (r.passed ? 1 : 0))),
      meanInitialScore: mean(rs.map((r) => r.initialScore)),
      meanCalls: mean(rs.map((r) => r.calls)),
      meanStudentCalls: mean(rs.map((r) => r.studentCalls)),
      meanTokens: mean(rs.map((r) => r.tokens)),
      ...(rs.length && rs.every((r) => r.costUsd !== undefined)
        ? { meanCostUsd: mean(rs.map((r) => r.costUsd!)) }
        : {}),
      errors: rs.filter((r) => r.error).length,
      vsBaseline: compare(arm, baseline, "baseline"),
      vsControl: compare(arm, control, "control"),
    };
  });
  const seeds = options.seeds ?? [...new Set(records.map((r) => r.seed))].sort((a, b) => a - b);
  return {
    run: options.run ?? "run",
    simulated: options.simulated ?? false,
    seeds,
    items: options.items ?? new Set(records.map((r) => r.id)).size,
    complete: options.complete ?? true,
    arms: summaries,
    notes,
  };
}
