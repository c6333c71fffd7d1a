/**
 * What one sandboxed test run produced: a status that says why, per-test outcomes, counts, the
 * expected test count, capped output, timing and the isolation level the run actually had.
 *
 * @module
 */
import { z } from "zod";
import type { Equals, Schema } from "../schemas/schema.ts";

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
const sandboxStatus = z.enum([
  "passed",
  "failed",
  "compile_error",
  "timeout",
  "memory",
  "tests_not_run",
  "crashed",
  "sandbox_error",
]);
/** Why a run ended the way it did (see {@linkcode SandboxStatusSchema}). */
export type SandboxStatus =
  | "passed"
  | "failed"
  | "compile_error"
  | "timeout"
  | "memory"
  | "tests_not_run"
  | "crashed"
  | "sandbox_error";
/** Schema of {@linkcode SandboxStatus}. */
export const SandboxStatusSchema: Schema<SandboxStatus> = sandboxStatus;
const _sandboxStatus: Equals<z.infer<typeof sandboxStatus>, SandboxStatus> = true;

const isolationLevel = z.enum(["none", "bwrap"]);
/** How strongly the run was isolated from the user's files, network, environment and processes. */
export type IsolationLevel = "none" | "bwrap";
/** Schema of {@linkcode IsolationLevel}. */
export const IsolationLevelSchema: Schema<IsolationLevel> = isolationLevel;
const _isolationLevel: Equals<z.infer<typeof isolationLevel>, IsolationLevel> = true;

/** The outcome of one test. */
export interface TestOutcome {
  /** Test name as given in the dataset. */
  name: string;
  /** `not_run` when the harness never reported it; `timeout` when it was running at the deadline. */
  status: "passed" | "failed" | "not_run" | "timeout";
  /** Error class, e.g. "AssertionError", "TypeError", "Tampering". */
  errorName?: string;
  /** Assertion or error message (trimmed). */
  message?: string;
  /** Expected value of a failed assertion, as inspected text. */
  expected?: string;
  /** Actual value of a failed assertion, as inspected text. */
  actual?: string;
  /** Milliseconds the test took inside the harness. */
  ms?: number;
}
const testOutcome = z.object({
  name: z.string(),
  status: z.enum(["passed", "failed", "not_run", "timeout"]),
  errorName: z.string().optional(),
  message: z.string().optional(),
  expected: z.string().optional(),
  actual: z.string().optional(),
  ms: z.number().nonnegative().optional(),
});
/** Schema of {@linkcode TestOutcome}. */
export const TestOutcomeSchema: Schema<TestOutcome> = testOutcome;
const _testOutcome: Equals<z.infer<typeof testOutcome>, TestOutcome> = true;

/** Everything one sandboxed run produced. */
export interface SandboxResult {
  /** Why the run ended the way it did. */
  status: SandboxStatus;
  /** One human-readable sentence saying why the run got this status. */
  reason: string;
  /** One outcome per expected test, in dataset order. */
  tests: TestOutcome[];
  /** How many tests the dataset says must run. */
  expectedTests: number;
  /** How many tests the harness reported with the run's key. */
  reportedTests: number;
  /** Tests that passed. */
  passedTests: number;
  /** Tests that failed or timed out. */
  failedTests: number;
  /** Load or compile error text (trimmed), when the candidate could not be loaded. */
  compileError?: string;
  /** Type errors found by `deno check` (information unless `typeCheck: "enforce"`). */
  typeErrors: string[];
  /** Capped stdout of the candidate (harness lines removed): head and tail. */
  stdout: string;
  /** Capped stderr: head and tail, so the end of an error is always kept. */
  stderr: string;
  /** Bytes the candidate wrote to stdout and stderr in total. */
  outputBytes: number;
  /** True when output was cut to fit the cap. */
  outputTruncated: boolean;
  /** Exit code of the sandbox process (null when killed by a signal or never started). */
  exitCode: number | null;
  /** Signal that killed the sandbox process, if any. */
  signal: string | null;
  /** Wall-clock milliseconds of the run. */
  durationMs: number;
  /** The isolation the run actually had. */
  isolation: IsolationLevel;
  /** Loud warnings, e.g. that the run was not isolated, or that forged result lines were ignored. */
  warnings: string[];
  /** Version of the sandbox runner and harness; part of every verdict cache key. */
  runnerVersion: string;
}
const sandboxResult = z.object({
  status: sandboxStatus,
  reason: z.string(),
  tests: z.array(testOutcome),
  expectedTests: z.number().int().nonnegative(),
  reportedTests: z.number().int().nonnegative(),
  passedTests: z.number().int().nonnegative(),
  failedTests: z.number().int().nonnegative(),
  compileError: z.string().optional(),
  typeErrors: z.array(z.string()),
  stdout: z.string(),
  stderr: z.string(),
  outputBytes: z.number().int().nonnegative(),
  outputTruncated: z.boolean(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  durationMs: z.number().nonnegative(),
  isolation: isolationLevel,
  warnings: z.array(z.string()),
  runnerVersion: z.string(),
});
/** Schema of {@linkcode SandboxResult}. */
export const SandboxResultSchema: Schema<SandboxResult> = sandboxResult;
const _sandboxResult: Equals<z.infer<typeof sandboxResult>, SandboxResult> = true;
