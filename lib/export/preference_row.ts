/**
 * Row schemas of the exported DPO preference dataset, in TRL's preference format: the standard
 * variant (`prompt`, `chosen`, `rejected` strings) and the conversational variant (message lists),
 * each with a `metadata` object recording where the pair came from.
 *
 * @module
 */
import { z } from "zod";
import type { Assignable, Equals, Schema } from "../schemas/schema.ts";

/** Provenance and scores of one preference pair (snake_case, as dataset columns usually are). */
export interface PreferenceMetadata {
  /** Trace the pair came from. */
  trace_id: string;
  /** Dataset item id. */
  item_id: string;
  /** Critic that drove the revision, when known. */
  critic: string | null;
  /** Revision rounds the loop ran. */
  rounds: number;
  /** Index of the chosen candidate in the trace. */
  chosen_index: number;
  /** Critiques produced over the whole trace. */
  n_critiques: number;
  /** In-loop score of the chosen answer, when scored. */
  chosen_score: number | null;
  /** In-loop score of the rejected (round-0) answer, when scored. */
  rejected_score: number | null;
  /** Scorer of the in-loop scores ("visible_tests", "judge", …). */
  score_source: string | null;
  /** Held-out score of the chosen answer, when held-out scores were given. */
  heldout_chosen_score: number | null;
  /** Held-out score of the rejected answer, when held-out scores were given. */
  heldout_rejected_score: number | null;
  /**
   * Normalised edit distance between chosen and rejected, in [0, 1]; null when the texts were too
   * long to compute it within the work cap.
   */
  edit_distance: number | null;
  /** Unit of `edit_distance` ("char" or "token"); null when it was not computed. */
  edit_distance_unit: "char" | "token" | null;
  /** Why the loop stopped. */
  stop_reason: string;
  /** Models that produced the trace ("provider:model"). */
  models: string[];
  /** SHA-256 of the constitution used, when known. */
  constitution_hash: string | null;
  /** Where the prompts came from (dataset name), when known. */
  source: string | null;
  /** SHA-256 of prompt + chosen + rejected, the deduplication key. */
  pair_hash: string;
}

const preferenceMetadata = z.object({
  trace_id: z.string(),
  item_id: z.string(),
  critic: z.string().nullable(),
  rounds: z.number().int().nonnegative(),
  chosen_index: z.number().int().nonnegative(),
  n_critiques: z.number().int().nonnegative(),
  chosen_score: z.number().nullable(),
  rejected_score: z.number().nullable(),
  score_source: z.string().nullable(),
  heldout_chosen_score: z.number().nullable(),
  heldout_rejected_score: z.number().nullable(),
  edit_distance: z.number().min(0).max(1).nullable(),
  edit_distance_unit: z.enum(["char", "token"]).nullable(),
  stop_reason: z.string(),
  models: z.array(z.string()),
  constitution_hash: z.string().nullable(),
  source: z.string().nullable(),
  pair_hash: z.string().regex(/^[0-9a-f]{64}$/),
});
/** Schema of {@linkcode PreferenceMetadata}. */
export const PreferenceMetadataSchema: Schema<PreferenceMetadata> = preferenceMetadata;
const _preferenceMetadata: Equals<z.infer<typeof preferenceMetadata>, PreferenceMetadata> = true;

/** TRL standard preference row: plain strings, plus provenance metadata. */
export interface StandardPreferenceRow {
  /** The user prompt. */
  prompt: string;
  /** The preferred answer (the loop's chosen answer). */
  chosen: string;
  /** The dispreferred answer (the initial answer). */
  rejected: string;
  /** Provenance and scores. */
  metadata: PreferenceMetadata;
}

const standardPreferenceRow = z.object({
  prompt: z.string().min(1),
  chosen: z.string(),
  rejected: z.string(),
  metadata: preferenceMetadata,
});
/** Schema of {@linkcode StandardPreferenceRow}. */
export const StandardPreferenceRowSchema: Schema<StandardPreferenceRow> = standardPreferenceRow;
const _standardPreferenceRow: Equals<z.infer<typeof standardPreferenceRow>, StandardPreferenceRow> =
  true;

/** A prompt message of a conversational row (system or user). */
export interface PromptMessage {
  /** Who speaks. */
  role: "system" | "user";
  /** The text. */
  content: string;
}

const promptMessage = z.object({
  role: z.enum(["system", "user"]),
  content: z.string(),
});
/** Schema of {@linkcode PromptMessage}. */
export const PromptMessageSchema: Schema<PromptMessage> = promptMessage;
const _promptMessage: Equals<z.infer<typeof promptMessage>, PromptMessage> = true;

/** A completion message of a conversational row (always the assistant). */
export interface AssistantMessage {
  /** Always "assistant". */
  role: "assistant";
  /** The text. */
  content: string;
}

const assistantMessage = z.object({
  role: z.literal("assistant"),
  content: z.string(),
});
/** Schema of {@linkcode AssistantMessage}. */
export const AssistantMessageSchema: Schema<AssistantMessage> = assistantMessage;
const _assistantMessage: Equals<z.infer<typeof assistantMessage>, AssistantMessage> = true;

/** TRL conversational preference row: message lists (`prompt` ends with the user turn). */
export interface ConversationalPreferenceRow {
  /** An optional system message, then the user message. */
  prompt: PromptMessage[];
  /** One assistant message: the preferred answer. */
  chosen: AssistantMessage[];
  /** One assistant message: the dispreferred answer. */
  rejected: AssistantMessage[];
  /** Provenance and scores. */
  metadata: PreferenceMetadata;
}

const conversationalPreferenceRow = z.object({
  prompt: z.array(promptMessage).min(1).refine((m) => m[m.length - 1].role === "user", {
    message: "the prompt must end with a user message",
  }),
  chosen: z.array(assistantMessage).length(1),
  rejected: z.array(assistantMessage).length(1),
  metadata: preferenceMetadata,
});
/** Schema of {@linkcode ConversationalPreferenceRow}. */
export const ConversationalPreferenceRowSchema: Schema<ConversationalPreferenceRow> =
  conversationalPreferenceRow;
const _conversationalPreferenceRow: Equals<
  z.infer<typeof conversationalPreferenceRow>,
  ConversationalPreferenceRow
> = true;

/** Either row shape. */
export type PreferenceRow = StandardPreferenceRow | ConversationalPreferenceRow;

const preferenceRow = z.union([standardPreferenceRow, conversationalPreferenceRow]);
/** Schema of {@linkcode PreferenceRow} (either shape). */
export const PreferenceRowSchema: Schema<PreferenceRow> = preferenceRow;
const _preferenceRow: Assignable<z.infer<typeof preferenceRow>, PreferenceRow> = true;

/** The name of each quality gate, in the order they are applied. */
export const GATE_NAMES: readonly GateName[] = [
  "parse_error",
  "empty_critique",
  "near_duplicate",
  "not_better",
  "duplicate",
];
/** The name of one quality gate. */
export type GateName =
  | "parse_error"
  | "empty_critique"
  | "near_duplicate"
  | "not_better"
  | "duplicate";

/**
 * How many traces each gate dropped (each trace counts once, at the first gate it fails), how many
 * were kept, and the total: `total = kept + sum of the gates`.
 */
export interface GateCounts {
  /** Traces with parse failures or an error. */
  parse_error: number;
  /** Traces where no critique was ever produced. */
  empty_critique: number;
  /** Pairs whose chosen and rejected are nearly the same text. */
  near_duplicate: number;
  /** Pairs whose chosen does not score strictly above rejected on held-out scores. */
  not_better: number;
  /** Pairs identical to an already kept pair. */
  duplicate: number;
  /** Pairs exported. */
  kept: number;
  /** Traces given. */
  total: number;
}

const count = z.number().int().nonnegative();
const gateCounts = z.object({
  parse_error: count,
  empty_critique: count,
  near_duplicate: count,
  not_better: count,
  duplicate: count,
  kept: count,
  total: count,
});
/** Schema of {@linkcode GateCounts}. */
export const GateCountsSchema: Schema<GateCounts> = gateCounts;
const _gateCounts: Equals<z.infer<typeof gateCounts>, GateCounts> = true;
