import assert from "node:assert/strict";
import { DEFAULT_SEED, permutationTest, PermutationTestSchema } from "../lib/stats/mod.ts";
import { fixtures } from "./testdata/stats/fixtures.ts";

for (const d of fixtures.datasets) {
  const nonZero = d.a.filter((x, i) => d.b[i] !== x).length;
  if (d.permutation.exact) {
    Deno.test(`exact permutation p of ${d.name} equals scipy.stats.permutation_test over all 2^${d.n} flips`, () => {
      const r = permutationTest(d.a, d.b);
      assert.equal(r.method, "exact");
      assert.equal(r.permutations, 2 ** nonZero);
      assert.ok(Math.abs(r.p - d.permutation.p) < 1e-12, `p ${r.p} vs scipy ${d.permutation.p}`);
    });
  } else {
    Deno.test(`permutation p of ${d.name} (n=${d.n}) agrees with SciPy's Monte Carlo p within its error`, () => {
      const ref = d.permutation.p;
      const refR = d.permutation.resamples!;
      // Exact when the non-zero differences are few enough to enumerate, Monte Carlo otherwise.
      const exact = nonZero <= 40;
      const r = permutationTest(d.a, d.b, exact ? { exactMaxN: 40 } : {});
      assert.equal(r.method, exact ? "exact" : "monte_carlo");
      const ourR = exact ? Infinity : r.permutations;
      // SciPy doubles the smaller one-sided (count + 1)/(R + 1); allow 4 binomial SEs of both
      // estimates plus the +1 adjustments.
      const tolerance = 4 * Math.sqrt(ref * (1 - ref) * (1 / refR + 1 / ourR)) + 2 / (refR + 1) +
        (exact ? 0 : 1 / (ourR + 1));
      assert.ok(Math.abs(r.p - ref) <= tolerance, `p ${r.p} vs scipy ${ref} ± ${tolerance}`);
    });
  }
}

Deno.test("three equal positive differences are as extreme in 2 of 8 sign patterns (p = 0.25)", () => {
  const r = permutationTest([0, 0, 0, 0], [1, 1, 1, 0]);
  assert.equal(r.method, "exact");
  assert.equal(r.p, 0.25);
  assert.equal(r.permutations, 8, "the zero difference is not flipped");
  assert.equal(r.mean, 0.75);
});

Deno.test("exact enumeration counts sums equal to the observed one despite float rounding", () => {
  // 0.1 + 0.2 and 0.3 are not equal in floating point; both flips (±0.1 ±0.2 vs ±0.3) tie.
  const r = permutationTest([0, 0, 0], [0.1, 0.2, -0.3]);
  // |sum| of observed is ~0 → every assignment is at least as extreme.
  assert.equal(r.p, 1);
  const s = permutationTest([0, 0, 0], [0.1, 0.2, 0.3]);
  // Sums: ±0.6 (2 of 8) and ±0.0 twice, ±0.2, ±0.4 → only the two ±0.6 patterns are as extreme.
  assert.equal(s.p, 0.25);
});

Deno.test("above the exact threshold the test switches to a seeded Monte Carlo p-value", () => {
  const a = Array.from({ length: 30 }, (_, i) => (i * 7) % 5);
  const b = a.map((x, i) => x + ((i * 3) % 4) - 1);
  const mc = permutationTest(a, b, { resamples: 4999 });
  assert.equal(mc.method, "monte_carlo");
  assert.equal(mc.permutations, 4999);
  assert.equal(mc.seed, DEFAULT_SEED);
  assert.ok(mc.p > 0 && mc.p <= 1);
  assert.ok(mc.p >= 1 / 5000, "the +1 correction keeps p away from 0");
  assert.deepEqual(permutationTest(a, b, { resamples: 4999 }), mc, "same seed, same p");
  const other = permutationTest(a, b, { resamples: 4999, seed: 5 });
  assert.notEqual(other.p, mc.p);
  const exact = permutationTest(a, b, { exactMaxN: 40 });
  assert.equal(exact.method, "exact");
  assert.ok(Math.abs(exact.p - mc.p) < 4 * Math.sqrt(exact.p * (1 - exact.p) / 4999) + 2e-4);
});

Deno.test("no pairs or all-zero differences give p = 1 with a note", () => {
  const empty = permutationTest([], []);
  assert.equal(empty.p, 1);
  assert.equal(empty.mean, null);
  assert.match(empty.note ?? "", /no pairs/);
  const zeros = permutationTest([1, 2], [1, 2]);
  assert.equal(zeros.p, 1);
  assert.match(zeros.note ?? "", /all differences are zero/);
  assert.ok(PermutationTestSchema.safeParse(zeros).success);
  assert.ok(PermutationTestSchema.safeParse(JSON.parse(JSON.stringify(empty))).success);
});

Deno.test("permutation options out of range throw and name the value", () => {
  assert.throws(() => permutationTest([1], [2], { exactMaxN: 41 }), /exactMaxN .* got 41/);
  assert.throws(() => permutationTest([1], [2], { resamples: -5 }), /resamples .* got -5/);
  assert.throws(() => permutationTest([1], [2, 3]), /a\.length=1 and b\.length=2/);
});
