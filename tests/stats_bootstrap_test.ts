import assert from "node:assert/strict";
import { bootstrapCi, BootstrapCiSchema, DEFAULT_SEED } from "../lib/stats/mod.ts";
import { bootstrapUnits } from "../lib/stats/bootstrap_units.ts";
import { createRng } from "../lib/util/prng.ts";
import { endpointAgrees, fixtures } from "./testdata/stats/fixtures.ts";

for (const data of fixtures.datasets) {
  for (const method of ["bca", "percentile"] as const) {
    const reference = data.bootstrap[method];
    if (reference === null) continue;
    Deno.test(`${method} interval of ${data.name} (n=${data.n}) agrees with scipy.stats.bootstrap`, () => {
      const ci = bootstrapCi(data.a, data.b, { method, resamples: fixtures.resamples });
      assert.equal(ci.n, data.n);
      assert.ok(Math.abs(ci.mean! - data.mean) < 1e-12, `mean ${ci.mean} vs ${data.mean}`);
      const low = endpointAgrees(
        ci.low!,
        reference.lowMean,
        reference.lowSd,
        reference.lowMin,
        reference.lowMax,
      );
      const high = endpointAgrees(
        ci.high!,
        reference.highMean,
        reference.highSd,
        reference.highMin,
        reference.highMax,
      );
      assert.ok(low.ok, `low ${ci.low} vs scipy ${reference.lowMean} ± ${low.tolerance}`);
      assert.ok(high.ok, `high ${ci.high} vs scipy ${reference.highMean} ± ${high.tolerance}`);
      // The check has teeth: the tolerance is a small part of the interval's width.
      const width = reference.highMean - reference.lowMean;
      if (width > 0) {
        assert.ok(low.tolerance < 0.25 * width && high.tolerance < 0.25 * width);
      }
    });
  }
}

Deno.test("BCa and percentile differ on skewed data, and BCa moves the interval toward the long tail", () => {
  const skewed = fixtures.datasets.find((d) => d.name === "skewed_n12")!;
  const bca = bootstrapCi(skewed.a, skewed.b);
  const pct = bootstrapCi(skewed.a, skewed.b, { method: "percentile" });
  assert.equal(bca.method, "bca");
  assert.equal(pct.method, "percentile");
  assert.ok(
    bca.high! > pct.high!,
    `BCa high ${bca.high} should exceed percentile high ${pct.high}`,
  );
  assert.ok(typeof bca.acceleration === "number" && bca.acceleration > 0);
  assert.equal(pct.acceleration, undefined);
});

Deno.test("all-tied pairs give a zero-width interval at 0 with a note, where SciPy's BCa is NaN", () => {
  const ties = fixtures.datasets.find((d) => d.name === "all_ties_n12")!;
  assert.equal(ties.bootstrap.bca, null, "SciPy cannot compute BCa here");
  for (const method of ["bca", "percentile"] as const) {
    const ci = bootstrapCi(ties.a, ties.b, { method });
    assert.equal(ci.low, 0);
    assert.equal(ci.high, 0);
    assert.equal(ci.se, 0);
    assert.equal(ci.excludesZero, false);
    assert.match(ci.note ?? "", /all 12 differences are equal/);
    assert.ok(BootstrapCiSchema.safeParse(ci).success);
    assert.doesNotMatch(JSON.stringify(ci), /NaN|null/);
  }
});

Deno.test("identical non-zero differences give a point interval away from zero, flagged in the note", () => {
  const ci = bootstrapCi([0, 0, 0, 0], [1, 1, 1, 1]);
  assert.equal(ci.low, 1);
  assert.equal(ci.high, 1);
  assert.equal(ci.excludesZero, true);
  assert.match(ci.note ?? "", /not certainty/);
});

Deno.test("no pairs and a single pair give null bounds with a note instead of NaN", () => {
  const empty = bootstrapCi([], []);
  assert.equal(empty.n, 0);
  assert.equal(empty.mean, null);
  assert.equal(empty.low, null);
  assert.match(empty.note ?? "", /no pairs/);
  const one = bootstrapCi([0.2], [0.7]);
  assert.equal(one.n, 1);
  assert.ok(Math.abs(one.mean! - 0.5) < 1e-15);
  assert.equal(one.low, null);
  assert.equal(one.high, null);
  assert.equal(one.excludesZero, false);
  assert.match(one.note ?? "", /single/);
  for (const ci of [empty, one]) {
    assert.ok(BootstrapCiSchema.safeParse(JSON.parse(JSON.stringify(ci))).success);
  }
});

Deno.test("the same seed reproduces the interval and a different seed changes it", () => {
  const d = fixtures.datasets.find((x) => x.name === "continuous_n50")!;
  const first = bootstrapCi(d.a, d.b, { resamples: 2000 });
  const again = bootstrapCi(d.a, d.b, { resamples: 2000 });
  const other = bootstrapCi(d.a, d.b, { resamples: 2000, seed: DEFAULT_SEED + 1 });
  assert.deepEqual(again, first);
  assert.equal(first.seed, DEFAULT_SEED);
  assert.equal(other.seed, DEFAULT_SEED + 1);
  assert.notEqual(other.low, first.low);
});

Deno.test("the result records method, resamples, seed, n and confidence as requested", () => {
  const ci = bootstrapCi([1, 2, 3, 5], [2, 2, 5, 9], {
    method: "percentile",
    resamples: 500,
    seed: 7,
    confidence: 0.8,
  });
  assert.equal(ci.method, "percentile");
  assert.equal(ci.resamples, 500);
  assert.equal(ci.seed, 7);
  assert.equal(ci.n, 4);
  assert.equal(ci.confidence, 0.8);
  assert.ok(ci.low! <= ci.mean! && ci.mean! <= ci.high!);
  const wide = bootstrapCi([1, 2, 3, 5], [2, 2, 5, 9], {
    method: "percentile",
    resamples: 500,
    seed: 7,
    confidence: 0.99,
  });
  assert.ok(wide.high! - wide.low! > ci.high! - ci.low!, "a higher confidence widens the interval");
});

Deno.test("95% BCa intervals cover the true mean difference in roughly 95% of normal samples", () => {
  const rng = createRng(99);
  const normal = () =>
    Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const trials = 300;
  let covered = 0;
  for (let t = 0; t < trials; t++) {
    const a = Array.from({ length: 30 }, () => normal());
    const b = a.map((x) => x + 0.3 + normal());
    const ci = bootstrapCi(a, b, { resamples: 999, seed: t });
    if (ci.low! <= 0.3 && 0.3 <= ci.high!) covered++;
  }
  // Binomial SE of the coverage at 300 trials is about 0.013; BCa at n = 30 is a little liberal.
  const coverage = covered / trials;
  assert.ok(coverage > 0.88 && coverage < 0.99, `coverage ${coverage}`);
});

Deno.test("BCa falls back to the percentile interval with a note when the bias correction is infinite", () => {
  // One resample whose mean differs from the estimate puts the estimate outside the bootstrap
  // distribution, so ẑ₀ = ±∞.
  let fallback = null;
  for (let seed = 0; seed < 50 && !fallback; seed++) {
    const ci = bootstrapUnits([0, 1], {
      method: "bca",
      confidence: 0.95,
      resamples: 1,
      seed,
    });
    if (ci.method === "percentile") fallback = ci;
  }
  assert.ok(fallback, "some seed draws a resample away from the estimate");
  assert.match(fallback.note ?? "", /BCa is undefined/);
  assert.ok(Number.isFinite(fallback.low) && Number.isFinite(fallback.high));
});

Deno.test("bad arguments throw early and name the offending value", () => {
  assert.throws(() => bootstrapCi([1, 2], [1]), /a\.length=2 and b\.length=1/);
  assert.throws(() => bootstrapCi([1, NaN], [1, 2]), /a\[1\] must be a finite number, got NaN/);
  assert.throws(() => bootstrapCi([1], [1], { confidence: 1 }), /confidence .* got 1/);
  assert.throws(() => bootstrapCi([1], [1], { resamples: 0 }), /resamples .* got 0/);
  assert.throws(() => bootstrapCi([1], [1], { seed: 0.5 }), /seed .* got 0.5/);
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => bootstrapCi([1], [1], { method: "basic" as any }),
    /method must be "bca" or "percentile", got "basic"/,
  );
});
