/**
 * The paired permutation (sign-flip) test of the mean difference. Under the null hypothesis that
 * the treatment does not change the score, each pair's labels are exchangeable, so each difference
 * `b[i] − a[i]` is equally likely to have either sign. The test statistic is the mean difference;
 * the two-sided p-value is the share of sign assignments whose |mean| is at least the observed one.
 *
 * @module
 */
import { z } from "zod";
import { createRng } from "../util/prng.ts";
import { DEFAULT_SEED } from "./default_seed.ts";
import { assertInteger, assertPaired, assertSeed } from "./validate.ts";
import type { Schema } from "../schemas/schema.ts";

/** Result of a paired permutation test. */
export interface PermutationTest {
  /** `"exact"`: every sign assignment enumerated; `"monte_carlo"`: random sign flips. */
  method: "exact" | "monte_carlo";
  /** Number of pairs. */
  n: number;
  /** The observed mean difference mean(b − a); null when n = 0. */
  mean: number | null;
  /** Two-sided p-value. Exact: share of all 2^m assignments; Monte Carlo: (count + 1) / (R + 1). */
  p: number;
  /** Sign assignments evaluated: 2^m for exact (m = non-zero differences), R for Monte Carlo. */
  permutations: number;
  /** Seed of the Monte Carlo draws (recorded for exact runs too, where it is unused). */
  seed: number;
  /** Set for degenerate inputs (no pairs, all differences zero). */
  note?: string;
}

/** Schema of {@linkcode PermutationTest}. */
export const PermutationTestSchema: Schema<PermutationTest> = z.object({
  method: z.enum(["exact", "monte_carlo"]),
  n: z.number().int().min(0),
  mean: z.number().nullable(),
  p: z.number().min(0).max(1),
  permutations: z.number().int().min(0),
  seed: z.number().int(),
  note: z.string().optional(),
});

/** Options for {@linkcode permutationTest}. */
export interface PermutationTestOptions {
  /**
   * Enumerate all 2^m sign assignments when the number m of non-zero differences is at most this
   * (zero differences do not change under a flip, so dropping them leaves p unchanged). At most 40.
   * @default 20
   */
  exactMaxN?: number;
  /** Random sign assignments for the Monte Carlo test. @default 9999 */
  resamples?: number;
  /** Seed of the Monte Carlo draws. @default DEFAULT_SEED */
  seed?: number;
}

/**
 * Two-sided paired permutation test of mean(b − a) = 0, exact for small samples.
 *
 * Exact enumeration splits the non-zero differences into two halves, lists the 2^(m/2) signed sums of
 * each, and counts qualifying combinations with a sorted search, so m = 20 costs about 2·1024 sums
 * rather than a million. Sums within 1e-10·Σ|d| of the observed |sum| count as "at least as extreme",
 * so exact ties are not lost to rounding. Monte Carlo uses p = (count + 1)/(R + 1), which is a
 * valid p-value for any R.
 *
 * @param a Baseline scores.
 * @param b Treatment scores, paired with `a` by index.
 * @param options Exact threshold, resamples and seed.
 * @returns Method, n, observed mean, p and the number of assignments evaluated.
 * @throws {RangeError} when lengths differ or an option is out of range.
 *
 * @example Three positive differences: 2 of the 8 sign patterns are as extreme
 * ```ts
 * import { permutationTest } from "./permutation_test.ts";
 * const r = permutationTest([0, 0, 0], [1, 2, 3]);
 * if (r.method !== "exact" || r.p !== 0.25) throw new Error(String(r.p));
 * ```
 */
export function permutationTest(
  a: readonly number[],
  b: readonly number[],
  options: PermutationTestOptions = {},
): PermutationTest {
  assertPaired(a, b);
  const exactMaxN = options.exactMaxN ?? 20;
  const resamples = options.resamples ?? 9999;
  const seed = options.seed ?? DEFAULT_SEED;
  assertInteger(exactMaxN, "exactMaxN", { min: 0, max: 40 });
  assertInteger(resamples, "resamples", { min: 1, max: 1e8 });
  assertSeed(seed);
  const n = a.length;
  if (n === 0) {
    return {
      method: "exact",
      n: 0,
      mean: null,
      p: 1,
      permutations: 0,
      seed,
      note: "no pairs: nothing to test (p = 1)",
    };
  }
  const d: number[] = [];
  let total = 0, absTotal = 0;
  for (let i = 0; i < n; i++) {
    const x = b[i] - a[i];
    total += x;
    if (x !== 0) {
      d.push(x);
      absTotal += Math.abs(x);
    }
  }
  const mean = total / n;
  const m = d.length;
  if (m === 0) {
    return {
      method: "exact",
      n,
      mean,
      p: 1,
      permutations: 1,
      seed,
      note: "all differences are zero: every sign assignment equals the observed one (p = 1)",
    };
  }
  const threshold = Math.abs(total) - 1e-10 * absTotal;
  if (m <= exactMaxN) {
    const p = threshold <= 0 ? 1 : exactShare(d, threshold);
    return { method: "exact", n, mean, p, permutations: 2 ** m, seed };
  }
  const rng = createRng(seed);
  let count = 0;
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    let bits = 0;
    for (let i = 0; i < m; i++) {
      if ((i & 31) === 0) bits = rng.next() * 4294967296;
      s += (bits & 1) ? d[i] : -d[i];
      bits >>>= 1;
    }
    if (Math.abs(s) >= threshold) count++;
  }
  return {
    method: "monte_carlo",
    n,
    mean,
    p: Math.min(1, (count + 1) / (resamples + 1)),
    permutations: resamples,
    seed,
  };
}

/** Share of the 2^m signed sums with |sum| ≥ threshold (> 0), by meet in the middle. */
function exactShare(d: readonly number[], threshold: number): number {
  const half = Math.ceil(d.length / 2);
  const left = signedSums(d.slice(0, half));
  const right = signedSums(d.slice(half)).sort();
  let count = 0;
  for (const l of left) {
    // l + r ≥ threshold  ⇔  r ≥ threshold − l;   l + r ≤ −threshold  ⇔  r ≤ −threshold − l
    count += right.length - lowerBound(right, threshold - l);
    count += upperBound(right, -threshold - l);
  }
  return count / 2 ** d.length;
}

/** All 2^k sums Σ ±x_i, each computed with at most k additions. */
function signedSums(xs: readonly number[]): Float64Array {
  const out = new Float64Array(2 ** xs.length);
  out[0] = 0;
  let size = 1;
  for (const x of xs) {
    for (let j = 0; j < size; j++) {
      out[j + size] = out[j] - x;
      out[j] += x;
    }
    size *= 2;
  }
  return out;
}

/** Index of the first element ≥ value. */
function lowerBound(sorted: Float64Array, value: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of elements ≤ value. */
function upperBound(sorted: Float64Array, value: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
