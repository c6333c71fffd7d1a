/**
 * What one sandboxed test run produced: a status that says why, per-test outcomes, counts, the
 * expected test count, capped output, timing and the isolation level the run actually had.
 *
 * @module
 */
import { z } from "zod";

/**
 * Why a run ended the way it did.
 *
 * - `passed`: the expected number of tests ran, were reported with the run's key, and all passed.
 * - `failed`: all tests ran and were reported; at least one failed (or the candidate tampered).
 * - `compile_error`: the candidate could not be loaded (syntax error, unresolvable import, or a type
 *   error under `typeCheck: "enforce"`).
 * - `timeout`: the wall-clock limit was hit; the whole process tree was killed.
 * - `memory`: the heap or data limit was hit.
 * - `tests_not_run`: the process ended without the harness reporting every expected test (early exit,
 *   forged or missing reports).
 * - `crashed`: the process died abnormally (uncaught error, signal) or the module threw while loading.
 * - `sandbox_error`: the sandbox itself failed (e.g. bwrap could not start); says nothing about the code.
 */
export const SandboxStatusSchema = z.enum([
  "passed",
  "failed",
  "compile_error",
  "timeout",
  "memory",
  "tests_not_run",
  "crashed",
  "sandbox_error",
]);
/** Why a run ended the way it did. */
export type SandboxStatus = z.infer<typeof SandboxStatusSchema>;

/** How strongly the run was isolated from the user's files, network, environment and processes. */
export const IsolationLevelSchema = z.enum(["none", "bwrap"]);
/** How strongly the run was isolated. */
export type IsolationLevel = z.infer<typeof IsolationLevelSchema>;

/** The outcome of one test. */
export const TestOutcomeSchema = z.object({
  /** Test name as given in the dataset. */
  name: z.string(),
  /** `not_run` when the harness never reported it; `timeout` when it was running at the deadline. */
  status: z.enum(["passed", "failed", "not_run", "timeout"]),
  /** Error class, e.g. "AssertionError", "TypeError", "Tampering". */
  errorName: z.string().optional(),
  /** Assertion or error message (trimmed). */
  message: z.string().optional(),
  /** Expected value of a failed assertion, as inspected text. */
  expected: z.string().optional(),
  /** Actual value of a failed assertion, as inspected text. */
  actual: z.string().optional(),
  /** Milliseconds the test took inside the harness. */
  ms: z.number().nonnegative().optional(),
});
/** The outcome of one test. */
export type TestOutcome = z.infer<typeof TestOutcomeSchema>;

/** Everything one sandboxed run produced. */
export const SandboxResultSchema = z.object({
  status: SandboxStatusSchema,
  /** One human-readable sentence saying why the run got this status. */
  reason: z.string(),
  /** One outcome per expected test, in dataset order. */
  tests: z.array(TestOutcomeSchema),
  /** How many tests the dataset says must run. */
  expectedTests: z.number().int().nonnegative(),
  /** How many tests the harness reported with the run's key. */
  reportedTests: z.number().int().nonnegative(),
  passedTests: z.number().int().nonnegative(),
  failedTests: z.number().int().nonnegative(),
  /** Load or compile error text (trimmed), when the candidate could not be loaded. */
  compileError: z.string().optional(),
  /** Type errors found by `deno check` (information unless `typeCheck: "enforce"`). */
  typeErrors: z.array(z.string()),
  /** Capped stdout of the candidate (harness lines removed): head and tail. */
  stdout: z.string(),
  /** Capped stderr: head and tail, so the end of an error is always kept. */
  stderr: z.string(),
  /** Bytes the candidate wrote to stdout and stderr in total. */
  outputBytes: z.number().int().nonnegative(),
  /** True when output was cut to fit the cap. */
  outputTruncated: z.boolean(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  durationMs: z.number().nonnegative(),
  isolation: IsolationLevelSchema,
  /** Loud warnings, e.g. that the run was not isolated, or that forged result lines were ignored. */
  warnings: z.array(z.string()),
  /** Version of the sandbox runner and harness; part of every verdict cache key. */
  runnerVersion: z.string(),
});
/** Everything one sandboxed run produced. */
export type SandboxResult = z.infer<typeof SandboxResultSchema>;
