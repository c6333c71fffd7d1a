/**
 * Quantiles of an already sorted sample, by linear interpolation between order statistics
 * (Hyndman–Fan type 7, the default of NumPy's `percentile` and SciPy's `stats.quantile`).
 *
 * @module
 */

/**
 * The `p`-quantile of a sorted sample: with h = (n − 1)·p, interpolates linearly between
 * `sorted[⌊h⌋]` and `sorted[⌊h⌋ + 1]`.
 *
 * @param sorted Values in ascending order (not checked, for speed); at least one value.
 * @param p Probability in [0, 1].
 * @returns The interpolated quantile.
 * @throws {RangeError} when `sorted` is empty or `p` is outside [0, 1].
 *
 * @example The median of four values
 * ```ts
 * import { quantileSorted } from "./quantile_sorted.ts";
 * if (quantileSorted([1, 2, 3, 10], 0.5) !== 2.5) throw new Error();
 * ```
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError("quantileSorted needs at least one value, got an empty sample");
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1];
  const frac = h - lo;
  const x = sorted[lo];
  return frac === 0 ? x : x + frac * (sorted[lo + 1] - x);
}
