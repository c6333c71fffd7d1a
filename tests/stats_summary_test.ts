import assert from "node:assert/strict";
import {
  bootstrapCi,
  meanDelta,
  PairedSummarySchema,
  permutationTest,
  signTest,
  summarizePaired,
  winsTiesLosses,
} from "../lib/stats/mod.ts";
import { fixtures } from "./testdata/stats/fixtures.ts";

Deno.test("summarizePaired bundles means, Δ, CI, sign and permutation tests consistent with the parts", () => {
  const d = fixtures.datasets.find((x) => x.name === "small_int_n20")!;
  const s = summarizePaired(d.a, d.b);
  assert.equal(s.n, 20);
  assert.ok(Math.abs(s.delta! - d.mean) < 1e-12);
  assert.ok(Math.abs(s.meanB! - s.meanA! - s.delta!) < 1e-12);
  assert.deepEqual(s.ci, bootstrapCi(d.a, d.b));
  assert.equal(s.ci.method, "bca");
  assert.deepEqual(s.signTest, signTest(d.a, d.b));
  assert.deepEqual(s.permutation, permutationTest(d.a, d.b));
  assert.ok(Math.abs(s.permutation.p - d.permutation.p) < 1e-12, "exact permutation p as in SciPy");
  assert.ok(Math.abs(s.signTest.p - d.sign.p) < 1e-12);
  assert.deepEqual(s.wtl, { wins: d.wins, ties: d.ties, losses: d.losses });
  assert.ok(PairedSummarySchema.safeParse(s).success);
});

Deno.test("a summary survives a JSON round trip through summary.json unchanged, even for empty input", () => {
  for (const [a, b] of [[[], []], [[1], [0]], [[0, 0, 0], [0, 0, 0]], [[0.1, 0.4], [0.3, 0.2]]]) {
    const s = summarizePaired(a, b, { resamples: 999 });
    const text = JSON.stringify(s);
    assert.doesNotMatch(text, /NaN|Infinity/);
    const parsed = PairedSummarySchema.parse(JSON.parse(text));
    assert.deepEqual(parsed, s);
  }
  const empty = summarizePaired([], []);
  assert.equal(empty.delta, null);
  assert.equal(empty.meanA, null);
  assert.equal(empty.signTest.p, 1);
  assert.equal(empty.permutation.p, 1);
});

Deno.test("summary options reach the parts: method, seed, tolerance and permutation resamples", () => {
  const a = Array.from({ length: 30 }, (_, i) => (i % 7) / 7);
  const b = a.map((x, i) => x + ((i % 5) - 1) / 50);
  const s = summarizePaired(a, b, {
    method: "percentile",
    seed: 11,
    tolerance: 0.015,
    permutationResamples: 999,
    resamples: 999,
  });
  assert.equal(s.ci.method, "percentile");
  assert.equal(s.ci.seed, 11);
  assert.equal(s.permutation.seed, 11);
  assert.equal(s.permutation.method, "monte_carlo");
  assert.equal(s.permutation.permutations, 999);
  assert.equal(s.tolerance, 0.015);
  assert.deepEqual(s.wtl, winsTiesLosses(a, b, { tolerance: 0.015 }));
  assert.equal(s.wtl.ties, 6, "differences of ±0.02 are outside the tolerance, 0 is a tie");
  assert.throws(() => summarizePaired(a, b, { permutationResamples: 0 }), /permutationResamples/);
});

Deno.test("meanDelta is mean(b − a) and refuses empty or unpaired input", () => {
  assert.equal(meanDelta([1, 2, 3], [2, 2, 5]), 1);
  assert.equal(meanDelta([0.5], [0.25]), -0.25);
  assert.throws(() => meanDelta([], []), /at least one pair/);
  assert.throws(() => meanDelta([1], [1, 2]), /a\.length=1 and b\.length=2/);
  assert.throws(
    () => meanDelta([1, "2" as unknown as number], [1, 2]),
    /a\[1\] must be a finite number, got "2"/,
  );
});

Deno.test("wins, ties and losses split by the tolerance and always sum to n", () => {
  const a = [0, 0.5, 1, 0.3, 0.3];
  const b = [1, 0.5, 0, 0.31, 0.29];
  assert.deepEqual(winsTiesLosses(a, b), { wins: 2, ties: 1, losses: 2 });
  assert.deepEqual(winsTiesLosses(a, b, { tolerance: 0.02 }), { wins: 1, ties: 3, losses: 1 });
  for (const d of fixtures.datasets) {
    const r = winsTiesLosses(d.a, d.b);
    assert.equal(r.wins + r.ties + r.losses, d.n);
  }
});
