/**
 * The export door: DPO preference pairs from loop traces (quality gates, held-out checks that the
 * chosen answer is really better) and a dataset writer with a card.
 *
 * @example
 * ```ts
 * import { exportPreferencePairs } from "./export.ts";
 * const { rows } = exportPreferencePairs([]);
 * if (rows.length !== 0) throw new Error();
 * ```
 *
 * @module
 */
export {
  type AssistantMessage,
  AssistantMessageSchema,
  type ConversationalPreferenceRow,
  ConversationalPreferenceRowSchema,
  type DatasetCard,
  DatasetCardSchema,
  type DroppedPair,
  type ExportPreferenceOptions,
  exportPreferencePairs,
  type ExportSettings,
  GATE_NAMES,
  type GateCounts,
  GateCountsSchema,
  type GateName,
  type HeldOutScore,
  HeldOutScoreSchema,
  levenshtein,
  type LevenshteinOptions,
  normalizedEditDistance,
  type NormalizedEditDistanceOptions,
  type PreferenceExport,
  type PreferenceMetadata,
  PreferenceMetadataSchema,
  type PreferenceRow,
  PreferenceRowSchema,
  type PromptMessage,
  PromptMessageSchema,
  type StandardPreferenceRow,
  StandardPreferenceRowSchema,
  tokenize,
  writePreferenceDataset,
  type WrittenDataset,
} from "./lib/export/mod.ts";
