/**
 * The exact two-sided sign test on discordant pairs: ties carry no information about direction and
 * are dropped; under the null each non-tied pair is a fair coin.
 *
 * @module
 */
import { z } from "zod";
import { binomialHalfTest } from "./binomial_half.ts";
import { winsTiesLosses } from "./wins_ties_losses.ts";
import { assertInteger } from "./validate.ts";
import type { Schema } from "../schemas/schema.ts";

/** Result of an exact sign test. */
export interface SignTest {
  /** Pairs where the treatment is better. */
  wins: number;
  /** Tied pairs (dropped from the test). */
  ties: number;
  /** Pairs where the baseline is better. */
  losses: number;
  /** Exact two-sided p = min(1, 2·P(X ≤ min(wins, losses))), X ~ Binomial(wins + losses, ½). */
  p: number;
  /**
   * Two-sided mid-p: the observed outcome's probability counted half. Closer to nominal size than the
   * conservative exact p, but not guaranteed ≤ α.
   */
  midP: number;
  /** Set when there are no discordant pairs. */
  note?: string;
}

/** Schema of {@linkcode SignTest}. */
export const SignTestSchema: Schema<SignTest> = z.object({
  wins: z.number().int().min(0),
  ties: z.number().int().min(0),
  losses: z.number().int().min(0),
  p: z.number().min(0).max(1),
  midP: z.number().min(0).max(1),
  note: z.string().optional(),
});

/** Options for {@linkcode signTest}. */
export interface SignTestOptions {
  /** Differences with |b − a| ≤ tolerance are ties. @default 0 */
  tolerance?: number;
}

/**
 * Exact two-sided sign test of paired scores: are wins (b > a) and losses (b < a) equally likely?
 *
 * @param a Baseline scores.
 * @param b Treatment scores, paired with `a` by index.
 * @param options Tie tolerance.
 * @returns Counts, exact p and mid-p.
 * @throws {RangeError} when lengths differ or the tolerance is negative.
 *
 * @example Three wins and nine ties give p = 0.25
 * ```ts
 * import { signTest } from "./sign_test.ts";
 * const a = Array(12).fill(0);
 * const b = [1, 1, 1, ...Array(9).fill(0)];
 * if (signTest(a, b).p !== 0.25) throw new Error();
 * ```
 */
export function signTest(
  a: readonly number[],
  b: readonly number[],
  options: SignTestOptions = {},
): SignTest {
  const { wins, ties, losses } = winsTiesLosses(a, b, { tolerance: options.tolerance ?? 0 });
  return signTestCounts(wins, losses, { ties });
}

/** Options for {@linkcode signTestCounts}. */
export interface SignTestCountsOptions {
  /** Number of ties, recorded in the result only (ties do not enter the test). @default 0 */
  ties?: number;
}

/**
 * Exact two-sided sign test from counts of wins and losses.
 *
 * @param wins Pairs where the treatment is better.
 * @param losses Pairs where the baseline is better.
 * @param options Tie count to record.
 * @returns Counts, exact p and mid-p; p = 1 with a note when there are no discordant pairs.
 * @throws {RangeError} when a count is not a non-negative integer.
 *
 * @example 8 wins against 1 loss
 * ```ts
 * import { signTestCounts } from "./sign_test.ts";
 * const r = signTestCounts(8, 1);
 * if (Math.abs(r.p - 20 / 512) > 1e-15) throw new Error(String(r.p));
 * ```
 */
export function signTestCounts(
  wins: number,
  losses: number,
  options: SignTestCountsOptions = {},
): SignTest {
  const ties = options.ties ?? 0;
  assertInteger(wins, "wins", { min: 0 });
  assertInteger(losses, "losses", { min: 0 });
  assertInteger(ties, "ties", { min: 0 });
  const { p, midP } = binomialHalfTest(wins, wins + losses);
  const result: SignTest = { wins, ties, losses, p, midP };
  if (wins + losses === 0) {
    result.note = "no discordant pairs: the sign test has no information about direction (p = 1)";
  }
  return result;
}
