/**
 * The paired mean difference Δ = mean(b − a).
 *
 * @module
 */
import { assertPaired } from "./validate.ts";

/**
 * Mean of the paired differences `b[i] − a[i]` (positive when `b` is better, for higher-is-better scores).
 *
 * @param a Baseline scores.
 * @param b Treatment scores, paired with `a` by index.
 * @returns mean(b − a).
 * @throws {RangeError} when there are no pairs (the mean of nothing is undefined) or lengths differ.
 * @throws {TypeError} when a score is not a finite number.
 *
 * @example Revision gains a quarter point on average
 * ```ts
 * import { meanDelta } from "./mean_delta.ts";
 * if (meanDelta([0, 1, 0, 1], [1, 1, 0, 1]) !== 0.25) throw new Error();
 * ```
 */
export function meanDelta(a: readonly number[], b: readonly number[]): number {
  assertPaired(a, b);
  if (a.length === 0) throw new RangeError("meanDelta needs at least one pair, got a.length=0");
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += b[i] - a[i];
  return sum / a.length;
}
