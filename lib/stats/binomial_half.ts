/**
 * Exact binomial probabilities for a fair coin (p = ½), computed in log space so they stay accurate
 * for any number of trials. This is the null distribution of the sign test and of exact McNemar.
 *
 * @module
 */
import { assertInteger } from "./validate.ts";

/** The two-sided tail probabilities of an exact test on a fair-coin binomial count. */
export interface BinomialHalfTest {
  /** Exact two-sided p = min(1, 2·P(X ≤ min(k, n − k))). */
  p: number;
  /** Two-sided mid-p = min(1, 2·(P(X ≤ m) − ½·P(X = m))) with m = min(k, n − k). */
  midP: number;
}

/**
 * Two-sided exact and mid-p values for observing `k` successes in `n` fair-coin trials.
 *
 * The exact p doubles the smaller tail (equal to the "sum of outcomes at most as likely" rule of
 * `scipy.stats.binomtest`, because the fair-coin distribution is symmetric). The mid-p counts only
 * half the probability of the observed outcome; it is closer to nominal size but not guaranteed
 * to be conservative.
 *
 * @param k Observed successes, 0 ≤ k ≤ n.
 * @param n Trials (n = 0 gives p = midP = 1).
 * @returns The exact and mid-p values.
 * @throws {RangeError} when `k` or `n` is not a suitable integer.
 *
 * @example Three out of three
 * ```ts
 * import { binomialHalfTest } from "./binomial_half.ts";
 * const r = binomialHalfTest(3, 3);
 * if (r.p !== 0.25 || r.midP !== 0.125) throw new Error();
 * ```
 */
export function binomialHalfTest(k: number, n: number): BinomialHalfTest {
  assertInteger(n, "n", { min: 0 });
  assertInteger(k, "k", { min: 0, max: n });
  if (n === 0) return { p: 1, midP: 1 };
  const m = Math.min(k, n - k);
  let cdf: number;
  let pmf: number;
  if (n <= 1000) {
    // 0.5^n is exact down to 2^-1074; the pmf recurrence keeps small counts (the usual case) exact.
    pmf = Math.pow(0.5, n);
    cdf = pmf;
    for (let j = 1; j <= m; j++) {
      pmf = pmf * (n - j + 1) / j;
      cdf += pmf;
    }
  } else {
    // log pmf(j) = log C(n, j) − n·ln 2; the pmf increases up to m ≤ n/2, so the last term is largest.
    const logHalfN = -n * Math.LN2;
    let logC = 0;
    const logs: number[] = [logHalfN];
    for (let j = 1; j <= m; j++) {
      logC += Math.log(n - j + 1) - Math.log(j);
      logs.push(logC + logHalfN);
    }
    const top = logs[logs.length - 1];
    let scaled = 0;
    for (const l of logs) scaled += Math.exp(l - top);
    pmf = Math.exp(top);
    cdf = pmf * scaled;
  }
  return { p: Math.min(1, 2 * cdf), midP: Math.min(1, 2 * (cdf - pmf / 2)) };
}
