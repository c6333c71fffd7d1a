/**
 * Paired bootstrap confidence interval of the mean difference mean(b − a): resample pairs (not the two
 * arms separately), which keeps each item's baseline and treatment together and so respects the
 * pairing.
 *
 * @module
 */
import type { BootstrapCi, BootstrapMethod } from "./bootstrap_ci_schema.ts";
import { bootstrapUnits } from "./bootstrap_units.ts";
import { DEFAULT_SEED } from "./default_seed.ts";
import { assertInteger, assertNumberIn, assertPaired, assertSeed } from "./validate.ts";

/** Options shared by the bootstrap interval functions. */
export interface BootstrapCiOptions {
  /** "bca" (bias-corrected and accelerated) or "percentile". @default "bca" */
  method?: BootstrapMethod;
  /** Two-sided confidence level, strictly between 0 and 1. @default 0.95 */
  confidence?: number;
  /** Bootstrap resamples. @default 9999 */
  resamples?: number;
  /** Seed of the resampling. @default DEFAULT_SEED */
  seed?: number;
}

/**
 * Paired bootstrap CI of mean(b − a), BCa by default.
 *
 * BCa corrects the percentile interval for bias (ẑ₀, from where the estimate falls in the bootstrap
 * distribution) and skewness (â, from the jackknife); it is second-order accurate and the better
 * default for skewed or bounded scores. With all differences equal the result is a point interval
 * with a note; with n = 0 or 1 the bounds are null with a note — never NaN.
 *
 * @param a Baseline scores.
 * @param b Treatment scores, paired with `a` by index.
 * @param options Method, confidence, resamples, seed.
 * @returns The interval record (method, resamples, seed, n, mean, bounds, se).
 * @throws {RangeError} when lengths differ or an option is out of range.
 * @throws {TypeError} when a score is not a finite number.
 *
 * @example A clear improvement excludes zero
 * ```ts
 * import { bootstrapCi } from "./bootstrap_ci.ts";
 * const a = [0.2, 0.4, 0.1, 0.5, 0.3, 0.6, 0.2, 0.4];
 * const b = a.map((x, i) => x + 0.3 + (i % 3) * 0.05);
 * const ci = bootstrapCi(a, b, { resamples: 1999 });
 * if (ci.method !== "bca" || !ci.excludesZero || ci.low! <= 0) throw new Error();
 * ```
 */
export function bootstrapCi(
  a: readonly number[],
  b: readonly number[],
  options: BootstrapCiOptions = {},
): BootstrapCi {
  assertPaired(a, b);
  const settings = bootstrapSettings(options);
  const d = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) d[i] = b[i] - a[i];
  return bootstrapUnits(d, settings);
}

/**
 * Validates bootstrap options and fills in defaults.
 *
 * @param options User options.
 * @returns Complete settings.
 * @throws {RangeError} naming the bad option.
 *
 * @example Defaults
 * ```ts
 * import { bootstrapSettings } from "./bootstrap_ci.ts";
 * const s = bootstrapSettings({});
 * if (s.method !== "bca" || s.resamples !== 9999 || s.confidence !== 0.95) throw new Error();
 * ```
 */
export function bootstrapSettings(options: BootstrapCiOptions): Required<BootstrapCiOptions> {
  const method = options.method ?? "bca";
  const confidence = options.confidence ?? 0.95;
  const resamples = options.resamples ?? 9999;
  const seed = options.seed ?? DEFAULT_SEED;
  if (method !== "bca" && method !== "percentile") {
    throw new RangeError(`method must be "bca" or "percentile", got ${JSON.stringify(method)}`);
  }
  assertNumberIn(confidence, "confidence", { min: 0, max: 1, openMin: true, openMax: true });
  assertInteger(resamples, "resamples", { min: 1, max: 1e8 });
  assertSeed(seed);
  return { method, confidence, resamples, seed };
}
