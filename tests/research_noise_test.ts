import assert from "node:assert/strict";
import { createScriptedProvider } from "../lib/providers/scripted.ts";
import { runResearch } from "../lib/research/research.ts";
import { type Attempt, readLedger } from "../lib/research/ledger.ts";
import type { Idea } from "../lib/research/schemas.ts";
import { commitInitialRepo, git } from "./research_helpers.ts";

/**
 * A runner whose loss is `level + N(0, 1)`, the noise seeded by AUTORESEARCH_SEED (fresh per run).
 * level.txt's first line is the level; other lines are comments (a "seed 42 → 137"-style edit).
 */
const RUN_SH = `level=$(head -n 1 level.txt)
awk -v b="$level" -v s="$AUTORESEARCH_SEED" 'BEGIN {
  srand(s); u1 = rand(); u2 = rand(); if (u1 < 1e-12) u1 = 1e-12
  printf "loss: %.6f\\n", b + sqrt(-2 * log(u1)) * cos(6.283185307 * u2)
}'
`;

async function noisyRepo(acceptance: string, iterations: number): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "research_noise_" });
  await Deno.writeTextFile(`${dir}/level.txt`, "10\n# seed: 42\n");
  await Deno.writeTextFile(`${dir}/run.sh`, RUN_SH);
  await Deno.writeTextFile(
    `${dir}/problem.yaml`,
    [
      "objective: lower the loss",
      "metric: { name: loss, regex: 'loss: ([0-9.-]+)', direction: minimize }",
      "runner: { command: [sh, run.sh], timeout_seconds: 10 }",
      "mutable: [level.txt]",
      "readonly: [run.sh]",
      `acceptance: ${acceptance}`,
      `budgets: { iterations: ${iterations} }`,
      "gate: { patience: 50 }",
      "roles: { proposers: [scripted] }",
    ].join("\n"),
  );
  await commitInitialRepo(dir);
  return dir;
}

function levelIdea(title: string, content: string): Idea {
  return {
    title,
    hypothesis: title,
    rationale: "scripted",
    alternatives: [],
    expectedDelta: -0.5,
    risk: "low",
    edits: [{ file: "level.txt", format: "full", content }],
  };
}

/** Iteration n proposes `plan(n)`. */
function proposer(plan: (n: number) => Idea) {
  return createScriptedProvider({
    respond: (_m, o) => JSON.stringify(plan(Number(o.itemId?.replace("iter-", "")))),
  });
}

async function attemptsOf(runDir: string): Promise<Attempt[]> {
  return (await readLedger(runDir)).flatMap((r) => (r.kind === "iteration" ? r.attempts : []));
}

const noop = (n: number) =>
  levelIdea(`change the seed to ${n * 95 + 42}`, `10\n# seed: ${n * 95 + 42}\n`);

Deno.test("with seeded noise and 3 repeats, a no-op edit is never kept over 20 iterations", async () => {
  const dir = await noisyRepo("{ repeats: 3, min_improvement: 0.5, alpha: 0.05 }", 20);
  const base = await git(dir, "rev-parse", "HEAD");
  const outcome = await runResearch(`${dir}/problem.yaml`, {
    tag: "noop",
    providers: { proposers: [{ provider: proposer(noop) }] },
  });
  const attempts = await attemptsOf(outcome.runDir);
  assert.equal(attempts.length, 20);
  assert.deepEqual(new Set(attempts.map((a) => a.status)), new Set(["discard"]));
  assert.equal(outcome.incumbent.commit, base, "the branch never moved");
  // The noise is real: some no-ops looked better than the incumbent before the test said no.
  const spread = attempts.flatMap((a) => a.samples);
  assert.ok(Math.max(...spread) - Math.min(...spread) > 2, "noise of about ±1 per run");
  assert.ok(attempts.some((a) => a.comparison!.improvement > 0), "some looked like wins");
});

Deno.test("with the same noise, a real improvement is kept and later no-ops are not", async () => {
  const dir = await noisyRepo("{ repeats: 3, min_improvement: 0.5, alpha: 0.05 }", 6);
  const plan = (n: number) => (n === 1 ? levelIdea("halve the loss", "5\n# seed: 42\n") : noop(n));
  const outcome = await runResearch(`${dir}/problem.yaml`, {
    tag: "real",
    providers: { proposers: [{ provider: proposer(plan) }] },
  });
  const attempts = await attemptsOf(outcome.runDir);
  assert.deepEqual(attempts.map((a) => a.status), ["keep", ...Array(5).fill("discard")]);
  assert.equal(attempts[0].phase, "confirm", "the keep was confirmed by fresh runs");
  assert.equal(attempts[0].confirmSamples.length, 3);
  assert.equal(attempts[0].incumbentConfirm.length, 3, "the incumbent was re-measured too");
  assert.ok(Math.abs(outcome.incumbent.mean - 5) < 1.5);
  assert.equal(outcome.incumbent.commit, attempts[0].commit);
});

Deno.test("without repeats the same no-op edits get kept as wins (the failure the rule prevents)", async () => {
  const dir = await noisyRepo("{ repeats: 1, min_improvement: 0 }", 20);
  const outcome = await runResearch(`${dir}/problem.yaml`, {
    tag: "naive",
    providers: { proposers: [{ provider: proposer(noop) }] },
  });
  const keeps = (await attemptsOf(outcome.runDir)).filter((a) => a.status === "keep");
  assert.ok(keeps.length >= 1, "a lucky draw passes a noise-blind rule");
});

Deno.test("in paired mode shared seeds cancel the noise, so a small real gain is kept and a no-op is not", async () => {
  const dir = await noisyRepo("{ repeats: 3, test: paired, seed: 1000 }", 3);
  const plan = (n: number) => (n === 2 ? levelIdea("shave 0.3", "9.7\n# seed: 42\n") : noop(n));
  const outcome = await runResearch(`${dir}/problem.yaml`, {
    tag: "paired",
    providers: { proposers: [{ provider: proposer(plan) }] },
  });
  const attempts = await attemptsOf(outcome.runDir);
  assert.deepEqual(attempts.map((a) => a.status), ["discard", "keep", "discard"]);
  assert.equal(attempts[0].comparison!.improvement, 0, "same seeds, same code: identical runs");
  assert.ok(
    Math.abs(attempts[1].comparison!.improvement - 0.3) < 1e-6,
    "the gain is measured exactly",
  );
  assert.equal(outcome.incumbent.samples.length, 6, "samples stay aligned with seed indices");
  const spread = attempts[1].samples;
  assert.ok(
    Math.max(...spread) - Math.min(...spread) > 0.3,
    "while each run is noisier than the gain",
  );
});
