import assert from "node:assert/strict";
import { createScriptedProvider, type ScriptedProvider } from "../lib/providers/scripted.ts";
import { runResearch } from "../lib/research/research.ts";
import { type IterationRecord, readLedger } from "../lib/research/ledger.ts";
import type { Idea } from "../lib/research/schemas.ts";
import type { Event } from "../lib/schemas/events.ts";
import { ResearchGit } from "../lib/research/git.ts";
import { commitInitialRepo, git } from "./research_helpers.ts";

const RUN_SH = 'echo "score: $(head -n 1 value.txt)"\necho "mem: $(sed -n 2p value.txt)"\n';

/** A repository whose score is the first line of value.txt (minimised) and mem the second. */
async function repo(extra: string[] = [], runSh = RUN_SH): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "research_society_" });
  await Deno.writeTextFile(`${dir}/value.txt`, "10\n100\n");
  await Deno.writeTextFile(`${dir}/run.sh`, runSh);
  await Deno.writeTextFile(`${dir}/notes.md`, "notes\n");
  const yaml = [
    "objective: lower the score",
    "metric: { name: score, regex: 'score: ([0-9.]+)', direction: minimize }",
    "runner: { command: [sh, run.sh], timeout_seconds: 10 }",
    "mutable: [value.txt]",
    "readonly: [run.sh]",
    "roles: { proposers: [scripted] }",
    ...extra,
  ];
  await Deno.writeTextFile(`${dir}/problem.yaml`, yaml.join("\n") + "\n");
  await commitInitialRepo(dir);
  return dir;
}

function valueIdea(title: string, content: string, file = "value.txt"): Idea {
  return {
    title,
    hypothesis: title,
    rationale: "scripted",
    alternatives: [],
    expectedDelta: -1,
    risk: "low",
    edits: [{ file, format: "full", content }],
  };
}

function byIteration(plan: (n: number) => unknown): ScriptedProvider {
  return createScriptedProvider({
    respond: (_m, o) => {
      const v = plan(Number(o.itemId?.replace("iter-", "")));
      return typeof v === "string" ? v : JSON.stringify(v);
    },
  });
}

async function iterations(runDir: string): Promise<IterationRecord[]> {
  return (await readLedger(runDir)).flatMap((r) => (r.kind === "iteration" ? [r] : []));
}

Deno.test("the critic's veto stops an idea before any compute and the judge picks among the rest", async () => {
  const dir = await repo(["budgets: { iterations: 1 }"]);
  const proposers = [
    byIteration(() => valueIdea("hard-code a tiny score", "1\n100\n")),
    byIteration(() => valueIdea("modest gain", "8\n100\n")),
    byIteration(() => valueIdea("bigger gain", "6\n100\n")),
  ];
  const critic = createScriptedProvider({
    respond: () =>
      JSON.stringify({
        reviews: [
          { id: "P1", veto: true, reason: "games the metric", principles: ["honesty"] },
          { id: "P2", veto: false, reason: "fine", principles: [] },
        ],
      }),
  });
  const judge = createScriptedProvider({
    respond: () => JSON.stringify({ ranking: ["P2", "P3"], reason: "P2 is safer" }),
  });
  const outcome = await runResearch(`${dir}/problem.yaml`, {
    tag: "c",
    constitution: "## honesty\nNever game the metric.",
    providers: {
      proposers: proposers.map((provider) => ({ provider })),
      critic: { provider: critic },
      judge: { provider: judge },
    },
  });
  const [it] = await iterations(outcome.runDir);
  assert.equal(it.proposals.length, 3);
  assert.deepEqual(it.reviews.filter((r) => r.veto).map((r) => r.id), ["P1"]);
  assert.deepEqual(it.judge?.ranking, ["P2", "P3"]);
  assert.deepEqual(it.attempts.map((a) => [a.proposal, a.status]), [["P2", "keep"]]);
  assert.equal(outcome.incumbent.mean, 8);
  const criticPrompt = critic.calls[0].messages.at(-1)!.content;
  assert.match(criticPrompt, /## P1/);
  assert.match(criticPrompt, /Never game the metric/, "the constitution reaches the critic");
  assert.doesNotMatch(
    judge.calls[0].messages.at(-1)!.content,
    /## P1/,
    "vetoed ideas are not judged",
  );
});

Deno.test("parallel candidates run in separate worktrees and only the best is kept", async () => {
  const dir = await repo([
    "budgets: { iterations: 1 }",
    "society: { candidates: 2, parallel: true }",
  ]);
  const outcome = await runResearch(`${dir}/problem.yaml`, {
    tag: "par",
    providers: {
      proposers: [
        { provider: byIteration(() => valueIdea("to seven", "7\n100\n")) },
        { provider: byIteration(() => valueIdea("to five", "5\n100\n")) },
      ],
    },
  });
  const [it] = await iterations(outcome.runDir);
  const byId = Object.fromEntries(it.attempts.map((a) => [a.id, a]));
  assert.equal(byId["1"].status, "discard");
  assert.equal(byId["1"].phase, "selection");
  assert.equal(byId["1.1"].status, "keep");
  assert.equal(outcome.incumbent.commit, byId["1.1"].commit);
  assert.equal(await git(dir, "rev-parse", "refs/autoresearch/par/discarded/1"), byId["1"].commit);
  assert.equal((await git(dir, "worktree", "list")).split("\n").length, 1, "worktrees removed");
  assert.equal((await Deno.readTextFile(`${dir}/value.txt`)).split("\n")[0], "5");
});

Deno.test("the graduated gate diversifies, throttles and stops, raising proposer temperature", async () => {
  const dir = await repo([
    "budgets: { iterations: 10 }",
    "gate: { patience: 1, temperature_step: 0.2 }",
  ]);
  const same = () => valueIdea("rewrite the same value", "10\n100\n"); // a noop
  const a = byIteration(same), b = byIteration(same);
  const events: Event[] = [];
  const outcome = await runResearch(`${dir}/problem.yaml`, {
    tag: "gate",
    providers: {
      proposers: [{ provider: a, temperature: 0.5 }, { provider: b, temperature: 0.5 }],
    },
    onEvent: (e) => events.push(e),
  });
  const its = await iterations(outcome.runDir);
  assert.deepEqual(its.map((i) => i.gate.stage), ["diversify", "throttle", "stop"]);
  assert.deepEqual(its.flatMap((i) => i.attempts.map((x) => x.status)), ["noop", "noop", "noop"]);
  assert.match(outcome.stopReason, /graduated gate/);
  assert.deepEqual(a.calls.map((c) => c.options.temperature), [0.5, 0.7, 0.9]);
  assert.equal(b.calls.length, 2, "throttled iterations ask one proposer");
  assert.doesNotMatch(a.calls[0].messages[1].content, /STRATEGY CHANGE/);
  assert.match(a.calls[1].messages[1].content, /STRATEGY CHANGE/);
  const logs = events.flatMap((e) => (e.type === "log" ? [e.message] : []));
  assert.ok(logs.some((m) => m.includes("gate: normal → diversify")));
  assert.ok(logs.some((m) => m.includes("gate: throttle → stop")));
});

Deno.test("an instruction-only idea is coded by the coder model, and a mismatched diff crashes at the edit phase", async () => {
  const dir = await repo(["budgets: { iterations: 2 }"]);
  const proposer = byIteration((n) =>
    n === 1 ? { ...valueIdea("set the value to four", ""), edits: [], instructions: "Write 4." } : {
      ...valueIdea("patch a line that is not there", ""),
      edits: [{ file: "value.txt", format: "diff", content: "@@ -1 +1 @@\n-99\n+3\n" }],
    }
  );
  const coder = byIteration((n) =>
    n === 1 ? { edits: [{ file: "value.txt", format: "full", content: "4\n100\n" }] } : "no idea"
  );
  const outcome = await runResearch(`${dir}/problem.yaml`, {
    tag: "coder",
    providers: { proposers: [{ provider: proposer }], coder: { provider: coder } },
  });
  const attempts = (await iterations(outcome.runDir)).flatMap((i) => i.attempts);
  assert.deepEqual(attempts.map((a) => a.status), ["keep", "crash"]);
  assert.equal(attempts[1].phase, "edit");
  assert.match(attempts[1].reason, /hunk 1/);
  assert.match(attempts[1].reason, /"99"/);
  assert.equal(attempts[1].commit, undefined, "nothing to commit");
  assert.ok(
    coder.calls.some((c) => c.messages[1].content.includes("could not be applied")),
    "the coder was asked to repair the failed diff",
  );
  assert.equal(outcome.incumbent.mean, 4);
});

Deno.test("an external agent command applies the idea in the workspace", async () => {
  const dir = await repo([
    "budgets: { iterations: 1 }",
    "roles:",
    "  proposers: [scripted]",
    "  coder: { kind: command, command: [sh, -c, 'printf \"3\\n100\\n\" > value.txt'] }",
  ].filter((l) => !l.startsWith("roles: {")));
  const yaml = (await Deno.readTextFile(`${dir}/problem.yaml`)).replace(
    "roles: { proposers: [scripted] }\n",
    "",
  );
  await Deno.writeTextFile(`${dir}/problem.yaml`, yaml);
  await git(dir, "commit", "-qam", "agent coder");
  const proposer = byIteration(() => ({
    ...valueIdea("ask the agent", ""),
    edits: [],
    instructions: "set 3",
  }));
  const outcome = await runResearch(`${dir}/problem.yaml`, {
    tag: "agent",
    providers: { proposers: [{ provider: proposer }] },
  });
  const [it] = await iterations(outcome.runDir);
  assert.equal(it.attempts[0].status, "keep");
  assert.equal(outcome.incumbent.mean, 3);
  await Deno.stat(`${outcome.runDir}/logs/1-coder.log`);
});

Deno.test("contract edits, edits outside the mutable set, run-time tampering and no-ops are told apart", async () => {
  const runSh = 'if grep -q tamper value.txt; then echo "# touched" >> run.sh; fi\n' + RUN_SH;
  const dir = await repo(["budgets: { iterations: 4 }"], runSh);
  const plan = [
    valueIdea("rewrite the runner", "echo 'score: 0'\n", "run.sh"),
    valueIdea("edit the notes", "better notes\n", "notes.md"),
    valueIdea("tamper at run time", "1\n100\ntamper\n"),
    valueIdea("same value", "10\n100\n"),
  ];
  const outcome = await runResearch(`${dir}/problem.yaml`, {
    tag: "contract",
    providers: { proposers: [{ provider: byIteration((n) => plan[n - 1]) }] },
  });
  const attempts = (await iterations(outcome.runDir)).flatMap((i) => i.attempts);
  assert.deepEqual(attempts.map((a) => a.status), ["rejected", "rejected", "rejected", "noop"]);
  assert.match(attempts[0].reason, /contract files changed: run\.sh/);
  assert.equal(attempts[0].samples.length, 0, "never run");
  assert.match(attempts[1].reason, /outside the mutable set changed: notes\.md/);
  assert.match(attempts[2].reason, /run modified contract files: run\.sh/);
  assert.equal(attempts[3].commit, undefined);
  assert.equal(await git(dir, "status", "--porcelain"), "", "tampering was reset");
  assert.equal(outcome.incumbent.mean, 10);
});

Deno.test("a guardrail measured against the frozen baseline discards an otherwise better candidate", async () => {
  const dir = await repo([
    "budgets: { iterations: 2 }",
    "guardrails: [{ name: mem, regex: 'mem: ([0-9.]+)', max_increase: 0.1 }]",
  ]);
  const plan = [valueIdea("faster, fatter", "5\n150\n"), valueIdea("faster, lean", "6\n105\n")];
  const outcome = await runResearch(`${dir}/problem.yaml`, {
    tag: "guard",
    providers: { proposers: [{ provider: byIteration((n) => plan[n - 1]) }] },
  });
  const attempts = (await iterations(outcome.runDir)).flatMap((i) => i.attempts);
  assert.deepEqual(attempts.map((a) => a.status), ["discard", "keep"]);
  assert.equal(attempts[0].phase, "guardrail");
  assert.match(attempts[0].reason, /mem=150 > baseline 100/);
  assert.equal(outcome.incumbent.guardrails.mem, 105);
});

Deno.test("token budgets and a STOP file stop the run with the reason recorded", async () => {
  const dir = await repo(["budgets: { iterations: 10, tokens: 5 }"]);
  const proposer = byIteration((n) => valueIdea(`value ${10 - n}`, `${10 - n}\n100\n`));
  const first = await runResearch(`${dir}/problem.yaml`, {
    tag: "budget",
    providers: { proposers: [{ provider: proposer }] },
  });
  assert.equal(first.iterationsRun, 1);
  assert.match(first.stopReason, /token budget/);
  await Deno.writeTextFile(`${first.runDir}/STOP`, "");
  const second = await runResearch(`${dir}/problem.yaml`, {
    tag: "budget",
    providers: { proposers: [{ provider: proposer }] },
    budgets: { tokens: 1e9 },
  });
  assert.equal(second.iterationsRun, 0);
  assert.match(second.stopReason, /STOP file/);
  await assert.rejects(() => Deno.stat(`${first.runDir}/STOP`), Deno.errors.NotFound);
  const third = await runResearch(`${dir}/problem.yaml`, {
    tag: "budget",
    providers: { proposers: [{ provider: proposer }] },
    budgets: { tokens: 1e9 },
    maxIterations: 1,
  });
  assert.equal(third.iterationsRun, 1);
  assert.equal(third.lastIteration, 2);
  const stops = (await readLedger(first.runDir)).flatMap((
    r,
  ) => (r.kind === "stop" ? [r.reason] : []));
  assert.equal(stops.length, 3);
});

Deno.test("many worktrees added and removed at once on one repository handle all succeed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "research_worktrees_" });
  await Deno.writeTextFile(`${dir}/a.txt`, "a\n");
  await commitInitialRepo(dir);
  const repo = await ResearchGit.open(dir);
  const sha = await git(dir, "rev-parse", "HEAD");
  for (let round = 0; round < 2; round++) {
    await Promise.all(Array.from({ length: 6 }, async (_, c) => {
      const path = `${dir}/.wt/c${c}`;
      await repo.removeWorktree(path);
      await repo.addWorktree(path, sha);
      assert.equal(await Deno.readTextFile(`${path}/a.txt`), "a\n");
      await repo.removeWorktree(path);
    }));
  }
  assert.equal((await git(dir, "worktree", "list")).split("\n").length, 1);
  await Deno.remove(dir, { recursive: true });
});
