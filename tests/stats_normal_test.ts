import assert from "node:assert/strict";
import { normalCdf, normalQuantile } from "../lib/stats/mod.ts";
import { quantileSorted } from "../lib/stats/quantile_sorted.ts";
import { fixtures } from "./testdata/stats/fixtures.ts";

Deno.test("normalCdf matches scipy.special.ndtr to 1e-14 absolute and 1e-9 relative in the tails", () => {
  for (const { x, p } of fixtures.ndtr) {
    const ours = normalCdf(x);
    assert.ok(Math.abs(ours - p) < 1e-14, `Φ(${x}) = ${ours}, scipy ${p}`);
    if (p > 0) assert.ok(Math.abs(ours - p) / p < 1e-9, `relative error at ${x}`);
  }
  assert.equal(normalCdf(-Infinity), 0);
  assert.equal(normalCdf(Infinity), 1);
});

Deno.test("normalQuantile matches scipy.special.ndtri to 1e-13 relative and inverts normalCdf", () => {
  for (const { p, x } of fixtures.ndtri) {
    const ours = normalQuantile(p);
    assert.ok(
      Math.abs(ours - x) <= 1e-13 * Math.max(1, Math.abs(x)),
      `Φ⁻¹(${p}) = ${ours}, scipy ${x}`,
    );
    if (p > 1e-10 && p < 1 - 1e-6) assert.ok(Math.abs(normalCdf(ours) - p) < 1e-14);
  }
  assert.equal(normalQuantile(0), -Infinity);
  assert.equal(normalQuantile(1), Infinity);
  assert.ok(Number.isNaN(normalQuantile(1.5)));
});

Deno.test("quantiles interpolate linearly between order statistics like numpy's default", () => {
  const sorted = [1, 2, 4, 8, 16];
  assert.equal(quantileSorted(sorted, 0), 1);
  assert.equal(quantileSorted(sorted, 1), 16);
  assert.equal(quantileSorted(sorted, 0.5), 4);
  assert.equal(quantileSorted(sorted, 0.625), 6); // h = 2.5 → halfway between 4 and 8
  assert.equal(quantileSorted([3], 0.3), 3);
  assert.throws(() => quantileSorted([], 0.5), /empty/);
  assert.throws(() => quantileSorted(sorted, 1.2), /p must be in \[0, 1\], got 1.2/);
});
