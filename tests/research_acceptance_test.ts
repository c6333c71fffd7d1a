import assert from "node:assert/strict";
import { checkGuardrails, compareSamples } from "../lib/research/acceptance.ts";
import { pairedTest, studentTCdf, welchTest } from "../lib/stats/welch.ts";

Deno.test("Student's t CDF matches table quantiles", () => {
  // two-sided 95% critical values: df 1 → 12.706, df 4 → 2.776, df 30 → 2.042
  for (const [t, df] of [[12.706, 1], [2.776, 4], [2.042, 30]]) {
    assert.ok(Math.abs(studentTCdf(t, df) - 0.975) < 5e-4, `df ${df}`);
    assert.ok(Math.abs(studentTCdf(-t, df) - 0.025) < 5e-4, `df ${df}`);
  }
  assert.throws(() => studentTCdf(1, 0), /df must be > 0/);
});

Deno.test("Welch's test uses the Welch–Satterthwaite degrees of freedom and the metric direction", () => {
  const a = [1, 2, 3, 4], b = [2, 4, 6, 8, 10];
  const r = welchTest(a, b);
  // var(a)/4 = 0.4167, var(b)/5 = 2 → df = 2.4167² / (0.4167²/3 + 2²/4)
  const expectedDf = (0.41667 + 2) ** 2 / (0.41667 ** 2 / 3 + 4 / 4);
  assert.ok(Math.abs(r.df - expectedDf) < 1e-3);
  assert.ok(Math.abs(r.improvement - 3.5) < 1e-12, "minimised: lower candidate mean is better");
  const flipped = welchTest(a, b, { direction: "maximize" });
  assert.ok(Math.abs(flipped.improvement + 3.5) < 1e-12);
  assert.ok(Math.abs(r.p + flipped.p - 1) < 1e-9, "one-sided p-values are complementary");
});

Deno.test("the paired test removes noise shared by runs with the same seed", () => {
  const shared = [3, -2, 5, 0, -4];
  const inc = shared.map((s) => 10 + s);
  const cand = shared.map((s, i) => 9.5 + s + (i % 2 ? 0.05 : -0.05));
  assert.ok(pairedTest(cand, inc).p < 0.001);
  assert.ok(welchTest(cand, inc).p > 0.3, "unpaired, the same data is noise");
});

Deno.test("the rule needs both min_improvement and significance when noise is measurable", () => {
  const inc = [10.1, 9.9, 10.0];
  const tiny = compareSamples([9.7, 9.5, 9.6], inc, { minImprovement: 0.5 });
  assert.equal(tiny.passed, false);
  assert.match(tiny.reason, /does not exceed min_improvement 0.5/);
  const noisy = compareSamples([8, 12, 7], [10, 11, 12]);
  assert.equal(noisy.passed, false);
  assert.match(noisy.reason, /within noise/);
  const clear = compareSamples([8.9, 9.1, 9.0], inc, { minImprovement: 0.5 });
  assert.equal(clear.passed, true);
  assert.ok(clear.noiseTested);
  assert.ok(Math.abs(clear.relative - 0.1) < 1e-9);
});

Deno.test("with one run per side only min_improvement applies, and the reason says so", () => {
  const r = compareSamples([9], [10], { minImprovement: 0.5 });
  assert.equal(r.passed, true);
  assert.equal(r.noiseTested, false);
  assert.match(r.reason, /no noise estimate/);
  assert.equal(compareSamples([11], [10], { direction: "maximize" }).passed, true);
  assert.throws(() => compareSamples([], [1]), /candidate must be a non-empty array/);
});

Deno.test("deterministic runners (zero noise) pass any real improvement", () => {
  assert.equal(compareSamples([5, 5, 5], [6, 6, 6]).passed, true);
  assert.equal(compareSamples([6, 6, 6], [6, 6, 6]).passed, false);
});

Deno.test("guardrails apply absolute limits and limits relative to the baseline", () => {
  const g = [
    { name: "mem", regex: "m", max: 500, max_increase: 0.2 },
    { name: "acc", regex: "a", min: 0.5, max_decrease: 0.1 },
  ];
  assert.deepEqual(
    checkGuardrails({ mem: 110, acc: 0.95 }, { baseline: { mem: 100, acc: 1 }, guardrails: g }).ok,
    true,
  );
  const bad = checkGuardrails({ mem: 130, acc: 0.85 }, {
    baseline: { mem: 100, acc: 1 },
    guardrails: g,
  });
  assert.equal(bad.violations.length, 2);
  assert.match(bad.violations[0], /mem=130 > baseline 100 \+ 20%/);
  assert.match(bad.violations[1], /acc=0.85 < baseline 1 − 10%/);
  assert.match(
    checkGuardrails({ mem: 600 }, { baseline: { mem: 100 }, guardrails: [g[0]] }).violations[0],
    /> max 500/,
  );
  assert.match(
    checkGuardrails({}, { baseline: { mem: 1 }, guardrails: [g[0]] }).violations[0],
    /no value/,
  );
});
