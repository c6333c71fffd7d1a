/**
 * Options shared by {@linkcode runTests} and {@linkcode runTestsBatch}, and the runner version that
 * every verdict cache key includes.
 *
 * @module
 */

/**
 * Version of the sandbox runner and harness protocol. Bump it whenever a change could alter a verdict;
 * cached verdicts from other versions are then ignored.
 */
export const RUNNER_VERSION = "sandbox-1";

/**
 * How type errors are treated.
 *
 * - `"off"`: no type check; the program is transpiled and run (scoring is on behaviour).
 * - `"report"`: type errors are collected as information; the verdict comes from the tests.
 * - `"enforce"`: any type error makes the verdict `compile_error` (mxeval/tsc semantics).
 */
export type TypeCheckMode = "off" | "report" | "enforce";

/** Options for sandboxed runs. */
export interface SandboxOptions {
  /** Wall-clock limit per run, in milliseconds; the whole process tree is killed at the deadline. @default 10000 */
  timeoutMs?: number;
  /** V8 heap limit in MiB (`--max-old-space-size`); the data segment is capped at this plus 1 GiB. @default 512 */
  memoryMb?: number;
  /** Bytes of stdout and of stderr kept in the result (half head, half tail). @default 16384 */
  outputLimitBytes?: number;
  /**
   * `"auto"` uses bwrap when it works and otherwise runs unisolated with a loud warning; `"bwrap"`
   * requires isolation and throws when it is unavailable; `"none"` never isolates (trusted code only).
   * @default "auto"
   */
  isolation?: "auto" | "bwrap" | "none";
  /**
   * Type-check policy. The default is `"off"`. Measured over the 186 MBTSP references on a shared
   * 2-core machine (load 3–6), concurrency 2, bwrap: no type check 10.8–15.3 candidates/s; one
   * batched `deno check` per 50 candidates 3.4–6.9/s (≈0.1–0.2 s of checking a candidate); one
   * `deno check` per candidate 0.41–0.65/s (≈3–5 s a candidate). Scoring is on behaviour, and 34 of the 186 MBTSP references
   * that pass their tests have strict-mode type errors, so type errors are opt-in information
   * (`"report"`, best used through `runTestsBatch`) or an opt-in verdict (`"enforce"`).
   * @default "off"
   */
  typeCheck?: TypeCheckMode;
  /**
   * Deno cache directory holding the npm packages that jobs' `imports` name; mounted read-only.
   * @default the directory returned by `defaultNpmCacheDir()`
   */
  npmCacheDir?: string;
  /** Fetch missing `imports` packages into `npmCacheDir` (on the host, trusted) before running. @default true */
  prepareNpm?: boolean;
  /** Where per-run directories are created. @default the system temp directory */
  tmpDir?: string;
  /** Deno binary used inside the sandbox. @default Deno.execPath() */
  denoPath?: string;
  /** bwrap binary. @default found on PATH */
  bwrapPath?: string;
  /** Python interpreter for Python jobs. @default "python3" on PATH */
  pythonPath?: string;
  /** Aborts the run (the process tree is killed and the call rejects). */
  signal?: AbortSignal;
}
