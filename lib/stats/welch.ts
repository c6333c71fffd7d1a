/**
 * Small two-sample statistics for noise-aware acceptance (autoresearch's keep/discard rule): mean,
 * sample variance, Student's t CDF, Welch's unequal-variance t-test and the paired t-test, all
 * one-sided ("is B better than A?").
 *
 * @module
 */

/** The outcome of a one-sided two-sample test of "the candidate is better than the incumbent". */
export interface TTestResult {
  /** Mean improvement (positive = better), in metric units. */
  improvement: number;
  /** Standard error of the improvement; 0 when the samples show no noise. */
  se: number;
  /** The t statistic (`improvement / se`; ±Infinity when `se` is 0 and the improvement is not). */
  t: number;
  /** Degrees of freedom (Welch–Satterthwaite for Welch; n − 1 for paired). */
  df: number;
  /** One-sided p-value of "no improvement" (1 when it cannot be computed). */
  p: number;
}

/**
 * Arithmetic mean.
 *
 * @param xs Samples (at least one).
 * @returns The mean.
 *
 * @example Mean of three values
 * ```ts
 * import { mean } from "./welch.ts";
 * if (mean([1, 2, 3]) !== 2) throw new Error("expected 2");
 * ```
 */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError("mean: samples must not be empty");
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/**
 * Unbiased sample variance (n − 1 denominator); 0 for a single sample.
 *
 * @param xs Samples (at least one).
 * @returns The sample variance.
 *
 * @example Variance of 1, 2, 3
 * ```ts
 * import { sampleVariance } from "./welch.ts";
 * if (sampleVariance([1, 2, 3]) !== 1) throw new Error("expected 1");
 * ```
 */
export function sampleVariance(xs: readonly number[]): number {
  const m = mean(xs);
  if (xs.length < 2) return 0;
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return s / (xs.length - 1);
}

/**
 * Cumulative distribution function of Student's t distribution.
 *
 * @param t The statistic.
 * @param df Degrees of freedom (> 0; may be fractional).
 * @returns P(T ≤ t).
 *
 * @example The median is zero
 * ```ts
 * import { studentTCdf } from "./welch.ts";
 * if (Math.abs(studentTCdf(0, 5) - 0.5) > 1e-12) throw new Error("expected 0.5");
 * if (Math.abs(studentTCdf(2.015, 5) - 0.95) > 1e-3) throw new Error("expected about 0.95");
 * ```
 */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`studentTCdf: df must be > 0, got ${df}`);
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const x = df / (df + t * t);
  const tail = 0.5 * regularizedIncompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Options for {@linkcode welchTest} and {@linkcode pairedTest}. */
export interface TestOptions {
  /** Which way is better. @default "minimize" */
  direction?: "minimize" | "maximize";
}

/**
 * One-sided Welch t-test of "the candidate is better than the incumbent" (unequal variances).
 * With fewer than two samples on a side, or zero pooled noise, the p-value is 1 unless the
 * improvement is positive with zero noise (then 0).
 *
 * @param candidate Candidate samples.
 * @param incumbent Incumbent samples.
 * @param options Metric direction.
 * @returns Improvement, standard error, t, df and p.
 *
 * @example A clear improvement of a minimised metric
 * ```ts
 * import { welchTest } from "./welch.ts";
 * const r = welchTest([5.1, 4.9, 5.0], [10.2, 9.8, 10.0]);
 * if (!(r.improvement > 4.9 && r.p < 0.001)) throw new Error("expected a significant improvement");
 * ```
 */
export function welchTest(
  candidate: readonly number[],
  incumbent: readonly number[],
  options: TestOptions = {},
): TTestResult {
  const sign = (options.direction ?? "minimize") === "minimize" ? -1 : 1;
  const improvement = sign * (mean(candidate) - mean(incumbent));
  const nc = candidate.length, ni = incumbent.length;
  if (nc < 2 || ni < 2) return noNoise(improvement, nc + ni - 2, false);
  const vc = sampleVariance(candidate) / nc, vi = sampleVariance(incumbent) / ni;
  const se = Math.sqrt(vc + vi);
  if (se === 0) return noNoise(improvement, nc + ni - 2, true);
  const df = (vc + vi) ** 2 / ((vc * vc) / (nc - 1) + (vi * vi) / (ni - 1));
  const t = improvement / se;
  return { improvement, se, t, df, p: 1 - studentTCdf(t, df) };
}

/**
 * One-sided paired t-test over the first `min(n)` pairs (pair i = repeat i run with the same seed).
 *
 * @param candidate Candidate samples, in repeat order.
 * @param incumbent Incumbent samples, in the same repeat order.
 * @param options Metric direction.
 * @returns Improvement (mean paired difference), standard error, t, df and p.
 *
 * @example Paired differences remove shared noise
 * ```ts
 * import { pairedTest } from "./welch.ts";
 * const r = pairedTest([9.0, 12.0, 7.1], [10.0, 13.1, 8.0]);
 * if (!(r.p < 0.01)) throw new Error("expected significance");
 * ```
 */
export function pairedTest(
  candidate: readonly number[],
  incumbent: readonly number[],
  options: TestOptions = {},
): TTestResult {
  const sign = (options.direction ?? "minimize") === "minimize" ? -1 : 1;
  const n = Math.min(candidate.length, incumbent.length);
  if (n === 0) throw new RangeError("pairedTest: both sample lists must be non-empty");
  const diffs = Array.from({ length: n }, (_, i) => sign * (candidate[i] - incumbent[i]));
  const improvement = mean(diffs);
  if (n < 2) return noNoise(improvement, 0, false);
  const se = Math.sqrt(sampleVariance(diffs) / n);
  if (se === 0) return noNoise(improvement, n - 1, true);
  const t = improvement / se;
  return { improvement, se, t, df: n - 1, p: 1 - studentTCdf(t, n - 1) };
}

function noNoise(improvement: number, df: number, measured: boolean): TTestResult {
  // Without a noise measurement the test cannot reject; with measured zero noise any gain is real.
  if (!measured) return { improvement, se: 0, t: NaN, df, p: 1 };
  const t = improvement > 0 ? Infinity : improvement < 0 ? -Infinity : 0;
  return { improvement, se: 0, t, df, p: improvement > 0 ? 0 : 1 };
}

/** Regularized incomplete beta I_x(a, b) by Lentz's continued fraction (Numerical Recipes 6.4). */
function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) +
    b * Math.log(1 - x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-14) break;
  }
  return h;
}

/** Lanczos approximation of ln Γ(z) for z > 0. */
function logGamma(z: number): number {
  const g = 7;
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  z -= 1;
  let x = c[0];
  for (let i = 1; i < g + 2; i++) x += c[i] / (z + i);
  const t = z + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x);
}
