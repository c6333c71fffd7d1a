import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { readLedger } from "../lib/research/ledger.ts";
import { weightedTchebycheff } from "../lib/research/scalarize.ts";
import { commitInitialRepo } from "./research_helpers.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Copies an example folder into a fresh repository, as its README says. */
async function exampleRepo(name: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: `research_${name}_` });
  const copy = async (from: string, to: string) => {
    for await (const e of Deno.readDir(from)) {
      if (e.isDirectory) {
        await Deno.mkdir(`${to}/${e.name}`);
        await copy(`${from}/${e.name}`, `${to}/${e.name}`);
      } else await Deno.copyFile(`${from}/${e.name}`, `${to}/${e.name}`);
    }
  };
  await copy(`${ROOT}examples/${name}`, dir);
  await commitInitialRepo(dir);
  return dir;
}

async function cli(dir: string, command: string): Promise<Deno.CommandOutput> {
  return await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${ROOT}scripts/research.ts`,
      command,
      "--problem",
      `${dir}/problem.yaml`,
      "--tag",
      "demo",
      "--quiet",
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
}

Deno.test("the multi-metric example keeps the better Tchebycheff trade-off and discards the lopsided one", async () => {
  const dir = await exampleRepo("multi_metric");
  const out = await cli(dir, "run");
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const ledger = await readLedger(`${dir}/.autoresearch/demo`);
  const attempts = ledger.flatMap((r) => (r.kind === "iteration" ? r.attempts : []));
  assert.deepEqual(attempts.map((a) => a.status), ["discard", "keep"]);
  const kept = attempts[1];
  const objectives = [
    { name: "latency_ms", direction: "minimize" as const, weight: 0.5, scale: 100, ideal: 0 },
    { name: "memory_mb", direction: "minimize" as const, weight: 0.5, scale: 100, ideal: 0 },
  ];
  assert.ok(kept.components, "components are recorded");
  assert.ok(Math.abs(kept.mean! - weightedTchebycheff(kept.components, { objectives })) < 1e-9);
  const discarded = attempts[0];
  assert.ok(discarded.components!.latency_ms < kept.components.latency_ms, "lower latency…");
  assert.ok(discarded.components!.memory_mb > kept.components.memory_mb, "…but much more memory");
  assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/config.json`)), {
    cache_mb: 32,
    threads: 3,
  });
});

Deno.test("the TSP example runs offline through the CLI and its audit names the kept 2-opt", async () => {
  const dir = await exampleRepo("tsp");
  const out = await cli(dir, "run");
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.match(new TextDecoder().decode(out.stdout), /3 iteration\(s\) run/);
  const audit = await cli(dir, "audit");
  assert.equal(audit.code, 0);
  const report = JSON.parse(await Deno.readTextFile(`${dir}/.autoresearch/demo/AUDIT_LOG.json`));
  assert.equal(report.counts.keep, 1);
  assert.equal(report.counts.discard, 1);
  assert.ok(report.improvement.relative > 0.1, "2-opt shortens the tour by more than 10%");
  const md = await Deno.readTextFile(`${dir}/.autoresearch/demo/AUDIT_LOG.md`);
  assert.match(md, /2-opt local search/);
  // The convergence chart: baseline + one marker per attempt, and the best-so-far step line.
  const svg = await Deno.readTextFile(`${dir}/.autoresearch/demo/convergence.svg`);
  assert.match(svg, /tour_length per attempt/);
  assert.equal(
    (svg.match(/aria-roledescription="point"/g) ?? []).length,
    3,
    "baseline, keep, discard",
  );
  assert.match(svg, /mark-line role-mark/);
  const status = await cli(dir, "status");
  assert.match(new TextDecoder().decode(status.stdout), /iterations 3\/3/);
});
