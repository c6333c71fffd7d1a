/**
 * The noise-aware acceptance rule and the guardrail check.
 *
 * **The rule.** Let `I` be the incumbent's measurements and `C` the candidate's (each run of the
 * runner is one measurement; `repeats` runs per evaluation). The improvement is
 * `d = mean(I) − mean(C)` for a minimised metric (`mean(C) − mean(I)` when maximised). The
 * candidate passes when
 *
 * 1. `d > min_improvement` (strictly), and
 * 2. when both sides have at least two measurements, a one-sided t-test rejects "no improvement" at
 *    level `alpha`: Welch's unequal-variance test (`test: welch`, each run with a fresh seed), or the
 *    paired test on runs that share seed `i` (`test: paired`). With a single measurement on a side
 *    there is no noise estimate and only condition 1 applies. Zero measured noise with `d > 0` passes.
 *
 * With `confirm` (the default) a candidate that passes is measured again — `repeats` fresh runs of
 * the candidate *and* of the incumbent — and is kept only when the fresh runs alone pass the same
 * test *and* all runs pooled pass it. Confirmation makes a lucky first draw (regression to the mean,
 * the "seed 42 → 137 was a win" failure) much less likely: in simulation with Gaussian noise, 3
 * repeats and `alpha = 0.05`, a no-op edit tried for 20 iterations was kept in about 2% of runs
 * (about 29% without confirmation), while a 3σ improvement was kept about 75% of the time.
 *
 * **Guardrails** compare the candidate's mean to absolute limits and to limits relative to the frozen
 * baseline (the run's first measurement, never the moving incumbent), so regressions cannot creep in
 * one small step at a time.
 *
 * @module
 */
import type { Guardrail } from "./problem.ts";
import { mean, pairedTest, type TTestResult, welchTest } from "../stats/welch.ts";

/** Options for {@linkcode compareSamples}. */
export interface CompareOptions {
  /** Which way is better. @default "minimize" */
  direction?: "minimize" | "maximize";
  /** The improvement must exceed this. @default 0 */
  minImprovement?: number;
  /** One-sided significance level. @default 0.05 */
  alpha?: number;
  /** Which t-test. @default "welch" */
  test?: "welch" | "paired";
}

/** The outcome of {@linkcode compareSamples}. */
export interface Comparison {
  /** True when the candidate passes the rule. */
  passed: boolean;
  /** Mean improvement (positive = better), metric units. */
  improvement: number;
  /** Improvement relative to the incumbent mean (0 when that mean is 0). */
  relative: number;
  /** The test statistics. */
  test: TTestResult;
  /** True when a noise test was applied (both sides had ≥ 2 measurements). */
  noiseTested: boolean;
  /** One-line explanation. */
  reason: string;
}

/**
 * Applies the acceptance rule (see the module doc) to candidate vs incumbent measurements.
 *
 * @param candidate Candidate measurements.
 * @param incumbent Incumbent measurements.
 * @param options Direction, minimum improvement, alpha and test.
 * @returns Whether it passes, the improvement, the test and a reason.
 *
 * @example Noise blocks a small "win"; a large one passes
 * ```ts
 * import { compareSamples } from "./acceptance.ts";
 * const incumbent = [10.3, 9.1, 10.6];
 * const small = compareSamples([9.9, 10.4, 9.2], incumbent);
 * const large = compareSamples([5.2, 4.7, 5.1], incumbent);
 * if (small.passed || !large.passed) throw new Error("rule misbehaves");
 * ```
 */
export function compareSamples(
  candidate: readonly number[],
  incumbent: readonly number[],
  options: CompareOptions = {},
): Comparison {
  for (const [name, xs] of [["candidate", candidate], ["incumbent", incumbent]] as const) {
    if (!Array.isArray(xs) || xs.length === 0 || xs.some((x) => !Number.isFinite(x))) {
      throw new TypeError(`compareSamples: ${name} must be a non-empty array of finite numbers`);
    }
  }
  const direction = options.direction ?? "minimize";
  const minImprovement = options.minImprovement ?? 0;
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`compareSamples: alpha must be in (0, 1)`);
  const kind = options.test ?? "welch";
  const test = kind === "paired"
    ? pairedTest(candidate, incumbent, { direction })
    : welchTest(candidate, incumbent, { direction });
  const paired = Math.min(candidate.length, incumbent.length);
  const noiseTested = kind === "paired"
    ? paired >= 2
    : candidate.length >= 2 && incumbent.length >= 2;
  const incMean = mean(incumbent);
  const relative = incMean === 0 ? 0 : test.improvement / Math.abs(incMean);
  const fmt = (x: number): string => Number(x.toPrecision(6)).toString();
  let passed: boolean, reason: string;
  if (!(test.improvement > minImprovement)) {
    passed = false;
    reason = `improvement ${fmt(test.improvement)} does not exceed min_improvement ${
      fmt(minImprovement)
    }`;
  } else if (noiseTested && !(test.p < alpha)) {
    passed = false;
    reason = `improvement ${fmt(test.improvement)} is within noise (${kind} p=${
      fmt(test.p)
    } ≥ alpha=${alpha}, se=${fmt(test.se)})`;
  } else {
    passed = true;
    reason = noiseTested
      ? `improvement ${fmt(test.improvement)} > ${
        fmt(minImprovement)
      } and beyond noise (${kind} p=${fmt(test.p)} < ${alpha})`
      : `improvement ${fmt(test.improvement)} > ${
        fmt(minImprovement)
      } (no noise estimate: ${candidate.length} vs ${incumbent.length} runs)`;
  }
  return { passed, improvement: test.improvement, relative, test, noiseTested, reason };
}

/** The outcome of {@linkcode checkGuardrails}. */
export interface GuardrailCheck {
  /** True when every guardrail holds. */
  ok: boolean;
  /** One message per violated limit. */
  violations: string[];
}

/** Options for {@linkcode checkGuardrails}. */
export interface GuardrailOptions {
  /** Baseline guardrail values by name (the frozen first measurement). */
  baseline: Record<string, number>;
  /** The guardrail specs. */
  guardrails: readonly Guardrail[];
}

/**
 * Checks guardrail metrics (candidate means) against absolute limits and limits relative to the
 * frozen baseline.
 *
 * @param values Candidate guardrail values by name (means over repeats).
 * @param options Baseline values and guardrail specs.
 * @returns Whether all hold and the violations.
 *
 * @example A 30% slowdown breaks a 10% limit
 * ```ts
 * import { checkGuardrails } from "./acceptance.ts";
 * const g = [{ name: "ms", regex: "ms: ([0-9.]+)", max_increase: 0.1 }];
 * const r = checkGuardrails({ ms: 130 }, { baseline: { ms: 100 }, guardrails: g });
 * if (r.ok || r.violations.length !== 1) throw new Error("expected one violation");
 * ```
 */
export function checkGuardrails(
  values: Record<string, number>,
  options: GuardrailOptions,
): GuardrailCheck {
  const { baseline, guardrails } = options ?? {};
  if (!baseline || !Array.isArray(guardrails)) {
    throw new TypeError("checkGuardrails: options must have baseline and guardrails");
  }
  const violations: string[] = [];
  for (const g of guardrails) {
    const v = values[g.name];
    if (typeof v !== "number" || !Number.isFinite(v)) {
      violations.push(`${g.name}: no value measured`);
      continue;
    }
    const b = baseline[g.name];
    if (g.max !== undefined && v > g.max) violations.push(`${g.name}=${v} > max ${g.max}`);
    if (g.min !== undefined && v < g.min) violations.push(`${g.name}=${v} < min ${g.min}`);
    if (g.max_increase !== undefined || g.max_decrease !== undefined) {
      if (typeof b !== "number" || !Number.isFinite(b)) {
        violations.push(`${g.name}: no baseline value for a relative limit`);
        continue;
      }
      const upper = b + Math.abs(b) * (g.max_increase ?? Infinity);
      const lower = b - Math.abs(b) * (g.max_decrease ?? Infinity);
      if (g.max_increase !== undefined && v > upper) {
        violations.push(
          `${g.name}=${v} > baseline ${b} + ${g.max_increase * 100}% (${upper.toPrecision(6)})`,
        );
      }
      if (g.max_decrease !== undefined && v < lower) {
        violations.push(
          `${g.name}=${v} < baseline ${b} − ${g.max_decrease * 100}% (${lower.toPrecision(6)})`,
        );
      }
    }
  }
  return { ok: violations.length === 0, violations };
}
