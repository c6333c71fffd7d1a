/**
 * The adapters from benchmark results to chart and table rows: forest and summary-table rows read
 * the summary's paired comparisons, slope rows average seeds per item, and trajectory rows follow
 * the ratchet's best candidate — checked on hand-made records and on a small simulated run.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  armSummaryRows,
  forestRows,
  type ItemResult,
  slopeRows,
  trajectoryRows,
} from "../lib/bench/mod.ts";
import { resolveArms } from "../lib/bench/arms.ts";
import { summarizeBenchmark } from "../lib/bench/summary.ts";
import { runBenchmark } from "../lib/bench/run_benchmark.ts";
import { createSimulatedProvider } from "../lib/bench/simulate.ts";
import { loadConstitution } from "../lib/constitution/mod.ts";
import { loadDataset } from "../lib/datasets/mod.ts";
import { TestRunner } from "../lib/critics/test_runner.ts";
import { testScorer } from "../lib/critics/test_scorer.ts";
import { forestPlot } from "../lib/plot/forest_plot.ts";
import { slopeChart } from "../lib/plot/slope_chart.ts";
import { trajectoryChart } from "../lib/plot/trajectory_chart.ts";
import { armSummaryTable } from "../lib/ui/jupyter_table.ts";
import type { Candidate, Trace } from "../lib/schemas/trace.ts";
import { TraceSchema } from "../lib/schemas/trace.ts";
import { parseJsonl } from "../lib/util/jsonl.ts";
import { createRng } from "../lib/util/prng.ts";
import { itemResult, loopTrace } from "./testdata/bench_fixtures.ts";

function record(
  id: string,
  arm: string,
  score: number,
  extra: Partial<ItemResult> = {},
): ItemResult {
  return itemResult({ id, arm, score, ...extra });
}

/** Random scores for a few items under baseline / tests / judge / best_of_n. */
function randomRecords(seed: number, items: number): ItemResult[] {
  const rng = createRng(seed);
  const ids = Array.from({ length: items }, (_, i) => `item-${i}`);
  const arms = ["baseline", "tests", "judge_symmetric", "best_of_n"];
  return arms.flatMap((arm) =>
    ids.map((id) => record(id, arm, Math.round(rng.next() * 4) / 4, { initialScore: 0.25 }))
  );
}

const ARMS = resolveArms(["baseline", "tests", "judge_symmetric", "best_of_n"], { rounds: 2 });

Deno.test("forestRows copies each arm's Δ, CI, method and W/T/L against the baseline, leaving out the baseline", () => {
  const summary = summarizeBenchmark(randomRecords(7, 12), ARMS, { resamples: 499 });
  const rows = forestRows(summary);
  assert.deepEqual(rows.map((r) => r.arm), ["tests", "judge_symmetric", "best_of_n"]);
  for (const row of rows) {
    const arm = summary.arms.find((a) => a.arm === row.arm)!;
    const c = arm.vsBaseline!;
    assert.equal(row.critic, arm.critic);
    assert.equal(row.delta, c.delta);
    assert.equal(row.lo, c.ci.low);
    assert.equal(row.hi, c.ci.high);
    assert.equal(row.method, `${c.ci.method} bootstrap`);
    assert.deepEqual([row.wins, row.ties, row.losses], [c.wtl.wins, c.wtl.ties, c.wtl.losses]);
  }
  const spec = forestPlot(rows);
  assert.ok("layer" in spec, "the rows are valid forest-plot input");
});

Deno.test("forestRows against the control lists only the loop arms, with their vsControl numbers", () => {
  const summary = summarizeBenchmark(randomRecords(11, 10), ARMS, { resamples: 499 });
  const rows = forestRows(summary, { against: "control" });
  assert.deepEqual(rows.map((r) => r.arm), ["tests", "judge_symmetric"]);
  for (const row of rows) {
    const c = summary.arms.find((a) => a.arm === row.arm)!.vsControl!;
    assert.equal(row.delta, c.delta);
    assert.equal(row.lo, c.ci.low);
    assert.equal(row.hi, c.ci.high);
  }
});

Deno.test("forestRows leaves out a comparison without an interval (a single paired item)", () => {
  const records = [record("a", "baseline", 0), record("a", "tests", 1)];
  const summary = summarizeBenchmark(records, resolveArms(["baseline", "tests"]), {
    resamples: 99,
  });
  assert.equal(summary.arms[1].vsBaseline?.ci.low, null);
  assert.deepEqual(forestRows(summary), []);
  assert.deepEqual(armSummaryRows(summary), []);
});

Deno.test("forestRows and armSummaryRows reject an unknown comparison and a summary without arms", () => {
  const summary = summarizeBenchmark(randomRecords(3, 4), ARMS, { resamples: 99 });
  assert.throws(
    () => forestRows(summary, { against: "judge" as "baseline" }),
    /against must be "baseline" or "control", got "judge"/,
  );
  assert.throws(
    () => armSummaryRows({ run: "x" } as unknown as typeof summary),
    /armSummaryRows: summary must be a BenchSummary/,
  );
});

Deno.test("armSummaryRows adds paired n and both sides' means, and armSummaryTable accepts them", () => {
  const summary = summarizeBenchmark(randomRecords(5, 9), ARMS, { resamples: 499 });
  const rows = armSummaryRows(summary);
  assert.equal(rows.length, 3);
  for (const row of rows) {
    const c = summary.arms.find((a) => a.arm === row.arm)!.vsBaseline!;
    assert.equal(row.n, 9);
    assert.equal(row.meanBefore, c.meanA);
    assert.equal(row.meanAfter, c.meanB);
    assert.ok(Math.abs(row.meanAfter! - row.meanBefore! - row.delta) < 1e-12);
  }
  const text = String(armSummaryTable(rows).bundle["text/plain"]);
  for (const row of rows) assert.ok(text.includes(row.arm), `${row.arm} in the table`);
});

Deno.test("slopeRows averages each item's seeds and orders the rows by arm, then item id", () => {
  const records = [
    record("b", "tests", 1, { seed: 0, initialScore: 0 }),
    record("a", "tests", 0.5, { seed: 0, initialScore: 0.5 }),
    record("b", "tests", 0, { seed: 1, initialScore: 0.5 }),
    record("a", "tests", 1, { seed: 1, initialScore: 0 }),
    record("a", "baseline", 0.25, { initialScore: 0.25 }),
    record("b", "baseline", 0.75, { initialScore: 0.75 }),
  ];
  assert.deepEqual(slopeRows(records, "tests"), [
    { id: "a", arm: "tests", before: 0.25, after: 0.75 },
    { id: "b", arm: "tests", before: 0.25, after: 0.5 },
  ]);
  const both = slopeRows(records, ["baseline", "tests"]);
  assert.deepEqual(both.map((r) => `${r.arm}/${r.id}`), [
    "baseline/a",
    "baseline/b",
    "tests/a",
    "tests/b",
  ]);
  assert.ok(both.filter((r) => r.arm === "baseline").every((r) => r.before === r.after));
  assert.ok("facet" in slopeChart(both), "the rows are valid slope-chart input");
});

Deno.test("slopeRows names the arms it has when asked for one without records", () => {
  const records = [record("a", "tests", 1), record("a", "baseline", 0)];
  assert.throws(
    () => slopeRows(records, "hybrid"),
    /no records for arm "hybrid" \(arms in the records: tests, baseline\)/,
  );
  assert.throws(() => slopeRows(records, []), /non-empty list/);
});

function candidate(
  round: number,
  score: number | undefined,
  decision?: "keep" | "revert",
): Candidate {
  return {
    round,
    text: `answer ${round}`,
    critiques: [],
    ...(score !== undefined ? { score: { score, passed: score === 1, source: "test" } } : {}),
    ...(decision
      ? { decision: { decision, reason: "", candidateScore: score ?? 0, bestScore: 0 } }
      : {}),
  };
}

function trace(traceId: string, candidates: Candidate[], chosenIndex: number): Trace {
  return loopTrace(traceId, `item-${traceId}`, candidates, chosenIndex);
}

Deno.test("trajectoryRows follows the ratchet's best candidate: a reverted or equal revision does not move it", () => {
  const t1 = trace("t1", [
    candidate(0, 0.5, "keep"),
    candidate(1, 0.25, "revert"),
    candidate(2, 0.75, "keep"),
  ], 2);
  const t2 = trace("t2", [
    candidate(0, 0.5, "keep"),
    candidate(1, 0.5, "keep"), // a lateral keep (tolerance mode): the best stays round 0
    candidate(2, 1, "revert"), // never happens in practice, but a revert never becomes the best
  ], 0);
  const records = [
    record("a", "tests", 0.75, { traceId: "t1" }),
    record("b", "tests", 0.5, { traceId: "t2" }),
  ];
  const rows = trajectoryRows([t1, t2], records);
  assert.deepEqual(rows, [
    { arm: "tests", round: 0, score: 0.5 },
    { arm: "tests", round: 1, score: 0.5 },
    { arm: "tests", round: 2, score: 0.625 },
  ]);
});

Deno.test("trajectoryRows carries an early stop forward, labels traces by record and ignores unnamed traces", () => {
  const stopped = trace("s", [candidate(0, 0.2, "keep"), candidate(1, 1, "keep")], 1);
  const judged = trace("j", [candidate(0, 0.4, "keep")], 0);
  const stray = trace("x", [candidate(0, 0, "keep")], 0);
  const records = [
    record("a", "judge_symmetric", 0.4, { traceId: "j" }),
    record("a", "tests", 1, { traceId: "s" }),
    record("a", "best_of_n", 1),
  ];
  const rows = trajectoryRows([stopped, judged, stray], records, { rounds: 3 });
  assert.deepEqual(rows.map((r) => [r.arm, r.round, r.score]), [
    ["judge_symmetric", 0, 0.4],
    ["judge_symmetric", 1, 0.4],
    ["judge_symmetric", 2, 0.4],
    ["judge_symmetric", 3, 0.4],
    ["tests", 0, 0.2],
    ["tests", 1, 1],
    ["tests", 2, 1],
    ["tests", 3, 1],
  ]);
  assert.ok("layer" in trajectoryChart(rows), "the rows are valid trajectory-chart input");
});

Deno.test("trajectoryRows reads scores through scoreOf and names the trace and round of a missing score", () => {
  const t = trace("t", [candidate(0, 0.5, "keep"), candidate(1, 1, "keep")], 1);
  const records = [record("a", "tests", 1, { traceId: "t" })];
  const lengths = trajectoryRows([t], records, { scoreOf: (c) => c.text.length / 100 });
  assert.deepEqual(lengths.map((r) => r.score), [0.08, 0.08]);
  const noScore = trace("n", [candidate(0, undefined, "keep")], 0);
  assert.throws(
    () => trajectoryRows([noScore], [record("a", "tests", 0, { traceId: "n" })]),
    /no finite score for trace "n" \(item "item-n"\) candidate round 0: got undefined/,
  );
  assert.throws(() => trajectoryRows([t], records, { rounds: -1 }), /rounds must be an integer/);
  assert.throws(
    () => trajectoryRows("t" as unknown as Trace[], records),
    /traces must be an array/,
  );
});

Deno.test("on a simulated run, hidden-test trajectories start at the mean first-answer score and end at the mean final score", async () => {
  const items =
    (await loadDataset(fileURLToPath(new URL("../datasets/coding_hard.jsonl", import.meta.url))))
      .slice(0, 3);
  const sim = createSimulatedProvider(items);
  const outDir = await Deno.makeTempDir({ prefix: "plot_rows_" });
  try {
    const arms = resolveArms(["baseline", "tests", "judge_asymmetric", "best_of_n"], {
      rounds: 2,
    });
    const { records, summary } = await runBenchmark(items, arms, {
      provider: sim,
      judgeProvider: sim.withOptions({ falseAccept: 0.05, falseReject: 0.05 }),
      constitution: await loadConstitution(),
      seeds: [0],
      simulated: true,
      resamples: 199,
      outDir,
    });
    const traces = parseJsonl(await Deno.readTextFile(`${outDir}/traces.jsonl`), TraceSchema);
    // The replayed ratchet agrees with the loop's own choice on every real trace.
    for (const t of traces) {
      const rows = trajectoryRows([t], records.filter((r) => r.traceId === t.traceId), {
        rounds: t.candidates.at(-1)!.round,
        scoreOf: (c) => (c === t.candidates[t.chosenIndex] ? 1 : 0),
      });
      assert.equal(rows.at(-1)!.score, 1, `trace ${t.traceId} ends at its chosen candidate`);
    }
    const hidden = testScorer({ which: "hidden", runner: new TestRunner({ concurrency: 2 }) });
    const byText = new Map<string, number>();
    for (const t of traces) {
      const item = items.find((i) => i.id === t.itemId)!;
      for (const c of t.candidates) {
        if (!byText.has(`${t.itemId}\u0000${c.text}`)) {
          const s = await hidden.score(item, c.text, { round: c.round, seed: 0 });
          byText.set(`${t.itemId}\u0000${c.text}`, s.score);
        }
      }
    }
    const rows = trajectoryRows(traces, records, {
      rounds: 2,
      scoreOf: (c, t) => byText.get(`${t.itemId}\u0000${c.text}`),
    });
    assert.deepEqual([...new Set(rows.map((r) => r.arm))], [
      "baseline",
      "tests",
      "judge_asymmetric",
    ]);
    for (const arm of ["baseline", "tests", "judge_asymmetric"]) {
      const line = rows.filter((r) => r.arm === arm);
      const s = summary.arms.find((a) => a.arm === arm)!;
      assert.ok(Math.abs(line[0].score - s.meanInitialScore) < 1e-12, `${arm} round 0`);
      assert.ok(Math.abs(line[2].score - s.meanScore) < 1e-12, `${arm} last round`);
    }
    // Every arm shares the first answer, so every line starts at the same point.
    assert.equal(new Set(rows.filter((r) => r.round === 0).map((r) => r.score)).size, 1);
    // Slope rows of the same run agree with the summary's means.
    for (const arm of ["tests", "best_of_n"]) {
      const slope = slopeRows(records, arm);
      const s = summary.arms.find((a) => a.arm === arm)!;
      const after = slope.reduce((a, r) => a + r.after, 0) / slope.length;
      assert.ok(Math.abs(after - s.meanScore) < 1e-12, `${arm} slope after = mean score`);
    }
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});
