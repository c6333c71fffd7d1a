/**
 * GSM8K rows (`{question, answer}`, the answer a worked solution ending in a `#### <number>` line)
 * converted to number {@linkcode AnswerItem}s. The worked solution is read only for its final
 * number: it is kept out of the prompt and the metadata, so no role can see it.
 *
 * GSM8K is MIT-licensed, (c) 2021 OpenAI.
 *
 * @module
 */
import type { AnswerItem } from "../schemas/task_item.ts";
import { NUMBER_ANSWER_INSTRUCTION } from "./answer_instructions.ts";
import { RowConversionError } from "./from_humaneval.ts";
import type { TaskRowOptions } from "./task_row_options.ts";
import { optionalText, plainNumber, rowId, textField } from "./_task_row_fields.ts";

/** One GSM8K row, as published (an `id` is optional; other fields are ignored). */
export interface Gsm8kRow {
  /** The word problem. */
  question: string;
  /** The worked solution; its last line is `#### <number>`. */
  answer: string;
  /** An id, when the file has one. */
  id?: string | number;
  /** Any other field. */
  [field: string]: unknown;
}

/**
 * Converts a GSM8K row to a number item: the prompt is the question (plus
 * `NUMBER_ANSWER_INSTRUCTION`), the gold is the number after `####` without thousands commas.
 *
 * @param row The row.
 * @param options Fallback id, instruction, source.
 * @returns The item.
 * @throws {RowConversionError} naming the field: a missing or empty question or answer, an answer
 * without a final `#### <number>` line, or a missing id with no fallback.
 *
 * @example
 * ```ts
 * import { fromGsm8k } from "./from_gsm8k.ts";
 * const item = fromGsm8k({ question: "2 + 2?", answer: "2 + 2 = 4\n#### 4" }, { id: "g-0" });
 * if (item.gold !== "4" || item.answerType !== "number" || item.prompt.includes("2 + 2 = 4")) {
 *   throw new Error();
 * }
 * ```
 */
export function fromGsm8k(row: Gsm8kRow, options: TaskRowOptions = {}): AnswerItem {
  const r = row as Record<string, unknown>;
  const question = textField(r, "question");
  const solution = textField(r, "answer");
  const lines = solution.trimEnd().split(/\r?\n/);
  const last = lines[lines.length - 1].trim();
  const m = /^####(.*)$/.exec(last);
  const gold = m ? plainNumber(m[1]) : undefined;
  if (gold === undefined) {
    throw new RowConversionError(
      "answer",
      m
        ? `answer's "####" line is not a number: ${JSON.stringify(m[1].trim())}`
        : 'answer has no "#### <number>" line',
    );
  }
  const instruction = options.instruction ?? true;
  const source = options.source ?? optionalText(r, "source");
  return {
    id: rowId(r, options.id),
    prompt: instruction ? `${question}\n\n${NUMBER_ANSWER_INSTRUCTION}` : question,
    gold,
    answerType: "number",
    ...(source !== undefined ? { source } : {}),
    metadata: { format: "gsm8k" },
  };
}
