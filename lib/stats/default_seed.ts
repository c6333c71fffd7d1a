/**
 * The seed every resampling function in `lib/stats` uses when none is given, so a report computed
 * twice from the same data shows the same intervals and p-values.
 *
 * @module
 */

/**
 * Default seed of bootstrap, permutation and power simulations.
 *
 * @example Use it to reproduce a default run explicitly
 * ```ts
 * import { DEFAULT_SEED } from "./default_seed.ts";
 * if (!Number.isSafeInteger(DEFAULT_SEED)) throw new Error();
 * ```
 */
export const DEFAULT_SEED = 20240917;
