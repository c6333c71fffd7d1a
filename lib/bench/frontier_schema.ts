/**
 * The record `estimateFrontier` produces and `frontier.json` holds: the estimated pass rate and mean
 * token cost of every (n_p, n_fr) configuration, the exact plain-sampling curve, and the
 * equal-cost comparison of each repair configuration with sampling.
 *
 * @module
 */
import { z } from "zod";
import type { Equals, Schema } from "../schemas/schema.ts";

/** One configuration's estimate. */
export interface FrontierPoint {
  /** Initial samples n_p. */
  np: number;
  /** Repairs per failing sample n_fr (0 = plain sampling, pass@n_p). */
  nfr: number;
  /** Estimated pass rate (mean over items of the subsampled pass probability). */
  passRate: number;
  /** Lower end of the bootstrap CI over items (null with fewer than two items). */
  low: number | null;
  /** Upper end of the bootstrap CI over items. */
  high: number | null;
  /** Estimated mean tokens per item (see the cost definition). */
  meanTokens: number;
  /** n_fr = 0 only: the closed-form pass@n_p from the pool's counts, for comparison. */
  exact?: number;
}

/** One point of the exact plain-sampling curve (closed-form pass@k, k × mean sample tokens). */
export interface SamplingPoint {
  /** Samples k. */
  np: number;
  /** Mean over items of pass@k = 1 − C(n−c, k)/C(n, k). */
  passRate: number;
  /** Mean tokens per item of k samples. */
  meanTokens: number;
}

/** A repair configuration against plain sampling at the same mean token cost. */
export interface FrontierComparison {
  /** Initial samples n_p. */
  np: number;
  /** Repairs per failing sample n_fr (> 0). */
  nfr: number;
  /** The configuration's mean tokens per item. */
  meanTokens: number;
  /** The configuration's estimated pass rate. */
  passRate: number;
  /** The samples k (fractional: linear interpolation) plain sampling buys at that cost; null when beyond its range. */
  samplingK: number | null;
  /** Plain sampling's pass rate at the same mean cost; null when beyond its range. */
  samplingPassRate: number | null;
  /** passRate − samplingPassRate; null when beyond the sampling curve's range. */
  delta: number | null;
  /** Lower end of the paired bootstrap CI over items of Δ. */
  low: number | null;
  /** Upper end. */
  high: number | null;
  /** The CI lies strictly above or below 0. */
  excludesZero: boolean;
  /** Why there is no comparison (beyond the sampling curve), when so. */
  note?: string;
}

/** Everything `frontier.json` holds. */
export interface Frontier {
  /** Run name. */
  run: string;
  /** The authors were simulated: every output says SIMULATED. */
  simulated: boolean;
  /** Task kind. */
  task: string;
  /** Critic part of the pool's repairs. */
  critic: string;
  /** Gate of the pool. */
  gate: string;
  /** Parts that see the answer key (empty for an honest pool). */
  answerKey: string[];
  /** Code tasks: which tests scored the pool (`hidden`, or `all`: visible + hidden). */
  scoreTests?: "hidden" | "all";
  /** Items (estimation units). */
  items: number;
  /** Initial samples per item in the pool (the smallest over items). */
  poolInitial: number;
  /** Repairs per failing sample in the pool (the smallest over failing samples). */
  poolRepairs: number;
  /** Subsampling draws per item and configuration. */
  draws: number;
  /** Which repairs a configuration uses: the first n_fr, or n_fr drawn without replacement. */
  repairOrder: "first" | "subsample";
  /** Seed of the subsampling and the bootstrap. */
  seed: number;
  /** Confidence level of the intervals. */
  confidence: number;
  /** Bootstrap resamples. */
  resamples: number;
  /** How the cost of a configuration is counted. */
  costDefinition: string;
  /** Every grid configuration. */
  points: FrontierPoint[];
  /** The exact sampling curve, k = 1 … poolInitial. */
  sampling: SamplingPoint[];
  /** Every repair configuration against sampling at the same cost. */
  comparisons: FrontierComparison[];
  /** One line: "repair beats sampling at …" or "no configuration beats sampling …". */
  verdict: string;
}

const num = z.number();
const ci = z.number().nullable();

const pointObject = z.object({
  np: z.number().int().positive(),
  nfr: z.number().int().min(0),
  passRate: num,
  low: ci,
  high: ci,
  meanTokens: num,
  exact: num.optional(),
});
/** Schema of {@linkcode FrontierPoint}. */
export const FrontierPointSchema: Schema<FrontierPoint> = pointObject;
const _point: Equals<z.infer<typeof pointObject>, FrontierPoint> = true;

const samplingObject = z.object({
  np: z.number().int().positive(),
  passRate: num,
  meanTokens: num,
});
const _sampling: Equals<z.infer<typeof samplingObject>, SamplingPoint> = true;

const comparisonObject = z.object({
  np: z.number().int().positive(),
  nfr: z.number().int().positive(),
  meanTokens: num,
  passRate: num,
  samplingK: num.nullable(),
  samplingPassRate: num.nullable(),
  delta: num.nullable(),
  low: ci,
  high: ci,
  excludesZero: z.boolean(),
  note: z.string().optional(),
});
const _comparison: Equals<z.infer<typeof comparisonObject>, FrontierComparison> = true;

const frontierObject = z.object({
  run: z.string(),
  simulated: z.boolean(),
  task: z.string(),
  critic: z.string(),
  gate: z.string(),
  answerKey: z.array(z.string()),
  scoreTests: z.enum(["hidden", "all"]).optional(),
  items: z.number().int().min(0),
  poolInitial: z.number().int().min(0),
  poolRepairs: z.number().int().min(0),
  draws: z.number().int().positive(),
  repairOrder: z.enum(["first", "subsample"]),
  seed: z.number().int(),
  confidence: num,
  resamples: z.number().int().positive(),
  costDefinition: z.string(),
  points: z.array(pointObject),
  sampling: z.array(samplingObject),
  comparisons: z.array(comparisonObject),
  verdict: z.string(),
});
/**
 * Schema of {@linkcode Frontier} (`frontier.json`).
 *
 * @example
 * ```ts
 * import { FrontierSchema } from "./frontier_schema.ts";
 * const bad = FrontierSchema.safeParse({ run: "x" });
 * if (bad.success) throw new Error();
 * ```
 */
export const FrontierSchema: Schema<Frontier> = frontierObject;
const _frontier: Equals<z.infer<typeof frontierObject>, Frontier> = true;
