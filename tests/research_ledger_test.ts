import assert from "node:assert/strict";
import {
  appendLedger,
  formatResultsTsv,
  type IterationRecord,
  readLedger,
  summarizeLedger,
} from "../lib/research/ledger.ts";
import {
  boundResearchMemory,
  EMPTY_RESEARCH_MEMORY,
  rememberAttempts,
} from "../lib/research/memory.ts";
import { advanceGate, INITIAL_GATE } from "../lib/research/gate.ts";
import { buildAudit, renderAuditMarkdown } from "../lib/research/audit.ts";

const baseline = {
  kind: "baseline" as const,
  tag: "t",
  branch: "autoresearch/t",
  commit: "a".repeat(40),
  startedAt: "2024-01-01T00:00:00Z",
  ms: 1000,
  samples: [10],
  mean: 10,
  guardrails: {},
  resource: 2.25,
  contracts: { "evaluate.ts": "f".repeat(64) },
  sandbox: { enabled: false },
  logs: [],
};

function iteration(
  n: number,
  status: "keep" | "crash",
  mean?: number,
  incumbentMean = mean ?? 10,
): IterationRecord {
  const commit = String(n).repeat(40).slice(0, 40);
  return {
    kind: "iteration",
    iteration: n,
    startedAt: "2024-01-01T00:00:00Z",
    ms: 500,
    proposals: [],
    reviews: [],
    attempts: [{
      id: `${n}`,
      iteration: n,
      candidate: 0,
      proposal: "P1",
      proposer: "scripted/x",
      idea: {
        title: `idea\t${n}\nwith newline`,
        hypothesis: "h",
        rationale: "r",
        alternatives: [],
        expectedDelta: -1,
        risk: "low",
        edits: [],
        instructions: "i",
      },
      status,
      phase: status === "keep" ? "acceptance" : "run",
      reason: status,
      parent: baseline.commit,
      commit,
      changedFiles: ["solution.ts"],
      samples: mean === undefined ? [] : [mean],
      confirmSamples: [],
      incumbentConfirm: [],
      mean,
      guardrails: {},
      logs: [],
      ms: 400,
    }],
    incumbent: {
      commit,
      samples: [incumbentMean],
      mean: incumbentMean,
      guardrails: {},
      attempt: `${n}`,
    },
    memory: EMPTY_RESEARCH_MEMORY,
    gate: INITIAL_GATE,
    usage: { inputTokens: 100, outputTokens: 20 },
    summary: "s",
  };
}

Deno.test("results.tsv follows the autoresearch format with clean descriptions", () => {
  const tsv = formatResultsTsv([baseline, iteration(1, "keep", 9.5), iteration(2, "crash")], {
    metricName: "val_bpb",
    resourceName: "memory_gb",
  });
  const rows = tsv.trimEnd().split("\n").map((l) => l.split("\t"));
  assert.deepEqual(rows[0], ["commit", "val_bpb", "memory_gb", "status", "description"]);
  assert.deepEqual(rows[1], ["aaaaaaa", "10.000000", "2.3", "keep", "baseline"]);
  assert.deepEqual(rows[2], ["1111111", "9.500000", "0.0", "keep", "#1 idea 1 with newline"]);
  assert.deepEqual(rows[3].slice(1, 4), ["0.000000", "0.0", "crash"]);
  assert.ok(rows.every((r) => r.length === 5));
});

Deno.test("the ledger skips a torn last line and folds into the resume state", async () => {
  const dir = await Deno.makeTempDir({ prefix: "research_ledger_" });
  await appendLedger(dir, baseline);
  await appendLedger(dir, iteration(1, "keep", 9.5));
  await Deno.writeTextFile(`${dir}/ledger.jsonl`, '{"kind":"iteration","iter', { append: true });
  const records = await readLedger(dir);
  assert.equal(records.length, 2);
  const s = summarizeLedger(records);
  assert.equal(s.lastIteration, 1);
  assert.equal(s.incumbent?.mean, 9.5);
  assert.equal(s.tokens, 120);
  assert.equal(s.wallMs, 1500);
  await assert.rejects(() => appendLedger(dir, { ...baseline, samples: [] }));
});

Deno.test("memory keeps the most recent distinct lessons within bounds", () => {
  let m = EMPTY_RESEARCH_MEMORY;
  for (let i = 0; i < 5; i++) {
    m = rememberAttempts(m, [
      { id: `${i}`, status: i % 2 ? "keep" : "discard", reason: "r", idea: { title: `t${i}` } },
    ], { size: 2 });
  }
  assert.equal(m.worked.length, 2);
  assert.equal(m.failed.length, 2);
  assert.match(m.failed[1], /^#4 t4: discard/);
  const bounded = boundResearchMemory({
    worked: ["x".repeat(500), "a", "a"],
    failed: [],
    notes: [],
  }, {
    entryChars: 10,
  });
  assert.deepEqual(bounded.worked, ["xxxxxxxxx…", "a"]);
  assert.throws(() => boundResearchMemory(EMPTY_RESEARCH_MEMORY, { size: 0 }), /size must be/);
});

Deno.test("the gate resets on a keep and reports each transition", () => {
  const cfg = { patience: 2, temperature_step: 0.25 };
  let s = INITIAL_GATE;
  const transitions: string[] = [];
  for (let i = 0; i < 4; i++) {
    const u = advanceGate(s, false, cfg);
    if (u.transition) transitions.push(u.state.stage);
    s = u.state;
  }
  assert.deepEqual(transitions, ["diversify", "throttle"]);
  assert.equal(s.temperatureBoost, 0.75);
  const reset = advanceGate(s, true, cfg);
  assert.deepEqual(reset.state, INITIAL_GATE);
  assert.match(reset.transition!, /throttle → normal/);
});

Deno.test("the audit reports improvement, keep rate and crashes from the ledger", () => {
  const report = buildAudit([
    baseline,
    iteration(1, "keep", 9.5),
    iteration(2, "crash", undefined, 9.5),
  ], {
    metricName: "loss",
  });
  assert.deepEqual(report.improvement, { absolute: 0.5, relative: 0.05 });
  assert.equal(report.keepRate, 0.5);
  assert.equal(report.crashes.length, 1);
  const md = renderAuditMarkdown(report);
  assert.match(md, /Keep rate \| 1\/2 \(50\.0%\)/);
  assert.match(md, /Improvement \| 0\.5 \(5\.00%\)/);
});
