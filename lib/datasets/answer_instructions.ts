/**
 * The instructions appended to answer-task prompts, telling the model how to end its reply so the
 * answer extractor's `answer_line` rule finds it. They are data: read them, edit them, or load a
 * dataset with `instruction: false` and add your own.
 *
 * @module
 */
import { ANSWER_TYPES, type AnswerType } from "../schemas/task_item.ts";

/** Appended to `number` prompts (GSM8K and generic number rows). */
export const NUMBER_ANSWER_INSTRUCTION =
  'End your reply with a final line "Answer: <number>" giving the number only, without units.';

/** Appended to `choice` prompts (after the "A) …" option lines). */
export const CHOICE_ANSWER_INSTRUCTION =
  'End your reply with a final line "Answer: <letter>" giving the letter of one option.';

/** Appended to `exact` prompts. */
export const EXACT_ANSWER_INSTRUCTION =
  'End your reply with a final line "Answer: <answer>" giving the answer only.';

/** Appended to `set` prompts. */
export const SET_ANSWER_INSTRUCTION =
  'End your reply with a final line "Answer: <item>, <item>, ..." listing every item, separated by commas.';

/** The instruction for each answer type. */
export const ANSWER_INSTRUCTIONS: Readonly<Record<AnswerType, string>> = {
  number: NUMBER_ANSWER_INSTRUCTION,
  choice: CHOICE_ANSWER_INSTRUCTION,
  exact: EXACT_ANSWER_INSTRUCTION,
  set: SET_ANSWER_INSTRUCTION,
};

/**
 * Appends the instruction for an answer type to a prompt, after a blank line.
 *
 * @param prompt The question (with its options, for choices).
 * @param type The answer type.
 * @returns The prompt ending with the instruction.
 * @throws {TypeError} when the type is unknown.
 *
 * @example
 * ```ts
 * import { NUMBER_ANSWER_INSTRUCTION, withAnswerInstruction } from "./answer_instructions.ts";
 * const prompt = withAnswerInstruction("What is 2 + 2?", "number");
 * if (prompt !== `What is 2 + 2?\n\n${NUMBER_ANSWER_INSTRUCTION}`) throw new Error(prompt);
 * ```
 */
export function withAnswerInstruction(prompt: string, type: AnswerType): string {
  if (!ANSWER_TYPES.includes(type)) {
    throw new TypeError(
      `Cannot append an instruction for ${ANSWER_TYPES.join(" | ")}: current value is ${type}`,
    );
  }
  return `${prompt}\n\n${ANSWER_INSTRUCTIONS[type]}`;
}
