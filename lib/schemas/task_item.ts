/**
 * Dataset rows of the non-code task kinds: an {@linkcode AnswerItem} carries a gold answer that no
 * role ever sees (it only scores, like hidden tests); an {@linkcode OpenItem} has no gold and is
 * scored by a judge panel, optionally against a reference answer.
 *
 * @module
 */
import { z } from "zod";
import { type Item, ItemSchema } from "./item.ts";
import type { Equals, Schema } from "./schema.ts";

/** How a gold answer is compared with an extracted one. */
export type AnswerType = "number" | "choice" | "exact" | "set";

/** The answer types, in documentation order. */
export const ANSWER_TYPES: readonly AnswerType[] = ["number", "choice", "exact", "set"];

/** One question with a gold answer (GSM8K, multiple choice, generic rows). */
export interface AnswerItem extends Item {
  /** The gold answer: never shown to any role; only the scorer (and labelled oracle parts) read it. */
  gold: string | string[];
  /** How an extracted answer is compared with the gold one. */
  answerType: AnswerType;
  /** For `choice`: the option texts in label order (A, B, C, …); the gold is a label. */
  choices?: string[];
  /** Where the row came from (dataset name, licence). */
  source?: string;
}

const answerItemSchema = ItemSchema.extend({
  gold: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  answerType: z.enum(["number", "choice", "exact", "set"]),
  choices: z.array(z.string()).min(2).optional(),
  source: z.string().optional(),
});
const _answer: Equals<z.infer<typeof answerItemSchema>, AnswerItem> = true;
/** Validates an {@linkcode AnswerItem}. */
export const AnswerItemSchema: Schema<AnswerItem> = answerItemSchema;

/** One open-ended prompt: no gold; a judge panel scores answers (pointwise or against a reference). */
export interface OpenItem extends Item {
  /** A reference answer the pairwise judge compares against; never shown to the student. */
  reference?: string;
  /** Where the row came from (dataset name, licence). */
  source?: string;
}

const openItemSchema = ItemSchema.extend({
  reference: z.string().min(1).optional(),
  source: z.string().optional(),
});
const _open: Equals<z.infer<typeof openItemSchema>, OpenItem> = true;
/** Validates an {@linkcode OpenItem}. */
export const OpenItemSchema: Schema<OpenItem> = openItemSchema;
