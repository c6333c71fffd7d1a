import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { createScriptedProvider } from "../lib/providers/scripted.ts";
import { initResearch, runResearch } from "../lib/research/research.ts";
import { readLedger } from "../lib/research/ledger.ts";
import { AuditReportSchema, writeAudit } from "../lib/research/audit.ts";
import type { Idea } from "../lib/research/schemas.ts";
import { commitInitialRepo, git } from "./research_helpers.ts";

const EXAMPLE = fileURLToPath(new URL("../examples/tsp/", import.meta.url));

/** A fresh repository holding the TSP example, with a short hard timeout. */
async function tspRepo(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "research_loop_" });
  for (const f of ["evaluate.ts", "solution.ts"]) {
    await Deno.copyFile(`${EXAMPLE}${f}`, `${dir}/${f}`);
  }
  const yaml = (await Deno.readTextFile(`${EXAMPLE}problem.yaml`))
    .replace("timeout_seconds: 20", "timeout_seconds: 4")
    .replace("time_budget_seconds: 10", "time_budget_seconds: 2")
    .replace("iterations: 3", "iterations: 5");
  await Deno.writeTextFile(`${dir}/problem.yaml`, yaml);
  await commitInitialRepo(dir);
  return dir;
}

function idea(title: string, file: string, content: string): Idea {
  return {
    title,
    hypothesis: `${title} changes the tour length`,
    rationale: "scripted test idea",
    alternatives: [],
    expectedDelta: -1,
    risk: "low",
    edits: [{ file, format: "full", content }],
  };
}

const sha256 = async (path: string) =>
  createHash("sha256").update(await Deno.readFile(path)).digest("hex");

Deno.test("an end-to-end TSP run gives keep, discard, crash, crash, rejected with matching git history and audit", async () => {
  const dir = await tspRepo();
  const mainBefore = await git(dir, "rev-parse", "main");
  const evaluateBefore = await sha256(`${dir}/evaluate.ts`);
  const script = JSON.parse(await Deno.readTextFile(`${EXAMPLE}scripted/proposer.json`));
  const twoOpt: string = script.byItem["iter-1"].edits[0].content;
  const original = await Deno.readTextFile(`${dir}/solution.ts`);
  const ideas: Idea[] = [
    idea("2-opt", "solution.ts", twoOpt),
    idea(
      "visit cities in index order",
      "solution.ts",
      original.replace("export function solve(", "export function _unused(") +
        "\nexport function solve(cities: City[]): number[] {\n  return cities.map((_, i) => i);\n}\n",
    ),
    idea(
      "throw early",
      "solution.ts",
      "export function solve(): number[] {\n  throw new Error('boom');\n}\n",
    ),
    idea(
      "spin forever",
      "solution.ts",
      "export function solve(): number[] {\n  while (true) { /* spin */ }\n}\n",
    ),
    idea("print a better metric", "evaluate.ts", "console.log('tour_length: 1');\n"),
  ];
  const proposer = createScriptedProvider({
    model: "proposer",
    respond: (_messages, options) => {
      const n = Number(options.itemId?.replace("iter-", ""));
      return JSON.stringify(ideas[n - 1]);
    },
  });
  const events: string[] = [];
  const outcome = await runResearch(`${dir}/problem.yaml`, {
    tag: "t",
    providers: { proposers: [{ provider: proposer }] },
    onEvent: (e) => events.push(e.type),
  });
  assert.equal(outcome.lastIteration, 5);
  assert.equal(outcome.iterationsRun, 5);
  assert.match(outcome.stopReason, /iteration budget/);
  assert.ok(events.includes("progress") && events.includes("run_end"));

  const ledger = await readLedger(outcome.runDir);
  const iterations = ledger.flatMap((r) => (r.kind === "iteration" ? [r] : []));
  const attempts = iterations.flatMap((r) => r.attempts);
  assert.deepEqual(attempts.map((a) => a.status), [
    "keep",
    "discard",
    "crash",
    "crash",
    "rejected",
  ]);
  assert.match(attempts[2].reason, /exit 1/);
  assert.match(attempts[2].logTail ?? "", /boom/);
  assert.match(attempts[3].reason, /timeout/);
  assert.equal(attempts[4].phase, "contract");
  assert.match(attempts[4].reason, /evaluate\.ts/);
  assert.equal(attempts[4].logs.length, 0, "a contract violation is never run");
  assert.ok(attempts[0].mean! < ledger.flatMap((r) => (r.kind === "baseline" ? [r.mean] : []))[0]);

  // Git: the branch holds the baseline and the one kept commit; the others live under refs.
  assert.equal(await git(dir, "rev-parse", "--abbrev-ref", "HEAD"), "autoresearch/t");
  assert.equal(await git(dir, "rev-parse", "main"), mainBefore, "other branches are untouched");
  const subjects = (await git(dir, "log", "--first-parent", "--format=%s", "autoresearch/t"))
    .split("\n");
  assert.equal(subjects.length, 2);
  assert.match(subjects[0], /^autoresearch\(t\) #1 keep: 2-opt/);
  assert.equal(subjects[1], "init");
  const kept = await git(dir, "rev-parse", "autoresearch/t");
  assert.equal(kept, attempts[0].commit);
  const body = await git(dir, "log", "-1", "--format=%B", kept);
  assert.match(body, /metric: tour_length [0-9.]+ -> [0-9.]+/);
  for (const a of attempts.slice(1)) {
    const ref = `refs/autoresearch/t/discarded/${a.id}`;
    assert.equal(a.ref, ref);
    assert.equal(await git(dir, "rev-parse", ref), a.commit);
    assert.equal(await git(dir, "rev-parse", `${ref}^`), kept, "built on the incumbent");
    assert.match(
      await git(dir, "log", "-1", "--format=%s", ref),
      new RegExp(`#${a.id} ${a.status}`),
    );
    const patch = await Deno.readTextFile(`${outcome.runDir}/${a.patch}`);
    assert.match(patch, /^diff --git/);
  }
  assert.equal(await sha256(`${dir}/evaluate.ts`), evaluateBefore);
  assert.equal(await Deno.readTextFile(`${dir}/solution.ts`), twoOpt);
  assert.equal(await git(dir, "status", "--porcelain"), "", "the tree is clean after the run");

  // results.tsv in the autoresearch format.
  const rows = (await Deno.readTextFile(`${outcome.runDir}/results.tsv`)).trim().split("\n")
    .map((l) => l.split("\t"));
  assert.deepEqual(rows[0], ["commit", "tour_length", "seconds", "status", "description"]);
  assert.deepEqual(rows.slice(1).map((r) => r[3]), [
    "keep",
    "keep",
    "discard",
    "crash",
    "crash",
    "rejected",
  ]);
  assert.equal(rows[1][4], "baseline");
  assert.equal(rows[4][1], "0.000000", "a crash has no metric");
  assert.equal(rows[2][0], kept.slice(0, 7));

  // A second run does not repeat finished iterations.
  const again = await runResearch(`${dir}/problem.yaml`, {
    tag: "t",
    providers: { proposers: [{ provider: proposer }] },
  });
  assert.equal(again.iterationsRun, 0);
  assert.equal((await readLedger(outcome.runDir)).filter((r) => r.kind === "iteration").length, 5);

  // The audit.
  const { report, markdownPath, jsonPath } = await writeAudit(outcome.runDir, {
    metricName: "tour_length",
  });
  assert.deepEqual(report.counts, { keep: 1, discard: 1, crash: 2, noop: 0, rejected: 1 });
  assert.equal(report.keepRate, 1 / 5);
  assert.ok(report.improvement!.absolute > 0);
  assert.equal(report.best?.commit, kept);
  const md = await Deno.readTextFile(markdownPath);
  assert.match(md, /Keep rate \| 1\/5/);
  assert.match(md, /## Crashes/);
  assert.match(md, /boom/);
  assert.match(md, /timeout/);
  assert.match(md, /Iteration 5/);
  const json = AuditReportSchema.parse(JSON.parse(await Deno.readTextFile(jsonPath)));
  assert.equal(json.crashes.length, 2);
  assert.equal(json.details.length, 5);
});

Deno.test("init refuses a dirty working tree and creates no branch", async () => {
  const dir = await tspRepo();
  await Deno.writeTextFile(`${dir}/notes.txt`, "uncommitted\n");
  await assert.rejects(
    () => initResearch(`${dir}/problem.yaml`, { tag: "dirty" }),
    /dirty \(notes\.txt\)/,
  );
  assert.equal(await git(dir, "branch", "--list", "autoresearch/dirty"), "");
  assert.equal(await git(dir, "rev-parse", "--abbrev-ref", "HEAD"), "main");
});

Deno.test("run refuses to switch from another branch with a modified tracked file", async () => {
  const dir = await tspRepo();
  await initResearch(`${dir}/problem.yaml`, { tag: "b" });
  await git(dir, "checkout", "-q", "main");
  await Deno.writeTextFile(`${dir}/solution.ts`, "// local edit\n");
  const proposer = createScriptedProvider();
  await assert.rejects(
    () =>
      runResearch(`${dir}/problem.yaml`, {
        tag: "b",
        providers: { proposers: [{ provider: proposer }] },
      }),
    /dirty \(solution\.ts\)/,
  );
  assert.equal(await Deno.readTextFile(`${dir}/solution.ts`), "// local edit\n");
});

Deno.test("a crashing baseline is reported with its log and leaves the repository as it was", async () => {
  const dir = await tspRepo();
  await Deno.writeTextFile(
    `${dir}/solution.ts`,
    "export function solve(): number[] {\n  throw new Error('baseline boom');\n}\n",
  );
  await git(dir, "commit", "-qam", "broken solution");
  await assert.rejects(
    () => initResearch(`${dir}/problem.yaml`, { tag: "crash" }),
    /baseline crashed: run 0: exit 1[\s\S]*baseline boom/,
  );
  assert.equal(await git(dir, "rev-parse", "--abbrev-ref", "HEAD"), "main");
  assert.equal(await git(dir, "branch", "--list", "autoresearch/crash"), "");
  assert.equal(await git(dir, "status", "--porcelain"), "");
});
