/**
 * The gate audit per candidate: one {@linkcode GateCandidateRecord} for every loop candidate with a
 * hidden outcome — what the gate said (the score the roles saw), what the ratchet did with it, the
 * hidden score the roles never saw, and whether the keep/revert call was right in hindsight. The
 * per-arm counts of {@linkcode gateAudit} are sums over these rows; the run viewer shows them in an
 * item's detail. `bench audit` writes them to `gate_candidates.jsonl` beside `gate_audit.json`.
 *
 * @module
 */
import { z } from "zod";
import type { Trace } from "../schemas/trace.ts";
import type { Equals, Schema } from "../schemas/schema.ts";
import { sha256Hex } from "../util/hash.ts";
import { type ItemResult, traceArms } from "./records.ts";
import { bestIndexAfterEach } from "./ratchet_replay.ts";
import { type CandidateScores, checkAuditArguments, type HiddenOutcome } from "./gate_audit.ts";

/** The file `bench audit` writes the rows to, in the run directory beside `gate_audit.json`. */
export const GATE_CANDIDATES_FILE = "gate_candidates.jsonl";

/** One loop candidate as the gate saw it and as the hidden tests judge it. */
export interface GateCandidateRecord {
  /** Arm name. */
  arm: string;
  /** Item id. */
  itemId: string;
  /** Seed. */
  seed: number;
  /** Trace id in `traces.jsonl`, when the record names one. */
  traceId?: string;
  /** Round that produced the candidate (0 = the first answer). */
  round: number;
  /** Index of the candidate in its trace. */
  index: number;
  /** SHA-256 (hex) of the candidate's text, to find it without copying model output. */
  textSha256: string;
  /** The gate that scored it (`visible_tests`, `judge`, …), or null when ungated. */
  gateSource: string | null;
  /** The gate's score, as the roles saw it. */
  gateScore: number | null;
  /** The gate passed it. */
  gatePassed: boolean | null;
  /** The judge's verdict, when a judge gave one. */
  verdict: "compliant" | "needs_revision" | null;
  /** The ratchet's decision (null for the first answer, or a loop without a gate). */
  decision: "keep" | "revert" | null;
  /** The ratchet made it the new best (the first answer is the best to begin with). */
  promoted: boolean;
  /** Its index is the trace's chosen (final) answer. */
  chosen: boolean;
  /** Hidden-test score in [0, 1] — never shown to the roles. */
  hiddenScore: number;
  /** Every hidden test passed. */
  hiddenPassed: boolean;
  /** Hidden score of the best candidate the ratchet compared it with (null for the first answer). */
  hiddenBestBefore: number | null;
  /**
   * Whether the ratchet's call was right by the hidden tests: promoting a revision that scores
   * higher than the best it replaces, or not promoting one that scores lower, is right; the reverse
   * is wrong. Null when there was no call (the first answer, no gate) or the hidden scores tie.
   */
  rightInHindsight: boolean | null;
}

const unit = z.number().min(0).max(1);
const gateCandidateRecordSchema = z.object({
  arm: z.string(),
  itemId: z.string(),
  seed: z.number().int(),
  traceId: z.string().optional(),
  round: z.number().int().nonnegative(),
  index: z.number().int().nonnegative(),
  textSha256: z.string().regex(/^[0-9a-f]{64}$/),
  gateSource: z.string().nullable(),
  gateScore: unit.nullable(),
  gatePassed: z.boolean().nullable(),
  verdict: z.enum(["compliant", "needs_revision"]).nullable(),
  decision: z.enum(["keep", "revert"]).nullable(),
  promoted: z.boolean(),
  chosen: z.boolean(),
  hiddenScore: unit,
  hiddenPassed: z.boolean(),
  hiddenBestBefore: unit.nullable(),
  rightInHindsight: z.boolean().nullable(),
});
const _record: Equals<z.infer<typeof gateCandidateRecordSchema>, GateCandidateRecord> = true;

/** Validates a {@linkcode GateCandidateRecord} (a line of `gate_candidates.jsonl`). */
export const GateCandidateRecordSchema: Schema<GateCandidateRecord> = gateCandidateRecordSchema;

/** Right (true), wrong (false) or no call (null): see {@linkcode GateCandidateRecord}. */
function judgeCall(
  promoted: boolean,
  now: HiddenOutcome,
  before: HiddenOutcome | undefined,
): boolean | null {
  if (!before || now.score === before.score) return null;
  return promoted === now.score > before.score;
}

/** The rows of one trace (the candidates with a hidden outcome). */
function traceRows(
  t: Trace,
  owner: Pick<ItemResult, "arm" | "seed">,
  hidden: Pick<CandidateScores, "get">,
): GateCandidateRecord[] {
  const best = bestIndexAfterEach(t);
  const rows: GateCandidateRecord[] = [];
  t.candidates.forEach((c, i) => {
    const h = hidden.get(t, c);
    if (!h) return;
    const promoted = best[i] === i;
    const before = i === 0 ? undefined : hidden.get(t, t.candidates[best[i - 1]]);
    rows.push({
      arm: owner.arm,
      itemId: t.itemId,
      seed: owner.seed,
      traceId: t.traceId,
      round: c.round,
      index: i,
      textSha256: sha256Hex(c.text),
      gateSource: c.score?.source ?? null,
      gateScore: c.score?.score ?? null,
      gatePassed: c.score?.passed ?? null,
      verdict: c.verdict?.verdict ?? null,
      decision: i === 0 ? null : c.decision?.decision ?? null,
      promoted,
      chosen: i === t.chosenIndex,
      hiddenScore: h.score,
      hiddenPassed: h.passed,
      hiddenBestBefore: before?.score ?? null,
      rightInHindsight: i === 0 || !c.decision ? null : judgeCall(promoted, h, before),
    });
  });
  return rows;
}

/**
 * Derives one row per loop candidate with a hidden outcome, in trace order. Traces no record names
 * are ignored (as in {@linkcode gateAudit}); the promotions replay the ratchet with
 * {@linkcode bestIndexAfterEach}, so the rows' right and wrong calls add up to the arm's
 * promoted/missed/blocked counts.
 *
 * @param traces Loop traces (`traces.jsonl`).
 * @param records The run's records, mapping trace ids to arm and seed.
 * @param hidden The candidates' hidden outcomes (see `hiddenCandidateScores`).
 * @returns The rows.
 * @throws {TypeError} when traces or records is not an array, or hidden has no `get`.
 *
 * @example A kept revision the hidden tests fail, after a first answer that passed: a wrong call
 * ```ts
 * import { gateCandidateRecords } from "./gate_candidates.ts";
 * const c = (text: string, gate: number, decision?: "keep") => ({ text, round: 0, critiques: [],
 *   score: { score: gate, passed: gate === 1, source: "judge" },
 *   ...(decision ? { decision: { decision } } : {}) });
 * const trace = { traceId: "t", itemId: "a", chosenIndex: 1, candidates: [c("v0", 0.5), c("v1", 1, "keep")] };
 * const hidden = { get: (_t: unknown, c: { text: string }) =>
 *   c.text === "v0" ? { score: 1, passed: true } : { score: 0, passed: false } };
 * const rows = gateCandidateRecords([trace] as never, [{ traceId: "t", arm: "judge", seed: 0 }] as never, hidden);
 * if (rows[1].decision !== "keep" || rows[1].rightInHindsight !== false) throw new Error();
 * ```
 */
export function gateCandidateRecords(
  traces: readonly Trace[],
  records: readonly ItemResult[],
  hidden: Pick<CandidateScores, "get">,
): GateCandidateRecord[] {
  checkAuditArguments("gateCandidateRecords", traces, records, hidden);
  const { arm } = traceArms(records);
  const seed = new Map(records.map((r) => [r.traceId, r.seed]));
  return traces.flatMap((t) => {
    const a = arm.get(t.traceId);
    return a === undefined ? [] : traceRows(t, { arm: a, seed: seed.get(t.traceId) ?? 0 }, hidden);
  });
}
