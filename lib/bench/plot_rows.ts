/**
 * Adapters from benchmark results to chart and table rows: the per-arm paired comparisons of a
 * {@linkcode BenchSummary} as forest-plot rows ({@linkcode forestRows}) or summary-table rows
 * ({@linkcode armSummaryRows}), per-item before/after scores of {@linkcode ItemResult} records as
 * slope-chart rows ({@linkcode slopeRows}), and per-round trajectories of the ratchet's best
 * candidate from traces ({@linkcode trajectoryRows}).
 *
 * Every adapter is pure: the same inputs give the same rows, in a stable order.
 *
 * @module
 */
import type { Candidate, Trace } from "../schemas/trace.ts";
import type { PairedSummary } from "../stats/summarize_paired.ts";
import type { ForestRow } from "../plot/forest_plot.ts";
import type { SlopeRow } from "../plot/slope_chart.ts";
import type { TrajectoryRow } from "../plot/trajectory_chart.ts";
import type { ArmSummaryRow } from "../plot/arm_summary_row.ts";
import type { ArmSummary, BenchSummary } from "./summary.ts";
import { type ItemResult, traceArms } from "./records.ts";
import { bestIndexAfterEach } from "./ratchet_replay.ts";

/** Options of {@linkcode forestRows} and {@linkcode armSummaryRows}. */
export interface ForestRowsOptions {
  /**
   * Which paired comparison to read: each arm against the baseline (`vsBaseline`) or each loop arm
   * against the same-budget best-of-n control (`vsControl`). @default "baseline"
   */
  against?: "baseline" | "control";
}

function checkSummary(name: string, summary: BenchSummary): void {
  if (!summary || typeof summary !== "object" || !Array.isArray(summary.arms)) {
    throw new TypeError(`${name}: summary must be a BenchSummary with an arms array`);
  }
}

function comparisonOf(
  name: string,
  arm: ArmSummary,
  options: ForestRowsOptions,
): PairedSummary | undefined {
  const against = options.against ?? "baseline";
  if (against !== "baseline" && against !== "control") {
    throw new TypeError(
      `${name}: options.against must be "baseline" or "control", got ${JSON.stringify(against)}`,
    );
  }
  return against === "baseline" ? arm.vsBaseline : arm.vsControl;
}

/** An arm with a comparison that has an estimated interval. */
interface Compared {
  arm: ArmSummary;
  c: PairedSummary & { delta: number };
  lo: number;
  hi: number;
}

/** The arms that have a comparison with an estimated interval, with that comparison. */
function compared(
  name: string,
  summary: BenchSummary,
  options: ForestRowsOptions,
): Compared[] {
  checkSummary(name, summary);
  const out: Compared[] = [];
  for (const arm of summary.arms) {
    const c = comparisonOf(name, arm, options);
    if (!c || c.delta === null || c.ci.low === null || c.ci.high === null) continue;
    out.push({ arm, c: c as PairedSummary & { delta: number }, lo: c.ci.low, hi: c.ci.high });
  }
  return out;
}

/** One compared arm as a forest-plot row (the fields an arm summary row shares with it). */
function forestRow({ arm, c, lo, hi }: Compared): ForestRow {
  return {
    arm: arm.arm,
    critic: arm.critic,
    delta: c.delta,
    lo,
    hi,
    method: `${c.ci.method} bootstrap`,
    wins: c.wtl.wins,
    ties: c.wtl.ties,
    losses: c.wtl.losses,
    ...(c === arm.vsBaseline && arm.flips
      ? { correctToWrong: arm.flips.correctToWrong, wrongToCorrect: arm.flips.wrongToCorrect }
      : {}),
    ...(arm.answerKey?.length ? { answerKey: true } : {}),
  };
}

/**
 * Turns a benchmark summary into forest-plot rows: one row per arm that has the requested paired
 * comparison, with Δ, its bootstrap CI, the CI method and the wins/ties/losses. Arms without that
 * comparison (the baseline against itself, the control and the baseline against the control) and
 * comparisons with fewer than two paired items (no interval) are left out. Rows keep the
 * summary's arm order.
 *
 * @param summary A benchmark summary (`summary.json`, or `runBenchmark(...).summary`).
 * @param options Which comparison to read.
 * @returns Rows for `forestPlot`.
 * @throws {TypeError} for a summary without arms or an unknown `against`.
 *
 * @example Δ against the baseline
 * ```ts
 * import { forestRows, resolveArms, summarizeBenchmark } from "./mod.ts";
 * const rec = (id: string, arm: string, score: number) => ({
 *   id, arm, seed: 0, score, passed: score === 1, initialScore: 0, rounds: 1, calls: 2,
 *   studentCalls: 2, tokens: 10, stopReason: "max_rounds", ms: 1, simulated: true,
 * });
 * const records = ["a", "b", "c"].flatMap((id, i) => [rec(id, "baseline", 0), rec(id, "tests", i ? 1 : 0)]);
 * const summary = summarizeBenchmark(records, resolveArms(["baseline", "tests"]), { resamples: 99 });
 * const rows = forestRows(summary);
 * if (rows.length !== 1 || rows[0].arm !== "tests" || rows[0].wins !== 2) throw new Error();
 * ```
 */
export function forestRows(summary: BenchSummary, options: ForestRowsOptions = {}): ForestRow[] {
  return compared("forestRows", summary, options).map(forestRow);
}

/**
 * Turns a benchmark summary into rows of the per-arm summary table (`armSummaryTable`): the
 * {@linkcode forestRows} fields plus the number of paired items and the mean score of both sides
 * (before = the baseline or the control, after = the arm). The same arms are left out as in
 * {@linkcode forestRows}.
 *
 * @param summary A benchmark summary.
 * @param options Which comparison to read.
 * @returns Rows for `armSummaryTable`.
 * @throws {TypeError} for a summary without arms or an unknown `against`.
 *
 * @example The means of both sides are included
 * ```ts
 * import { armSummaryRows, resolveArms, summarizeBenchmark } from "./mod.ts";
 * const rec = (id: string, arm: string, score: number) => ({
 *   id, arm, seed: 0, score, passed: score === 1, initialScore: 0, rounds: 1, calls: 2,
 *   studentCalls: 2, tokens: 10, stopReason: "max_rounds", ms: 1, simulated: true,
 * });
 * const records = ["a", "b"].flatMap((id) => [rec(id, "baseline", 0.5), rec(id, "tests", 1)]);
 * const summary = summarizeBenchmark(records, resolveArms(["baseline", "tests"]), { resamples: 99 });
 * const [row] = armSummaryRows(summary);
 * if (row.n !== 2 || row.meanBefore !== 0.5 || row.meanAfter !== 1) throw new Error(JSON.stringify(row));
 * ```
 */
export function armSummaryRows(
  summary: BenchSummary,
  options: ForestRowsOptions = {},
): ArmSummaryRow[] {
  return compared("armSummaryRows", summary, options).map((comparison) => {
    const { c } = comparison;
    const { arm, critic, correctToWrong: _c, wrongToCorrect: _w, answerKey: _k, ...interval } =
      forestRow(comparison);
    return {
      arm,
      critic,
      n: c.n,
      ...(c.meanA !== null ? { meanBefore: c.meanA } : {}),
      ...(c.meanB !== null ? { meanAfter: c.meanB } : {}),
      ...interval,
    };
  });
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * Turns benchmark records into slope-chart rows: for each item of the given arm(s), the hidden-test
 * score of the first answer (`initialScore`, before) and of the final answer (`score`, after), each
 * averaged over the item's seeds. Records that ended with an error count as the runner recorded
 * them (score 0), as in the summary. Rows are ordered by arm (in the order given), then item id.
 *
 * @param records Benchmark records (`items.jsonl`, or `runBenchmark(...).records`).
 * @param arm One arm name, or several (one chart panel each).
 * @returns One row per (arm, item).
 * @throws {TypeError} when records is not an array, or an arm has no records (naming the arms found).
 *
 * @example Two seeds of one item are averaged
 * ```ts
 * import { slopeRows } from "./mod.ts";
 * const rec = (seed: number, initialScore: number, score: number) => ({
 *   id: "a", arm: "tests", seed, score, passed: score === 1, initialScore, rounds: 1, calls: 2,
 *   studentCalls: 2, tokens: 10, stopReason: "max_rounds", ms: 1, simulated: true,
 * });
 * const [row] = slopeRows([rec(0, 0, 1), rec(1, 0.5, 0.5)], "tests");
 * if (row.before !== 0.25 || row.after !== 0.75) throw new Error(JSON.stringify(row));
 * ```
 */
export function slopeRows(
  records: readonly ItemResult[],
  arm: string | readonly string[],
): SlopeRow[] {
  if (!Array.isArray(records)) {
    throw new TypeError(`slopeRows: records must be an array, got ${typeof records}`);
  }
  const arms = typeof arm === "string" ? [arm] : arm;
  if (!Array.isArray(arms) || arms.length === 0 || arms.some((a) => typeof a !== "string")) {
    throw new TypeError(
      `slopeRows: arm must be an arm name or a non-empty list of names, got ${JSON.stringify(arm)}`,
    );
  }
  const known = [...new Set(records.map((r) => r.arm))];
  return arms.flatMap((name) => {
    const byItem = new Map<string, { before: number[]; after: number[] }>();
    for (const r of records) {
      if (r.arm !== name) continue;
      const entry = byItem.get(r.id) ?? { before: [], after: [] };
      entry.before.push(r.initialScore);
      entry.after.push(r.score);
      byItem.set(r.id, entry);
    }
    if (byItem.size === 0) {
      throw new TypeError(
        `slopeRows: no records for arm "${name}" (arms in the records: ${
          known.join(", ") || "none"
        })`,
      );
    }
    return [...byItem.keys()].sort().map((id) => {
      const e = byItem.get(id)!;
      return { id, arm: name, before: mean(e.before), after: mean(e.after) };
    });
  });
}

/** Options of {@linkcode trajectoryRows}. */
export interface TrajectoryRowsOptions {
  /**
   * Last round of every line. A loop that stopped before it (passed, compliant, no feedback) keeps
   * its best candidate, so its score is carried forward — the answer the loop returns does not
   * change after it stops. @default the largest candidate round in the given traces
   */
  rounds?: number;
  /**
   * Reads a candidate's score. The default is the score the loop itself recorded, `candidate.score
   * .score`: the arm's *gate* signal — the visible-test pass fraction for test-gated arms and the
   * baseline, the judge's verdict score for judge-gated arms. Gate scores of different arms are on
   * different scales (a judge score is not a test pass rate); to compare arms, pass the hidden-test
   * score of each candidate's text instead. @default (c) => c.score?.score
   */
  scoreOf?: (candidate: Candidate, trace: Trace) => number | undefined;
}

/**
 * Turns loop traces into trajectory rows: for each arm and round r, the mean over the arm's traces
 * (items × seeds) of the score of the ratchet's best candidate after round r — the answer the
 * loop would return had it stopped after round r. Round 0 is the first answer. The `records`
 * label the traces: a trace belongs to the arm of the record whose `traceId` it has; traces that
 * no record names are ignored (so filtering the records filters the traces). Best-of-n records
 * have no trace and give no line. See {@linkcode TrajectoryRowsOptions.scoreOf} for which score
 * is used. Rows are ordered by arm (first appearance in the records), then round.
 *
 * @param traces Loop traces (`traces.jsonl` of a benchmark run).
 * @param records The run's records, mapping trace ids to arms.
 * @param options Last round and score reader.
 * @returns One row per (arm, round).
 * @throws {TypeError} for non-arrays, a bad `rounds`, or a missing or non-finite score (naming the
 *   trace and round).
 *
 * @example An early stop is carried forward
 * ```ts
 * import { trajectoryRows } from "./mod.ts";
 * const candidate = (round: number, score: number) => ({
 *   round, text: `v${round}`, critiques: [], score: { score, passed: score === 1, source: "visible_tests" },
 *   decision: { decision: "keep" as const, reason: "", candidateScore: score, bestScore: 0 },
 * });
 * const trace = {
 *   traceId: "t1", itemId: "a", prompt: "p", chosenIndex: 1, chosen: "v1", rejected: "v0",
 *   candidates: [candidate(0, 0.5), candidate(1, 1)], rounds: 1, calls: [],
 *   usage: { inputTokens: 0, outputTokens: 0 }, parseFailures: 0, stopReason: "passed",
 *   startedAt: "2025-01-01T00:00:00Z", ms: 1,
 * };
 * const record = {
 *   id: "a", arm: "tests", seed: 0, score: 1, passed: true, initialScore: 0.5, rounds: 1, calls: 2,
 *   studentCalls: 2, tokens: 10, stopReason: "passed", ms: 1, traceId: "t1", simulated: true,
 * };
 * const rows = trajectoryRows([trace], [record], { rounds: 2 });
 * if (rows.map((r) => r.score).join() !== "0.5,1,1") throw new Error(JSON.stringify(rows));
 * ```
 */
export function trajectoryRows(
  traces: readonly Trace[],
  records: readonly ItemResult[],
  options: TrajectoryRowsOptions = {},
): TrajectoryRow[] {
  if (!Array.isArray(traces)) {
    throw new TypeError(`trajectoryRows: traces must be an array, got ${typeof traces}`);
  }
  if (!Array.isArray(records)) {
    throw new TypeError(`trajectoryRows: records must be an array, got ${typeof records}`);
  }
  const scoreOf = options.scoreOf ?? ((c: Candidate) => c.score?.score);
  if (typeof scoreOf !== "function") {
    throw new TypeError(`trajectoryRows: options.scoreOf must be a function`);
  }
  const { arm: armOf, order: armOrder } = traceArms(records);
  const used = traces.filter((t) => {
    if (!t || !Array.isArray(t.candidates) || t.candidates.length === 0) {
      throw new TypeError(
        `trajectoryRows: trace ${JSON.stringify(t?.traceId)} has no candidates`,
      );
    }
    return armOf.has(t.traceId);
  });
  const lastRound = options.rounds ??
    Math.max(0, ...used.map((t) => t.candidates[t.candidates.length - 1].round));
  if (!Number.isInteger(lastRound) || lastRound < 0) {
    throw new TypeError(
      `trajectoryRows: options.rounds must be an integer >= 0, got ${options.rounds}`,
    );
  }
  const sums = new Map<string, { sum: number[]; n: number }>();
  for (const t of used) {
    const best = bestIndexAfterEach(t);
    const perRound: number[] = [];
    for (let r = 0; r <= lastRound; r++) {
      // The last candidate produced at or before round r (a trace has at most one per round).
      let k = -1;
      for (let i = 0; i < t.candidates.length && t.candidates[i].round <= r; i++) k = i;
      const candidate = t.candidates[best[Math.max(0, k)]];
      const score = scoreOf(candidate, t);
      if (typeof score !== "number" || !Number.isFinite(score)) {
        throw new TypeError(
          `trajectoryRows: no finite score for trace "${t.traceId}" (item "${t.itemId}") ` +
            `candidate round ${candidate.round}: got ${String(score)}`,
        );
      }
      perRound.push(score);
    }
    const arm = armOf.get(t.traceId)!;
    const acc = sums.get(arm) ?? { sum: new Array(lastRound + 1).fill(0), n: 0 };
    perRound.forEach((s, r) => (acc.sum[r] += s));
    acc.n++;
    sums.set(arm, acc);
  }
  return armOrder.filter((arm) => sums.has(arm)).flatMap((arm) => {
    const { sum, n } = sums.get(arm)!;
    return sum.map((s, round) => ({ arm, round, score: s / n }));
  });
}
