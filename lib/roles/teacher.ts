/**
 * The Teacher: gives the Student a strategy or direction for the revision, never a rewrite.
 *
 * @module
 */
import type { Message } from "../schemas/chat.ts";
import type { Provider } from "../providers/types.ts";
import { promptMessages, TEACHER_SYSTEM_PROMPT, TEACHER_TEMPLATE } from "./prompts.ts";
import { requireText, type RoleOptions, type TextResult } from "./role_options.ts";

/** What the Teacher sees. */
export interface TeacherInput {
  /** The task. */
  prompt: string;
  /** The answer to be revised. */
  answer: string;
  /** The critic's feedback text. */
  feedback: string;
}

/**
 * Builds the Teacher's messages.
 *
 * @param input Task, answer and feedback.
 * @returns System and user messages.
 *
 * @example The teacher is told not to write the answer
 * ```ts
 * import { teacherMessages } from "./teacher.ts";
 * const m = teacherMessages({ prompt: "p", answer: "a", feedback: "f" });
 * if (!m[1].content.includes("Do not write the answer")) throw new Error();
 * ```
 */
export function teacherMessages(input: TeacherInput): Message[] {
  const where = "teacherAdvise";
  const prompt = requireText(input?.prompt, { where, field: "prompt" });
  const answer = requireText(input.answer, { where, field: "answer", allowEmpty: true });
  const feedback = requireText(input.feedback, { where, field: "feedback", allowEmpty: true });
  return promptMessages(TEACHER_SYSTEM_PROMPT, TEACHER_TEMPLATE, {
    prompt,
    answer,
    feedback: feedback.trim() === "" ? "(none)" : feedback,
  });
}

/**
 * The Teacher advises how to approach the revision (role `teacher`).
 *
 * @param provider The teacher's model.
 * @param input Task, answer and feedback.
 * @param options Seed, temperature, streaming, abort.
 * @returns The advice text and the response.
 *
 * @example Advice from a scripted model
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { teacherAdvise } from "./teacher.ts";
 * const p = createScriptedProvider({ byRole: { teacher: "Check the edge cases first." } });
 * const r = await teacherAdvise(p, { prompt: "p", answer: "a", feedback: "f" });
 * if (!r.text.startsWith("Check")) throw new Error();
 * ```
 */
export async function teacherAdvise(
  provider: Provider,
  input: TeacherInput,
  options: RoleOptions = {},
): Promise<TextResult> {
  const { onParseFailure: _ignored, ...chat } = options;
  const response = await provider.chat(teacherMessages(input), { ...chat, role: "teacher" });
  return { text: response.text.trim(), response };
}
