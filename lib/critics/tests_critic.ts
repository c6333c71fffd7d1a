/**
 * Test-grounded critics: revision feedback from running the answer against tests.
 *
 * - {@linkcode testsCritic} ("tests") uses the VISIBLE tests only, so the hidden tests that score
 *   the answer never leak into what the student sees.
 * - {@linkcode anchorTestsCritic} ("tests_anchor") reproduces the Python anchor's protocol, where the
 *   same tests are feedback and score (hidden tests included). It exists for comparison: its gains
 *   on hidden tests are not an honest measure of improvement.
 *
 * @module
 */
import type { Critic, Feedback } from "../schemas/eval_contracts.ts";
import { warnOncePerRun } from "./isolation_notice.ts";
import { asCodingItem, selectTests, TestRunner, type TestRunnerOptions } from "./test_runner.ts";
import { testFeedback, type TestFeedbackOptions } from "./test_feedback.ts";

/** Options for the test critics. */
export interface TestsCriticOptions extends TestRunnerOptions, Omit<TestFeedbackOptions, "label"> {
  /** A runner to share (its cache and concurrency bound); overrides `sandbox`, `cache`, `concurrency`. */
  runner?: TestRunner;
}

/**
 * Creates the "tests" critic: runs the answer against the item's visible tests and reports failing
 * test names, their code, assertion messages, expected vs actual values and compile errors. Hidden
 * tests are never run by it and never appear in its feedback.
 *
 * @param options Sandbox options, cache, concurrency or a shared runner; feedback trimming.
 * @returns The critic.
 *
 * @example Feedback for a wrong answer
 * ```ts
 * import { testsCritic } from "./tests_critic.ts";
 * const item = {
 *   id: "inc", prompt: "Write inc.", language: "typescript" as const, entryPoint: "inc",
 *   reference: "const inc = (x: number) => x + 1;",
 *   visibleTests: [{ name: "one", code: "assert.strictEqual(inc(1), 2);" }],
 *   hiddenTests: [{ name: "secret", code: "assert.strictEqual(inc(41), 42);" }],
 * };
 * const fb = await testsCritic().critique(item, "const inc = (x: number) => x;", { round: 0, seed: 1 });
 * if (fb.critiques[0].principleId !== "one" || fb.text.includes("secret")) throw new Error(fb.text);
 * ```
 */
export function testsCritic(options: TestsCriticOptions = {}): Critic {
  return makeTestsCritic("tests", "visible", "Visible tests", options);
}

/**
 * Creates the "tests_anchor" critic: the Python anchor's protocol, where feedback comes from ALL of
 * the item's tests (visible and hidden), i.e. the same tests that score the answer. Use it only to
 * compare against {@linkcode testsCritic}; it is labelled so in its name and feedback.
 *
 * @param options Sandbox options, cache, concurrency or a shared runner; feedback trimming.
 * @returns The critic.
 *
 * @example Feedback that includes the scoring tests
 * ```ts
 * import { anchorTestsCritic } from "./tests_critic.ts";
 * const item = {
 *   id: "inc", prompt: "Write inc.", language: "typescript" as const, entryPoint: "inc",
 *   reference: "const inc = (x: number) => x + 1;",
 *   visibleTests: [{ name: "one", code: "assert.strictEqual(inc(1), 2);" }],
 *   hiddenTests: [{ name: "secret", code: "assert.strictEqual(inc(41), 42);" }],
 * };
 * const critic = anchorTestsCritic();
 * const fb = await critic.critique(item, "const inc = (x: number) => x;", { round: 0, seed: 1 });
 * if (critic.name !== "tests_anchor" || !fb.text.includes("secret")) throw new Error(fb.text);
 * ```
 */
export function anchorTestsCritic(options: TestsCriticOptions = {}): Critic {
  return makeTestsCritic(
    "tests_anchor",
    "all",
    "Tests (anchor protocol: these include the tests that score the answer)",
    options,
  );
}

function makeTestsCritic(
  name: string,
  which: "visible" | "all",
  label: string,
  options: TestsCriticOptions,
): Critic {
  const runner = options.runner ?? new TestRunner(options);
  return {
    name,
    async critique(item, answer, context): Promise<Feedback> {
      const coding = asCodingItem(item);
      const tests = selectTests(coding, which);
      if (tests.length === 0) {
        return { critiques: [], text: `${label}: there are none for this item.` };
      }
      const run = await runner.run(coding, answer, which, context.signal);
      if (run.result.status === "sandbox_error") {
        throw new Error(
          `The sandbox failed while critiquing item "${coding.id}": ${run.result.reason}`,
        );
      }
      if (run.result.isolation === "none" && run.result.warnings.length > 0) {
        warnOncePerRun(context.onEvent, run.result.warnings[0], coding.id);
      }
      return testFeedback(run.result, tests, { ...options, label });
    },
  };
}
