/**
 * The gate audit: exact counts on crafted traces, hidden scoring that reuses the records, and a
 * whole simulated run audited through the library and the CLI.
 */
import assert from "node:assert/strict";
import {
  auditBenchmarkRun,
  GATE_CANDIDATES_FILE,
  gateAudit,
  type GateAuditRow,
  GateAuditRowSchema,
  type GateCandidateRecord,
  gateCandidateRecords,
  GateCandidateRecordSchema,
  hiddenCandidateScores,
  type HiddenOutcome,
  renderGateAudit,
} from "../lib/bench/mod.ts";
import { runBenchmark } from "../lib/bench/run_benchmark.ts";
import { createSimulatedProvider } from "../lib/bench/simulate.ts";
import { resolveArms } from "../lib/bench/arms.ts";
import type { ItemResult } from "../lib/bench/records.ts";
import { loadDataset } from "../lib/datasets/load_dataset.ts";
import { loadConstitution } from "../lib/constitution/load_constitution.ts";
import type { Scorer } from "../lib/loop/types.ts";
import type { Candidate, Trace } from "../lib/schemas/trace.ts";
import { InputError } from "../lib/util/jsonl.ts";
import { sha256Hex } from "../lib/util/hash.ts";
import { cai } from "./testdata/cli/cli_helpers.ts";
import { itemResult, loopTrace } from "./testdata/bench_fixtures.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** A candidate whose gate passed or not, kept or reverted by the ratchet. */
function cand(text: string, gate: number, decision: "keep" | "revert" | undefined): Candidate {
  return {
    round: 0,
    text,
    critiques: [],
    score: { score: gate, passed: gate === 1, source: "judge" },
    ...(decision ? { decision: { decision, reason: "", candidateScore: gate, bestScore: 0 } } : {}),
  };
}

function trace(traceId: string, itemId: string, candidates: Candidate[]): Trace {
  return loopTrace(traceId, itemId, candidates.map((c, round) => ({ ...c, round })));
}

function record(traceId: string, arm: string, extra: Partial<ItemResult> = {}): ItemResult {
  return itemResult({ id: "a", arm, score: 0, traceId, ...extra });
}

/** Hidden outcomes by answer text. */
const table = (scores: Record<string, number>) => ({
  get: (_t: unknown, c: { text: string }): HiddenOutcome | undefined =>
    c.text in scores ? { score: scores[c.text], passed: scores[c.text] === 1 } : undefined,
});

Deno.test("gateAudit counts false accepts/rejects and the ratchet's right and wrong promotions exactly", () => {
  // Trace 1 (judge): v0 gate 0.5 (hidden 1: a false reject); v1 gate 1 promoted but hidden 0.5
  // (a false accept and a promoted regression); v2 gate 0.2 reverted, hidden 1 (a missed
  // improvement over v1, and a false reject).
  const t1 = trace("t1", "a", [
    cand("v0", 0.5, "keep"),
    cand("v1", 1, "keep"),
    cand("v2", 0.2, "revert"),
  ]);
  // Trace 2 (judge): w0 gate 0.3 hidden 0; w1 gate 0.6 promoted, hidden 0.5 (improvement);
  // w2 gate 0.4 reverted, hidden 0 (a blocked regression); w3 has no hidden outcome (skipped).
  const t2 = trace("t2", "b", [
    cand("w0", 0.3, "keep"),
    cand("w1", 0.6, "keep"),
    cand("w2", 0.4, "revert"),
    cand("w3", 0.9, "keep"),
  ]);
  // Trace 3 (tests arm): x0 gate 1, hidden 1; a revision equal on hidden (a tie: not counted).
  const t3 = trace("t3", "c", [
    { ...cand("x0", 0.5, "keep"), score: { score: 0.5, passed: false, source: "visible_tests" } },
    { ...cand("x1", 0.8, "keep"), score: { score: 0.8, passed: false, source: "visible_tests" } },
  ]);
  // A trace no record names is ignored.
  const orphan = trace("t9", "z", [cand("o0", 1, "keep")]);
  const hidden = table({ v0: 1, v1: 0.5, v2: 1, w0: 0, w1: 0.5, w2: 0, x0: 0.5, x1: 0.5, o0: 0 });
  const rows = gateAudit(
    [t1, t2, t3, orphan],
    [record("t3", "tests"), record("t1", "judge"), record("t2", "judge"), record("none", "x")],
    hidden,
  );
  const expected: GateAuditRow[] = [
    {
      arm: "tests",
      gate: "visible_tests",
      candidates: 2,
      hiddenPassed: 0,
      falseAccepts: 0,
      falseRejects: 0,
      falseAcceptRate: 0,
      falseRejectRate: null,
      revisions: 1,
      promotedImprovements: 0,
      promotedRegressions: 0,
      missedImprovements: 0,
      blockedRegressions: 0,
      decisionAccuracy: null,
    },
    {
      arm: "judge",
      gate: "judge",
      candidates: 6,
      hiddenPassed: 2,
      falseAccepts: 1,
      falseRejects: 2,
      falseAcceptRate: 1 / 4,
      falseRejectRate: 1,
      revisions: 4,
      promotedImprovements: 1,
      promotedRegressions: 1,
      missedImprovements: 1,
      blockedRegressions: 1,
      decisionAccuracy: 2 / 4,
    },
  ];
  assert.deepEqual(rows, expected);
  for (const row of rows) assert.ok(GateAuditRowSchema.safeParse(row).success);
  const md = renderGateAudit(rows);
  assert.match(md, /\| judge \| judge \| 6 \| 25% \| 100% \| 4 \| 1 \| 1 \| 1 \| 1 \| 50% \|/);
  assert.match(md, /\| tests \| visible_tests \| 2 \| 0% \| – \| 1 \| 0 \| 0 \| 0 \| 0 \| – \|/);
});

Deno.test("gateAudit rejects bad arguments", () => {
  assert.throws(() => gateAudit("x" as never, [], table({})), /traces and records must be arrays/);
  assert.throws(() => gateAudit([], [], {} as never), /get\(trace, candidate\)/);
  assert.deepEqual(gateAudit([], [], table({})), []);
});

Deno.test("gateCandidateRecords gives each candidate its gate call, hidden score and whether the ratchet was right", () => {
  // v0 (first answer) passes the hidden tests; the judge keeps and promotes v1, which fails them:
  // a wrong call. v2 is reverted though better than v1: wrong too. v3 is reverted and worse: right.
  const t1 = trace("t1", "a", [
    cand("v0", 0.5, "keep"),
    cand("v1", 1, "keep"),
    cand("v2", 0.2, "revert"),
    cand("v3", 0.1, "revert"),
  ]);
  // w1 is promoted and better (right, though it still fails the hidden tests); w2 ties (no call);
  // w3 has no hidden outcome (no row).
  const t2 = trace("t2", "b", [
    cand("w0", 0.3, "keep"),
    cand("w1", 0.6, "keep"),
    cand("w2", 0.1, "revert"),
    cand("w3", 0.9, "keep"),
  ]);
  const orphan = trace("t9", "z", [cand("o0", 1, "keep")]);
  const hidden = table({ v0: 1, v1: 0.5, v2: 1, v3: 0, w0: 0, w1: 0.5, w2: 0.5, o0: 0 });
  const records = [record("t1", "judge", { seed: 3 }), record("t2", "judge", { seed: 4 })];
  const rows = gateCandidateRecords([t1, t2, orphan], records, hidden);
  const brief = rows.map((r) => [
    r.traceId,
    r.index,
    r.decision,
    r.promoted,
    r.hiddenScore,
    r.hiddenBestBefore,
    r.rightInHindsight,
  ]);
  assert.deepEqual(brief, [
    ["t1", 0, null, true, 1, null, null],
    ["t1", 1, "keep", true, 0.5, 1, false],
    ["t1", 2, "revert", false, 1, 0.5, false],
    ["t1", 3, "revert", false, 0, 0.5, true],
    ["t2", 0, null, true, 0, null, null],
    ["t2", 1, "keep", true, 0.5, 0, true],
    ["t2", 2, "revert", false, 0.5, 0.5, null],
  ]);
  const kept = rows[1];
  assert.equal(kept.gatePassed, true, "the gate passed it");
  assert.equal(kept.hiddenPassed, false, "the hidden tests fail it");
  assert.deepEqual(
    { arm: kept.arm, itemId: kept.itemId, seed: kept.seed, round: kept.round },
    { arm: "judge", itemId: "a", seed: 3, round: 1 },
  );
  assert.equal(kept.textSha256, sha256Hex("v1"));
  assert.equal(kept.gateSource, "judge");
  assert.equal(rows[4].seed, 4);
  for (const r of rows) assert.deepEqual(GateCandidateRecordSchema.parse(r), r);
  assert.equal(
    GateCandidateRecordSchema.safeParse({ ...kept, rightInHindsight: "yes" }).success,
    false,
  );
  // The rows add up to the arm's counts in the gate audit.
  const [arm] = gateAudit([t1, t2, orphan], records, hidden);
  const calls = (right: boolean) => rows.filter((r) => r.rightInHindsight === right).length;
  assert.equal(calls(true), arm.promotedImprovements + arm.blockedRegressions);
  assert.equal(calls(false), arm.promotedRegressions + arm.missedImprovements);
  assert.equal(rows.length, arm.candidates);
  assert.throws(() => gateCandidateRecords({} as never, [], hidden), /must be arrays/);
});

Deno.test("hiddenCandidateScores reuses the records' scores and sandbox-scores each other answer once", async () => {
  const t1 = trace("t1", "a", [
    cand("v0", 0, "keep"),
    cand("v1", 1, "keep"),
    cand("v2", 0, "revert"),
  ]);
  const t1b = { ...t1, chosen: "v1", rejected: "v0" };
  // The same revision text in a second trace of the same item is scored once.
  const t2 = { ...trace("t2", "a", [cand("v0", 0, "keep"), cand("v2", 0, "revert")]) };
  const seen: string[] = [];
  const scorer: Scorer = {
    name: "hidden_tests",
    score(item, text) {
      seen.push(`${item.id}:${text}`);
      return Promise.resolve({ score: 0.25, passed: false, source: "hidden_tests" });
    },
  };
  const scores = await hiddenCandidateScores(
    [{ id: "a", prompt: "p" }],
    [t1b, t2],
    [
      record("t1", "tests", { initialScore: 0.5, score: 1, passed: true }),
      record("t2", "tests", {
        error: "boom",
      }),
    ],
    { scorer },
  );
  assert.deepEqual(seen, ["a:v2"]);
  assert.equal(scores.fresh, 1);
  assert.equal(scores.size, 3);
  assert.deepEqual(scores.get(t1b, { text: "v0" }), { score: 0.5, passed: false });
  assert.deepEqual(scores.get(t1b, { text: "v1" }), { score: 1, passed: true });
  assert.deepEqual(scores.get(t2, { text: "v2" }), { score: 0.25, passed: false });
  assert.equal(scores.get({ itemId: "b" }, { text: "v0" }), undefined, "keyed by item too");
  await assert.rejects(
    () => hiddenCandidateScores([], [t1b], [], { scorer }),
    /trace "t1" answers item "a", which is not in items/,
  );
});

Deno.test("a simulated run's audit: the unreliable symmetric judge waves through more failures than the tests gate", async () => {
  const items = await loadDataset(`${ROOT}datasets/coding_hard.jsonl`, { limit: 8 });
  const sim = createSimulatedProvider(items, { falseAccept: 0.5, falseReject: 0.2 });
  const outDir = await Deno.makeTempDir({ prefix: "gate_audit_" });
  try {
    await runBenchmark(
      items,
      resolveArms(["baseline", "tests", "judge_symmetric"], { rounds: 2 }),
      {
        provider: sim,
        constitution: await loadConstitution(`${ROOT}constitution.md`),
        seeds: [0, 1],
        simulated: true,
        outDir,
        datasetName: "coding_hard",
        resamples: 99,
      },
    );
    const audit = await auditBenchmarkRun(outDir, items);
    const byArm = Object.fromEntries(audit.rows.map((r) => [r.arm, r]));
    assert.deepEqual(Object.keys(byArm), ["baseline", "tests", "judge_symmetric"]);
    assert.equal(byArm.tests.gate, "visible_tests");
    assert.equal(byArm.judge_symmetric.gate, "judge");
    for (const r of audit.rows) {
      assert.ok(r.falseAccepts <= r.candidates - r.hiddenPassed);
      assert.ok(r.falseRejects <= r.hiddenPassed);
      assert.ok(
        r.promotedImprovements + r.promotedRegressions + r.missedImprovements +
            r.blockedRegressions <= r.revisions,
      );
    }
    assert.equal(byArm.baseline.revisions, 0, "a baseline answer is never revised");
    assert.ok(
      byArm.judge_symmetric.falseAcceptRate! > byArm.tests.falseAcceptRate!,
      JSON.stringify(audit.rows),
    );
    const written = JSON.parse(await Deno.readTextFile(audit.paths.json));
    assert.deepEqual(written, audit.rows);
    assert.equal(await Deno.readTextFile(audit.paths.markdown), audit.markdown);
    // Per candidate: one valid row per audited candidate, summing to the arm rows.
    assert.equal(audit.paths.candidates, `${outDir}/${GATE_CANDIDATES_FILE}`);
    const candidatesText = await Deno.readTextFile(audit.paths.candidates);
    const lines = candidatesText.trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines, audit.candidates);
    for (const line of lines) assert.ok(GateCandidateRecordSchema.safeParse(line).success);
    for (const r of audit.rows) {
      const mine = audit.candidates.filter((c: GateCandidateRecord) => c.arm === r.arm);
      assert.equal(mine.length, r.candidates, r.arm);
      assert.equal(
        mine.filter((c) => c.rightInHindsight === false).length,
        r.promotedRegressions + r.missedImprovements,
        r.arm,
      );
    }
    // The audit is deterministic: a second pass (verdicts now cached) gives the same rows and
    // replaces the candidates file whole, leaving no temporary file behind.
    assert.deepEqual((await auditBenchmarkRun(outDir, items)).rows, audit.rows);
    assert.equal(await Deno.readTextFile(audit.paths.candidates), candidatesText);
    const leftovers = [];
    for await (const e of Deno.readDir(outDir)) {
      if (e.name.includes(".tmp-")) leftovers.push(e.name);
    }
    assert.deepEqual(leftovers, []);
    // Another dataset (here: one item fewer) is refused, naming the manifest, and writes nothing.
    await Deno.remove(audit.paths.json);
    const error = await auditBenchmarkRun(outDir, items.slice(1)).catch((e) => e);
    assert.ok(error instanceof InputError, String(error));
    assert.match(error.message, /manifest\.json: the dataset given is not the one this run used/);
    await assert.rejects(() => Deno.stat(audit.paths.json), Deno.errors.NotFound);
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

Deno.test("bench --gate-audit and bench audit write and print the audit; a missing run exits 2", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "gate_audit_cli_" });
  const cli = (args: string[]) => cai(["bench", ...args]);
  try {
    const run = await cli([
      "--limit",
      "3",
      "--rounds",
      "1",
      "--arms",
      "baseline,tests",
      "--resamples",
      "99",
      "--ui",
      "plain",
      "--gate-audit",
      "--out",
      `${tmp}/run`,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /# Gate audit — run/);
    assert.match(run.stdout, /\| tests \| visible_tests \| \d+ \|/);
    const rows = JSON.parse(await Deno.readTextFile(`${tmp}/run/gate_audit.json`));
    assert.deepEqual(rows.map((r: GateAuditRow) => r.arm), ["baseline", "tests"]);
    const again = await cli(["audit", "--out", `${tmp}/run`, "--limit", "3"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /\d+ revision\(s\) scored on the hidden tests for the audit/);
    assert.match(again.stdout, /gate_candidates\.jsonl \(\d+ candidates, \d+ promoted but worse/);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(`${tmp}/run/gate_audit.json`)), rows);
    const missing = await cli(["audit", "--out", `${tmp}/nope`]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\/manifest\.json: file not found/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
