/**
 * Row schemas of the exported DPO preference dataset, in TRL's preference format: the standard
 * variant (`prompt`, `chosen`, `rejected` strings) and the conversational variant (message lists),
 * each with a `metadata` object recording where the pair came from.
 *
 * @module
 */
import { z } from "zod";

/** Provenance and scores of one preference pair (snake_case, as dataset columns usually are). */
export const PreferenceMetadataSchema = z.object({
  /** Trace the pair came from. */
  trace_id: z.string(),
  /** Dataset item id. */
  item_id: z.string(),
  /** Critic that drove the revision, when known. */
  critic: z.string().nullable(),
  /** Revision rounds the loop ran. */
  rounds: z.number().int().nonnegative(),
  /** Index of the chosen candidate in the trace. */
  chosen_index: z.number().int().nonnegative(),
  /** Critiques produced over the whole trace. */
  n_critiques: z.number().int().nonnegative(),
  /** In-loop score of the chosen answer, when scored. */
  chosen_score: z.number().nullable(),
  /** In-loop score of the rejected (round-0) answer, when scored. */
  rejected_score: z.number().nullable(),
  /** Scorer of the in-loop scores ("visible_tests", "judge", …). */
  score_source: z.string().nullable(),
  /** Held-out score of the chosen answer, when held-out scores were given. */
  heldout_chosen_score: z.number().nullable(),
  /** Held-out score of the rejected answer, when held-out scores were given. */
  heldout_rejected_score: z.number().nullable(),
  /**
   * Normalised edit distance between chosen and rejected, in [0, 1]; null when the texts were too
   * long to compute it within the work cap.
   */
  edit_distance: z.number().min(0).max(1).nullable(),
  /** Unit of `edit_distance` ("char" or "token"); null when it was not computed. */
  edit_distance_unit: z.enum(["char", "token"]).nullable(),
  /** Why the loop stopped. */
  stop_reason: z.string(),
  /** Models that produced the trace ("provider:model"). */
  models: z.array(z.string()),
  /** SHA-256 of the constitution used, when known. */
  constitution_hash: z.string().nullable(),
  /** Where the prompts came from (dataset name), when known. */
  source: z.string().nullable(),
  /** SHA-256 of prompt + chosen + rejected, the deduplication key. */
  pair_hash: z.string().regex(/^[0-9a-f]{64}$/),
});
/** Provenance and scores of one preference pair. */
export type PreferenceMetadata = z.infer<typeof PreferenceMetadataSchema>;

/** TRL standard preference row: plain strings. */
export const StandardPreferenceRowSchema = z.object({
  prompt: z.string().min(1),
  chosen: z.string(),
  rejected: z.string(),
  metadata: PreferenceMetadataSchema,
});
/** TRL standard preference row. */
export type StandardPreferenceRow = z.infer<typeof StandardPreferenceRowSchema>;

/** A prompt message of a conversational row (system or user). */
export const PromptMessageSchema = z.object({
  role: z.enum(["system", "user"]),
  content: z.string(),
});
/** A prompt message of a conversational row. */
export type PromptMessage = z.infer<typeof PromptMessageSchema>;

/** A completion message of a conversational row (always the assistant). */
export const AssistantMessageSchema = z.object({
  role: z.literal("assistant"),
  content: z.string(),
});
/** A completion message of a conversational row. */
export type AssistantMessage = z.infer<typeof AssistantMessageSchema>;

/** TRL conversational preference row: message lists (`prompt` ends with the user turn). */
export const ConversationalPreferenceRowSchema = z.object({
  prompt: z.array(PromptMessageSchema).min(1).refine((m) => m[m.length - 1].role === "user", {
    message: "the prompt must end with a user message",
  }),
  chosen: z.array(AssistantMessageSchema).length(1),
  rejected: z.array(AssistantMessageSchema).length(1),
  metadata: PreferenceMetadataSchema,
});
/** TRL conversational preference row. */
export type ConversationalPreferenceRow = z.infer<typeof ConversationalPreferenceRowSchema>;

/** Either row shape. */
export const PreferenceRowSchema = z.union([
  StandardPreferenceRowSchema,
  ConversationalPreferenceRowSchema,
]);
/** Either row shape. */
export type PreferenceRow = z.infer<typeof PreferenceRowSchema>;

/** The name of each quality gate, in the order they are applied. */
export const GATE_NAMES = [
  "parse_error",
  "empty_critique",
  "near_duplicate",
  "not_better",
  "duplicate",
] as const;
/** The name of one quality gate. */
export type GateName = (typeof GATE_NAMES)[number];

/**
 * How many traces each gate dropped (each trace counts once, at the first gate it fails), how many
 * were kept, and the total: `total = kept + sum of the gates`.
 */
export const GateCountsSchema = z.object({
  parse_error: z.number().int().nonnegative(),
  empty_critique: z.number().int().nonnegative(),
  near_duplicate: z.number().int().nonnegative(),
  not_better: z.number().int().nonnegative(),
  duplicate: z.number().int().nonnegative(),
  kept: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
});
/** Gate counts of one export. */
export type GateCounts = z.infer<typeof GateCountsSchema>;
