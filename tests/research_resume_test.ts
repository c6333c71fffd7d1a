import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { readLedger } from "../lib/research/ledger.ts";
import { commitInitialRepo, git } from "./research_helpers.ts";

const CLI = fileURLToPath(new URL("../scripts/research.ts", import.meta.url));

function idea(value: number): unknown {
  return {
    title: `set value to ${value}`,
    hypothesis: "a lower value scores lower",
    rationale: "scripted",
    alternatives: [],
    expectedDelta: -1,
    risk: "low",
    edits: [{ file: "value.txt", format: "full", content: `${value}\n` }],
  };
}

/** A repository whose runner takes a moment, so the CLI can be killed mid-iteration. */
async function slowRepo(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "research_resume_" });
  await Deno.writeTextFile(`${dir}/value.txt`, "10\n");
  await Deno.writeTextFile(`${dir}/run.sh`, 'sleep 0.6\necho "score: $(cat value.txt)"\n');
  await Deno.writeTextFile(
    `${dir}/script.json`,
    JSON.stringify({ byItem: { "iter-1": idea(9), "iter-2": idea(8), "iter-3": idea(7) } }),
  );
  await Deno.writeTextFile(
    `${dir}/problem.yaml`,
    [
      "objective: lower the score",
      "metric: { name: score, regex: 'score: ([0-9.]+)', direction: minimize }",
      "runner: { command: [sh, run.sh], timeout_seconds: 20 }",
      "mutable: [value.txt]",
      "readonly: [run.sh, script.json]",
      "budgets: { iterations: 3 }",
      "roles:",
      "  proposers: [{ provider: scripted, model: resume, script: script.json }]",
    ].join("\n"),
  );
  await commitInitialRepo(dir);
  return dir;
}

function cli(dir: string, ...args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args, "--problem", `${dir}/problem.yaml`, "--tag", "k", "--quiet"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

Deno.test("a run killed mid-iteration resumes at that iteration without repeating finished ones", async () => {
  const dir = await slowRepo();
  const runDir = `${dir}/.autoresearch/k`;
  const first = cli(dir, "run");
  await until(
    async () => (await readLedger(runDir)).some((r) => r.kind === "iteration" && r.iteration === 1),
    "iteration 1 to finish",
  );
  await until(() => exists(`${runDir}/runner.pid`), "iteration 2's runner to start");
  first.kill("SIGKILL");
  const killed = await first.output();
  assert.equal(killed.signal, "SIGKILL");
  const before = await readLedger(runDir);
  assert.deepEqual(
    before.flatMap((r) => (r.kind === "iteration" ? [r.iteration] : [])),
    [1],
    "killed during iteration 2",
  );

  const second = await cli(dir, "run").output();
  assert.equal(second.code, 0, new TextDecoder().decode(second.stderr));

  const ledger = await readLedger(runDir);
  const iterations = ledger.flatMap((r) => (r.kind === "iteration" ? [r] : []));
  assert.deepEqual(iterations.map((r) => r.iteration), [1, 2, 3], "each iteration exactly once");
  assert.deepEqual(iterations.flatMap((r) => r.attempts.map((a) => a.status)), [
    "keep",
    "keep",
    "keep",
  ]);
  const recoveries = ledger.flatMap((r) => (r.kind === "recovery" ? [r] : []));
  assert.equal(recoveries.length, 1);
  assert.equal(recoveries[0].iteration, 2);
  assert.equal(
    recoveries[0].head,
    iterations[0].incumbent.commit,
    "HEAD never moved mid-iteration",
  );
  assert.ok(recoveries[0].dirty.includes("value.txt"), "the half-applied edit was found");
  assert.ok(recoveries[0].savedPatch, "and kept as a patch");
  assert.match(await Deno.readTextFile(`${runDir}/${recoveries[0].savedPatch}`), /\+8/);

  const subjects = (await git(dir, "log", "--first-parent", "--format=%s", "autoresearch/k"))
    .split("\n");
  assert.equal(subjects.length, 4);
  assert.match(subjects[0], /#3 keep/);
  assert.match(subjects[1], /#2 keep/);
  assert.match(subjects[2], /#1 keep/);
  assert.equal((await Deno.readTextFile(`${dir}/value.txt`)).trim(), "7");
  const tsv = (await Deno.readTextFile(`${runDir}/results.tsv`)).trim().split("\n");
  assert.equal(tsv.length, 5, "header, baseline and three attempts");
  assert.equal(await git(dir, "status", "--porcelain"), "");

  // status and audit through the CLI
  const status = await cli(dir, "status", "--json").output();
  assert.equal(status.code, 0);
  const s = JSON.parse(new TextDecoder().decode(status.stdout));
  assert.equal(s.iterations, 3);
  assert.equal(s.recoveries, 1);
  assert.equal(s.best.mean, 7);
  const audit = await cli(dir, "audit").output();
  assert.equal(audit.code, 0);
  const md = await Deno.readTextFile(`${runDir}/AUDIT_LOG.md`);
  assert.match(md, /## Recoveries/);
  assert.match(md, /Iteration 2 interrupted/);
});

Deno.test("the CLI reports bad usage with exit code 2", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "run", "--problem", "/nonexistent/problem.yaml"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.match(new TextDecoder().decode(out.stderr), /--tag is required/);
});
