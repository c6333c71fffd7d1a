/**
 * Inter-rater agreement: Krippendorff's α (interval, nominal, ordinal; any number of coders,
 * missing values allowed), Cohen's κ and raw agreement for two raters' labels, and a seeded
 * percentile bootstrap over units ({@linkcode agreementCi}) for any of them.
 *
 * Undefined statistics (no variation, nothing pairable) are `NaN` from the point functions and
 * `null` with a `note` in the {@linkcode AgreementCi} record, which is JSON and never holds NaN.
 *
 * @module
 */
import { z } from "zod";
import { createRng } from "../util/prng.ts";
import { DEFAULT_SEED } from "./default_seed.ts";
import { quantileSorted } from "./quantile_sorted.ts";
import { assertInteger, assertNumberIn, assertSeed, describeValue } from "./validate.ts";
import type { Schema } from "../schemas/schema.ts";

/** A bootstrap interval of an agreement statistic over units (items). */
export interface AgreementCi {
  /** The statistic on the data as given; null when it is undefined there (see `note`). */
  estimate: number | null;
  /** Percentile interval [low, high]; null when it cannot be estimated (see `note`). */
  ci: [number, number] | null;
  /** Two-sided confidence level, e.g. 0.95. */
  confidence: number;
  /** Number of units resampled. */
  units: number;
  /** Bootstrap resamples drawn (0 when none were needed or possible). */
  resamples: number;
  /** Resamples on which the statistic was undefined (NaN); they are left out of the interval. */
  undefinedResamples: number;
  /** Seed of the resampling. */
  seed: number;
  /** Why the estimate or the interval is missing, or how many resamples were left out. */
  note?: string;
}

/** Schema of {@linkcode AgreementCi}. */
export const AgreementCiSchema: Schema<AgreementCi> = z.object({
  estimate: z.number().nullable(),
  ci: z.tuple([z.number(), z.number()]).nullable(),
  confidence: z.number().gt(0).lt(1),
  units: z.number().int().min(0),
  resamples: z.number().int().min(0),
  undefinedResamples: z.number().int().min(0),
  seed: z.number().int(),
  note: z.string().optional(),
});

/** Level of measurement of the values, which fixes α's difference function δ². */
export type AlphaLevel = "interval" | "nominal" | "ordinal";

/** Options for {@linkcode krippendorffAlpha}. */
export interface KrippendorffAlphaOptions {
  /**
   * `"interval"`: δ² = (c − k)²; `"nominal"`: δ² = 1 when c ≠ k; `"ordinal"`: δ² from the ranks
   * of the values, (Σ_{g=c..k} n_g − (n_c + n_k)/2)².
   * @default "interval"
   */
  level?: AlphaLevel;
}

/**
 * Krippendorff's α for units × coders data with missing values, from the coincidence matrix
 * (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"):
 * α = 1 − (n − 1) · Σ o_ck δ²_ck / Σ n_c n_k δ²_ck, where a unit with m_u ≥ 2 values adds
 * 1/(m_u − 1) to o_ck for every ordered pair of its values (c from one coder, k from another),
 * n_c = Σ_k o_ck and n = Σ n_c is the number of pairable values. Units with fewer than 2 values are
 * dropped. The expected disagreement Σ n_c n_k δ²_ck is computed from the marginals in closed form
 * (for interval and ordinal data 2n·Σ n_c (x_c − x̄)², with x = the value or its mid-rank).
 *
 * @param data One row per unit, one entry per coder: a finite number, or null when missing. Rows
 * may differ in length.
 * @param options Level of measurement.
 * @returns α ≤ 1 (1 = perfect agreement, 0 = chance level); NaN when it is undefined: no unit has
 * 2 values, or all pairable values are equal (no variation, so D_e = 0).
 * @throws {TypeError} when `data` is not an array of arrays or a value is neither a finite number
 * nor null.
 * @throws {RangeError} when `level` is unknown.
 *
 * @example Krippendorff's (2011) worked example: 4 coders, 12 units, missing values
 * ```ts
 * import { krippendorffAlpha } from "./agreement.ts";
 * const coders = [
 *   [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
 *   [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
 *   [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
 *   [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
 * ];
 * const units = coders[0].map((_, u) => coders.map((c) => c[u]));
 * const alpha = krippendorffAlpha(units, { level: "nominal" });
 * if (alpha.toFixed(3) !== "0.743") throw new Error(String(alpha));
 * if (krippendorffAlpha(units).toFixed(3) !== "0.849") throw new Error();
 * ```
 */
export function krippendorffAlpha(
  data: readonly (readonly (number | null)[])[],
  options: KrippendorffAlphaOptions = {},
): number {
  const level = options.level ?? "interval";
  if (level !== "interval" && level !== "nominal" && level !== "ordinal") {
    throw new RangeError(
      `Cannot compute Krippendorff's alpha at level "interval" | "nominal" | "ordinal": ` +
        `current value is ${JSON.stringify(level)}`,
    );
  }
  const units = pairableUnits(data);
  if (units.length === 0) return NaN;
  const { values, counts, n } = marginals(units);
  if (values.length < 2) return NaN;
  // Position of each distinct value on the scale δ² measures: the value itself (interval), its
  // mid-rank among the pairable values (ordinal: (Σ_{g=c..k} n_g − (n_c + n_k)/2)² is the squared
  // difference of mid-ranks), or nothing (nominal).
  const scale = new Float64Array(values.length);
  let below = 0;
  for (let c = 0; c < values.length; c++) {
    scale[c] = level === "ordinal" ? below + (counts[c] + 1) / 2 : values[c];
    below += counts[c];
  }
  const delta2 = level === "nominal"
    ? (c: number, k: number): number => (c === k ? 0 : 1)
    : (c: number, k: number): number => (scale[c] - scale[k]) ** 2;

  // Observed: Σ_c Σ_k o_ck δ²_ck, the coincidence matrix accumulated unit by unit.
  let observed = 0;
  for (const unit of units) {
    const m = unit.length;
    const within = new Map<number, number>();
    for (const v of unit) {
      const c = indexOf(values, v);
      within.set(c, (within.get(c) ?? 0) + 1);
    }
    const present = [...within];
    for (let i = 0; i < present.length; i++) {
      for (let j = i + 1; j < present.length; j++) {
        const [c, nc] = present[i];
        const [k, nk] = present[j];
        observed += (2 * nc * nk / (m - 1)) * delta2(c, k); // o_ck and o_kc
      }
    }
  }

  // Expected: Σ_c Σ_k n_c n_k δ²_ck.
  let expected: number;
  if (level === "nominal") {
    let squares = 0;
    for (const nc of counts) squares += nc * nc;
    expected = n * n - squares;
  } else {
    let mean = 0;
    for (let c = 0; c < values.length; c++) mean += counts[c] * scale[c];
    mean /= n;
    let ss = 0;
    for (let c = 0; c < values.length; c++) ss += counts[c] * (scale[c] - mean) ** 2;
    expected = 2 * n * ss;
  }
  return 1 - ((n - 1) * observed) / expected;
}

/**
 * Cohen's κ for two raters' categorical labels: κ = (p_o − p_e) / (1 − p_e), with p_o the share
 * of equal labels and p_e = Σ_c p_a(c)·p_b(c) the agreement expected from each rater's own label
 * frequencies. Pairs where either label is null or undefined are skipped.
 *
 * @param a Labels of the first rater (e.g. "A", "B", "tie"); null or undefined when missing.
 * @param b Labels of the second rater, paired with `a` by index.
 * @returns κ ≤ 1; NaN when no pair has both labels or both raters used one and the same label
 * throughout (p_e = 1).
 * @throws {TypeError} when an input is not an array or a label is not a string, null or undefined.
 * @throws {RangeError} when the lengths differ.
 *
 * @example Eight of ten verdicts agree, balanced labels: κ = 0.6
 * ```ts
 * import { cohenKappa } from "./agreement.ts";
 * const a = ["A", "A", "A", "A", "A", "B", "B", "B", "B", "B"];
 * const b = ["A", "A", "A", "A", "B", "A", "B", "B", "B", "B"];
 * if (Math.abs(cohenKappa(a, b) - 0.6) > 1e-12) throw new Error();
 * ```
 */
export function cohenKappa(
  a: readonly (string | null | undefined)[],
  b: readonly (string | null | undefined)[],
): number {
  const pairs = labelPairs(a, b, "Cohen's kappa");
  if (pairs.length === 0) return NaN;
  const countA = new Map<string, number>();
  const countB = new Map<string, number>();
  let equal = 0;
  for (const [x, y] of pairs) {
    if (x === y) equal++;
    countA.set(x, (countA.get(x) ?? 0) + 1);
    countB.set(y, (countB.get(y) ?? 0) + 1);
  }
  const n = pairs.length;
  let chance = 0;
  for (const [label, na] of countA) chance += (na / n) * ((countB.get(label) ?? 0) / n);
  if (chance >= 1) return NaN;
  return (equal / n - chance) / (1 - chance);
}

/**
 * Raw (percent) agreement: the share of pairs where both raters gave the same label. Pairs where
 * either label is null or undefined are skipped.
 *
 * @param a Labels of the first rater; null or undefined when missing.
 * @param b Labels of the second rater, paired with `a` by index.
 * @returns A share in [0, 1]; NaN when no pair has both labels.
 * @throws {TypeError} when an input is not an array or a label is not a string, null or undefined.
 * @throws {RangeError} when the lengths differ.
 *
 * @example The missing pair is skipped
 * ```ts
 * import { rawAgreement } from "./agreement.ts";
 * if (rawAgreement(["A", "B", null, "tie"], ["A", "A", "B", "tie"]) !== 2 / 3) throw new Error();
 * ```
 */
export function rawAgreement(
  a: readonly (string | null | undefined)[],
  b: readonly (string | null | undefined)[],
): number {
  const pairs = labelPairs(a, b, "raw agreement");
  if (pairs.length === 0) return NaN;
  let equal = 0;
  for (const [x, y] of pairs) if (x === y) equal++;
  return equal / pairs.length;
}

/** Options for {@linkcode agreementCi}. */
export interface AgreementCiOptions {
  /** Two-sided confidence level, strictly between 0 and 1. @default 0.95 */
  confidence?: number;
  /** Bootstrap resamples. @default 9999 */
  resamples?: number;
  /** Seed of the resampling. @default DEFAULT_SEED */
  seed?: number;
}

/**
 * Percentile bootstrap CI of an agreement statistic over units: resample the units (items) with
 * replacement, recompute the statistic on each resample, and take the (1 − confidence)/2 and
 * (1 + confidence)/2 quantiles (linear interpolation, as in `bootstrapCi`'s percentile
 * method). Units keep all their ratings together, so the interval reflects which items happened to
 * be rated. Resamples where the statistic is NaN (e.g. no variation) are left out and counted.
 *
 * The statistic is called once per resample, so pass pairable units only (e.g. rows with at least
 * two ratings) when units that carry no information should not dilute the resamples.
 *
 * @typeParam T One unit: a row of ratings, a pair of labels, …
 * @param units The units as observed.
 * @param statistic Computes the statistic from a list of units (NaN when undefined).
 * @param options Confidence, resamples, seed.
 * @returns The estimate, interval and counts; null fields with a note instead of NaN.
 * @throws {TypeError} when `units` is not an array or `statistic` is not a function.
 * @throws {RangeError} when an option is out of range.
 *
 * @example Krippendorff's α with a 95% interval, reproducible from the seed
 * ```ts
 * import { agreementCi, krippendorffAlpha } from "./agreement.ts";
 * const rows = [[1, 1, 2], [3, 3, 3], [2, 2, 2], [4, 5, 4], [1, 2, 1], [5, 5, 5], [2, 3, 2]];
 * const r = agreementCi(rows, (s) => krippendorffAlpha(s), { resamples: 999, seed: 7 });
 * if (r.ci === null || !(r.ci[0] <= r.estimate! && r.estimate! <= r.ci[1])) throw new Error();
 * const again = agreementCi(rows, (s) => krippendorffAlpha(s), { resamples: 999, seed: 7 });
 * if (again.ci![0] !== r.ci[0] || again.ci![1] !== r.ci[1]) throw new Error();
 * ```
 */
export function agreementCi<T>(
  units: readonly T[],
  statistic: (sample: readonly T[]) => number,
  options: AgreementCiOptions = {},
): AgreementCi {
  if (!Array.isArray(units)) {
    throw new TypeError(
      `Cannot bootstrap agreement over units as an array: current value is ${describeValue(units)}`,
    );
  }
  if (typeof statistic !== "function") {
    throw new TypeError(
      `Cannot bootstrap agreement with statistic as a function: current value is ${
        describeValue(statistic)
      }`,
    );
  }
  const confidence = options.confidence ?? 0.95;
  const resamples = options.resamples ?? 9999;
  const seed = options.seed ?? DEFAULT_SEED;
  assertNumberIn(confidence, "confidence", { min: 0, max: 1, openMin: true, openMax: true });
  assertInteger(resamples, "resamples", { min: 1, max: 1e8 });
  assertSeed(seed);
  const n = units.length;
  const estimate = statistic(units);
  const base = { confidence, units: n, seed, resamples: 0, undefinedResamples: 0 };
  if (!Number.isFinite(estimate)) {
    return {
      ...base,
      estimate: null,
      ci: null,
      note: n === 0
        ? "no units: there is nothing to estimate"
        : `the statistic is undefined on these ${n} units (nothing pairable, or no variation ` +
          "in the ratings), so there is no estimate and no interval",
    };
  }
  if (n < 2) {
    return {
      ...base,
      estimate,
      ci: null,
      note: "a single unit carries no information about variability, so no interval is given",
    };
  }
  const rng = createRng(seed);
  const draws: number[] = [];
  const sample = new Array<T>(n);
  for (let r = 0; r < resamples; r++) {
    for (let j = 0; j < n; j++) sample[j] = units[Math.floor(rng.next() * n)];
    const value = statistic(sample);
    if (Number.isFinite(value)) draws.push(value);
  }
  const undefinedResamples = resamples - draws.length;
  const counted = { ...base, resamples, undefinedResamples, estimate };
  if (draws.length === 0) {
    return {
      ...counted,
      ci: null,
      note: `the statistic was undefined on all ${resamples} resamples, so no interval is given`,
    };
  }
  const sorted = Float64Array.from(draws).sort();
  const tail = (1 - confidence) / 2;
  const out: AgreementCi = {
    ...counted,
    ci: [quantileSorted(sorted, tail), quantileSorted(sorted, 1 - tail)],
  };
  if (undefinedResamples > 0) {
    out.note = `${undefinedResamples} of ${resamples} resamples had an undefined statistic ` +
      "(no variation or nothing pairable) and were left out of the interval";
  }
  return out;
}

/** Rows reduced to their non-missing values, keeping units with at least 2 (pairable units). */
function pairableUnits(data: readonly (readonly (number | null)[])[]): number[][] {
  if (!Array.isArray(data)) {
    throw new TypeError(
      `Cannot compute Krippendorff's alpha from data as an array of unit rows: current value is ${
        describeValue(data)
      }`,
    );
  }
  const units: number[][] = [];
  for (let u = 0; u < data.length; u++) {
    const row = data[u];
    if (!Array.isArray(row)) {
      throw new TypeError(
        `Cannot compute Krippendorff's alpha from data[${u}] as an array of ratings: ` +
          `current value is ${describeValue(row)}`,
      );
    }
    const values: number[] = [];
    for (let c = 0; c < row.length; c++) {
      const v = row[c];
      if (v === null) continue;
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new TypeError(
          `Cannot compute Krippendorff's alpha from data[${u}][${c}] as a finite number or null: ` +
            `current value is ${describeValue(v)}`,
        );
      }
      values.push(v);
    }
    if (values.length >= 2) units.push(values);
  }
  return units;
}

/** Distinct pairable values in ascending order, their counts n_c, and n = Σ n_c. */
function marginals(units: readonly number[][]): { values: number[]; counts: number[]; n: number } {
  const count = new Map<number, number>();
  let n = 0;
  for (const unit of units) {
    for (const v of unit) count.set(v, (count.get(v) ?? 0) + 1);
    n += unit.length;
  }
  const values = [...count.keys()].sort((x, y) => x - y);
  return { values, counts: values.map((v) => count.get(v)!), n };
}

/** Index of `v` in the ascending array `values` (binary search; `v` is known to be present). */
function indexOf(values: readonly number[], v: number): number {
  let lo = 0, hi = values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The pairs where both raters gave a label, after checking both inputs. */
function labelPairs(
  a: readonly (string | null | undefined)[],
  b: readonly (string | null | undefined)[],
  what: string,
): [string, string][] {
  for (const [name, labels] of [["a", a], ["b", b]] as const) {
    if (!Array.isArray(labels)) {
      throw new TypeError(
        `Cannot compute ${what} from ${name} as an array of labels: current value is ${
          describeValue(labels)
        }`,
      );
    }
  }
  if (a.length !== b.length) {
    throw new RangeError(
      `Cannot compute ${what} from a and b as paired labels (same length): current lengths are ` +
        `${a.length} and ${b.length}`,
    );
  }
  const pairs: [string, string][] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    for (const [name, v] of [["a", x], ["b", y]] as const) {
      if (v !== null && v !== undefined && typeof v !== "string") {
        throw new TypeError(
          `Cannot compute ${what} from ${name}[${i}] as a string label, null or undefined: ` +
            `current value is ${describeValue(v)}`,
        );
      }
    }
    if (typeof x === "string" && typeof y === "string") pairs.push([x, y]);
  }
  return pairs;
}
