/**
 * Sandbox throughput benchmark (not a test): candidates verified per second with full isolation over
 * the 186 MBTSP reference solutions (../shared), cold and warm, with and without type checking
 * (batched vs one `deno check` per candidate), and with cached verdicts; then Python candidates
 * (the six HumanEval problems of tests/testdata/humaneval_example, each as its reference and as its
 * published completion, repeated `--python-rounds` times) under the same isolation, next to the
 * unsandboxed `python -m pytest`-per-candidate anchor measured on a sample. Prints `key: value`
 * lines.
 *
 *   deno run -A scripts/sandbox_bench.ts [--concurrency 2] [--unbatched-sample 12] [--skip-typecheck]
 *     [--isolation auto|bwrap|none] [--dataset ../shared/datasets/mbtsp-validated-186.jsonl]
 *     [--python-rounds 15] [--pytest-sample 12]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { loadDataset } from "../lib/datasets/load_dataset.ts";
import { codingJob } from "../lib/sandbox/coding_job.ts";
import { runTests } from "../lib/sandbox/run_tests.ts";
import { runTestsBatch } from "../lib/sandbox/run_tests_batch.ts";
import { detectIsolation } from "../lib/sandbox/isolation.ts";
import type { SandboxJob, SandboxOptions, SandboxResult } from "../lib/sandbox/mod.ts";
import { TestRunner } from "../lib/critics/test_runner.ts";
import { pytestPerCandidate, pythonBenchJobs } from "./_python_bench_jobs.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    concurrency: { type: "string", default: "2" },
    "unbatched-sample": { type: "string", default: "12" },
    "skip-typecheck": { type: "boolean", default: false },
    "python-rounds": { type: "string", default: "15" },
    "pytest-sample": { type: "string", default: "12" },
    isolation: { type: "string", default: "bwrap" },
    dataset: {
      type: "string",
      default: fileURLToPath(
        new URL("../../shared/datasets/mbtsp-validated-186.jsonl", import.meta.url),
      ),
    },
  },
});
const concurrency = Number(values.concurrency);
const isolation = values.isolation as SandboxOptions["isolation"];

try {
  await Deno.stat(values.dataset);
} catch {
  console.log(`skipped: ${values.dataset} is absent (../shared is not part of a clone)`);
  Deno.exit(0);
}

function loadavg(): string {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  } catch {
    return "n/a";
  }
}

const items = await loadDataset(values.dataset);
const jobs: SandboxJob[] = items.map((item) => codingJob(item, item.reference, { which: "all" }));
const probe = await detectIsolation();
console.log(`dataset: ${values.dataset}`);
console.log(`candidates: ${jobs.length}`);
console.log(`cores: ${navigator.hardwareConcurrency}`);
console.log(`concurrency: ${concurrency}`);
console.log(`isolation_available: ${probe.level}`);
console.log(`load_before: ${loadavg()}`);

async function measure(
  label: string,
  run: () => Promise<SandboxResult[]>,
): Promise<void> {
  const load = loadavg();
  const t0 = performance.now();
  const results = await run();
  const seconds = (performance.now() - t0) / 1000;
  const passed = results.filter((r) => r.status === "passed").length;
  const iso = [...new Set(results.map((r) => r.isolation))].join(",");
  const durations = results.map((r) => r.durationMs).sort((a, b) => a - b);
  const median = durations[Math.floor(durations.length / 2)] ?? 0;
  console.log(
    `${label}: ${(results.length / seconds).toFixed(2)} candidates/s (${results.length} in ${
      seconds.toFixed(1)
    } s, ${passed} passed, isolation ${iso}, median run ${median} ms, load ${load})`,
  );
}

// Cold: an empty npm cache for the sandbox (heap-js and mathjs are fetched on the host first), a
// fresh Deno process for every candidate as always; nothing cached anywhere.
const coldCache = await Deno.makeTempDir({ prefix: "ac-bench-npm-" });
await measure(
  "cold_no_typecheck",
  () => runTestsBatch(jobs, { concurrency, isolation, npmCacheDir: coldCache }),
);
// Warm: the npm cache and the isolation probe are ready; the OS page cache holds the Deno binary.
await measure(
  "warm_no_typecheck",
  () => runTestsBatch(jobs, { concurrency, isolation, npmCacheDir: coldCache }),
);

if (!values["skip-typecheck"]) {
  await measure(
    "warm_batched_typecheck",
    () =>
      runTestsBatch(jobs, { concurrency, isolation, npmCacheDir: coldCache, typeCheck: "report" }),
  );
  const sample = jobs.slice(0, Number(values["unbatched-sample"]));
  await measure(`warm_unbatched_typecheck_sample_${sample.length}`, async () => {
    const out: SandboxResult[] = new Array(sample.length);
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (next < sample.length) {
        const i = next++;
        out[i] = await runTests(sample[i], {
          isolation,
          npmCacheDir: coldCache,
          typeCheck: "report",
        });
      }
    }));
    return out;
  });
}

// Cached verdicts: the scorer's path (answer → program → verdict cache) on a second pass.
const runner = new TestRunner({ concurrency, sandbox: { isolation, npmCacheDir: coldCache } });
await Promise.all(items.map((item) => runner.run(item, item.reference, "all")));
const t0 = performance.now();
await Promise.all(items.map((item) => runner.run(item, item.reference, "all")));
const cachedSeconds = (performance.now() - t0) / 1000;
console.log(
  `cached_verdicts: ${
    (items.length / cachedSeconds).toFixed(0)
  } candidates/s (${runner.cache.hits} hits)`,
);

// Python under the same isolation: one sandbox and one interpreter per candidate.
const python = await pythonBenchJobs(Number(values["python-rounds"]));
console.log(`python_candidates: ${python.jobs.length} (${python.source})`);
await measure("python_warm", () => runTestsBatch(python.jobs, { concurrency, isolation }));
const verdicts = await runTestsBatch(python.jobs, { isolation, concurrency });
const agree = verdicts.filter((r, i) => (r.status === "passed") === python.expected[i]).length;
console.log(`python_verdicts_match_labels: ${agree}/${python.jobs.length}`);
const sample = python.jobs.slice(0, Number(values["pytest-sample"]));
const anchor = await pytestPerCandidate(sample, concurrency);
console.log(
  `anchor_python_pytest_unsandboxed: ${(sample.length / anchor.seconds).toFixed(2)} candidates/s (${
    (anchor.seconds / sample.length).toFixed(2)
  } s a candidate, ${anchor.passed}/${sample.length} passed, one \`python -m pytest\` each, no sandbox)`,
);
console.log(`load_after: ${loadavg()}`);
await Deno.remove(coldCache, { recursive: true }).catch(() => {});
