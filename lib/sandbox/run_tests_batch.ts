/**
 * Runs many candidates, each in its own sandbox, a few at a time, with one batched type check.
 *
 * @module
 */
import type { SandboxJob } from "./sandbox_job.ts";
import { forEachConcurrently } from "../util/for_each_concurrently.ts";
import type { SandboxResult } from "./sandbox_result.ts";
import type { SandboxOptions } from "./sandbox_options.ts";
import {
  ensureNpm,
  makeRoot,
  parseJob,
  type PreparedJob,
  prepareJob,
  resolveContext,
  runPrepared,
  sandboxErrorResult,
  typeCheckPrepared,
} from "./_runner.ts";

/** Options for {@linkcode runTestsBatch}. */
export interface RunTestsBatchOptions extends SandboxOptions {
  /** Sandboxes running at once. @default 2 */
  concurrency?: number;
  /** Candidates per `deno check` invocation when type checking. @default 50 */
  checkBatchSize?: number;
  /** Called as each verdict arrives (in completion order). */
  onResult?: (index: number, result: SandboxResult) => void;
}

/**
 * Runs each job in its own sandbox (never sharing a process or a directory with another job), with
 * `concurrency` sandboxes at a time. When type checking is on, all candidates are checked together in
 * batches of `checkBatchSize` per `deno check` (about 0.1 s a candidate instead of 1–2 s each), then
 * each runs with `--no-check`. A candidate that loops, floods output, exhausts memory or crashes gets
 * its own verdict; the batch keeps going.
 *
 * @param jobs The jobs.
 * @param options Limits, isolation, type-check policy and concurrency.
 * @returns One verdict per job, in input order.
 * @throws {TypeError} when a job is malformed (naming its index and field), before anything runs.
 *
 * @example Two candidates, one wrong
 * ```ts
 * import { runTestsBatch } from "./run_tests_batch.ts";
 * const tests = [{ name: "doubles", code: "assert.strictEqual(double(4), 8);" }];
 * const results = await runTestsBatch([
 *   { program: "const double = (x: number) => x * 2;", entryPoint: "double", tests },
 *   { program: "const double = (x: number) => x + 2;", entryPoint: "double", tests },
 * ]);
 * if (results[0].status !== "passed" || results[1].status !== "failed") throw new Error();
 * ```
 */
export async function runTestsBatch(
  jobs: SandboxJob[],
  options: RunTestsBatchOptions = {},
): Promise<SandboxResult[]> {
  if (!Array.isArray(jobs)) {
    throw new TypeError(`Cannot run a batch from a non-array: current value is ${typeof jobs}`);
  }
  const concurrency = options.concurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(
      `Cannot run with concurrency as an integer >= 1: current value is ${concurrency}`,
    );
  }
  const checkBatchSize = options.checkBatchSize ?? 50;
  if (!Number.isInteger(checkBatchSize) || checkBatchSize < 1) {
    throw new RangeError(
      `Cannot run with checkBatchSize as an integer >= 1: current value is ${checkBatchSize}`,
    );
  }
  const parsed = jobs.map((job, i) => parseJob(job, `job #${i}${job?.id ? ` (${job.id})` : ""}`));
  const ctx = await resolveContext(options);
  await ensureNpm(parsed, ctx);
  const root = await makeRoot(ctx);
  try {
    const check = ctx.typeCheck !== "off";
    const prepared: PreparedJob[] = [];
    for (let i = 0; i < parsed.length; i++) {
      prepared.push(
        await prepareJob(root, String(i), parsed[i], check && parsed[i].language !== "python"),
      );
    }
    const typeErrors = new Map<string, string[]>();
    if (check) {
      const chunks: PreparedJob[][] = [];
      for (let i = 0; i < prepared.length; i += checkBatchSize) {
        chunks.push(prepared.slice(i, i + checkBatchSize));
      }
      await forEachConcurrently(chunks, concurrency, async (chunk) => {
        for (const [name, list] of await typeCheckPrepared(root, chunk, ctx)) {
          typeErrors.set(name, list);
        }
      });
    }
    const results: SandboxResult[] = new Array(prepared.length);
    await forEachConcurrently(
      prepared.map((p, i) => [p, i] as const),
      concurrency,
      async ([p, i]) => {
        let result: SandboxResult;
        try {
          result = await runPrepared(p, ctx, typeErrors.get(p.name));
        } catch (error) {
          if (ctx.signal?.aborted) throw error;
          result = sandboxErrorResult(
            p.job,
            ctx,
            `the sandbox failed: ${(error as Error).message}`,
          );
        }
        results[i] = result;
        await Deno.remove(p.dir, { recursive: true }).catch(() => {});
        options.onResult?.(i, result);
      },
    );
    return results;
  } finally {
    await Deno.remove(root, { recursive: true }).catch(() => {});
  }
}
