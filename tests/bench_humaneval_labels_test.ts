/**
 * Published labels: HumanEval completions with human-eval's `passed` labels, fed to
 * `deno task bench --provider answers:FILE`, are scored exactly as published with
 * `--score-tests all` (every assertion of `check`), and differently with the default `hidden`
 * (the visible third of the assertions does not score). See testdata/humaneval_example/README.md.
 */
import assert from "node:assert/strict";
import { pythonSupport } from "../lib/sandbox/_python.ts";
import { detectIsolation } from "../lib/sandbox/isolation.ts";
import { ItemResultSchema } from "../lib/bench/records.ts";
import { parseJsonl } from "../lib/util/jsonl.ts";
import { runBench } from "./bench_cli_runner.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const DIR = "tests/testdata/humaneval_example";
const support = await pythonSupport("python3");
const probe = await detectIsolation();
const ready = support.ok && probe.level === "bwrap";
if (!ready) {
  console.warn(`bench_humaneval_labels_test: skipped (${support.reason || probe.reason})`);
}
const opts = { ignore: !ready, sanitizeResources: false, sanitizeOps: false };

async function scored(scoreTests: string, out: string): Promise<Map<string, boolean>> {
  const run = await runBench([
    "--dataset",
    `${DIR}/problems.jsonl`,
    "--provider",
    `answers:${DIR}/samples.jsonl_results.jsonl`,
    "--score-tests",
    scoreTests,
    "--resamples",
    "99",
    "--out",
    out,
    "--ui",
    "plain",
  ]);
  assert.equal(run.code, 0, run.stderr);
  const records = parseJsonl(await Deno.readTextFile(`${out}/items.jsonl`), ItemResultSchema);
  return new Map(records.map((r) => [r.id, r.passed]));
}

async function labels(): Promise<Map<string, boolean>> {
  const text = await Deno.readTextFile(`${ROOT}${DIR}/samples.jsonl_results.jsonl`);
  return new Map(
    text.trim().split("\n").map((l) => JSON.parse(l)).map((r) => [r.task_id, r.passed]),
  );
}

Deno.test(
  "bench --provider answers:FILE --score-tests all reproduces human-eval's published labels",
  opts,
  async () => {
    const tmp = await Deno.makeTempDir();
    try {
      const published = await labels();
      assert.equal(published.size, 6);
      assert.deepEqual([...published.values()].filter(Boolean).length, 3);
      const all = await scored("all", `${tmp}/all`);
      assert.deepEqual(
        Object.fromEntries([...all].sort()),
        Object.fromEntries([...published].sort()),
      );
      const manifest = JSON.parse(await Deno.readTextFile(`${tmp}/all/manifest.json`));
      assert.equal(manifest.parameters.scoreTests, "all");
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
);

Deno.test(
  "with --score-tests hidden a completion that fails only a visible assertion counts as passed",
  opts,
  async () => {
    const tmp = await Deno.makeTempDir();
    try {
      const published = await labels();
      const hidden = await scored("hidden", `${tmp}/hidden`);
      const differ = [...published].filter(([id, passed]) => hidden.get(id) !== passed);
      // HumanEval/13 forgets `return 1`: only `candidate(3, 7) == 1` fails, and it is visible.
      assert.deepEqual(differ, [["HumanEval/13", false]]);
      assert.equal(hidden.get("HumanEval/13"), true);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
);
