import assert from "node:assert/strict";
import { extractMetric, runCommand, tailLines, toArgv } from "../lib/research/runner.ts";
import { evaluateRuns } from "../lib/research/evaluate.ts";
import { parseProblem } from "../lib/research/problem.ts";

function alive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return !/^\d+ \(.*\) Z/.test(stat); // zombies are dead
  } catch {
    return false;
  }
}

Deno.test("the hard timeout kills the whole process tree, including background children", async () => {
  const dir = await Deno.makeTempDir({ prefix: "research_runner_" });
  const r = await runCommand("sleep 30 & echo $! > child.pid; sleep 30", {
    cwd: dir,
    timeoutMs: 300,
    graceMs: 100,
    logPath: `${dir}/run.log`,
  });
  assert.equal(r.timedOut, true);
  assert.equal(r.code, null);
  const child = Number((await Deno.readTextFile(`${dir}/child.pid`)).trim());
  for (let i = 0; i < 100 && alive(child); i++) await new Promise((ok) => setTimeout(ok, 20));
  assert.equal(alive(child), false, "the background child was killed too");
  assert.match(await Deno.readTextFile(`${dir}/run.log`), /\(timeout\)/);
});

Deno.test("exit codes, both streams and the environment reach the caller", async () => {
  const r = await runCommand(["sh", "-c", 'echo "out $X"; echo err >&2; exit 3'], {
    env: { X: "42" },
    timeoutMs: 5000,
  });
  assert.equal(r.code, 3);
  assert.equal(r.stdout.trim(), "out 42");
  assert.equal(r.stderr.trim(), "err");
  assert.equal(r.timedOut, false);
  assert.deepEqual(toArgv(["a", "b"]), ["a", "b"]);
  assert.throws(() => toArgv([]), /non-empty/);
});

Deno.test("an abort signal kills the run", async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const r = await runCommand("sleep 30", {
    timeoutMs: 60_000,
    signal: controller.signal,
    graceMs: 50,
  });
  assert.equal(r.aborted, true);
  assert.equal(r.timedOut, false);
});

Deno.test("the last metric match wins; missing or non-numeric values are undefined", () => {
  assert.equal(extractMetric("val_bpb: 1.20\nval_bpb: 0.998\n", "val_bpb:\\s*([0-9.]+)"), 0.998);
  assert.equal(extractMetric("loss=-3e-2", /loss=([-0-9.e]+)/), -0.03);
  assert.equal(extractMetric("loss=abc", "loss=(\\w+)"), undefined);
  assert.equal(extractMetric("", "x"), undefined);
  assert.equal(tailLines("1\n2\n3", 5), "1\n2\n3");
});

Deno.test("an evaluation reports a missing metric or guardrail as a crash with the log tail", async () => {
  const problem = parseProblem([
    "objective: o",
    "metric: { name: m, regex: 'm=([0-9]+)', direction: minimize }",
    "runner: { command: 'echo m=$AUTORESEARCH_REPEAT; echo budget=$AUTORESEARCH_TIME_BUDGET; [ $AUTORESEARCH_REPEAT -lt 1 ] || echo no-guard', timeout_seconds: 5, time_budget_seconds: 2 }",
    "mutable: [x]",
    "guardrails: [{ name: g, regex: 'g=([0-9]+)', max: 5 }]",
    "roles: { proposers: [p] }",
  ].join("\n"));
  const dir = await Deno.makeTempDir({ prefix: "research_eval_" });
  const e = await evaluateRuns(problem, { cwd: dir, logDir: dir, label: "x", seeds: [7] });
  assert.equal(e.ok, false);
  assert.equal(e.crash?.phase, "metric");
  assert.match(e.crash!.reason, /guardrail g not found/);
  assert.match(e.crash!.logTail, /budget=2/);
  assert.equal(e.logs.length, 1);
  await Deno.stat(`${dir}/x-r0.log`);
});

Deno.test("runCommand runs the running Deno for a `deno` command even when PATH has no deno", async () => {
  const env = { PATH: "/usr/bin:/bin" };
  const argvForm = await runCommand(["deno", "eval", "console.log(Deno.version.deno)"], {
    env,
    timeoutMs: 60_000,
  });
  assert.equal(argvForm.code, 0, argvForm.stderr);
  assert.equal(argvForm.stdout.trim(), Deno.version.deno);
  assert.equal(argvForm.argv[0], Deno.execPath());
  const shellForm = await runCommand("deno eval 'console.log(Deno.version.deno)'", {
    env,
    timeoutMs: 60_000,
  });
  assert.equal(shellForm.code, 0, shellForm.stderr);
  assert.equal(shellForm.stdout.trim(), Deno.version.deno);
});
