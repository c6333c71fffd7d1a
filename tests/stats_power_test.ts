import assert from "node:assert/strict";
import {
  binomialHalfTest,
  normalCdf,
  powerAnalysis,
  PowerAnalysisSchema,
} from "../lib/stats/mod.ts";

/** Exact power of the two-sided sign test at level alpha when each pair is a win with probability q. */
function exactSignPower(n: number, q: number, alpha: number): number {
  let power = 0;
  let logC = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logC += Math.log(n - k + 1) - Math.log(k);
    if (binomialHalfTest(k, n).p <= alpha) {
      power += Math.exp(logC + k * Math.log(q) + (n - k) * Math.log(1 - q));
    }
  }
  return power;
}

Deno.test("simulated sign-test power matches the exact binomial power under the normal model", () => {
  // With continuous differences N(effect, sd²) every pair is a win with probability Φ(effect/sd).
  const n = 25, effect = 0.5, alpha = 0.05;
  const sim = powerAnalysis({
    nItems: n,
    effect,
    model: "normal",
    test: "sign",
    simulations: 2000,
  });
  const exact = exactSignPower(n, normalCdf(effect), alpha);
  assert.ok(
    Math.abs(sim.power - exact) < 4 * Math.sqrt(exact * (1 - exact) / 2000),
    `simulated ${sim.power} vs exact ${exact}`,
  );
  assert.equal(sim.meanDiscordant, null);
});

Deno.test("percentile-bootstrap power under the normal model is close to the normal-theory power", () => {
  // z-test power for n = 50, effect 0.4, sd 1: Φ(0.4·√50 − 1.96) ≈ 0.807. The bootstrap CI is
  // slightly liberal at this n, so allow 0.04 of approximation on top of 4 Monte Carlo SEs.
  const sim = powerAnalysis({
    nItems: 50,
    effect: 0.4,
    model: "normal",
    simulations: 400,
    resamples: 299,
  });
  const theory = normalCdf(0.4 * Math.sqrt(50) - 1.959963984540054);
  assert.ok(Math.abs(sim.power - theory) < 4 * sim.powerSe + 0.04, `${sim.power} vs ${theory}`);
  assert.ok(Math.abs(sim.meanTrueEffect - 0.4) < 4 / Math.sqrt(50 * 400));
});

Deno.test("with no effect the exact sign test rejects at most about alpha of the time", () => {
  const sim = powerAnalysis({ nItems: 40, effect: 0, test: "sign", simulations: 2000 });
  assert.ok(sim.power <= 0.05 + 3 * Math.sqrt(0.05 * 0.95 / 2000), `type I error ${sim.power}`);
  assert.equal(sim.powerCorrectSign, null);
});

Deno.test("power grows with the number of items and with repeated seeds", () => {
  const base = { effect: 0.15, simulations: 300, resamples: 199 };
  const few = powerAnalysis({ ...base, nItems: 20 });
  const many = powerAnalysis({ ...base, nItems: 120 });
  const seeded = powerAnalysis({ ...base, nItems: 20, seeds: 5 });
  assert.ok(many.power > few.power + 0.2, `${few.power} → ${many.power}`);
  assert.ok(seeded.power > few.power, `${few.power} → ${seeded.power} with 5 seeds`);
  assert.ok(many.powerCorrectSign! <= many.power);
});

Deno.test("the binary model realises the requested shift and discordance when items are alike", () => {
  // itemSpread 0: every item passes with 0.5 at baseline and 0.7 after; P(arms differ) = 0.5.
  const sim = powerAnalysis({
    nItems: 50,
    effect: 0.2,
    itemSpread: 0,
    test: "sign",
    simulations: 500,
  });
  assert.ok(Math.abs(sim.meanTrueEffect - 0.2) < 1e-12);
  assert.ok(Math.abs(sim.meanDiscordant! - 0.5) < 4 * Math.sqrt(0.25 / (50 * 500)));
  // Near the ceiling the shift is clipped, and the report says so through meanTrueEffect.
  const clipped = powerAnalysis({
    nItems: 50,
    effect: 0.2,
    baseline: 0.9,
    simulations: 200,
    test: "sign",
  });
  assert.ok(clipped.meanTrueEffect < 0.2);
});

Deno.test("a power result is reproducible from its seed and valid under its schema", () => {
  const options = { nItems: 30, effect: 0.1, seeds: 3, simulations: 100, resamples: 99 };
  const first = powerAnalysis(options);
  assert.deepEqual(powerAnalysis(options), first);
  assert.notDeepEqual(powerAnalysis({ ...options, seed: 1 }), first);
  assert.ok(PowerAnalysisSchema.safeParse(JSON.parse(JSON.stringify(first))).success);
  assert.equal(first.resamples, 99);
  assert.equal(first.baseline, 0.5);
});

Deno.test("power options out of range throw and name the value", () => {
  assert.throws(() => powerAnalysis({ nItems: 0, effect: 0.1 }), /nItems .* got 0/);
  assert.throws(() => powerAnalysis({ nItems: 10, effect: 1.5 }), /effect .* got 1.5/);
  assert.throws(() => powerAnalysis({ nItems: 10, effect: 0.1, baseline: 1 }), /baseline .* got 1/);
  assert.throws(() => powerAnalysis({ nItems: 10, effect: 0.1, alpha: 0 }), /alpha .* got 0/);
  assert.throws(
    () => powerAnalysis({ nItems: 10, effect: 0.1, model: "normal", sd: -1 }),
    /sd .* got -1/,
  );
  // deno-lint-ignore no-explicit-any
  assert.throws(() => powerAnalysis({ nItems: 10, effect: 0.1, test: "t" as any }), /test must be/);
});
