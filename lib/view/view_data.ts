/**
 * The data a run viewer shows, gathered from a run directory: the manifest, the records (from
 * `items.jsonl`, or from `journal.jsonl` while the run is still going), the summary, the gate
 * audit (per arm, and per candidate when `bench audit` wrote `gate_candidates.jsonl`), the loop
 * traces and the preference pairs they yield — with each record's outcome against the baseline
 * worked out once, here, so the page only filters.
 *
 * @module
 */
import { basename } from "node:path";
import { readTextIfExists } from "../util/jsonl.ts";
import { type ItemResult, ItemResultSchema, resultKey } from "../bench/records.ts";
import type { BenchSummary } from "../bench/summary.ts";
import type { GateAuditRow } from "../bench/gate_audit.ts";
import {
  GATE_CANDIDATES_FILE,
  type GateCandidateRecord,
  GateCandidateRecordSchema,
} from "../bench/gate_candidates.ts";
import { type Trace, TraceSchema } from "../schemas/trace.ts";
import { exportPreferencePairs } from "../export/export_preference_pairs.ts";

/** A record as the viewer lists it: the stored fields plus what was worked out against the baseline. */
export interface ViewRecord extends ItemResult {
  /** Win / tie / loss of the final score against the baseline's (same item and seed), when there is one. */
  outcome?: "win" | "tie" | "loss";
  /** Against the baseline: passed there and failed here (`c2w`), or the reverse (`w2c`). */
  flip?: "c2w" | "w2c";
  /** The baseline's score on the same item and seed. */
  baselineScore?: number;
  /**
   * What the gate got wrong on this record's candidates whose hidden outcome is known (the first
   * and the final answer): `false_accept`, `false_reject`, both, or none.
   */
  gateErrors?: ("false_accept" | "false_reject")[];
}

/** A preference pair a trace produced, or why it produced none. */
export interface ViewPair {
  /** Kept by the export gates. */
  kept: boolean;
  /** The chosen text (kept pairs). */
  chosen?: string;
  /** The rejected text (kept pairs). */
  rejected?: string;
  /** The gate that dropped it (dropped pairs). */
  droppedBy?: string;
}

/** Everything the viewer shows of one run. */
export interface ViewRun {
  /** The run directory's last segment. */
  name: string;
  /** `manifest.json`. */
  manifest: Record<string, unknown>;
  /** `summary.json`, once written. */
  summary?: BenchSummary;
  /** `gate_audit.json`, when the run was audited. */
  gateAudit?: GateAuditRow[];
  /** The records, with outcomes. */
  records: ViewRecord[];
  /** Loop traces by trace id (absent when `traces: false`). */
  traces?: Record<string, Trace>;
  /** Preference pairs by trace id (absent when `traces: false`). */
  pairs?: Record<string, ViewPair>;
  /** True when `gate_candidates.jsonl` exists: `bench audit` scored every candidate on the hidden tests. */
  candidatesAudited: boolean;
  /**
   * The rows of `gate_candidates.jsonl` by trace id: each candidate's gate call and hidden score
   * (absent when `traces: false` or the run was not audited).
   */
  gateCandidates?: Record<string, GateCandidateRecord[]>;
  /** False while `items.jsonl` is not yet written (the records came from the journal). */
  complete: boolean;
}

/** Options of {@linkcode readViewRun}. */
export interface ReadViewRunOptions {
  /** Read `traces.jsonl` and derive the preference pairs. @default true */
  traces?: boolean;
}

/** Parses JSON lines leniently: a torn last line (a run still writing) and invalid lines are skipped. */
function lenientLines<T>(
  text: string | undefined,
  parse: (value: unknown) => T | undefined,
): T[] {
  if (!text) return [];
  const out: T[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const value = parse(JSON.parse(line));
      if (value !== undefined) out.push(value);
    } catch {
      // a partial line of a run in progress
    }
  }
  return out;
}

function parseRecord(value: unknown): ItemResult | undefined {
  const r = ItemResultSchema.safeParse(value);
  return r.success ? r.data : undefined;
}

function parseGateCandidate(value: unknown): GateCandidateRecord | undefined {
  const r = GateCandidateRecordSchema.safeParse(value);
  return r.success ? r.data : undefined;
}

/** Groups per-candidate audit rows by trace id (rows without one cannot be shown and are left out). */
function byTrace(rows: readonly GateCandidateRecord[]): Record<string, GateCandidateRecord[]> {
  const out: Record<string, GateCandidateRecord[]> = {};
  for (const row of rows) {
    if (row.traceId !== undefined) (out[row.traceId] ??= []).push(row);
  }
  return out;
}

function parseTrace(value: unknown): Trace | undefined {
  const r = TraceSchema.safeParse(value);
  return r.success ? r.data : undefined;
}

async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** The names of the baseline arms, from the summary or the manifest's arm list. */
function baselineArms(manifest: Record<string, unknown>, summary?: BenchSummary): Set<string> {
  if (summary) return new Set(summary.arms.filter((a) => a.kind === "baseline").map((a) => a.arm));
  const arms = (manifest.parameters as { arms?: { name?: string; kind?: string }[] } | undefined)
    ?.arms;
  const names = (arms ?? []).filter((a) => a.kind === "baseline").map((a) => String(a.name));
  return new Set(names.length ? names : ["baseline"]);
}

/**
 * Adds each record's outcome against the baseline record of the same item and seed, and the gate's
 * mistakes on the candidates whose hidden outcome the record gives (the first and final answers).
 *
 * @param records A run's records.
 * @param baselines Names of the baseline arms.
 * @param traces Traces by id, for the gate check. @default {}
 * @returns New records with `outcome`, `flip`, `baselineScore` and `gateErrors` set where known.
 *
 * @example A loop record that beats the baseline and flips it to correct
 * ```ts
 * import { withOutcomes } from "./view_data.ts";
 * const r = (arm: string, score: number) => ({ id: "a", arm, seed: 0, score, passed: score === 1 });
 * const [, loop] = withOutcomes([r("baseline", 0), r("tests", 1)] as never, new Set(["baseline"]));
 * if (loop.outcome !== "win" || loop.flip !== "w2c") throw new Error();
 * ```
 */
export function withOutcomes(
  records: readonly ItemResult[],
  baselines: ReadonlySet<string>,
  traces: Readonly<Record<string, Trace>> = {},
): ViewRecord[] {
  const base = new Map<string, ItemResult>();
  for (const r of records) {
    if (baselines.has(r.arm)) base.set(`${r.seed}\u0000${r.id}`, r);
  }
  return records.map((r) => {
    const out: ViewRecord = { ...r };
    const b = base.get(`${r.seed}\u0000${r.id}`);
    if (b && !baselines.has(r.arm)) {
      out.baselineScore = b.score;
      out.outcome = r.score > b.score ? "win" : r.score < b.score ? "loss" : "tie";
      if (b.passed && !r.passed) out.flip = "c2w";
      if (!b.passed && r.passed) out.flip = "w2c";
    }
    const t = r.traceId === undefined ? undefined : traces[r.traceId];
    if (t) {
      const errors = new Set<"false_accept" | "false_reject">();
      const known: [number, boolean][] = [[0, r.initialScore === 1]];
      known.push([t.chosenIndex, r.passed]);
      for (const [index, hiddenPassed] of known) {
        const gate = t.candidates[index]?.score;
        if (!gate) continue;
        if (gate.passed && !hiddenPassed) errors.add("false_accept");
        if (!gate.passed && hiddenPassed) errors.add("false_reject");
      }
      if (errors.size) out.gateErrors = [...errors];
    }
    return out;
  });
}

function preferencePairs(
  traces: Trace[],
  records: readonly ItemResult[],
): Record<string, ViewPair> {
  const heldOutScores: Record<string, { chosen: number; rejected: number }> = {};
  for (const r of records) {
    if (r.traceId !== undefined && r.error === undefined) {
      heldOutScores[r.traceId] = { chosen: r.score, rejected: r.initialScore };
    }
  }
  const loops = traces.filter((t) => t.candidates.length > 1);
  const out: Record<string, ViewPair> = {};
  if (!loops.length) return out;
  const result = exportPreferencePairs(loops, { heldOutScores });
  for (const row of result.rows) {
    out[row.metadata.trace_id] = { kept: true, chosen: row.chosen, rejected: row.rejected };
  }
  for (const d of result.dropped) out[d.traceId] = { kept: false, droppedBy: d.gate };
  return out;
}

/**
 * Reads what the viewer shows of a run directory. Missing optional files are left out; a run in
 * progress (no `items.jsonl` yet) is read from its journal, and torn or invalid lines are skipped.
 *
 * @param dir A benchmark run directory.
 * @param options Whether to read the traces.
 * @returns The run.
 * @throws {Error} when the directory has no readable `manifest.json`.
 *
 * @example A directory without a manifest is refused
 * ```ts
 * import { readViewRun } from "./view_data.ts";
 * const error = await readViewRun(await Deno.makeTempDir()).catch((e) => e);
 * if (!String(error.message).includes("manifest.json")) throw new Error(error.message);
 * ```
 */
export async function readViewRun(dir: string, options: ReadViewRunOptions = {}): Promise<ViewRun> {
  const manifest = await readJsonIfExists<Record<string, unknown>>(`${dir}/manifest.json`);
  if (!manifest || typeof manifest !== "object" || Array.isArray(manifest)) {
    throw new Error(
      `Cannot view ${dir} as a run: ${dir}/manifest.json is missing or not an object`,
    );
  }
  const items = await readTextIfExists(`${dir}/items.jsonl`);
  const complete = items !== undefined;
  const text = items ?? await readTextIfExists(`${dir}/journal.jsonl`);
  const byKey = new Map<string, ItemResult>();
  for (const r of lenientLines(text, parseRecord)) byKey.set(resultKey(r), r);
  const records = [...byKey.values()];
  const summary = await readJsonIfExists<BenchSummary>(`${dir}/summary.json`);
  const gateAudit = await readJsonIfExists<GateAuditRow[]>(`${dir}/gate_audit.json`);
  const run: ViewRun = {
    name: basename(dir.replace(/\/+$/, "")) || dir,
    manifest,
    ...(summary ? { summary } : {}),
    ...(Array.isArray(gateAudit) ? { gateAudit } : {}),
    records: [],
    complete,
    candidatesAudited: false,
  };
  const candidates = await readTextIfExists(`${dir}/${GATE_CANDIDATES_FILE}`);
  run.candidatesAudited = candidates !== undefined;
  let traces: Record<string, Trace> = {};
  if (options.traces ?? true) {
    const list = lenientLines(await readTextIfExists(`${dir}/traces.jsonl`), parseTrace);
    traces = Object.fromEntries(list.map((t) => [t.traceId, t]));
    run.traces = traces;
    run.pairs = preferencePairs(list, records);
    if (candidates !== undefined) {
      run.gateCandidates = byTrace(lenientLines(candidates, parseGateCandidate));
    }
  }
  run.records = withOutcomes(records, baselineArms(manifest, summary), traces);
  return run;
}
