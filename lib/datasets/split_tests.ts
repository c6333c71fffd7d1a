/**
 * Deterministic visible/hidden split of a row's tests, for sources that ship a single test set.
 *
 * @module
 */
import type { TestCase } from "../schemas/coding.ts";
import { createRng } from "../util/prng.ts";

/** Options for {@linkcode splitTests}. */
export interface SplitTestsOptions {
  /** Seed of the split (combine it with the item id so items differ). @default "autoconstitution" */
  seed?: string | number;
  /** Share of tests made visible, rounded, but at least one visible and one hidden when there are two or more. @default 1/3 */
  visibleFraction?: number;
}

/**
 * Splits tests into disjoint visible and hidden sets, reproducibly: the same tests and seed always
 * give the same split. Each set keeps the original order. One test is always hidden (a single test
 * is hidden only); with two or more, at least one is visible.
 *
 * @param tests The row's tests (at least one).
 * @param options Seed and visible share.
 * @returns The two sets.
 * @throws {RangeError} when there are no tests or the fraction is outside [0, 1].
 *
 * @example Three MBXP tests: one visible, two hidden
 * ```ts
 * import { splitTests } from "./split_tests.ts";
 * const tests = [1, 2, 3].map((i) => ({ name: `t${i}`, code: "assert.ok(true);" }));
 * const { visible, hidden } = splitTests(tests, { seed: "MBTSP/1" });
 * if (visible.length !== 1 || hidden.length !== 2) throw new Error();
 * ```
 */
export function splitTests(
  tests: TestCase[],
  options: SplitTestsOptions = {},
): { visible: TestCase[]; hidden: TestCase[] } {
  if (!Array.isArray(tests) || tests.length === 0) {
    throw new RangeError(
      `Cannot split tests without any: current value is ${JSON.stringify(tests)}`,
    );
  }
  const fraction = options.visibleFraction ?? 1 / 3;
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new RangeError(
      `Cannot split with visibleFraction in [0, 1]: current value is ${fraction}`,
    );
  }
  const n = tests.length;
  if (n === 1) return { visible: [], hidden: [...tests] };
  const k = Math.min(n - 1, Math.max(1, Math.round(n * fraction)));
  const rng = createRng(options.seed ?? "autoconstitution");
  const order = tests.map((_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const visibleIdx = new Set(order.slice(0, k));
  return {
    visible: tests.filter((_, i) => visibleIdx.has(i)),
    hidden: tests.filter((_, i) => !visibleIdx.has(i)),
  };
}
