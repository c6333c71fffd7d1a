import assert from "node:assert/strict";
import {
  binomialHalfTest,
  mcnemarTest,
  McNemarTestSchema,
  signTest,
  signTestCounts,
  SignTestSchema,
} from "../lib/stats/mod.ts";
import { fixtures } from "./testdata/stats/fixtures.ts";

Deno.test("three wins, nine ties and no losses give the hand-derived p = 2·(1/2)^3 = 0.25", () => {
  const r = signTestCounts(3, 0, { ties: 9 });
  assert.equal(r.p, 0.25);
  // mid-p: 2·(P(X ≤ 0) − P(X = 0)/2) = P(X = 0) = 1/8
  assert.equal(r.midP, 0.125);
  assert.deepEqual([r.wins, r.ties, r.losses], [3, 9, 0]);
  const fromScores = signTest(Array(12).fill(0), [1, 1, 1, ...Array(9).fill(0)]);
  assert.deepEqual(fromScores, r);
});

for (const c of fixtures.binomial) {
  Deno.test(`sign test with ${c.wins} wins and ${c.losses} losses matches scipy.stats.binomtest`, () => {
    const r = signTestCounts(c.wins, c.losses);
    const close = (x: number, y: number) => Math.abs(x - y) <= 1e-12 * Math.max(1e-300, y) + 1e-300;
    assert.ok(close(r.p, c.p), `p ${r.p} vs scipy ${c.p}`);
    assert.ok(close(r.midP, c.midP), `mid-p ${r.midP} vs scipy ${c.midP}`);
    assert.ok(r.midP <= r.p, "mid-p never exceeds the exact p");
  });
}

Deno.test("sign tests on the stored datasets match SciPy's binomtest on their win/loss counts", () => {
  for (const d of fixtures.datasets) {
    const r = signTest(d.a, d.b);
    assert.deepEqual([r.wins, r.ties, r.losses], [d.wins, d.ties, d.losses], d.name);
    assert.ok(Math.abs(r.p - d.sign.p) <= 1e-12 * d.sign.p, `${d.name}: ${r.p} vs ${d.sign.p}`);
  }
});

Deno.test("McNemar's exact test counts the 2×2 cells and equals the binomial test on discordant pairs", () => {
  for (const d of fixtures.datasets.filter((x) => x.mcnemar)) {
    const r = mcnemarTest(d.a, d.b);
    assert.equal(r.improved, d.mcnemar!.improved, d.name);
    assert.equal(r.regressed, d.mcnemar!.regressed, d.name);
    assert.equal(r.bothPass + r.bothFail + r.improved + r.regressed, d.n);
    assert.ok(Math.abs(r.p - d.mcnemar!.p) <= 1e-12 * d.mcnemar!.p, d.name);
    assert.ok(Math.abs(r.midP - d.mcnemar!.midP) <= 1e-12 * d.mcnemar!.midP, d.name);
    assert.ok(McNemarTestSchema.safeParse(r).success);
  }
});

Deno.test("McNemar accepts booleans and rejects scores that are not pass/fail", () => {
  const r = mcnemarTest([false, false, true], [true, true, true]);
  assert.equal(r.improved, 2);
  assert.equal(r.bothPass, 1);
  assert.equal(r.p, 0.5);
  assert.throws(() => mcnemarTest([0, 0.5], [1, 1]), /a\[1\] must be 0, 1, true or false, got 0.5/);
  assert.throws(() => mcnemarTest([0], [1, 1]), /a\.length=1 and b\.length=2/);
});

Deno.test("no discordant pairs give p = 1 with a note rather than an error", () => {
  const s = signTest([1, 2, 3], [1, 2, 3]);
  assert.equal(s.p, 1);
  assert.equal(s.midP, 1);
  assert.match(s.note ?? "", /no discordant pairs/);
  const m = mcnemarTest([], []);
  assert.equal(m.n, 0);
  assert.equal(m.p, 1);
  assert.match(m.note ?? "", /no discordant pairs/);
  assert.ok(SignTestSchema.safeParse(s).success);
});

Deno.test("a tie tolerance turns small differences into ties and changes the test", () => {
  const a = [0.5, 0.5, 0.5, 0.5, 0.5];
  const b = [0.51, 0.52, 0.9, 0.8, 0.49];
  const strict = signTest(a, b);
  const tolerant = signTest(a, b, { tolerance: 0.05 });
  assert.deepEqual([strict.wins, strict.ties, strict.losses], [4, 0, 1]);
  assert.deepEqual([tolerant.wins, tolerant.ties, tolerant.losses], [2, 3, 0]);
  assert.equal(tolerant.p, 0.5);
  assert.throws(() => signTest(a, b, { tolerance: -1 }), /tolerance .* got -1/);
});

Deno.test("the binomial tails stay accurate for thousands of trials", () => {
  // Symmetric split: p = 1 exactly; a lopsided split is astronomically small but positive.
  assert.equal(binomialHalfTest(1500, 3000).p, 1);
  const tiny = binomialHalfTest(300, 2000).p;
  assert.ok(tiny > 0 && tiny < 1e-200, `p ${tiny}`);
  // Consecutive counts: the tail grows by exactly one pmf term, computed in log space for n > 1000.
  const x = binomialHalfTest(700, 2000), y = binomialHalfTest(701, 2000);
  assert.ok(y.p > x.p && Math.abs((y.p - x.p) / 2 - (y.p - y.midP)) < 1e-9 * y.p);
  assert.throws(() => binomialHalfTest(4, 3), /k must be an integer in \[0, 3\], got 4/);
  assert.throws(() => signTestCounts(1.5, 0), /wins .* got 1.5/);
});
