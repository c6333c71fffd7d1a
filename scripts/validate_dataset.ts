/**
 * Validates a coding dataset in the sandbox: every reference must pass all its tests and a trivial
 * stub must fail them. Exits 1 when any row is broken, 2 on bad input.
 *
 *   deno run -A scripts/validate_dataset.ts datasets/coding_hard.jsonl [--format auto] [--concurrency 2]
 *     [--timeout-ms 10000] [--require-isolation] [--json]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { loadDataset } from "../lib/datasets/load_dataset.ts";
import { validateDataset } from "../lib/sandbox/validate_dataset.ts";
import type { DatasetFormat } from "../lib/datasets/load_dataset.ts";
import { InputError } from "../lib/util/jsonl.ts";

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: {
    format: { type: "string", default: "auto" },
    concurrency: { type: "string", default: "2" },
    "timeout-ms": { type: "string", default: "10000" },
    "require-isolation": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help || positionals.length === 0) {
  console.log(
    "usage: deno run -A scripts/validate_dataset.ts <file.jsonl[.gz]|file.parquet>... [--format auto|coding|mxeval|humaneval|multipl-e|autoconstitution-python] [--concurrency 2] [--timeout-ms 10000] [--require-isolation] [--json]",
  );
  Deno.exit(values.help ? 0 : 2);
}

let anyBroken = false;
for (const path of positionals) {
  let items;
  try {
    items = await loadDataset(path, { format: values.format as DatasetFormat | "auto" });
  } catch (error) {
    if (error instanceof InputError) {
      console.error(`error: ${error.message}`);
      Deno.exit(2);
    }
    throw error;
  }
  const total = items.length;
  const report = await validateDataset(items, {
    concurrency: Number(values.concurrency),
    timeoutMs: Number(values["timeout-ms"]),
    isolation: values["require-isolation"] ? "bwrap" : "auto",
    onProgress: values.json ? undefined : (done, all) => {
      if (done % 20 === 0 || done === all) console.error(`  ${path}: ${done}/${all} runs`);
    },
  });
  if (values.json) {
    console.log(JSON.stringify({ path, ...report }));
  } else {
    for (const row of report.rows.filter((r) => r.verdict !== "ok")) {
      console.log(`${row.verdict.toUpperCase()} ${row.id}: ${row.problems.join("; ")}`);
    }
    console.log(`dataset: ${path}`);
    console.log(`rows: ${total}`);
    console.log(`ok: ${report.ok}`);
    console.log(`broken: ${report.broken}`);
    console.log(`unvalidated: ${report.unvalidated}`);
    console.log(`skipped: ${report.skipped}`);
    console.log(`references_passed: ${report.referencesPassed}/${report.referencesRun}`);
    console.log(`stubs_failed: ${report.stubsFailed}/${report.stubsRun}`);
    console.log(`isolation: ${report.isolation}`);
    console.log(`seconds: ${(report.durationMs / 1000).toFixed(1)}`);
  }
  if (report.broken > 0) anyBroken = true;
}
Deno.exit(anyBroken ? 1 : 0);
