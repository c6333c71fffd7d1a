/**
 * The bootstrap engine shared by the paired and the cluster bootstrap: resample units with
 * replacement, compute the weighted mean Σwᵢvᵢ / Σwᵢ of each resample, and turn the bootstrap
 * distribution into a percentile or BCa interval (Efron & Tibshirani 1993, §14.3; the BCa details —
 * mid-rank ẑ₀, jackknife â, linear-interpolated quantiles — follow `scipy.stats.bootstrap`).
 *
 * @module
 */
import { createRng } from "../util/prng.ts";
import type { BootstrapCi, BootstrapMethod } from "./bootstrap_ci_schema.ts";
import { normalCdf, normalQuantile } from "./normal.ts";
import { quantileSorted } from "./quantile_sorted.ts";

/** Settings of one bootstrap run (already validated by the caller). */
export interface BootstrapUnitsSettings {
  /** Interval method. */
  method: BootstrapMethod;
  /** Two-sided confidence level in (0, 1). */
  confidence: number;
  /** Number of resamples, ≥ 1. */
  resamples: number;
  /** Seed of the resampling. */
  seed: number;
  /** Per-unit positive weights (e.g. observation counts); null or absent for equal weights. */
  weights?: ArrayLike<number> | null;
}

/**
 * Bootstrap CI of the weighted mean of unit values. With unit weights this is the ordinary bootstrap
 * of a mean; with weights = observation counts and values = per-unit means it is the cluster
 * bootstrap of the pooled mean.
 *
 * Degenerate inputs give a clear record instead of NaN: n = 0 (no estimate), n = 1 (estimate, no
 * interval), all unit values equal (a point interval: every resample has the same mean). When BCa is
 * undefined (ẑ₀ infinite) the percentile interval is returned with a note.
 *
 * @param values Per-unit values (e.g. paired differences), finite.
 * @param settings Method, confidence, resamples, seed and optional per-unit weights.
 * @returns The interval record.
 *
 * @example Equal weights: the ordinary bootstrap of a mean
 * ```ts
 * import { bootstrapUnits } from "./bootstrap_units.ts";
 * const ci = bootstrapUnits([1, 2, 3, 4, 5, 6], {
 *   method: "percentile", confidence: 0.9, resamples: 999, seed: 1,
 * });
 * if (!(ci.low! < 3.5 && 3.5 < ci.high!)) throw new Error();
 * ```
 */
export function bootstrapUnits(
  values: ArrayLike<number>,
  settings: BootstrapUnitsSettings,
): BootstrapCi {
  const { confidence, resamples, seed } = settings;
  const weights = settings.weights ?? null;
  const n = values.length;
  const base = { confidence, resamples, seed, n };
  if (n === 0) {
    return {
      method: settings.method,
      ...base,
      resamples: 0,
      mean: null,
      low: null,
      high: null,
      se: null,
      excludesZero: false,
      note: "no pairs: there is nothing to estimate",
    };
  }
  const sums = weightedSums(values, weights);
  const mean = sums.swv / sums.sw;
  const degenerate = degenerateCi(settings.method, base, mean, sums.min, sums.max);
  if (degenerate) return degenerate;

  const dist = bootstrapDistribution(sums, resamples, seed, weights !== null);
  const se = standardError(dist);
  const alpha = (1 - confidence) / 2;
  /** The interval between two quantiles of the bootstrap distribution. */
  const interval = (method: BootstrapCi["method"], lo: number, hi: number): BootstrapCi => {
    const low = quantileSorted(dist, lo);
    const high = quantileSorted(dist, hi);
    return { method, ...base, mean, low, high, se, excludesZero: low > 0 || high < 0 };
  };
  const percentile = (note?: string): BootstrapCi => {
    const out = interval("percentile", alpha, 1 - alpha);
    if (note) out.note = note;
    return out;
  };
  if (settings.method === "percentile") return percentile();

  const z0 = biasCorrection(dist, mean);
  const acceleration = jackknifeAcceleration(sums);
  const zLow = normalQuantile(alpha);
  const adjust = (z: number): number => {
    const t = z0 + z;
    return normalCdf(z0 + t / (1 - acceleration * t));
  };
  const a1 = adjust(zLow);
  const a2 = adjust(-zLow);
  if (!Number.isFinite(z0) || !(a1 >= 0 && a1 <= 1) || !(a2 >= 0 && a2 <= 1)) {
    return percentile(
      `BCa is undefined here (the estimate lies outside the bootstrap distribution, ẑ₀ = ${z0}); ` +
        "the percentile interval is reported instead",
    );
  }
  return { ...interval("bca", a1, a2), z0, acceleration };
}

/** Per-unit weights and weighted values, their totals, and the range of the unit values. */
interface WeightedSums {
  /** Per-unit weights (1 when unweighted). */
  w: Float64Array;
  /** Per-unit weight × value. */
  wv: Float64Array;
  /** Σwᵢ. */
  sw: number;
  /** Σwᵢvᵢ. */
  swv: number;
  /** Smallest unit value. */
  min: number;
  /** Largest unit value. */
  max: number;
}

/** Computes the per-unit weights and weighted values, their sums, and the min/max of the values. */
function weightedSums(values: ArrayLike<number>, weights: ArrayLike<number> | null): WeightedSums {
  const n = values.length;
  const w = new Float64Array(n);
  const wv = new Float64Array(n);
  let sw = 0, swv = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) {
    w[i] = weights ? weights[i] : 1;
    wv[i] = w[i] * values[i];
    sw += w[i];
    swv += wv[i];
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  return { w, wv, sw, swv, min, max };
}

/**
 * The record for a sample that cannot be resampled usefully — a single unit (no interval) or all
 * unit values equal (a point interval) — or null when the bootstrap should run.
 */
function degenerateCi(
  method: BootstrapMethod,
  base: { confidence: number; resamples: number; seed: number; n: number },
  mean: number,
  min: number,
  max: number,
): BootstrapCi | null {
  const n = base.n;
  if (n === 1) {
    return {
      method,
      ...base,
      resamples: 0,
      mean,
      low: null,
      high: null,
      se: null,
      excludesZero: false,
      note: "a single unit: its difference is the estimate, but one unit carries no information " +
        "about variability, so no interval is given",
    };
  }
  if (max - min <= 1e-12 * Math.max(1, Math.abs(max), Math.abs(min))) {
    return {
      method,
      ...base,
      resamples: 0,
      mean,
      low: mean,
      high: mean,
      se: 0,
      excludesZero: mean !== 0,
      note: `all ${n} differences are equal (${mean}): every resample has the same mean, so the ` +
        "interval is a single point; it reflects no sampling variability, not certainty",
    };
  }
  return null;
}

/** Draws `resamples` weighted means of units resampled with replacement, sorted ascending. */
function bootstrapDistribution(
  sums: WeightedSums,
  resamples: number,
  seed: number,
  unitWeights: boolean,
): Float64Array {
  const { w, wv } = sums;
  const n = w.length;
  const rng = createRng(seed);
  const dist = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0, sWeight = 0;
    if (unitWeights) {
      for (let j = 0; j < n; j++) {
        const k = Math.floor(rng.next() * n);
        s += wv[k];
        sWeight += w[k];
      }
      dist[r] = s / sWeight;
    } else {
      for (let j = 0; j < n; j++) s += wv[Math.floor(rng.next() * n)];
      dist[r] = s / n;
    }
  }
  dist.sort();
  return dist;
}

/** Sample standard deviation of the bootstrap distribution (0 with a single resample). */
function standardError(dist: Float64Array): number {
  const resamples = dist.length;
  let dm = 0;
  for (let r = 0; r < resamples; r++) dm += dist[r];
  dm /= resamples;
  let ss = 0;
  for (let r = 0; r < resamples; r++) ss += (dist[r] - dm) ** 2;
  return resamples > 1 ? Math.sqrt(ss / (resamples - 1)) : 0;
}

/** BCa bias correction ẑ₀ from the mid-rank of the estimate in the sorted bootstrap distribution. */
function biasCorrection(dist: Float64Array, mean: number): number {
  const resamples = dist.length;
  let below = 0, atOrBelow = 0;
  for (let r = 0; r < resamples; r++) {
    if (dist[r] < mean) below++;
    if (dist[r] <= mean) atOrBelow++;
    else break;
  }
  return normalQuantile((below + atOrBelow) / (2 * resamples));
}

/** BCa acceleration â from the jackknife (leave one unit out) of the weighted mean. */
function jackknifeAcceleration(sums: WeightedSums): number {
  const { w, wv, sw, swv } = sums;
  const n = w.length;
  const jack = new Float64Array(n);
  let jm = 0;
  for (let i = 0; i < n; i++) {
    jack[i] = (swv - wv[i]) / (sw - w[i]);
    jm += jack[i];
  }
  jm /= n;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const u = jm - jack[i];
    num += u * u * u;
    den += u * u;
  }
  return den > 0 ? num / (6 * den ** 1.5) : 0;
}
