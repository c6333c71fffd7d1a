/**
 * Multiple-choice rows (the CommonsenseQA and ARC shapes) converted to choice
 * {@linkcode AnswerItem}s: the options become "A) …" lines of the prompt and the gold is the
 * letter of the keyed option.
 *
 * @module
 */
import type { AnswerItem } from "../schemas/task_item.ts";
import { CHOICE_ANSWER_INSTRUCTION } from "./answer_instructions.ts";
import { RowConversionError } from "./from_humaneval.ts";
import type { TaskRowOptions } from "./task_row_options.ts";
import {
  isRecord,
  LETTERS,
  optionalText,
  requireText,
  rowId,
  textField,
} from "./_task_row_fields.ts";

/** The options of a multiple-choice row, in any of the published shapes. */
export type ChoiceList =
  | string[]
  | { label: string; text: string }[]
  | { label: string[]; text: string[] };

/**
 * One multiple-choice row: `question` is the text, or CommonsenseQA's raw `{stem, choices}` (then
 * the options may sit inside it); `answerKey` is one of the labels.
 */
export interface ChoiceRow {
  /** An id, when the file has one. */
  id?: string | number;
  /** The question, or `{stem, choices}`. */
  question: string | { stem: string; choices?: ChoiceList; [field: string]: unknown };
  /** The options (unless inside `question`). */
  choices?: ChoiceList;
  /** The label of the correct option ("C", or "3" when the labels are digits). */
  answerKey: string | number;
  /** Any other field. */
  [field: string]: unknown;
}

interface Options {
  labels: string[];
  texts: string[];
}

function labelled(raw: unknown, field: string): Options {
  if (Array.isArray(raw)) {
    if (raw.every((c) => typeof c === "string")) {
      const texts = raw.map((t, i) => requireText(t, `${field}.${i}`));
      return { labels: raw.map((_, i) => LETTERS[i] ?? String(i)), texts };
    }
    const labels: string[] = [];
    const texts: string[] = [];
    raw.forEach((c, i) => {
      if (!isRecord(c)) {
        throw new RowConversionError(
          `${field}.${i}`,
          `${field}.${i} must be a string or {label, text}`,
        );
      }
      labels.push(requireText(c.label, `${field}.${i}.label`, true));
      texts.push(textField(c, "text", `${field}.${i}.text`));
    });
    return { labels, texts };
  }
  if (isRecord(raw) && Array.isArray(raw.label) && Array.isArray(raw.text)) {
    if (raw.label.length !== raw.text.length) {
      throw new RowConversionError(
        field,
        `${field} has ${raw.label.length} labels but ${raw.text.length} texts`,
      );
    }
    const labels = raw.label.map((l, i) => requireText(l, `${field}.label.${i}`, true));
    const texts = raw.text.map((t, i) => requireText(t, `${field}.text.${i}`));
    return { labels, texts };
  }
  if (raw === undefined) throw new RowConversionError(field, `${field} is missing`);
  throw new RowConversionError(
    field,
    `${field} must be a list of strings, a list of {label, text} or {label: [], text: []}`,
  );
}

/**
 * Converts a multiple-choice row to a choice item. The options are stored as texts in the order
 * the row lists them; the gold is the letter at the position of `answerKey` among the labels (so
 * labels "1", "2", … map to A, B, …). The prompt is the question, the options as "A) …" lines and
 * (by default) `CHOICE_ANSWER_INSTRUCTION`.
 *
 * @param row The row.
 * @param options Fallback id, instruction, source.
 * @returns The item.
 * @throws {RowConversionError} naming the field: a missing or empty question, options or
 * answerKey; fewer than 2 or more than 26 options; repeated labels; an answerKey not among the
 * labels; a missing id with no fallback.
 *
 * @example An ARC-style row with digit labels
 * ```ts
 * import { fromChoice } from "./from_choice.ts";
 * const item = fromChoice({
 *   id: "arc-1", question: "Which is a mammal?",
 *   choices: { label: ["1", "2"], text: ["trout", "whale"] }, answerKey: "2",
 * });
 * if (item.gold !== "B" || !item.prompt.includes("\nB) whale")) throw new Error(item.prompt);
 * ```
 */
export function fromChoice(row: ChoiceRow, options: TaskRowOptions = {}): AnswerItem {
  const r = row as Record<string, unknown>;
  let stem: string;
  let raw: unknown = r.choices;
  let field = "choices";
  if (isRecord(r.question)) {
    stem = textField(r.question, "stem", "question.stem");
    if (raw === undefined) {
      raw = r.question.choices;
      field = "question.choices";
    }
  } else {
    stem = textField(r, "question");
  }
  const { labels, texts } = labelled(raw, field);
  if (texts.length < 2 || texts.length > LETTERS.length) {
    throw new RowConversionError(field, `${field} must have 2 to 26 options, not ${texts.length}`);
  }
  const seen = new Set<string>();
  for (const label of labels) {
    if (seen.has(label)) throw new RowConversionError(field, `label "${label}" is repeated`);
    seen.add(label);
  }
  const key = requireText(r.answerKey, "answerKey", true).trim();
  let index = labels.indexOf(key);
  if (index < 0) index = labels.findIndex((l) => l.toUpperCase() === key.toUpperCase());
  if (index < 0) {
    throw new RowConversionError(
      "answerKey",
      `answerKey "${key}" is not among the labels ${labels.join(", ")}`,
    );
  }
  const lines = texts.map((t, i) => `${LETTERS[i]}) ${t}`).join("\n");
  const body = `${stem}\n\n${lines}`;
  const instruction = options.instruction ?? true;
  const source = options.source ?? optionalText(r, "source");
  const letters = labels.every((l, i) => l === LETTERS[i]);
  return {
    id: rowId(r, options.id),
    prompt: instruction ? `${body}\n\n${CHOICE_ANSWER_INSTRUCTION}` : body,
    gold: LETTERS[index],
    answerType: "choice",
    choices: texts,
    ...(source !== undefined ? { source } : {}),
    metadata: letters ? { format: "choice" } : { format: "choice", labels },
  };
}
