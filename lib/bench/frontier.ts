/**
 * `estimateFrontier(pool, grid, options)`: the pass rate and mean token cost of every smaller
 * (n_p, n_fr) configuration, estimated from one large repair pool by subsampling it without
 * replacement (Olausson et al., ICLR 2024), and each repair configuration compared with plain
 * sampling at the same mean cost.
 *
 * Per item (all its rows, across seeds) and configuration, each of `draws` draws picks n_p of the
 * item's samples without replacement and, for each picked sample that failed its gate, its first
 * n_fr repairs (`repairOrder: "first"`, the cost definition) — or, when the repairs are
 * exchangeable (independent critique + repair pairs after a test or oracle gate), n_fr of them
 * drawn without replacement (`"subsample"`, as Olausson et al. do: the same expectation, less
 * Monte-Carlo noise). After a critic-verdict gate they are not exchangeable: repair 0 reuses the
 * gate's critique, which by construction found something to fix. The draw passes when any picked
 * sample passes or any used repair passes; its cost is counted by `COST_DEFINITION`. The item's
 * estimate is the mean over draws; the configuration's pass rate is the mean over items, with a
 * bootstrap CI over items.
 *
 * n_fr = 0 is plain sampling, whose expectation has a closed form, pass@k = 1 − C(n−c, k)/C(n, k)
 * ({@linkcode passAtK}); it is reported beside the estimate (`exact`) and drives the sampling curve
 * of the equal-cost comparison.
 *
 * @module
 */
import { createRng } from "../util/prng.ts";
import { deriveSeed } from "../util/derive_seed.ts";
import { DEFAULT_SEED } from "../stats/default_seed.ts";
import { bootstrapCi, bootstrapSettings } from "../stats/bootstrap_ci.ts";
import { bootstrapUnits } from "../stats/bootstrap_units.ts";
import type { PoolRow } from "./pool_row.ts";
import { COST_DEFINITION } from "./pool.ts";
import type {
  Frontier,
  FrontierComparison,
  FrontierPoint,
  SamplingPoint,
} from "./frontier_schema.ts";

/** The configurations to estimate. */
export interface FrontierGrid {
  /** Initial sample counts. @default 1, 2, 5, 10, 20, 50, … up to the pool's n_p (and n_p itself) */
  np?: readonly number[];
  /** Repair counts. @default 0, 1, 3, 5 up to the pool's n_fr */
  nfr?: readonly number[];
}

/** Options for {@linkcode estimateFrontier}. */
export interface FrontierOptions {
  /** Subsampling draws per item and configuration. @default 1000 */
  draws?: number;
  /** Seed of the subsampling and the bootstrap. @default DEFAULT_SEED */
  seed?: number;
  /** Two-sided confidence level. @default 0.95 */
  confidence?: number;
  /** Bootstrap resamples (over items). @default 2000 */
  resamples?: number;
  /**
   * Which repairs of a failing sample a configuration uses: its first n_fr, or n_fr drawn without
   * replacement (only for exchangeable repairs: test and oracle gates). @default "first"
   */
  repairOrder?: "first" | "subsample";
  /** Run name. @default "pool" */
  run?: string;
  /** Simulated authors. @default false */
  simulated?: boolean;
  /** Task kind. @default "unknown" */
  task?: string;
  /** Critic part. @default "unknown" */
  critic?: string;
  /** Gate. @default "unknown" */
  gate?: string;
  /** Parts that see the answer key. @default [] */
  answerKey?: readonly string[];
  /** Code tasks: which tests scored the pool. @default undefined */
  scoreTests?: "hidden" | "all";
}

/**
 * pass@k = 1 − C(n−c, k)/C(n, k), computed stably as 1 − Π_{i=n−c+1}^{n} (1 − k/i).
 *
 * @param n Samples.
 * @param c Passing samples.
 * @param k Samples drawn (1 ≤ k ≤ n).
 * @returns The probability that k samples drawn without replacement include a passing one.
 * @throws {RangeError} for counts that are not integers with 0 ≤ c ≤ n and 1 ≤ k ≤ n.
 *
 * @example
 * ```ts
 * import { passAtK } from "./frontier.ts";
 * if (Math.abs(passAtK(10, 3, 1) - 0.3) > 1e-12 || passAtK(10, 3, 8) !== 1) throw new Error();
 * ```
 */
export function passAtK(n: number, c: number, k: number): number {
  if (![n, c, k].every(Number.isInteger) || c < 0 || c > n || k < 1 || k > n) {
    throw new RangeError(`Cannot compute pass@${k} of ${c}/${n}: need 0 <= c <= n, 1 <= k <= n`);
  }
  if (n - c < k) return 1;
  let fail = 1;
  for (let i = n - c + 1; i <= n; i++) fail *= 1 - k / i;
  return 1 - fail;
}

/** One item's pool in flat arrays. */
interface ItemPool {
  id: string;
  n: number;
  passed: Uint8Array;
  tokens: Float64Array;
  gateTokens: Float64Array;
  gatePassed: Uint8Array;
  repPassed: Uint8Array[];
  repCost: Float64Array[];
}

function groupPool(pool: readonly PoolRow[]): ItemPool[] {
  const byId = new Map<string, PoolRow[]>();
  const seen = new Set<string>();
  pool.forEach((r, i) => {
    if (!r || typeof r.id !== "string" || !Array.isArray(r.repairs)) {
      throw new TypeError(`Cannot estimate a frontier: pool[${i}] is not a pool row`);
    }
    const key = `${r.id}\u0000${r.seed}\u0000${r.sample}`;
    if (seen.has(key)) {
      throw new TypeError(
        `Cannot estimate a frontier: pool[${i}] repeats id "${r.id}", seed ${r.seed}, sample ${r.sample}`,
      );
    }
    seen.add(key);
    const list = byId.get(r.id) ?? [];
    list.push(r);
    byId.set(r.id, list);
  });
  return [...byId].map(([id, rows]) => ({
    id,
    n: rows.length,
    passed: Uint8Array.from(rows, (r) => (r.passed ? 1 : 0)),
    tokens: Float64Array.from(rows, (r) => r.tokens),
    gateTokens: Float64Array.from(rows, (r) => r.gateTokens),
    gatePassed: Uint8Array.from(rows, (r) => (r.gatePassed ? 1 : 0)),
    repPassed: rows.map((r) => Uint8Array.from(r.repairs, (x) => (x.passed ? 1 : 0))),
    repCost: rows.map((r) => Float64Array.from(r.repairs, (x) => x.tokens + x.feedbackTokens)),
  }));
}

/** The default n_p values: 1, 2, 5, 10, 20, 50, … up to `max`, and `max` itself. */
function defaultNp(max: number): number[] {
  const out: number[] = [];
  for (let scale = 1; scale <= max; scale *= 10) {
    for (const m of [1, 2, 5]) if (m * scale <= max) out.push(m * scale);
  }
  if (max >= 1 && out[out.length - 1] !== max) out.push(max);
  return out;
}

function checkGrid(name: string, values: readonly number[], min: number, max: number): number[] {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  for (const v of sorted) {
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new RangeError(
        `Cannot estimate ${name} = ${v}: the pool supports integers in [${min}, ${max}]`,
      );
    }
  }
  if (!sorted.length) throw new RangeError(`Cannot estimate a frontier with an empty ${name} grid`);
  return sorted;
}

/** Mean pass and cost of one configuration for one item, over `draws` subsamples. */
function estimateItem(
  item: ItemPool,
  np: number,
  nfr: number,
  draws: number,
  seed: number,
  subsample: boolean,
): { pass: number; cost: number } {
  const rng = createRng(deriveSeed(seed, [item.id, np, nfr]));
  const idx = Int32Array.from({ length: item.n }, (_, i) => i);
  const rep = item.repCost.map((c) => Int32Array.from({ length: c.length }, (_, i) => i));
  let passes = 0;
  let cost = 0;
  for (let d = 0; d < draws; d++) {
    let pass = 0;
    for (let j = 0; j < np; j++) {
      const t = j + rng.int(item.n - j);
      const i = idx[t];
      idx[t] = idx[j];
      idx[j] = i;
      cost += item.tokens[i];
      if (item.passed[i]) pass = 1;
      if (nfr === 0) continue;
      cost += item.gateTokens[i];
      if (item.gatePassed[i]) continue;
      const order = rep[i];
      const m = order.length;
      for (let q = 0; q < nfr; q++) {
        let r = q;
        if (subsample) {
          const u = q + rng.int(m - q);
          r = order[u];
          order[u] = order[q];
          order[q] = r;
        }
        cost += item.repCost[i][r];
        if (item.repPassed[i][r]) pass = 1;
      }
    }
    passes += pass;
  }
  return { pass: passes / draws, cost: cost / draws };
}

const mean = (xs: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length ? s / xs.length : 0;
};

/**
 * Formats a token count as the reports do: `850`, `2.1k`, `12.0k`.
 *
 * @param tokens Tokens.
 * @returns The short form.
 *
 * @example
 * ```ts
 * import { formatTokens } from "./frontier.ts";
 * if (formatTokens(2140) !== "2.1k" || formatTokens(850) !== "850") throw new Error();
 * ```
 */
export function formatTokens(tokens: number): string {
  return tokens >= 1000 ? `${(tokens / 1000).toFixed(1)}k` : `${Math.round(tokens)}`;
}

const signed = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(2)}`;

/** The sampling curve a repair configuration is compared with at equal tokens. */
interface SamplingCurve {
  /** Per item pass@k for k = 1..poolInitial. */
  curve: number[][];
  tokensPerSample: number;
  poolInitial: number;
}

/**
 * A repair configuration against sampling at the same mean tokens: pass@k interpolated between the
 * two whole k around its token budget, the paired Δ with its bootstrap CI — or a note when the
 * budget lies beyond the sampling curve.
 */
function compareWithSampling(
  p: FrontierPoint,
  repairItems: number[],
  { curve, tokensPerSample, poolInitial }: SamplingCurve,
  settings: ReturnType<typeof bootstrapSettings>,
): FrontierComparison {
  const base = { np: p.np, nfr: p.nfr, meanTokens: p.meanTokens, passRate: p.passRate };
  const k = tokensPerSample > 0 ? p.meanTokens / tokensPerSample : Infinity;
  if (!(k <= poolInitial) || k < 1) {
    return {
      ...base,
      samplingK: null,
      samplingPassRate: null,
      delta: null,
      low: null,
      high: null,
      excludesZero: false,
      note: `beyond the sampling curve (${formatTokens(p.meanTokens)} tokens; sampling reaches ${
        formatTokens(poolInitial * tokensPerSample)
      } with n_p = ${poolInitial})`,
    };
  }
  const k0 = Math.min(Math.floor(k), poolInitial);
  const w = k0 === poolInitial ? 0 : k - k0;
  const lo = curve[k0 - 1];
  const hi = curve[Math.min(k0, poolInitial - 1)];
  const samplingItems = lo.map((v, j) => (1 - w) * v + w * hi[j]);
  const ci = bootstrapCi(samplingItems, repairItems, settings);
  const samplingPassRate = mean(samplingItems);
  return {
    ...base,
    samplingK: k,
    samplingPassRate,
    delta: p.passRate - samplingPassRate,
    low: ci.low,
    high: ci.high,
    excludesZero: ci.excludesZero,
  };
}

/**
 * Estimates the equal-budget frontier of a repair pool. See the module documentation.
 *
 * @param pool The pool's rows (`pool.jsonl`, see `PoolRowSchema`).
 * @param grid The configurations. @default the default grid (see {@linkcode FrontierGrid})
 * @param options Draws, seed, CI settings, and what the pool is (for the record).
 * @returns The frontier record (`frontier.json`).
 * @throws {TypeError} for an empty pool or repeated rows.
 * @throws {RangeError} for a grid the pool cannot support, or bad options.
 *
 * @example Repairs that always work beat sampling
 * ```ts
 * import { estimateFrontier } from "./frontier.ts";
 * const pool = ["a", "b", "c"].flatMap((id) =>
 *   [0, 1, 2, 3].map((sample) => ({
 *     id, seed: 0, sample, passed: sample === 0, score: sample === 0 ? 1 : 0, tokens: 100,
 *     promptTokens: 50, completionTokens: 50, gatePassed: sample === 0, gateTokens: 0,
 *     repairs: sample === 0 ? [] : [{ repair: 0, passed: true, score: 1, tokens: 20,
 *       promptTokens: 10, completionTokens: 10, feedbackTokens: 0 }],
 *   }))
 * );
 * const f = estimateFrontier(pool, { np: [1, 2], nfr: [0, 1] }, { draws: 200, resamples: 199 });
 * const repair = f.points.find((p) => p.np === 1 && p.nfr === 1)!;
 * if (repair.passRate !== 1 || !f.verdict.startsWith("repair beats sampling")) throw new Error(f.verdict);
 * ```
 */
export function estimateFrontier(
  pool: readonly PoolRow[],
  grid: FrontierGrid = {},
  options: FrontierOptions = {},
): Frontier {
  if (!Array.isArray(pool) || pool.length === 0) {
    throw new TypeError("Cannot estimate a frontier from an empty pool");
  }
  const draws = options.draws ?? 1000;
  if (!Number.isInteger(draws) || draws < 1) {
    throw new RangeError(`Cannot estimate with draws = ${draws}: need an integer >= 1`);
  }
  const settings = bootstrapSettings({
    method: "percentile",
    confidence: options.confidence,
    resamples: options.resamples ?? 2000,
    seed: options.seed ?? DEFAULT_SEED,
  });
  const seed = settings.seed;
  const repairOrder = options.repairOrder ?? "first";
  if (repairOrder !== "first" && repairOrder !== "subsample") {
    throw new RangeError(
      `Cannot estimate with repairOrder "${repairOrder}": use "first" or "subsample"`,
    );
  }
  const subsample = repairOrder === "subsample";
  const items = groupPool(pool);
  const poolInitial = Math.min(...items.map((it) => it.n));
  const failing = items.flatMap((it) => it.repCost.filter((_, i) => !it.gatePassed[i]));
  const poolRepairs = failing.length ? Math.min(...failing.map((c) => c.length)) : 0;
  const nps = checkGrid("n_p", grid.np ?? defaultNp(poolInitial), 1, poolInitial);
  const nfrs = checkGrid(
    "n_fr",
    grid.nfr ?? [0, 1, 3, 5].filter((v) => v <= poolRepairs),
    0,
    poolRepairs,
  );

  // The exact sampling curve: per item pass@k and k × mean sample tokens.
  const meanTok = items.map((it) => mean(it.tokens));
  const counts = items.map((it) => it.passed.reduce((n, p) => n + p, 0));
  const perItemPassAt = (k: number) => items.map((it, j) => passAtK(it.n, counts[j], k));
  const curve = Array.from({ length: poolInitial }, (_, i) => perItemPassAt(i + 1));
  const tokensPerSample = mean(meanTok);
  const sampling: SamplingPoint[] = curve.map((values, i) => ({
    np: i + 1,
    passRate: mean(values),
    meanTokens: (i + 1) * tokensPerSample,
  }));

  const points: FrontierPoint[] = [];
  const perItem = new Map<string, number[]>();
  for (const nfr of nfrs) {
    for (const np of nps) {
      const est = items.map((it) => estimateItem(it, np, nfr, draws, seed, subsample));
      const passes = est.map((e) => e.pass);
      perItem.set(`${np}/${nfr}`, passes);
      const ci = bootstrapUnits(passes, settings);
      points.push({
        np,
        nfr,
        passRate: mean(passes),
        low: ci.low,
        high: ci.high,
        meanTokens: mean(est.map((e) => e.cost)),
        ...(nfr === 0 ? { exact: sampling[np - 1].passRate } : {}),
      });
    }
  }

  const sampled = { curve, tokensPerSample, poolInitial };
  const comparisons = points.filter((p) => p.nfr > 0).map((p) =>
    compareWithSampling(p, perItem.get(`${p.np}/${p.nfr}`)!, sampled, settings)
  );

  return {
    run: options.run ?? "pool",
    simulated: options.simulated ?? false,
    task: options.task ?? "unknown",
    critic: options.critic ?? "unknown",
    gate: options.gate ?? "unknown",
    answerKey: [...(options.answerKey ?? [])],
    ...(options.scoreTests ? { scoreTests: options.scoreTests } : {}),
    items: items.length,
    poolInitial,
    poolRepairs,
    draws,
    repairOrder,
    seed,
    confidence: settings.confidence,
    resamples: settings.resamples,
    costDefinition: COST_DEFINITION,
    points,
    sampling,
    comparisons,
    verdict: frontierVerdict(comparisons),
  };
}

/**
 * The verdict line of a set of equal-cost comparisons: the repair configuration whose Δ over
 * sampling is largest among those whose CI lies above 0, or "no configuration beats sampling".
 *
 * @param comparisons The comparisons.
 * @returns One line.
 *
 * @example
 * ```ts
 * import { frontierVerdict } from "./frontier.ts";
 * const line = frontierVerdict([{ np: 2, nfr: 1, meanTokens: 2140, passRate: 0.6, samplingK: 3,
 *   samplingPassRate: 0.56, delta: 0.04, low: 0.01, high: 0.07, excludesZero: true }]);
 * if (line !== "repair beats sampling at 2.1k tokens (n_p = 2, n_fr = 1): +0.04 [+0.01, +0.07]") throw new Error(line);
 * ```
 */
export function frontierVerdict(comparisons: readonly FrontierComparison[]): string {
  const describe = (c: FrontierComparison) =>
    `${formatTokens(c.meanTokens)} tokens (n_p = ${c.np}, n_fr = ${c.nfr}): ${signed(c.delta!)}${
      c.low !== null && c.high !== null ? ` [${signed(c.low)}, ${signed(c.high)}]` : ""
    }`;
  const compared = comparisons.filter((c) => c.delta !== null);
  const better = compared.filter((c) => c.excludesZero && c.low! > 0)
    .sort((a, b) => b.delta! - a.delta!);
  if (better.length) return `repair beats sampling at ${describe(better[0])}`;
  if (!compared.length) {
    return comparisons.length
      ? "no configuration beats sampling (every repair configuration costs more than the sampling curve reaches)"
      : "no configuration beats sampling (the pool has no repairs)";
  }
  const best = [...compared].sort((a, b) => b.delta! - a.delta!)[0];
  const worse = compared.filter((c) => c.excludesZero && c.high! < 0)
    .sort((a, b) => a.delta! - b.delta!);
  return worse.length
    ? `no configuration beats sampling; sampling beats repair at ${describe(worse[0])}`
    : `no configuration beats sampling (best: at ${describe(best)})`;
}
