/**
 * The Student: answers a task, and revises an answer given feedback, optional teacher advice and the
 * Synthesizer's memory.
 *
 * @module
 */
import type { Message } from "../schemas/chat.ts";
import type { Provider } from "../providers/types.ts";
import {
  ADVICE_SECTION_TEMPLATE,
  fillTemplate,
  MEMORY_SECTION_TEMPLATE,
  promptMessages,
  STUDENT_ANSWER_TEMPLATE,
  STUDENT_REVISE_TEMPLATE,
  STUDENT_SYSTEM_PROMPT,
} from "./prompts.ts";
import { requireText, type RoleOptions, type TextResult } from "./role_options.ts";

/** What the Student needs for a first answer. */
export interface StudentAnswerInput {
  /** The task. */
  prompt: string;
  /** Lessons from the Synthesizer, placed before the task when non-empty. */
  memory?: string;
}

/** What the Student needs to revise an answer. */
export interface StudentReviseInput extends StudentAnswerInput {
  /** The answer being revised. */
  answer: string;
  /** The critic's feedback text. */
  feedback: string;
  /** The Teacher's advice, when a teacher is used. */
  advice?: string;
}

function memorySection(memory: string | undefined): string {
  return memory && memory.trim() !== ""
    ? fillTemplate(MEMORY_SECTION_TEMPLATE, { memory: memory.trim() })
    : "";
}

/**
 * Builds the Student's first-answer messages (exported so prompts can be inspected and tested).
 *
 * @param input The task and optional memory.
 * @returns System and user messages.
 *
 * @example Memory goes before the task
 * ```ts
 * import { studentAnswerMessages } from "./student.ts";
 * const m = studentAnswerMessages({ prompt: "2+2?", memory: "- Check arithmetic." });
 * if (!m[1].content.startsWith("Lessons") || !m[1].content.endsWith("2+2?")) throw new Error();
 * ```
 */
export function studentAnswerMessages(input: StudentAnswerInput): Message[] {
  const prompt = requireText(input?.prompt, { where: "studentAnswer", field: "prompt" });
  return promptMessages(STUDENT_SYSTEM_PROMPT, STUDENT_ANSWER_TEMPLATE, {
    memory: memorySection(input.memory),
    prompt,
  });
}

/**
 * Builds the Student's revision messages.
 *
 * @param input Task, previous answer, feedback, optional advice and memory.
 * @returns System and user messages.
 *
 * @example Advice is included only when given
 * ```ts
 * import { studentReviseMessages } from "./student.ts";
 * const base = { prompt: "p", answer: "a", feedback: "f" };
 * if (studentReviseMessages(base)[1].content.includes("teacher")) throw new Error();
 * if (!studentReviseMessages({ ...base, advice: "go" })[1].content.includes("teacher")) throw new Error();
 * ```
 */
export function studentReviseMessages(input: StudentReviseInput): Message[] {
  const where = "studentRevise";
  const prompt = requireText(input?.prompt, { where, field: "prompt" });
  const answer = requireText(input.answer, { where, field: "answer", allowEmpty: true });
  const feedback = requireText(input.feedback, { where, field: "feedback", allowEmpty: true });
  const advice = input.advice && input.advice.trim() !== ""
    ? fillTemplate(ADVICE_SECTION_TEMPLATE, { advice: input.advice.trim() })
    : "";
  return promptMessages(STUDENT_SYSTEM_PROMPT, STUDENT_REVISE_TEMPLATE, {
    memory: memorySection(input.memory),
    prompt,
    answer,
    feedback: feedback.trim() === "" ? "(none)" : feedback,
    advice,
  });
}

/**
 * The Student answers a task (role `student`).
 *
 * @param provider The student's model.
 * @param input The task and optional memory.
 * @param options Seed, temperature, streaming, abort.
 * @returns The answer text and the response.
 *
 * @example Answer with a scripted model
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { studentAnswer } from "./student.ts";
 * const p = createScriptedProvider({ byRole: { student: "4" } });
 * const r = await studentAnswer(p, { prompt: "2+2?" });
 * if (r.text !== "4") throw new Error();
 * ```
 */
export async function studentAnswer(
  provider: Provider,
  input: StudentAnswerInput,
  options: RoleOptions = {},
): Promise<TextResult> {
  const { onParseFailure: _ignored, ...chat } = options;
  const response = await provider.chat(studentAnswerMessages(input), { ...chat, role: "student" });
  return { text: response.text, response };
}

/**
 * The Student revises an answer given feedback (role `student`).
 *
 * @param provider The student's model.
 * @param input Task, previous answer, feedback, optional advice and memory.
 * @param options Seed, temperature, streaming, abort.
 * @returns The revised answer text and the response.
 *
 * @example Revise with a scripted model
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { studentRevise } from "./student.ts";
 * const p = createScriptedProvider({ byRole: { student: "four" } });
 * const r = await studentRevise(p, { prompt: "2+2 in words?", answer: "4", feedback: "Use words." });
 * if (r.text !== "four") throw new Error();
 * ```
 */
export async function studentRevise(
  provider: Provider,
  input: StudentReviseInput,
  options: RoleOptions = {},
): Promise<TextResult> {
  const { onParseFailure: _ignored, ...chat } = options;
  const response = await provider.chat(studentReviseMessages(input), { ...chat, role: "student" });
  return { text: response.text, response };
}
