/**
 * Runs one candidate program against its tests in the sandbox.
 *
 * @module
 */
import type { SandboxJob } from "./sandbox_job.ts";
import type { SandboxResult } from "./sandbox_result.ts";
import type { SandboxOptions } from "./sandbox_options.ts";
import {
  ensureNpm,
  makeRoot,
  parseJob,
  prepareJob,
  resolveContext,
  runPrepared,
  typeCheckPrepared,
} from "./_runner.ts";

/**
 * Runs a candidate program and its tests isolated from the user's files, network, environment and
 * processes (bwrap; see {@linkcode SandboxOptions.isolation}), and returns a verdict that counts as a
 * pass only when exactly the expected number of tests ran, were reported with the run's secret key,
 * and passed, and the process exited with code 0.
 *
 * @param job The program, its entry point and the tests.
 * @param options Limits, isolation policy and type-check policy.
 * @returns The verdict; bad code never throws, only infrastructure failures and aborts do.
 * @throws {TypeError} when the job is malformed (naming the field).
 * @throws {Error} when `isolation: "bwrap"` is required but unavailable.
 *
 * @example A correct and a wrong program
 * ```ts
 * import { runTests } from "./run_tests.ts";
 * const tests = [{ name: "adds", code: "assert.strictEqual(add(2, 3), 5);" }];
 * const good = await runTests({ program: "function add(a: number, b: number) { return a + b; }", entryPoint: "add", tests });
 * const bad = await runTests({ program: "function add(a: number, b: number) { return a - b; }", entryPoint: "add", tests });
 * if (good.status !== "passed" || bad.status !== "failed") throw new Error(`${good.reason} / ${bad.reason}`);
 * ```
 */
export async function runTests(
  job: SandboxJob,
  options: SandboxOptions = {},
): Promise<SandboxResult> {
  const ctx = await resolveContext(options);
  const parsed = parseJob(job, "job");
  await ensureNpm([parsed], ctx);
  const root = await makeRoot(ctx);
  try {
    const check = ctx.typeCheck !== "off" && parsed.language !== "python";
    const prepared = await prepareJob(root, "0", parsed, check);
    const typeErrors = check
      ? (await typeCheckPrepared(root, [prepared], ctx)).get("0")
      : undefined;
    return await runPrepared(prepared, ctx, typeErrors);
  } finally {
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
}
