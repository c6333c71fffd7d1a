/**
 * The gate audit of a finished benchmark run directory: reads its records and traces, checks that
 * the given dataset is the one the run used, scores every loop candidate on the hidden tests, and
 * writes `gate_audit.json`, `gate_audit.md` and the per-candidate rows (`gate_candidates.jsonl`)
 * next to the other outputs.
 *
 * @module
 */
import type { Item } from "../schemas/item.ts";
import { TraceSchema } from "../schemas/trace.ts";
import { InputError, readJsonl } from "../util/jsonl.ts";
import { sha256Hex } from "../util/hash.ts";
import { writeJsonAtomic, writeTextAtomic } from "../util/atomic.ts";
import { readRunFiles } from "./read_run.ts";
import {
  gateAudit,
  type GateAuditRow,
  hiddenCandidateScores,
  type HiddenCandidateScoresOptions,
  renderGateAudit,
} from "./gate_audit.ts";
import {
  GATE_CANDIDATES_FILE,
  type GateCandidateRecord,
  gateCandidateRecords,
} from "./gate_candidates.ts";

/** What {@linkcode auditBenchmarkRun} found and wrote. */
export interface RunAudit {
  /** One row per loop arm. */
  rows: GateAuditRow[];
  /** The Markdown written to `gate_audit.md`. */
  markdown: string;
  /** Candidates scored in the sandbox now (the rest were known from the records). */
  freshlyScored: number;
  /** One row per audited candidate (written to `gate_candidates.jsonl`). */
  candidates: GateCandidateRecord[];
  /** Paths written. */
  paths: { json: string; markdown: string; candidates: string };
}

/**
 * Audits the gates of a benchmark run in `runDir` (see {@linkcode gateAudit}) and writes
 * `gate_audit.json` (the rows), `gate_audit.md` and `gate_candidates.jsonl` (one
 * {@linkcode GateCandidateRecord} per candidate) atomically, so a re-run replaces them whole.
 *
 * @param runDir The run's output directory (with `manifest.json`, `items.jsonl`, `traces.jsonl`).
 * @param items The dataset the run used (all of it, or the same limited selection).
 * @param options The hidden-test scorer and an abort signal.
 * @returns The rows, the Markdown, and what was written.
 * @throws {InputError} for a missing or malformed run file, or a dataset whose items differ from
 *   the run's (compared by the manifest's dataset hash).
 *
 * @example A run directory without files is an input error naming the file
 * ```ts
 * import { auditBenchmarkRun } from "./audit_run.ts";
 * const dir = await Deno.makeTempDir();
 * const error = await auditBenchmarkRun(dir, []).catch((e) => e);
 * if (!String(error.message).includes("manifest.json")) throw new Error(String(error));
 * ```
 */
export async function auditBenchmarkRun(
  runDir: string,
  items: readonly Item[],
  options: HiddenCandidateScoresOptions = {},
): Promise<RunAudit> {
  const { name, manifest, records } = await readRunFiles(runDir);
  const manifestPath = `${runDir}/manifest.json`;
  const traces = await readJsonl(`${runDir}/traces.jsonl`, TraceSchema);
  const used = new Set(records.map((r) => r.id));
  const selected = items.filter((i) => used.has(i.id));
  // A merged run (bench merge) has no dataset hash: its items must all be in the dataset given.
  const merged = manifest.datasetHash === undefined && Array.isArray(manifest.mergedFrom);
  if (
    selected.length !== used.size || (!merged && sha256Hex(selected) !== manifest.datasetHash)
  ) {
    throw new InputError(
      manifestPath,
      `the dataset given is not the one this run used (${selected.length} of its ${used.size} ` +
        `items found; dataset hash ${sha256Hex(selected).slice(0, 12)} vs the run's ` +
        `${String(manifest.datasetHash).slice(0, 12)}); pass the same --dataset (and --limit)`,
      { field: "datasetHash" },
    );
  }
  const hidden = await hiddenCandidateScores(selected, traces, records, options);
  const rows = gateAudit(traces, records, hidden);
  const markdown = `# Gate audit — ${name}\n\n${renderGateAudit(rows)}`;
  const candidates = gateCandidateRecords(traces, records, hidden);
  const paths = {
    json: `${runDir}/gate_audit.json`,
    markdown: `${runDir}/gate_audit.md`,
    candidates: `${runDir}/${GATE_CANDIDATES_FILE}`,
  };
  await writeJsonAtomic(paths.json, rows);
  await writeTextAtomic(paths.markdown, markdown);
  await writeTextAtomic(paths.candidates, candidates.map((c) => JSON.stringify(c) + "\n").join(""));
  return { rows, markdown, candidates, freshlyScored: hidden.fresh, paths };
}
