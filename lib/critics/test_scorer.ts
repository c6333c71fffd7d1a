/**
 * The test scorer: an answer's score is the fraction of the dataset's tests it passes in the sandbox.
 *
 * @module
 */
import type { Scorer } from "../schemas/eval_contracts.ts";
import type { Score } from "../schemas/trace.ts";
import { warnOncePerRun } from "./isolation_notice.ts";
import type { SandboxResult } from "../sandbox/sandbox_result.ts";
import { asCodingItem, selectTests, TestRunner, type TestRunnerOptions } from "./test_runner.ts";

/** Options for {@linkcode testScorer}. */
export interface TestScorerOptions extends TestRunnerOptions {
  /** Which of the item's tests count (`all`: visible + hidden). @default "hidden" */
  which?: "hidden" | "visible" | "all";
  /** A runner to share (its cache and concurrency bound); overrides `sandbox`, `cache`, `concurrency`. */
  runner?: TestRunner;
}

/**
 * Turns a verdict into a score: the fraction of tests passed when every expected test ran and was
 * reported; 0 for any error verdict (compile error, timeout, memory, early exit, crash).
 *
 * @param result The sandbox verdict.
 * @param source Scorer name recorded in the score.
 * @returns The score.
 *
 * @example Two of three tests
 * ```ts
 * import { scoreFromResult } from "./test_scorer.ts";
 * const s = scoreFromResult({ status: "failed", passedTests: 2, expectedTests: 3, reason: "2/3" } as never, "hidden_tests");
 * if (Math.abs(s.score - 2 / 3) > 1e-9 || s.passed) throw new Error();
 * ```
 */
export function scoreFromResult(
  result: Pick<SandboxResult, "status" | "passedTests" | "expectedTests" | "reason">,
  source: string,
): Score {
  const complete = result.status === "passed" || result.status === "failed";
  if (!complete || result.expectedTests === 0) {
    return {
      score: 0,
      passed: false,
      source,
      detail: `${result.status}: ${result.reason}`.slice(0, 500),
    };
  }
  const score = result.passedTests / result.expectedTests;
  return {
    score,
    passed: result.status === "passed" && result.passedTests === result.expectedTests,
    source,
    detail: `${result.passedTests}/${result.expectedTests} tests passed` +
      (result.status === "failed" && result.passedTests === result.expectedTests
        ? ` (${result.reason})`
        : ""),
  };
}

/**
 * Creates a {@linkcode Scorer} that runs an answer against the item's hidden (default) or visible
 * tests in the sandbox. Only the dataset's tests count; the score is the fraction passed, `passed`
 * means all passed, and unless the expected number of tests executed and reported the verdict is an
 * error scored 0. Verdicts are cached by code, tests and runner version. A sandbox infrastructure
 * failure (`sandbox_error`) throws instead of scoring.
 *
 * @param options Which tests, sandbox options, cache, concurrency or a shared runner.
 * @returns The scorer, named "hidden_tests", "visible_tests" or "all_tests".
 *
 * @example Score a correct answer
 * ```ts
 * import { testScorer } from "./test_scorer.ts";
 * const item = {
 *   id: "inc", prompt: "Write inc.", language: "typescript" as const, entryPoint: "inc",
 *   reference: "const inc = (x: number) => x + 1;",
 *   visibleTests: [{ name: "one", code: "assert.strictEqual(inc(1), 2);" }],
 *   hiddenTests: [{ name: "two", code: "assert.strictEqual(inc(2), 3);" }],
 * };
 * const fence = "`".repeat(3);
 * const answer = `${fence}ts\nconst inc = (x: number) => x + 1;\n${fence}`;
 * const score = await testScorer().score(item, answer, { round: 0, seed: 1 });
 * if (!score.passed || score.score !== 1) throw new Error(score.detail);
 * ```
 */
export function testScorer(options: TestScorerOptions = {}): Scorer {
  const which = options.which ?? "hidden";
  if (which !== "hidden" && which !== "visible" && which !== "all") {
    throw new TypeError(
      `Cannot score with tests "hidden" | "visible" | "all": current value is ${which}`,
    );
  }
  const runner = options.runner ?? new TestRunner(options);
  const name = `${which}_tests`;
  return {
    name,
    async score(item, answer, context): Promise<Score> {
      const coding = asCodingItem(item);
      const tests = selectTests(coding, which);
      if (tests.length === 0) {
        return { score: 0, passed: false, source: name, detail: `the item has no ${which} tests` };
      }
      const run = await runner.run(coding, answer, which, context.signal);
      if (run.result.status === "sandbox_error") {
        throw new Error(
          `The sandbox failed while scoring item "${coding.id}": ${run.result.reason}`,
        );
      }
      if (run.result.warnings.length > 0 && run.result.isolation === "none") {
        warnOncePerRun(context.onEvent, run.result.warnings[0], coding.id);
      }
      return scoreFromResult(run.result, name);
    },
  };
}
