/**
 * One call that reports everything a paired comparison needs: means, Δ, a bootstrap CI, the exact
 * sign test, the permutation test and wins/ties/losses. The record is what goes into
 * `summary.json`.
 *
 * @module
 */
import { z } from "zod";
import { type BootstrapCi, BootstrapCiSchema } from "./bootstrap_ci_schema.ts";
import { bootstrapCi, type BootstrapCiOptions } from "./bootstrap_ci.ts";
import {
  type PermutationTest,
  permutationTest,
  PermutationTestSchema,
} from "./permutation_test.ts";
import { type SignTest, signTestCounts, SignTestSchema } from "./sign_test.ts";
import { type WinsTiesLosses, winsTiesLosses, WinsTiesLossesSchema } from "./wins_ties_losses.ts";
import { assertInteger, assertPaired } from "./validate.ts";
import type { Schema } from "../schemas/schema.ts";
import { zodOf } from "../schemas/zod_of.ts";

/** A paired comparison of baseline `a` against treatment `b`. */
export interface PairedSummary {
  /** Number of pairs. */
  n: number;
  /** Mean baseline score; null when n = 0. */
  meanA: number | null;
  /** Mean treatment score; null when n = 0. */
  meanB: number | null;
  /** mean(b − a); null when n = 0. */
  delta: number | null;
  /** Bootstrap CI of Δ; `ci.method` names the method. */
  ci: BootstrapCi;
  /** Exact sign test on discordant pairs (ties by `tolerance`). */
  signTest: SignTest;
  /** Paired sign-flip permutation test of the mean difference. */
  permutation: PermutationTest;
  /** Wins (b better), ties and losses, by `tolerance`. */
  wtl: WinsTiesLosses;
  /** Tie tolerance used for the sign test and W/T/L. */
  tolerance: number;
}

/** Schema of {@linkcode PairedSummary}; validate `summary.json` entries with it. */
export const PairedSummarySchema: Schema<PairedSummary> = z.object({
  n: z.number().int().min(0),
  meanA: z.number().nullable(),
  meanB: z.number().nullable(),
  delta: z.number().nullable(),
  ci: zodOf(BootstrapCiSchema),
  signTest: zodOf(SignTestSchema),
  permutation: zodOf(PermutationTestSchema),
  wtl: zodOf(WinsTiesLossesSchema),
  tolerance: z.number().min(0),
});

/** Options for {@linkcode summarizePaired}. */
export interface SummarizePairedOptions extends BootstrapCiOptions {
  /** |b − a| ≤ tolerance counts as a tie (sign test and W/T/L). @default 0 */
  tolerance?: number;
  /** Monte Carlo resamples of the permutation test (used when n > 20). @default 9999 */
  permutationResamples?: number;
}

/**
 * Summarizes paired scores: n, means, Δ, bootstrap CI (BCa by default), sign-test p, permutation p
 * and wins/ties/losses. The same `seed` drives the bootstrap and the permutation test.
 *
 * @param a Baseline scores.
 * @param b Treatment scores, paired with `a` by index.
 * @param options CI method, confidence, resamples, seed, tie tolerance, permutation resamples.
 * @returns A record valid under {@linkcode PairedSummarySchema}.
 * @throws {RangeError} when lengths differ or an option is out of range.
 * @throws {TypeError} when a score is not a finite number.
 *
 * @example Pass/fail before and after revision
 * ```ts
 * import { summarizePaired } from "./summarize_paired.ts";
 * const before = [0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0];
 * const after = [1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 1, 0];
 * const s = summarizePaired(before, after, { resamples: 1999 });
 * if (s.delta !== 0.25 || s.wtl.wins !== 3 || s.signTest.p !== 0.25) throw new Error();
 * ```
 */
export function summarizePaired(
  a: readonly number[],
  b: readonly number[],
  options: SummarizePairedOptions = {},
): PairedSummary {
  assertPaired(a, b);
  const tolerance = options.tolerance ?? 0;
  const permutationResamples = options.permutationResamples ?? 9999;
  assertInteger(permutationResamples, "permutationResamples", { min: 1, max: 1e8 });
  const wtl = winsTiesLosses(a, b, { tolerance });
  const ci = bootstrapCi(a, b, options);
  const n = a.length;
  let sumA = 0, sumB = 0;
  for (let i = 0; i < n; i++) {
    sumA += a[i];
    sumB += b[i];
  }
  return {
    n,
    meanA: n ? sumA / n : null,
    meanB: n ? sumB / n : null,
    delta: ci.mean,
    ci,
    signTest: signTestCounts(wtl.wins, wtl.losses, { ties: wtl.ties }),
    permutation: permutationTest(a, b, { resamples: permutationResamples, seed: ci.seed }),
    wtl,
    tolerance,
  };
}
