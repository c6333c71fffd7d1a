/**
 * Turning a sandbox verdict into revision feedback: which test failed, its code, the assertion
 * message, expected vs actual, compile errors — trimmed so a small model can use it.
 *
 * @module
 */
import type { Feedback } from "../schemas/eval_contracts.ts";
import type { Critique } from "../schemas/trace.ts";
import type { TestCase } from "../schemas/coding.ts";
import type { SandboxResult, TestOutcome } from "../sandbox/sandbox_result.ts";

/** Options for {@linkcode testFeedback}. */
export interface TestFeedbackOptions {
  /** Heading naming the tests, e.g. "Visible tests". @default "Tests" */
  label?: string;
  /** Most failing tests described in full. @default 5 */
  maxFailures?: number;
  /** Characters kept of each message, expected/actual value or compile error. @default 800 */
  maxChars?: number;
  /** Include type errors (as information) when the verdict has any. @default true */
  includeTypeErrors?: boolean;
}

function clip(text: string, max: number): string {
  const t = text.trim();
  return t.length > max ? `${t.slice(0, max)}… [${t.length - max} more characters]` : t;
}

function indent(text: string): string {
  return text.split("\n").map((l) => `    ${l}`).join("\n");
}

/**
 * Builds feedback from a verdict and the tests that produced it. Only the given tests are ever
 * quoted, so passing the visible tests guarantees no hidden test leaks into the feedback.
 *
 * @param result The sandbox verdict.
 * @param tests The tests that ran (same order as `result.tests`).
 * @param options Heading and trimming.
 * @returns Structured critiques (one per failing test, or one for a compile error/timeout/crash) and the text.
 *
 * @example One failing test
 * ```ts
 * import { testFeedback } from "./test_feedback.ts";
 * const tests = [{ name: "adds", code: "assert.strictEqual(add(1, 2), 3);" }];
 * const result = {
 *   status: "failed", reason: "0/1 tests passed", expectedTests: 1, reportedTests: 1, passedTests: 0, failedTests: 1,
 *   tests: [{ name: "adds", status: "failed", errorName: "AssertionError", message: "Expected 3", expected: "3", actual: "-1" }],
 *   typeErrors: [], stdout: "", stderr: "",
 * } as never;
 * const fb = testFeedback(result, tests);
 * if (fb.critiques.length !== 1 || !fb.text.includes("add(1, 2)")) throw new Error(fb.text);
 * ```
 */
export function testFeedback(
  result: SandboxResult,
  tests: TestCase[],
  options: TestFeedbackOptions = {},
): Feedback {
  const label = options.label ?? "Tests";
  const maxFailures = options.maxFailures ?? 5;
  const max = options.maxChars ?? 800;
  const critiques: Critique[] = [];
  const lines: string[] = [];
  const n = tests.length;
  if (n === 0) return { critiques: [], text: `${label}: there are none for this item.` };
  const byName = new Map(tests.map((t) => [t.name, t]));

  if (result.status === "passed") {
    lines.push(`${label}: all ${n} passed.`);
  } else if (result.status === "compile_error") {
    const err = clip(result.compileError ?? result.reason, max);
    lines.push(`${label}: none could run — the program does not compile or load.`, "", err);
    critiques.push({
      principleId: "compile_error",
      quote: "",
      issue: `The program does not compile or load: ${clip(result.reason, 300)}`,
      fix: "Fix the syntax or import error so the program loads and defines the required function.",
      severity: "high",
    });
  } else if (result.status === "failed" || result.status === "timeout") {
    const summary = result.status === "timeout"
      ? `${label}: stopped after the time limit (${result.passedTests}/${n} passed before that).`
      : `${label}: ${result.passedTests}/${n} passed.`;
    lines.push(summary);
  } else if (result.status === "memory") {
    lines.push(`${label}: the program ran out of memory.`, "", clip(result.reason, max));
    critiques.push({
      principleId: "memory",
      quote: "",
      issue: "The program ran out of memory while the tests ran.",
      fix:
        "Avoid unbounded data structures or recursion; use an algorithm with smaller memory use.",
      severity: "high",
    });
  } else {
    lines.push(
      `${label}: the run did not complete (${result.status}): ${clip(result.reason, 300)}`,
    );
    const tail = clip(result.stderr.split("\n").slice(-15).join("\n"), max);
    if (tail) lines.push("", "Error output (end):", tail);
    critiques.push({
      principleId: result.status,
      quote: "",
      issue: `The program did not let the tests finish: ${clip(result.reason, 300)}`,
      fix:
        "Do not exit the process, print only what is needed, and make sure the module loads without throwing.",
      severity: "high",
    });
  }

  const failing = result.tests.filter((t) => t.status === "failed" || t.status === "timeout");
  if (result.status !== "compile_error") {
    for (const outcome of failing.slice(0, maxFailures)) {
      const test = byName.get(outcome.name);
      lines.push("", describe(outcome, test, max));
      critiques.push({
        principleId: outcome.name,
        quote: "",
        issue: outcome.status === "timeout"
          ? `Test "${outcome.name}" did not finish within the time limit.`
          : `Test "${outcome.name}" failed: ${clip(firstLine(outcome), 300)}`,
        fix: test
          ? `Make this test pass: ${clip(test.code, 300)}`
          : `Make test "${outcome.name}" pass.`,
        severity: "high",
      });
    }
    if (failing.length > maxFailures) {
      lines.push("", `… and ${failing.length - maxFailures} more failing test(s).`);
    }
  }
  if ((options.includeTypeErrors ?? true) && result.typeErrors.length > 0) {
    lines.push("", "Type errors (information only; scoring is on behaviour):");
    for (const e of result.typeErrors.slice(0, 5)) lines.push(indent(clip(e, 300)));
  }
  return { critiques, text: lines.join("\n") };
}

function firstLine(o: TestOutcome): string {
  const msg = `${o.errorName ? `${o.errorName}: ` : ""}${o.message ?? "failed"}`;
  return msg.split("\n")[0];
}

function describe(outcome: TestOutcome, test: TestCase | undefined, max: number): string {
  const out = [`FAILED: ${outcome.name}${outcome.status === "timeout" ? " (timed out)" : ""}`];
  if (test) out.push("  Test code:", indent(clip(test.code, max)));
  if (outcome.message) {
    out.push(`  ${outcome.errorName ?? "Error"}:`, indent(clip(outcome.message, max)));
  }
  if (outcome.expected !== undefined) out.push(`  Expected: ${clip(outcome.expected, max)}`);
  if (outcome.actual !== undefined) out.push(`  Actual:   ${clip(outcome.actual, max)}`);
  return out.join("\n");
}
