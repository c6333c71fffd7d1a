/**
 * Trajectory statistics: for an arm whose records carry every recorded attempt's score
 * (`attemptScores`, from the `trajectory` solver), the first → final Δ with a paired bootstrap CI
 * over items, the flips between the first and the final attempt, and the per-attempt curve (mean
 * score and pass rate at attempt k). A trajectory shorter than k contributes its final attempt at
 * k (it stopped there, so its answer stands): every point of the curve averages the same records.
 *
 * @module
 */
import { z } from "zod";
import type { Equals, Schema } from "../schemas/schema.ts";
import { zodOf } from "../schemas/zod_of.ts";
import {
  type PairedSummary,
  PairedSummarySchema,
  summarizePaired,
} from "../stats/summarize_paired.ts";
import { countFlips, type Flips, FlipsSchema } from "./flips.ts";
import type { ItemResult } from "./records.ts";

/** The mean score and pass rate at one attempt. */
export interface TrajectoryPoint {
  /** Attempt index (0 = the first attempt). */
  attempt: number;
  /** Mean score at the attempt, over every trajectory record. */
  meanScore: number;
  /** Share of trajectory records passing at the attempt. */
  passRate: number;
  /** Records whose trajectory actually reaches the attempt (the rest carry their final one). */
  reached: number;
}

const trajectoryPointSchema = z.object({
  attempt: z.number().int().min(0),
  meanScore: z.number().min(0).max(1),
  passRate: z.number().min(0).max(1),
  reached: z.number().int().min(0),
});
const _point: Equals<z.infer<typeof trajectoryPointSchema>, TrajectoryPoint> = true;
/** Schema of {@linkcode TrajectoryPoint}. */
export const TrajectoryPointSchema: Schema<TrajectoryPoint> = trajectoryPointSchema;

/** One arm's trajectory statistics (`summary.json` → `trajectories`). */
export interface TrajectorySummary {
  /** Arm name. */
  arm: string;
  /** Records (item × seed) with a trajectory. */
  n: number;
  /** Mean number of attempts per record. */
  meanAttempts: number;
  /** Final vs first attempt, paired by item (seeds averaged first): Δ, bootstrap CI, sign test. */
  firstToFinal: PairedSummary;
  /** Flips from the first to the final attempt (wrong→right, right→wrong), per item × seed. */
  flips: Flips;
  /** Mean score and pass rate at each attempt. */
  curve: TrajectoryPoint[];
}

/** Schema of {@linkcode TrajectorySummary}. */
export const TrajectorySummarySchema: Schema<TrajectorySummary> = z.object({
  arm: z.string(),
  n: z.number().int().min(0),
  meanAttempts: z.number().min(0),
  firstToFinal: zodOf(PairedSummarySchema),
  flips: zodOf(FlipsSchema),
  curve: z.array(trajectoryPointSchema),
});

/** Options for {@linkcode summarizeTrajectory}. */
export interface SummarizeTrajectoryOptions {
  /** Bootstrap resamples. @default 9999 */
  resamples?: number;
  /** Seed of the bootstrap and permutation tests. @default 0 */
  seed?: number;
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

/**
 * Summarizes one arm's trajectories. Records without `attemptScores` (or unscored) are skipped.
 *
 * @param arm The arm name.
 * @param records The arm's records.
 * @param options Bootstrap settings.
 * @returns The summary, or undefined when no record carries a trajectory.
 *
 * @example Two items: one repaired on the second of three attempts, one broken on the last
 * ```ts
 * import { summarizeTrajectory } from "./trajectory.ts";
 * const rec = (id: string, scores: number[]) => ({
 *   id, arm: "trajectory", seed: 0, score: scores.at(-1)!, passed: scores.at(-1) === 1,
 *   initialScore: scores[0], rounds: scores.length - 1, calls: 0, studentCalls: 0, tokens: 0,
 *   stopReason: "recorded", ms: 0, simulated: false,
 *   attemptScores: scores, attemptPassed: scores.map((s) => s === 1),
 * });
 * const t = summarizeTrajectory("trajectory", [rec("a", [0, 1, 1]), rec("b", [1, 0])], {
 *   resamples: 99,
 * })!;
 * if (t.firstToFinal.delta !== 0 || t.flips.wrongToCorrect !== 1 || t.flips.correctToWrong !== 1) {
 *   throw new Error();
 * }
 * if (t.curve.map((p) => p.meanScore).join() !== "0.5,0.5,0.5" || t.curve[2].reached !== 1) {
 *   throw new Error();
 * }
 * ```
 */
export function summarizeTrajectory(
  arm: string,
  records: readonly ItemResult[],
  options: SummarizeTrajectoryOptions = {},
): TrajectorySummary | undefined {
  const rs = records.filter((r) => !r.unscored && r.attemptScores?.length);
  if (!rs.length) return undefined;
  const at = <T>(xs: readonly T[], k: number): T => xs[Math.min(k, xs.length - 1)];
  const first = rs.map((r) => ({ ...r, score: r.attemptScores![0], passed: r.attemptPassed![0] }));
  const final = rs.map((r) => ({
    ...r,
    score: r.attemptScores!.at(-1)!,
    passed: r.attemptPassed!.at(-1)!,
  }));
  // Paired by item: each item's first and final scores averaged over its seeds.
  const byItem = new Map<string, { a: number[]; b: number[] }>();
  for (let i = 0; i < rs.length; i++) {
    const entry = byItem.get(rs[i].id) ?? { a: [], b: [] };
    entry.a.push(first[i].score);
    entry.b.push(final[i].score);
    byItem.set(rs[i].id, entry);
  }
  const ids = [...byItem.keys()].sort();
  const firstToFinal = summarizePaired(
    ids.map((id) => mean(byItem.get(id)!.a)),
    ids.map((id) => mean(byItem.get(id)!.b)),
    { resamples: options.resamples ?? 9999, seed: options.seed ?? 0 },
  );
  const longest = Math.max(...rs.map((r) => r.attemptScores!.length));
  const curve = Array.from({ length: longest }, (_, k): TrajectoryPoint => ({
    attempt: k,
    meanScore: mean(rs.map((r) => at(r.attemptScores!, k))),
    passRate: mean(rs.map((r) => (at(r.attemptPassed!, k) ? 1 : 0))),
    reached: rs.filter((r) => r.attemptScores!.length > k).length,
  }));
  return {
    arm,
    n: rs.length,
    meanAttempts: mean(rs.map((r) => r.attemptScores!.length)),
    firstToFinal,
    flips: countFlips(first, final),
    curve,
  };
}
