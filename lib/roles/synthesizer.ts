/**
 * The Synthesizer distils lessons across rounds and items into a bounded memory text that later
 * Student prompts read. The bound is enforced here, not trusted to the model.
 *
 * @module
 */
import { z } from "zod";
import type { Message } from "../schemas/chat.ts";
import type { Trace } from "../schemas/trace.ts";
import type { Provider } from "../providers/types.ts";
import { promptMessages, SYNTHESIZER_SYSTEM_PROMPT, SYNTHESIZER_TEMPLATE } from "./prompts.ts";
import type { RoleOptions } from "./role_options.ts";
import { generateStructured, type StructuredResult } from "./structured.ts";
import type { Schema } from "../schemas/schema.ts";

/** The structured output the Synthesizer model must produce. */
export interface LessonList {
  /** Lessons, most important first. */
  lessons: string[];
}

/** Schema of {@linkcode LessonList}. */
export const LessonListSchema: Schema<LessonList> = z.object({ lessons: z.array(z.string()) });

/** What the Synthesizer reads. */
export interface SynthesizerInput {
  /** The current memory text ("" at the start). */
  memory: string;
  /** New observations, e.g. from {@linkcode describeTrace}. */
  observations: readonly string[];
}

/** Bounds of the memory text. */
export interface MemoryBounds {
  /** Hard limit on the memory text length in characters (at least 8). @default 2000 */
  maxChars?: number;
  /** Most lessons kept. @default 10 */
  maxLessons?: number;
}

/** Options for {@linkcode synthesizeMemory}: role options plus memory bounds. */
export interface SynthesizerOptions extends RoleOptions, MemoryBounds {}

/** The Synthesizer's result. */
export interface MemoryUpdate {
  /** The kept lessons, in order. */
  lessons: string[];
  /** The memory text: one `- lesson` line per kept lesson, at most `maxChars` long. */
  memory: string;
}

/**
 * Turns lessons into a memory text of at most `maxChars` characters: one `- lesson` line each,
 * blank lessons and exact duplicates dropped, lessons kept in order while they fit (a lesson longer
 * than the whole budget is cut with `…`).
 *
 * @param lessons Lessons, most important first.
 * @param options `maxChars` (default 2000) and `maxLessons` (default 10).
 * @returns The kept lessons and the memory text.
 *
 * @example The bound holds
 * ```ts
 * import { boundMemory } from "./synthesizer.ts";
 * const m = boundMemory(["Check edge cases.", "Check edge cases.", "x".repeat(500)], { maxChars: 100 });
 * if (m.memory.length > 100 || m.lessons.length !== 1) throw new Error(m.memory);
 * ```
 */
export function boundMemory(
  lessons: readonly string[],
  options: MemoryBounds = {},
): MemoryUpdate {
  const maxChars = options.maxChars ?? 2000;
  const maxLessons = options.maxLessons ?? 10;
  if (!Number.isInteger(maxChars) || maxChars < 8) {
    throw new RangeError(`boundMemory: maxChars must be an integer >= 8, got ${maxChars}`);
  }
  if (!Number.isInteger(maxLessons) || maxLessons < 1) {
    throw new RangeError(`boundMemory: maxLessons must be a positive integer, got ${maxLessons}`);
  }
  const kept: string[] = [];
  let length = 0;
  for (const raw of lessons) {
    const lesson = raw.replace(/\s+/g, " ").replace(/^[-*•]\s*/, "").trim();
    if (lesson === "" || kept.includes(lesson)) continue;
    if (kept.length >= maxLessons) break;
    const cost = (kept.length ? 1 : 0) + 2 + lesson.length;
    if (length + cost > maxChars) {
      if (kept.length === 0) kept.push(`${lesson.slice(0, maxChars - 3)}…`);
      break;
    }
    kept.push(lesson);
    length += cost;
  }
  return { lessons: kept, memory: kept.map((l) => `- ${l}`).join("\n") };
}

/**
 * Summarises one trace as an observation for the Synthesizer: what was criticised (principle ids
 * and issues), how the score moved and what the ratchet kept.
 *
 * @param trace A finished trace.
 * @returns One short paragraph.
 *
 * @example Describe a one-candidate trace
 * ```ts
 * import { describeTrace } from "./synthesizer.ts";
 * const text = describeTrace({
 *   traceId: "t", itemId: "q1", prompt: "p", chosenIndex: 0, chosen: "a", rejected: "a", rounds: 0,
 *   candidates: [{ round: 0, text: "a", critiques: [] }], calls: [],
 *   usage: { inputTokens: 0, outputTokens: 0 }, parseFailures: 0, stopReason: "compliant",
 *   startedAt: "2025-01-01T00:00:00.000Z", ms: 1,
 * });
 * if (!text.startsWith("Item q1")) throw new Error(text);
 * ```
 */
export function describeTrace(trace: Trace): string {
  const parts = [
    `Item ${trace.itemId}: stopped (${trace.stopReason}) after ${trace.rounds} round(s).`,
  ];
  for (const c of trace.candidates) {
    const score = c.score ? c.score.score.toFixed(2) : c.verdict ? c.verdict.score.toFixed(2) : "?";
    const decision = c.decision ? `, ${c.decision.decision}` : "";
    const issues = c.critiques
      .slice(0, 4)
      .map((k) => `[${k.principleId}] ${k.issue.replace(/\s+/g, " ").slice(0, 120)}`)
      .join("; ");
    parts.push(
      `Round ${c.round}: score ${score}${decision}${issues ? `; critiques: ${issues}` : ""}.`,
    );
  }
  return parts.join(" ");
}

/**
 * Builds the Synthesizer's messages.
 *
 * @param input Current memory and observations.
 * @param options `maxLessons` (default 10).
 * @returns System and user messages.
 *
 * @example Observations are listed
 * ```ts
 * import { synthesizerMessages } from "./synthesizer.ts";
 * const m = synthesizerMessages({ memory: "", observations: ["obs one"] });
 * if (!m[1].content.includes("- obs one") || !m[1].content.includes("(none)")) throw new Error();
 * ```
 */
export function synthesizerMessages(
  input: SynthesizerInput,
  options: Pick<MemoryBounds, "maxLessons"> = {},
): Message[] {
  if (typeof input?.memory !== "string" || !Array.isArray(input.observations)) {
    throw new TypeError("synthesizeMemory: input needs memory (string) and observations (array)");
  }
  return promptMessages(SYNTHESIZER_SYSTEM_PROMPT, SYNTHESIZER_TEMPLATE, {
    memory: input.memory.trim() === "" ? "(none)" : input.memory.trim(),
    observations: input.observations.length === 0
      ? "(none)"
      : input.observations.map((o) => `- ${o.replace(/\s*\n\s*/g, " ")}`).join("\n"),
    maxLessons: String(options.maxLessons ?? 10),
  });
}

/**
 * The Synthesizer updates the memory from new observations (role `synthesizer`). The result is
 * bounded by {@linkcode boundMemory}; on a parse failure the caller should keep the old memory.
 *
 * @param provider The synthesizer's model.
 * @param input Current memory and observations.
 * @param options Chat options, `onParseFailure`, `maxChars`, `maxLessons`.
 * @returns The new bounded memory, or a typed failure.
 *
 * @example Lessons from a scripted model
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { synthesizeMemory } from "./synthesizer.ts";
 * const p = createScriptedProvider({ respond: () => '{"lessons": ["Test the empty input."]}' });
 * const r = await synthesizeMemory(p, { memory: "", observations: ["empty input crashed"] });
 * if (!r.ok || r.value.memory !== "- Test the empty input.") throw new Error();
 * ```
 */
export async function synthesizeMemory(
  provider: Provider,
  input: SynthesizerInput,
  options: SynthesizerOptions = {},
): Promise<StructuredResult<MemoryUpdate>> {
  const { maxChars, maxLessons, ...roleOptions } = options;
  const bounds = { maxChars, maxLessons };
  boundMemory([], bounds); // validate the bounds before calling the model
  const result = await generateStructured(
    provider,
    synthesizerMessages(input, { maxLessons }),
    LessonListSchema,
    { ...roleOptions, role: "synthesizer" },
  );
  if (!result.ok) return result;
  return { ...result, value: boundMemory(result.value.lessons, bounds) };
}
