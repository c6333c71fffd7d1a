/**
 * The generic answer row `{id, prompt, answer, type}` converted to an {@linkcode AnswerItem}: a
 * question of any answer type written for this project (or converted from elsewhere).
 *
 * @module
 */
import { ANSWER_TYPES, type AnswerItem, type AnswerType } from "../schemas/task_item.ts";
import { ANSWER_INSTRUCTIONS } from "./answer_instructions.ts";
import { RowConversionError } from "./from_humaneval.ts";
import type { TaskRowOptions } from "./task_row_options.ts";
import {
  choiceLetter,
  LETTERS,
  optionalText,
  plainNumber,
  requireText,
  rowId,
  rowMetadata,
  textField,
} from "./_task_row_fields.ts";

/** One generic answer row. */
export interface AnswerDatasetRow {
  /** Unique id (else the loader's `<file stem>-<line index>`). */
  id?: string | number;
  /** The question, used as written (list the options in it for `choice`). */
  prompt: string;
  /**
   * The gold answer. For `set` an array lists the elements; for the other types an array lists
   * alternative accepted answers.
   */
  answer: string | number | (string | number)[];
  /** How answers are compared: `number`, `choice`, `exact` or `set`. */
  type: AnswerType;
  /** For `choice`: the option texts in label order (A, B, …). */
  choices?: string[];
  /** Where the row came from. */
  source?: string;
  /** Free metadata. */
  metadata?: Record<string, unknown>;
}

function gold(text: string, type: AnswerType, choices: string[] | undefined, field: string) {
  switch (type) {
    case "number": {
      const n = plainNumber(text);
      if (n === undefined) {
        throw new RowConversionError(field, `${field} is not a number: ${JSON.stringify(text)}`);
      }
      return n;
    }
    case "choice": {
      const letter = choiceLetter(text, choices);
      if (letter === undefined) {
        throw new RowConversionError(
          field,
          `${field} is not ${
            choices ? `a letter A–${LETTERS[choices.length - 1]} or an option's text` : "a letter"
          }: ${JSON.stringify(text)}`,
        );
      }
      return letter;
    }
    default:
      return text.trim();
  }
}

/**
 * Converts a generic answer row. Number golds are stored without thousands commas, choice golds
 * as letters (an option's text is mapped to its letter), exact and set golds as written (trimmed).
 * The prompt is used as written, plus (by default) the type's instruction from
 * `ANSWER_INSTRUCTIONS`.
 *
 * @param row The row.
 * @param options Fallback id, instruction, source.
 * @returns The item.
 * @throws {RowConversionError} naming the field: a missing or empty prompt or answer, an unknown
 * type, a number answer that is not a plain number, a choice answer that is not a letter or
 * option text, bad choices, or a missing id with no fallback.
 *
 * @example A set answer
 * ```ts
 * import { fromAnswerRow } from "./from_answer_row.ts";
 * const item = fromAnswerRow({ id: "s1", prompt: "Name the primary colours.", answer: ["red", "yellow", "blue"], type: "set" });
 * if (item.answerType !== "set" || !Array.isArray(item.gold) || item.gold.length !== 3) throw new Error();
 * ```
 */
export function fromAnswerRow(row: AnswerDatasetRow, options: TaskRowOptions = {}): AnswerItem {
  const r = row as unknown as Record<string, unknown>;
  const id = rowId(r, options.id);
  const prompt = textField(r, "prompt");
  const type = requireText(r.type, "type");
  if (!ANSWER_TYPES.includes(type as AnswerType)) {
    throw new RowConversionError(
      "type",
      `unknown type "${type}" (expected ${ANSWER_TYPES.join(" | ")})`,
    );
  }
  const answerType = type as AnswerType;
  let choices: string[] | undefined;
  if (r.choices !== undefined) {
    if (!Array.isArray(r.choices) || r.choices.length < 2 || r.choices.length > LETTERS.length) {
      throw new RowConversionError("choices", "choices must be a list of 2 to 26 option texts");
    }
    choices = r.choices.map((c, i) => requireText(c, `choices.${i}`));
  }
  let answer: string | string[];
  if (Array.isArray(r.answer)) {
    if (r.answer.length === 0) throw new RowConversionError("answer", "answer is empty");
    answer = r.answer.map((a, i) =>
      gold(requireText(a, `answer.${i}`, true), answerType, choices, `answer.${i}`)
    );
  } else {
    answer = gold(requireText(r.answer, "answer", true), answerType, choices, "answer");
  }
  const instruction = options.instruction ?? true;
  const source = options.source ?? optionalText(r, "source");
  return {
    id,
    prompt: instruction ? `${prompt}\n\n${ANSWER_INSTRUCTIONS[answerType]}` : prompt,
    gold: answer,
    answerType,
    ...(choices ? { choices } : {}),
    ...(source !== undefined ? { source } : {}),
    metadata: { ...rowMetadata(r), format: "answer" },
  };
}
