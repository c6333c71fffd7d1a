/**
 * DPO export: turn critique–revision traces into preference pairs in TRL's format (standard
 * strings or conversational message lists), with quality gates that each count what they drop
 * (parse errors, empty critiques, near duplicates by normalised Levenshtein distance, pairs not
 * better on held-out scores, duplicates), and write them as JSONL plus a dataset card.
 *
 * @example Export and write
 * ```ts
 * import { exportPreferencePairs, writePreferenceDataset } from "./mod.ts";
 * const critique = { principleId: "cite", quote: "", issue: "no source", fix: "cite one", severity: "medium" as const };
 * const trace = {
 *   traceId: "t1", itemId: "i1", prompt: "Who wrote Hamlet?", chosenIndex: 1,
 *   chosen: "Shakespeare wrote Hamlet (First Folio, 1623).", rejected: "Shakespeare.",
 *   candidates: [
 *     { round: 0, text: "Shakespeare.", critiques: [critique] },
 *     { round: 1, text: "Shakespeare wrote Hamlet (First Folio, 1623).", critiques: [] },
 *   ],
 *   rounds: 1, calls: [], usage: { inputTokens: 0, outputTokens: 0 }, parseFailures: 0,
 *   stopReason: "compliant", startedAt: "2025-01-01T00:00:00Z", ms: 3,
 * };
 * const result = exportPreferencePairs([trace], { heldOutScores: { t1: { chosen: 1, rejected: 0.5 } } });
 * if (result.gates.kept !== 1) throw new Error(JSON.stringify(result.gates));
 * const out = await writePreferenceDataset(await Deno.makeTempDir(), result, { promptLicense: "CC0-1.0" });
 * if (out.rows !== 1) throw new Error();
 * ```
 *
 * @module
 */
export {
  levenshtein,
  type LevenshteinOptions,
  normalizedEditDistance,
  type NormalizedEditDistanceOptions,
  tokenize,
} from "./edit_distance.ts";
export {
  type AssistantMessage,
  AssistantMessageSchema,
  type ConversationalPreferenceRow,
  ConversationalPreferenceRowSchema,
  GATE_NAMES,
  type GateCounts,
  GateCountsSchema,
  type GateName,
  type PreferenceMetadata,
  PreferenceMetadataSchema,
  type PreferenceRow,
  PreferenceRowSchema,
  type PromptMessage,
  PromptMessageSchema,
  type StandardPreferenceRow,
  StandardPreferenceRowSchema,
} from "./preference_row.ts";
export {
  type DroppedPair,
  type ExportPreferenceOptions,
  exportPreferencePairs,
  type ExportSettings,
  type HeldOutScore,
  HeldOutScoreSchema,
  type PreferenceExport,
} from "./export_preference_pairs.ts";
export {
  type DatasetCard,
  DatasetCardSchema,
  writePreferenceDataset,
  type WrittenDataset,
} from "./write_preference_dataset.ts";
