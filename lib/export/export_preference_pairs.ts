/**
 * Turns critique–revision traces into DPO preference pairs (chosen = the loop's chosen answer,
 * rejected = the initial answer), dropping pairs that should not teach anything, with every drop
 * counted by gate.
 *
 * @module
 */
import { z } from "zod";
import type { Equals, Schema } from "../schemas/schema.ts";
import { type Trace, TraceSchema } from "../schemas/trace.ts";
import { sha256Hex } from "../util/hash.ts";
import { normalizedEditDistance } from "./edit_distance.ts";
import type {
  ConversationalPreferenceRow,
  GateCounts,
  GateName,
  PreferenceMetadata,
  StandardPreferenceRow,
} from "./preference_row.ts";

/** Held-out scores of one pair's two answers (e.g. hidden tests, a separate judge). */
export interface HeldOutScore {
  /** Held-out score of the chosen answer. */
  chosen: number;
  /** Held-out score of the rejected answer. */
  rejected: number;
}

const heldOutScoreObject = z.object({
  chosen: z.number(),
  rejected: z.number(),
});
/** Schema of {@linkcode HeldOutScore}. */
export const HeldOutScoreSchema: Schema<HeldOutScore> = heldOutScoreObject;
const _heldOutScoreObject: Equals<z.infer<typeof heldOutScoreObject>, HeldOutScore> = true;

/** Options of {@linkcode exportPreferencePairs}. */
export interface ExportPreferenceOptions<F extends "standard" | "conversational" = "standard"> {
  /** TRL row shape: plain strings or message lists. @default "standard" */
  format?: F;
  /** System message put first in conversational prompts. @default undefined (none) */
  systemPrompt?: string;
  /**
   * Pairs whose normalised edit distance between chosen and rejected is below this are dropped as
   * near duplicates (the revision changed almost nothing). @default 0.01
   */
  minEditDistance?: number;
  /** Unit of the edit distance. @default "char" */
  editDistanceUnit?: "char" | "token";
  /**
   * Work cap of one edit-distance computation (see `levenshtein`). A pair too large for it is
   * compared by tokens instead; if still too large it is kept and a warning is recorded.
   * @default 25_000_000
   */
  maxCells?: number;
  /**
   * Held-out scores keyed by trace id or item id (trace id is looked up first). A pair with an
   * entry is dropped unless its chosen scores strictly above its rejected. @default undefined
   */
  heldOutScores?: Map<string, HeldOutScore> | Record<string, HeldOutScore>;
  /** Drop pairs that have no held-out entry (as `not_better`). @default false */
  requireHeldOutScores?: boolean;
  /** Critic name recorded in metadata. @default undefined (null) */
  critic?: string;
  /** SHA-256 of the constitution, recorded in metadata. @default undefined (null) */
  constitutionHash?: string;
  /** Models recorded in metadata. @default the distinct "provider:model" of each trace's calls */
  models?: string[];
  /** Prompt source (dataset name) recorded in metadata. @default undefined (null) */
  source?: string;
}

/** One dropped trace and the gate that dropped it. */
export interface DroppedPair {
  /** Trace id. */
  traceId: string;
  /** Item id. */
  itemId: string;
  /** The first gate it failed. */
  gate: GateName;
}

/** What {@linkcode exportPreferencePairs} returns. */
export interface PreferenceExport<R = StandardPreferenceRow | ConversationalPreferenceRow> {
  /** Row shape of `rows`. */
  format: "standard" | "conversational";
  /** The kept pairs, in input order. */
  rows: R[];
  /** Counts per gate, kept and total. */
  gates: GateCounts;
  /** Every dropped trace with its gate, for auditing. */
  dropped: DroppedPair[];
  /** Things worth knowing that did not drop a pair (e.g. an edit distance too large to compute). */
  warnings: string[];
  /** The gate settings used, for the dataset card. */
  settings?: ExportSettings;
}

/** The gate settings an export used. */
export interface ExportSettings {
  /** Near-duplicate threshold on the normalised edit distance. */
  minEditDistance: number;
  /** Requested edit-distance unit. */
  editDistanceUnit: "char" | "token";
  /** Number of held-out score entries given. */
  heldOutEntries: number;
  /** Whether pairs without held-out scores were dropped. */
  requireHeldOutScores: boolean;
}

function lookup(
  scores: ExportPreferenceOptions["heldOutScores"],
  trace: Trace,
): HeldOutScore | undefined {
  if (!scores) return undefined;
  const get = (
    k: string,
  ) => (scores instanceof Map ? scores.get(k) : Object.hasOwn(scores, k) ? scores[k] : undefined);
  return get(trace.traceId) ?? get(trace.itemId);
}

/** The near-duplicate measurement of one pair. */
interface PairDistance {
  /** Value for the gate: exact below the threshold, some value >= the threshold above it. */
  gate: number;
  /** The exact normalised distance, or null when it was too large to compute within the cap. */
  exact: number | null;
  /** Unit actually used, or null when neither unit fit the cap. */
  unit: "char" | "token" | null;
  /** Set when the requested unit did not fit the cap. */
  warning?: string;
}

/**
 * Measures a pair: banded to the threshold for the gate (cheap), then exactly for the metadata when
 * that fits the work cap. Falls back from characters to tokens when characters do not fit.
 */
function pairDistance(
  a: string,
  b: string,
  unit: "char" | "token",
  threshold: number,
  maxCells: number | undefined,
): PairDistance {
  for (const u of unit === "char" ? (["char", "token"] as const) : (["token"] as const)) {
    let gate: number;
    try {
      gate = normalizedEditDistance(a, b, { unit: u, below: threshold, maxCells });
    } catch (error) {
      if (error instanceof RangeError) continue;
      throw error;
    }
    let exact: number | null = gate;
    if (gate >= threshold) {
      try {
        exact = normalizedEditDistance(a, b, { unit: u, maxCells });
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        exact = null;
      }
    }
    const warning = u === unit
      ? undefined
      : `texts too long for a ${unit} edit distance; compared tokens`;
    return { gate, exact, unit: u, warning };
  }
  return {
    gate: Number.POSITIVE_INFINITY,
    exact: null,
    unit: null,
    warning: "texts too long for an edit distance; near-duplicate gate skipped",
  };
}

function validateOptions(options: ExportPreferenceOptions<"standard" | "conversational">): void {
  const fail = (m: string) => {
    throw new TypeError(`exportPreferencePairs: ${m}`);
  };
  if (
    options.format !== undefined && options.format !== "standard" &&
    options.format !== "conversational"
  ) {
    fail(`format must be "standard" or "conversational", got ${JSON.stringify(options.format)}`);
  }
  const t = options.minEditDistance;
  if (t !== undefined && !(t >= 0 && t <= 1)) fail(`minEditDistance must be in [0, 1], got ${t}`);
  const u = options.editDistanceUnit;
  if (u !== undefined && u !== "char" && u !== "token") {
    fail(`editDistanceUnit must be "char" or "token", got ${JSON.stringify(u)}`);
  }
  if (options.heldOutScores) {
    const entries = options.heldOutScores instanceof Map
      ? [...options.heldOutScores.entries()]
      : Object.entries(options.heldOutScores);
    for (const [key, value] of entries) {
      const p = HeldOutScoreSchema.safeParse(value);
      if (!p.success) {
        fail(
          `heldOutScores["${key}"].${p.error.issues[0].path.join(".")}: ${
            p.error.issues[0].message
          }`,
        );
      }
    }
  }
}

/**
 * Exports traces as DPO preference pairs in TRL's format. Chosen is the loop's chosen answer;
 * rejected is the initial (round-0) answer. Each trace passes the gates in this order and is
 * counted at the first one it fails:
 *
 * 1. `parse_error` — the trace had structured-output parse failures or ended with an error;
 * 2. `empty_critique` — no critique was ever produced, so nothing drove the change;
 * 3. `near_duplicate` — normalised Levenshtein distance between chosen and rejected below
 *    `minEditDistance` (this includes chosen === rejected);
 * 4. `not_better` — held-out scores exist for the pair and chosen does not score strictly above
 *    rejected (or none exist and `requireHeldOutScores` is set);
 * 5. `duplicate` — the same prompt + chosen + rejected (SHA-256) was already kept.
 *
 * @param traces Traces as the loop records them.
 * @param options Row format, gate thresholds, held-out scores, provenance.
 * @returns The kept rows, gate counts, the dropped traces and warnings.
 * @throws {TypeError} naming the bad trace field or option.
 *
 * @example A trace whose revision changed nothing is a near duplicate
 * ```ts
 * import { exportPreferencePairs } from "./export_preference_pairs.ts";
 * const critique = { principleId: "p1", quote: "", issue: "vague", fix: "be concrete", severity: "low" as const };
 * const trace = {
 *   traceId: "t1", itemId: "i1", prompt: "Explain DNS.", chosenIndex: 0, chosen: "DNS maps names.",
 *   rejected: "DNS maps names.", candidates: [{ round: 0, text: "DNS maps names.", critiques: [critique] }],
 *   rounds: 1, calls: [], usage: { inputTokens: 0, outputTokens: 0 }, parseFailures: 0,
 *   stopReason: "max_rounds", startedAt: "2025-01-01T00:00:00Z", ms: 1,
 * };
 * const out = exportPreferencePairs([trace]);
 * if (out.gates.near_duplicate !== 1 || out.rows.length !== 0) throw new Error(JSON.stringify(out.gates));
 * ```
 */
export function exportPreferencePairs<F extends "standard" | "conversational" = "standard">(
  traces: Trace[],
  options: ExportPreferenceOptions<F> = {},
): PreferenceExport<
  F extends "conversational" ? ConversationalPreferenceRow : StandardPreferenceRow
> {
  type Row = F extends "conversational" ? ConversationalPreferenceRow : StandardPreferenceRow;
  if (!Array.isArray(traces)) {
    throw new TypeError(`exportPreferencePairs: traces must be an array, got ${typeof traces}`);
  }
  validateOptions(options);
  const format = options.format ?? "standard";
  const threshold = options.minEditDistance ?? 0.01;
  const unit = options.editDistanceUnit ?? "char";
  const gates: GateCounts = {
    parse_error: 0,
    empty_critique: 0,
    near_duplicate: 0,
    not_better: 0,
    duplicate: 0,
    kept: 0,
    total: traces.length,
  };
  const rows: Row[] = [];
  const dropped: DroppedPair[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();

  traces.forEach((raw, index) => {
    const parsed = TraceSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TypeError(
        `exportPreferencePairs: traces[${index}].${issue.path.join(".")}: ${issue.message}`,
      );
    }
    const trace = parsed.data;
    const drop = (gate: GateName) => {
      gates[gate]++;
      dropped.push({ traceId: trace.traceId, itemId: trace.itemId, gate });
    };
    if (trace.parseFailures > 0 || trace.error !== undefined) return drop("parse_error");
    const nCritiques = trace.candidates.reduce((n, c) => n + c.critiques.length, 0);
    if (nCritiques === 0) return drop("empty_critique");

    const measured = pairDistance(trace.chosen, trace.rejected, unit, threshold, options.maxCells);
    if (measured.warning) warnings.push(`trace ${trace.traceId}: ${measured.warning}`);
    if (measured.gate < threshold) return drop("near_duplicate");

    const held = lookup(options.heldOutScores, trace);
    if (held ? !(held.chosen > held.rejected) : options.requireHeldOutScores) {
      return drop("not_better");
    }

    const pairHash = sha256Hex({
      prompt: trace.prompt,
      chosen: trace.chosen,
      rejected: trace.rejected,
    });
    if (seen.has(pairHash)) return drop("duplicate");
    seen.add(pairHash);

    const chosenCandidate = trace.candidates[trace.chosenIndex];
    const metadata: PreferenceMetadata = {
      trace_id: trace.traceId,
      item_id: trace.itemId,
      critic: options.critic ?? null,
      rounds: trace.rounds,
      chosen_index: trace.chosenIndex,
      n_critiques: nCritiques,
      chosen_score: chosenCandidate?.score?.score ?? null,
      rejected_score: trace.candidates[0].score?.score ?? null,
      score_source: chosenCandidate?.score?.source ?? trace.candidates[0].score?.source ?? null,
      heldout_chosen_score: held?.chosen ?? null,
      heldout_rejected_score: held?.rejected ?? null,
      edit_distance: measured.exact,
      edit_distance_unit: measured.unit,
      stop_reason: trace.stopReason,
      models: options.models ??
        [...new Set(trace.calls.map((c) => `${c.provider}:${c.model}`))].sort(),
      constitution_hash: options.constitutionHash ?? null,
      source: options.source ?? null,
      pair_hash: pairHash,
    };
    if (format === "conversational") {
      const prompt: ConversationalPreferenceRow["prompt"] = [];
      if (options.systemPrompt !== undefined) {
        prompt.push({ role: "system", content: options.systemPrompt });
      }
      prompt.push({ role: "user", content: trace.prompt });
      rows.push({
        prompt,
        chosen: [{ role: "assistant", content: trace.chosen }],
        rejected: [{ role: "assistant", content: trace.rejected }],
        metadata,
      } as Row);
    } else {
      rows.push(
        { prompt: trace.prompt, chosen: trace.chosen, rejected: trace.rejected, metadata } as Row,
      );
    }
    gates.kept++;
  });
  const heldOutEntries = options.heldOutScores === undefined
    ? 0
    : options.heldOutScores instanceof Map
    ? options.heldOutScores.size
    : Object.keys(options.heldOutScores).length;
  const settings: ExportSettings = {
    minEditDistance: threshold,
    editDistanceUnit: unit,
    heldOutEntries,
    requireHeldOutScores: options.requireHeldOutScores ?? false,
  };
  return { format, rows, gates, dropped, warnings, settings };
}
