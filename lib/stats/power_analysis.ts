/**
 * Power analysis by simulation: how likely is a paired experiment with a given number of items and
 * seeds to detect an effect of a given size? Use it before running an expensive benchmark, to
 * choose `nItems` and `seeds`, and afterwards, to say how large an effect a null result could have
 * missed.
 *
 * ## Generative models
 *
 * **binary** (pass/fail scores, the default). Item i has a baseline pass probability pᵢ with
 * logit(pᵢ) = logit(`baseline`) + `itemSpread`·Zᵢ, Zᵢ ~ N(0, 1): items differ in difficulty. The
 * treatment shifts the pass probability by `effect`: qᵢ = clamp(pᵢ + effect, 0, 1) (so near 0 or 1
 * the realised shift is smaller; the mean realised shift is reported as `meanTrueEffect`). Each of
 * the `seeds` runs draws independent Bernoulli(pᵢ) and Bernoulli(qᵢ) outcomes; the item's score in
 * each arm is its pass rate over seeds. A larger `itemSpread` makes items nearly always or nearly
 * never pass, which means fewer discordant pairs and more power for the same effect; calibrate it so
 * the simulated `meanDiscordant` (share of items whose two arms differ) matches a pilot run.
 *
 * **normal** (continuous scores, e.g. judge ratings). Item i has a true difference
 * Δᵢ ~ N(`effect`, `sd`²); each seed observes Δᵢ + N(0, `seedSd`²), and the item's difference is the
 * mean over seeds.
 *
 * ## Test inside the simulation
 *
 * Items are the unit (seeds are averaged within an item first, which is exactly what the cluster
 * bootstrap with equal seeds per item does). The default test is the percentile bootstrap CI at level
 * 1 − `alpha` with `resamples` (default 499) resamples, rejecting when the CI excludes 0 — the same
 * decision as the reported interval, made cheaper (percentile instead of BCa, fewer resamples).
 * `test: "sign"` uses the exact sign test (p ≤ `alpha`), which is faster still and conservative.
 * The percentile bootstrap is slightly liberal at small n (measured type I error at α = 0.05 with
 * 1,000 simulations of the binary model: 0.064 at 12 items, 0.055 at 50), so small-n power from it
 * is a little optimistic; the sign test gives a conservative bound.
 *
 * @module
 */
import { z } from "zod";
import { createRng, type Rng } from "../util/prng.ts";
import { binomialHalfTest } from "./binomial_half.ts";
import { bootstrapUnits } from "./bootstrap_units.ts";
import { DEFAULT_SEED } from "./default_seed.ts";
import { assertInteger, assertNumberIn, assertSeed } from "./validate.ts";
import type { Schema } from "../schemas/schema.ts";
import { zodOf } from "../schemas/zod_of.ts";

/** Generative model of paired scores: `"binary"` pass/fail or `"normal"` continuous differences. */
export type PowerModel = "binary" | "normal";

/** Schema of {@linkcode PowerModel}. */
export const PowerModelSchema: Schema<PowerModel> = z.enum(["binary", "normal"]);

/** Test used inside each simulated experiment: `"percentile"` bootstrap CI or exact `"sign"` test. */
export type PowerTest = "percentile" | "sign";

/** Schema of {@linkcode PowerTest}. */
export const PowerTestSchema: Schema<PowerTest> = z.enum(["percentile", "sign"]);

/** The result of a power simulation, with every setting that produced it. */
export interface PowerAnalysis {
  /** Generative model. */
  model: PowerModel;
  /** Items per simulated experiment. */
  nItems: number;
  /** Seeds per item. */
  seeds: number;
  /** Effect size (binary: pass-probability shift; normal: mean difference). */
  effect: number;
  /** binary model: mean baseline pass probability. */
  baseline?: number;
  /** binary model: SD of the per-item baseline on the logit scale. */
  itemSpread?: number;
  /** normal model: SD of the per-item true difference. */
  sd?: number;
  /** normal model: SD of per-seed noise. */
  seedSd?: number;
  /** Test inside each simulated experiment. */
  test: PowerTest;
  /** Significance level. */
  alpha: number;
  /** Bootstrap resamples per simulated experiment; null for the sign test. */
  resamples: number | null;
  /** Simulated experiments. */
  simulations: number;
  /** Seed of the simulation. */
  seed: number;
  /** Share of simulated experiments whose test rejects "no difference" (CI excludes 0 / p ≤ α). */
  power: number;
  /** Monte Carlo standard error of `power`: √(power·(1 − power)/simulations). */
  powerSe: number;
  /** Share that reject with the estimate on the side of `effect`; null when effect = 0. */
  powerCorrectSign: number | null;
  /** Mean over simulations of the true mean difference of the simulated items. */
  meanTrueEffect: number;
  /** binary model: mean share of items whose two arms' scores differ; null for normal. */
  meanDiscordant: number | null;
}

/** Schema of {@linkcode PowerAnalysis}. */
export const PowerAnalysisSchema: Schema<PowerAnalysis> = z.object({
  model: zodOf(PowerModelSchema),
  nItems: z.number().int().min(1),
  seeds: z.number().int().min(1),
  effect: z.number(),
  baseline: z.number().optional(),
  itemSpread: z.number().optional(),
  sd: z.number().optional(),
  seedSd: z.number().optional(),
  test: zodOf(PowerTestSchema),
  alpha: z.number(),
  resamples: z.number().int().nullable(),
  simulations: z.number().int().min(1),
  seed: z.number().int(),
  power: z.number().min(0).max(1),
  powerSe: z.number().min(0),
  powerCorrectSign: z.number().min(0).max(1).nullable(),
  meanTrueEffect: z.number(),
  meanDiscordant: z.number().min(0).max(1).nullable(),
});

/** Design and settings of a power simulation. */
export interface PowerAnalysisOptions {
  /** Number of items in the experiment (required). */
  nItems: number;
  /**
   * Effect size (required): binary model, shift in pass probability (−1…1); normal model, mean
   * difference in score units.
   */
  effect: number;
  /** Seeds (repeated runs) per item. @default 1 */
  seeds?: number;
  /** Generative model. @default "binary" */
  model?: PowerModel;
  /** binary: mean baseline pass probability, in (0, 1). @default 0.5 */
  baseline?: number;
  /** binary: SD of item difficulty on the logit scale (0 = all items alike). @default 1.5 */
  itemSpread?: number;
  /** normal: SD of the per-item true difference. @default 1 */
  sd?: number;
  /** normal: SD of per-seed noise around the item's difference. @default 0 */
  seedSd?: number;
  /** Test inside each simulated experiment. @default "percentile" */
  test?: PowerTest;
  /** Significance level (CI level is 1 − alpha). @default 0.05 */
  alpha?: number;
  /** Bootstrap resamples per simulated experiment (percentile test). @default 499 */
  resamples?: number;
  /** Simulated experiments. @default 1000 */
  simulations?: number;
  /** Seed of the whole simulation. @default DEFAULT_SEED */
  seed?: number;
}

/**
 * Estimates the power of a paired experiment by simulation (see the module doc for the models).
 *
 * @param options The design (nItems, seeds, effect, model parameters) and simulation settings.
 * @returns Power with its Monte Carlo standard error and all settings used.
 * @throws {RangeError} naming any option that is out of range.
 *
 * @example More items, more power
 * ```ts
 * import { powerAnalysis } from "./power_analysis.ts";
 * const small = powerAnalysis({ nItems: 10, effect: 0.2, simulations: 200, test: "sign" });
 * const large = powerAnalysis({ nItems: 100, effect: 0.2, simulations: 200, test: "sign" });
 * if (!(large.power > small.power)) throw new Error();
 * ```
 */
export function powerAnalysis(options: PowerAnalysisOptions): PowerAnalysis {
  if (options === null || typeof options !== "object") {
    throw new TypeError("powerAnalysis needs an options object with nItems and effect");
  }
  const model = options.model ?? "binary";
  if (model !== "binary" && model !== "normal") {
    throw new RangeError(`model must be "binary" or "normal", got ${JSON.stringify(model)}`);
  }
  const test = options.test ?? "percentile";
  if (test !== "percentile" && test !== "sign") {
    throw new RangeError(`test must be "percentile" or "sign", got ${JSON.stringify(test)}`);
  }
  const { nItems, effect } = options;
  const seeds = options.seeds ?? 1;
  const alpha = options.alpha ?? 0.05;
  const resamples = options.resamples ?? 499;
  const simulations = options.simulations ?? 1000;
  const seed = options.seed ?? DEFAULT_SEED;
  assertInteger(nItems, "nItems", { min: 1, max: 1e6 });
  assertInteger(seeds, "seeds", { min: 1, max: 1e4 });
  assertNumberIn(alpha, "alpha", { min: 0, max: 1, openMin: true, openMax: true });
  assertInteger(resamples, "resamples", { min: 1, max: 1e6 });
  assertInteger(simulations, "simulations", { min: 1, max: 1e7 });
  assertSeed(seed);

  const rng = createRng(seed);
  const normal = gaussian(rng);
  const deltas = new Float64Array(nItems);
  const settings = { method: "percentile" as const, confidence: 1 - alpha, resamples, seed: 0 };
  let rejections = 0, correctSign = 0, trueEffectSum = 0, discordantSum = 0;

  let simulateItem: () => { delta: number; truth: number };
  let parameters: Partial<PowerAnalysis>;
  if (model === "binary") {
    const baseline = options.baseline ?? 0.5;
    const itemSpread = options.itemSpread ?? 1.5;
    assertNumberIn(effect, "effect", { min: -1, max: 1 });
    assertNumberIn(baseline, "baseline", { min: 0, max: 1, openMin: true, openMax: true });
    assertNumberIn(itemSpread, "itemSpread", { min: 0, max: 100 });
    parameters = { baseline, itemSpread };
    const center = Math.log(baseline / (1 - baseline));
    simulateItem = () => {
      const p = 1 / (1 + Math.exp(-(center + itemSpread * normal())));
      const q = Math.min(1, Math.max(0, p + effect));
      let passA = 0, passB = 0;
      for (let s = 0; s < seeds; s++) {
        if (rng.next() < p) passA++;
        if (rng.next() < q) passB++;
      }
      return { delta: (passB - passA) / seeds, truth: q - p };
    };
  } else {
    const sd = options.sd ?? 1;
    const seedSd = options.seedSd ?? 0;
    assertNumberIn(effect, "effect");
    assertNumberIn(sd, "sd", { min: 0 });
    assertNumberIn(seedSd, "seedSd", { min: 0 });
    parameters = { sd, seedSd };
    simulateItem = () => {
      const truth = effect + sd * normal();
      let noise = 0;
      if (seedSd > 0) { for (let s = 0; s < seeds; s++) noise += seedSd * normal(); }
      return { delta: truth + noise / seeds, truth };
    };
  }

  for (let sim = 0; sim < simulations; sim++) {
    let truthSum = 0, discordant = 0, total = 0, wins = 0, losses = 0;
    for (let i = 0; i < nItems; i++) {
      const { delta, truth } = simulateItem();
      deltas[i] = delta;
      truthSum += truth;
      total += delta;
      if (delta > 0) wins++;
      else if (delta < 0) losses++;
      if (delta !== 0) discordant++;
    }
    trueEffectSum += truthSum / nItems;
    discordantSum += discordant / nItems;
    let reject: boolean;
    if (test === "sign") {
      reject = binomialHalfTest(wins, wins + losses).p <= alpha;
    } else {
      settings.seed = Math.floor(rng.next() * 2147483647);
      reject = bootstrapUnits(deltas, settings).excludesZero;
    }
    if (reject) {
      rejections++;
      if (effect !== 0 && Math.sign(total) === Math.sign(effect)) correctSign++;
    }
  }
  const power = rejections / simulations;
  return {
    model,
    nItems,
    seeds,
    effect,
    ...parameters,
    test,
    alpha,
    resamples: test === "sign" ? null : resamples,
    simulations,
    seed,
    power,
    powerSe: Math.sqrt(power * (1 - power) / simulations),
    powerCorrectSign: effect === 0 ? null : correctSign / simulations,
    meanTrueEffect: trueEffectSum / simulations,
    meanDiscordant: model === "binary" ? discordantSum / simulations : null,
  };
}

/** Standard normal draws by the Box–Muller transform, two per pair of uniforms. */
function gaussian(rng: Rng): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    const u = 1 - rng.next(); // (0, 1], so the log is finite
    const v = rng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}
