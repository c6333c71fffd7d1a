/**
 * Gate audit: how reliable was each arm's gate — the signal the loop itself saw (visible tests, an
 * LLM judge) — measured against the hidden tests it never saw. For every candidate of every loop it
 * counts false accepts (the gate passed an answer the hidden tests fail) and false rejects, and for
 * every revision the ratchet evaluated whether promoting it (or not) moved the hidden score up or
 * down. This is the *why* behind an arm's Δ: a symmetric judge that waves regressions through shows
 * up here as promoted regressions and a high false-accept rate.
 *
 * {@linkcode hiddenCandidateScores} scores every candidate on the hidden tests (reusing the scores
 * the benchmark records already hold for first and final answers); {@linkcode gateAudit} is pure.
 *
 * @module
 */
import { z } from "zod";
import type { Scorer } from "../loop/types.ts";
import type { Candidate, Trace } from "../schemas/trace.ts";
import type { Item } from "../schemas/item.ts";
import type { Equals, Schema } from "../schemas/schema.ts";
import { testScorer } from "../critics/test_scorer.ts";
import { type ItemResult, traceArms } from "./records.ts";
import { bestIndexAfterEach } from "./ratchet_replay.ts";
import { rateText } from "./format.ts";

/** A candidate's hidden-test outcome. */
export interface HiddenOutcome {
  /** Fraction of hidden tests passed. */
  score: number;
  /** Every hidden test passed. */
  passed: boolean;
}

/** Hidden-test outcomes of loop candidates, looked up by item and answer text. */
export interface CandidateScores {
  /**
   * The hidden outcome of one candidate of a trace.
   *
   * @param trace The trace the candidate belongs to.
   * @param candidate The candidate.
   * @returns The outcome, or undefined when the candidate was not scored.
   */
  get(trace: Pick<Trace, "itemId">, candidate: Pick<Candidate, "text">): HiddenOutcome | undefined;
  /** Distinct (item, answer) pairs known. */
  readonly size: number;
  /** How many of them were scored in the sandbox now (the rest came from the records). */
  readonly fresh: number;
}

/** Options of {@linkcode hiddenCandidateScores}. */
export interface HiddenCandidateScoresOptions {
  /** The scorer of the hidden tests. @default testScorer({ which: "hidden" }) */
  scorer?: Scorer;
  /** Stops the scoring. @default undefined */
  signal?: AbortSignal;
}

const key = (itemId: string, text: string) => `${itemId}\u0000${text}`;

/**
 * Scores every candidate of the given traces on the hidden tests. The first and final answers of
 * each loop are taken from the benchmark records (`initialScore`, `score`, `passed`), so only the
 * revisions in between run in the sandbox; identical answers to one item are scored once.
 *
 * @param items The dataset items (with hidden tests) the traces answer.
 * @param traces Loop traces (`traces.jsonl`).
 * @param records The run's records (`items.jsonl`); records with an error are not reused.
 * @param options The hidden-test scorer and an abort signal.
 * @returns The outcomes, by item and answer text.
 * @throws {TypeError} when a trace names an item that is not in `items`.
 *
 * @example Outcomes known from the records need no sandbox
 * ```ts
 * import { hiddenCandidateScores } from "./gate_audit.ts";
 * const trace = { traceId: "t", itemId: "a", rejected: "v0", chosen: "v1",
 *   candidates: [{ text: "v0" }, { text: "v1" }] };
 * const record = { traceId: "t", initialScore: 0.5, score: 1, passed: true };
 * const scores = await hiddenCandidateScores([{ id: "a", prompt: "p" }], [trace] as never, [record] as never);
 * if (scores.get(trace, { text: "v1" })?.passed !== true || scores.fresh !== 0) throw new Error();
 * ```
 */
export async function hiddenCandidateScores(
  items: readonly Item[],
  traces: readonly Trace[],
  records: readonly ItemResult[],
  options: HiddenCandidateScoresOptions = {},
): Promise<CandidateScores> {
  if (![items, traces, records].every((a) => Array.isArray(a as unknown))) {
    throw new TypeError("hiddenCandidateScores: items, traces and records must be arrays");
  }
  const itemById = new Map(items.map((i) => [i.id, i]));
  const known = new Map<string, HiddenOutcome>();
  const traceById = new Map(traces.map((t) => [t.traceId, t]));
  for (const r of records) {
    const t = r.traceId === undefined ? undefined : traceById.get(r.traceId);
    if (!t || r.error !== undefined) continue;
    known.set(key(t.itemId, t.rejected), {
      score: r.initialScore,
      passed: r.initialScore === 1,
    });
    known.set(key(t.itemId, t.chosen), { score: r.score, passed: r.passed });
  }
  const todo = new Map<string, { item: Item; text: string }>();
  for (const t of traces) {
    const item = itemById.get(t.itemId);
    if (!item) {
      throw new TypeError(
        `hiddenCandidateScores: trace "${t.traceId}" answers item "${t.itemId}", which is not in items`,
      );
    }
    for (const c of t.candidates) {
      const k = key(t.itemId, c.text);
      if (!known.has(k)) todo.set(k, { item, text: c.text });
    }
  }
  const scorer = options.scorer ?? testScorer({ which: "hidden" });
  await Promise.all(
    [...todo].map(async ([k, { item, text }]) => {
      const s = await scorer.score(item, text, { round: 0, seed: 0, signal: options.signal });
      known.set(k, { score: s.score, passed: s.passed });
    }),
  );
  return {
    get: (trace, candidate) => known.get(key(trace.itemId, candidate.text)),
    size: known.size,
    fresh: todo.size,
  };
}

/** One arm's gate audit. Rates are null when their denominator is 0. */
export interface GateAuditRow {
  /** Arm name. */
  arm: string;
  /** The gate: the score source the loop saw (e.g. `visible_tests`, `judge`). */
  gate: string;
  /** Candidates with both a gate score and a hidden outcome. */
  candidates: number;
  /** Of those, how many pass every hidden test. */
  hiddenPassed: number;
  /** Gate passed, hidden tests fail. */
  falseAccepts: number;
  /** Gate failed, hidden tests pass. */
  falseRejects: number;
  /** falseAccepts / candidates failing the hidden tests. */
  falseAcceptRate: number | null;
  /** falseRejects / candidates passing the hidden tests. */
  falseRejectRate: number | null;
  /** Revisions the ratchet judged (every candidate after the first of a loop). */
  revisions: number;
  /** Promoted to best, and better than the previous best on the hidden tests. */
  promotedImprovements: number;
  /** Promoted to best, but worse than the previous best on the hidden tests. */
  promotedRegressions: number;
  /** Not promoted, though better than the best on the hidden tests. */
  missedImprovements: number;
  /** Not promoted, and worse than the best on the hidden tests. */
  blockedRegressions: number;
  /**
   * Of the revisions whose hidden score differs from the best's, the fraction the ratchet got right
   * (promoted improvements + blocked regressions).
   */
  decisionAccuracy: number | null;
}

const gateAuditRowSchema = z.object({
  arm: z.string(),
  gate: z.string(),
  candidates: z.number().int().min(0),
  hiddenPassed: z.number().int().min(0),
  falseAccepts: z.number().int().min(0),
  falseRejects: z.number().int().min(0),
  falseAcceptRate: z.number().min(0).max(1).nullable(),
  falseRejectRate: z.number().min(0).max(1).nullable(),
  revisions: z.number().int().min(0),
  promotedImprovements: z.number().int().min(0),
  promotedRegressions: z.number().int().min(0),
  missedImprovements: z.number().int().min(0),
  blockedRegressions: z.number().int().min(0),
  decisionAccuracy: z.number().min(0).max(1).nullable(),
});
const _row: Equals<z.infer<typeof gateAuditRowSchema>, GateAuditRow> = true;

/** Schema of {@linkcode GateAuditRow} (`gate_audit.json` holds an array of these). */
export const GateAuditRowSchema: Schema<GateAuditRow> = gateAuditRowSchema;

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

/**
 * Checks the arguments of an audit over traces, their records and hidden candidate scores.
 *
 * @param caller The function's name, for the error.
 * @param traces The run's traces.
 * @param records The run's item records.
 * @param hidden The hidden scores (a `get(trace, candidate)` method).
 * @throws {TypeError} When an argument has the wrong shape.
 *
 * @example
 * ```ts
 * import { checkAuditArguments } from "./gate_audit.ts";
 * checkAuditArguments("f", [], [], { get: () => undefined });
 * ```
 */
export function checkAuditArguments(
  caller: string,
  traces: unknown,
  records: unknown,
  hidden: unknown,
): void {
  if (!Array.isArray(traces) || !Array.isArray(records)) {
    throw new TypeError(`${caller}: traces and records must be arrays`);
  }
  if (!hidden || typeof (hidden as { get?: unknown }).get !== "function") {
    throw new TypeError(`${caller}: hidden must have a get(trace, candidate) method`);
  }
}

/**
 * Audits each loop arm's gate against the hidden tests. A candidate counts when it has a gate score
 * (`candidate.score`) and a hidden outcome. A revision is *promoted* when the ratchet made it the
 * new best (kept, with a gate score above the best so far); its hidden score is compared with that
 * of the best it would replace. Arms come in the order of their first record; arms without traces
 * (baseline answers have one candidate and no revision, best-of-n has no trace) still get a row
 * when they have candidates.
 *
 * @param traces Loop traces.
 * @param records The run's records, mapping trace ids to arms (traces no record names are ignored).
 * @param hidden The candidates' hidden outcomes (see {@linkcode hiddenCandidateScores}).
 * @returns One row per arm with at least one audited candidate.
 *
 * @example A judge that promotes a regression
 * ```ts
 * import { gateAudit } from "./gate_audit.ts";
 * const c = (text: string, gate: number, keep: boolean) => ({ text,
 *   score: { score: gate, passed: gate === 1, source: "judge" },
 *   decision: { decision: keep ? "keep" : "revert" } });
 * const trace = { traceId: "t", itemId: "a", candidates: [c("v0", 0.5, true), c("v1", 1, true)] };
 * const hidden = { get: (_t: unknown, c: { text: string }) =>
 *   c.text === "v0" ? { score: 1, passed: true } : { score: 0.5, passed: false } };
 * const [row] = gateAudit([trace] as never, [{ traceId: "t", arm: "judge" }] as never, hidden as never);
 * if (row.promotedRegressions !== 1 || row.falseAccepts !== 1 || row.falseRejects !== 1) throw new Error();
 * ```
 */
export function gateAudit(
  traces: readonly Trace[],
  records: readonly ItemResult[],
  hidden: Pick<CandidateScores, "get">,
): GateAuditRow[] {
  checkAuditArguments("gateAudit", traces, records, hidden);
  const { arm: armOf, order } = traceArms(records);
  /** The counted fields of a row; the gate label and the rates are derived at the end. */
  type Counts = Omit<
    GateAuditRow,
    "arm" | "gate" | "falseAcceptRate" | "falseRejectRate" | "decisionAccuracy"
  >;
  const counts = new Map<string, Counts & { gates: Set<string> }>();
  for (const t of traces) {
    const arm = armOf.get(t.traceId);
    if (arm === undefined) continue;
    let row = counts.get(arm);
    if (!row) {
      row = {
        gates: new Set(),
        candidates: 0,
        hiddenPassed: 0,
        falseAccepts: 0,
        falseRejects: 0,
        revisions: 0,
        promotedImprovements: 0,
        promotedRegressions: 0,
        missedImprovements: 0,
        blockedRegressions: 0,
      };
      counts.set(arm, row);
    }
    for (const c of t.candidates) {
      const h = hidden.get(t, c);
      if (!c.score || !h) continue;
      row.gates.add(c.score.source);
      row.candidates++;
      if (h.passed) row.hiddenPassed++;
      if (c.score.passed && !h.passed) row.falseAccepts++;
      if (!c.score.passed && h.passed) row.falseRejects++;
    }
    const best = bestIndexAfterEach(t);
    for (let i = 1; i < t.candidates.length; i++) {
      const before = hidden.get(t, t.candidates[best[i - 1]]);
      const now = hidden.get(t, t.candidates[i]);
      if (!before || !now || !t.candidates[i].decision) continue;
      row.revisions++;
      const promoted = best[i] === i;
      if (now.score > before.score) {
        if (promoted) row.promotedImprovements++;
        else row.missedImprovements++;
      } else if (now.score < before.score) {
        if (promoted) row.promotedRegressions++;
        else row.blockedRegressions++;
      }
    }
  }
  return order.filter((arm) => counts.get(arm)?.candidates).map((arm) => {
    const { gates, ...row } = counts.get(arm)!;
    const changed = row.promotedImprovements + row.promotedRegressions + row.missedImprovements +
      row.blockedRegressions;
    return {
      arm,
      gate: [...gates].sort().join("+"),
      candidates: row.candidates,
      hiddenPassed: row.hiddenPassed,
      falseAccepts: row.falseAccepts,
      falseRejects: row.falseRejects,
      falseAcceptRate: ratio(row.falseAccepts, row.candidates - row.hiddenPassed),
      falseRejectRate: ratio(row.falseRejects, row.hiddenPassed),
      revisions: row.revisions,
      promotedImprovements: row.promotedImprovements,
      promotedRegressions: row.promotedRegressions,
      missedImprovements: row.missedImprovements,
      blockedRegressions: row.blockedRegressions,
      decisionAccuracy: ratio(row.promotedImprovements + row.blockedRegressions, changed),
    };
  });
}

/**
 * Renders gate-audit rows as a Markdown table with a one-paragraph legend.
 *
 * @param rows Rows from {@linkcode gateAudit}.
 * @returns Markdown.
 *
 * @example
 * ```ts
 * import { renderGateAudit } from "./gate_audit.ts";
 * const md = renderGateAudit([{ arm: "tests", gate: "visible_tests", candidates: 10, hiddenPassed: 4,
 *   falseAccepts: 1, falseRejects: 0, falseAcceptRate: 1 / 6, falseRejectRate: 0, revisions: 6,
 *   promotedImprovements: 3, promotedRegressions: 0, missedImprovements: 1, blockedRegressions: 2,
 *   decisionAccuracy: 5 / 6 }]);
 * if (!md.includes("| tests | visible_tests | 10 | 17% | 0% |")) throw new Error(md);
 * ```
 */
export function renderGateAudit(rows: readonly GateAuditRow[]): string {
  const lines = [
    "| Arm | Gate | Candidates | False accept | False reject | Revisions | Promoted ↑ | Promoted ↓ | Missed ↑ | Blocked ↓ | Decision accuracy |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) =>
      `| ${r.arm} | ${r.gate} | ${r.candidates} | ${rateText(r.falseAcceptRate)} | ${
        rateText(r.falseRejectRate)
      } | ${r.revisions} | ${r.promotedImprovements} | ${r.promotedRegressions} | ${r.missedImprovements} | ${r.blockedRegressions} | ${
        rateText(r.decisionAccuracy)
      } |`
    ),
  ];
  return lines.join("\n") + "\n\n" +
    "Gate: the signal each loop saw. False accept: the gate passed an answer that fails the hidden " +
    "tests (share of hidden-failing candidates); false reject: the reverse. Promoted ↑/↓: revisions " +
    "the ratchet made the new best that were better/worse on the hidden tests than the best they " +
    "replaced; missed ↑ / blocked ↓: revisions it did not promote. Decision accuracy: right calls " +
    "among revisions whose hidden score differs from the best's.\n";
}
