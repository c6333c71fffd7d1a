/**
 * The Judge: a verdict on one answer (compliant / needs_revision, reasons, score in [0, 1]) and a
 * pairwise comparison of two answers, asked in both orders to cancel position bias.
 *
 * @module
 */
import { z } from "zod";
import type { ChatResponse, Message } from "../schemas/chat.ts";
import { type Pairwise, PairwiseSchema, type Verdict, VerdictSchema } from "../schemas/trace.ts";
import type { Provider } from "../providers/types.ts";
import type { Constitution } from "../constitution/constitution.ts";
import {
  type PrincipleSelection,
  renderConstitution,
} from "../constitution/render_constitution.ts";
import {
  JUDGE_SYSTEM_PROMPT,
  JUDGE_TEMPLATE,
  PAIRWISE_TEMPLATE,
  promptMessages,
} from "./prompts.ts";
import { requireText, type RoleOptions } from "./role_options.ts";
import { generateStructured, type StructuredResult } from "./structured.ts";
import type { Schema } from "../schemas/schema.ts";

/** What the Judge sees for a single-answer verdict. */
export interface JudgeInput {
  /** The task. */
  prompt: string;
  /** The answer to judge (may be empty). */
  answer: string;
  /** The constitution to apply. */
  constitution: Constitution;
  /** Only these principles are shown. @default all */
  selection?: PrincipleSelection;
}

/**
 * What a reviewing role (a judge or a critic) is shown of an item: its prompt and the answer, under
 * the constitution — never the reference, the tests or anything else that scores it.
 *
 * @param item The item (only its prompt is read).
 * @param answer The answer under review.
 * @param constitution The constitution to apply.
 * @param selection Only these principles are shown. @default all
 * @returns A {@linkcode JudgeInput}, which is also a `CriticInput`.
 *
 * @example
 * ```ts
 * import { reviewInput } from "./judge.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * const input = reviewInput({ prompt: "2+2?" }, "4", parseConstitution("## Be exact\n\nNo rounding.\n"));
 * if (Object.keys(input).join() !== "prompt,answer,constitution") throw new Error();
 * ```
 */
export function reviewInput(
  item: { prompt: string },
  answer: string,
  constitution: Constitution,
  selection?: PrincipleSelection,
): JudgeInput {
  return { prompt: item.prompt, answer, constitution, ...(selection ? { selection } : {}) };
}

/** What the Judge sees for a pairwise comparison. */
export interface PairwiseInput {
  /** The task. */
  prompt: string;
  /** Candidate A. */
  a: string;
  /** Candidate B. */
  b: string;
  /** The constitution to apply. */
  constitution: Constitution;
  /** Only these principles are shown. @default all */
  selection?: PrincipleSelection;
}

/** Options for {@linkcode judgePairwise}. */
export interface PairwiseOptions extends RoleOptions {
  /** Ask a second time with A and B swapped and reconcile the two answers. @default true */
  swap?: boolean;
}

/** The reconciled outcome of a pairwise comparison, labels always in the caller's A/B order. */
export interface PairwiseOutcome {
  /** The winner; "tie" when the judge said tie or the two orders disagreed. */
  winner: "A" | "B" | "tie";
  /** The reasons, from both orders. */
  reason: string;
  /** True when both orders named the same winner (always true without `swap`). */
  consistent: boolean;
  /** The judgement with the candidates in the given order. */
  original: Pairwise;
  /** The judgement with the candidates swapped, mapped back to the caller's labels. */
  swapped?: Pairwise;
}

/** Schema of {@linkcode PairwiseOutcome}. */
export const PairwiseOutcomeSchema: Schema<PairwiseOutcome> = z.object({
  winner: z.enum(["A", "B", "tie"]),
  reason: z.string(),
  consistent: z.boolean(),
  original: PairwiseSchema,
  swapped: PairwiseSchema.optional(),
});

/**
 * Builds the Judge's verdict messages.
 *
 * @param input Task, answer, constitution.
 * @returns System and user messages.
 *
 * @example The answer is in the prompt
 * ```ts
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { judgeMessages } from "./judge.ts";
 * const constitution = parseConstitution("## Be exact\n\nNo rounding.\n");
 * if (!judgeMessages({ prompt: "pi?", answer: "3.14", constitution })[1].content.includes("3.14")) {
 *   throw new Error();
 * }
 * ```
 */
export function judgeMessages(input: JudgeInput): Message[] {
  const prompt = requireText(input?.prompt, { where: "judgeVerdict", field: "prompt" });
  const answer = requireText(input.answer, {
    where: "judgeVerdict",
    field: "answer",
    allowEmpty: true,
  });
  return promptMessages(JUDGE_SYSTEM_PROMPT, JUDGE_TEMPLATE, {
    constitution: renderConstitution(input.constitution, input.selection),
    prompt,
    answer,
  });
}

/**
 * Builds the Judge's pairwise messages with the candidates in the given order.
 *
 * @param input Task, candidates A and B, constitution.
 * @returns System and user messages.
 *
 * @example A comes before B
 * ```ts
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { pairwiseMessages } from "./judge.ts";
 * const constitution = parseConstitution("## Be exact\n\nNo rounding.\n");
 * const text = pairwiseMessages({ prompt: "p", a: "first", b: "second", constitution })[1].content;
 * if (text.indexOf("first") > text.indexOf("second")) throw new Error();
 * ```
 */
export function pairwiseMessages(input: PairwiseInput): Message[] {
  const where = "judgePairwise";
  const prompt = requireText(input?.prompt, { where, field: "prompt" });
  const a = requireText(input.a, { where, field: "a", allowEmpty: true });
  const b = requireText(input.b, { where, field: "b", allowEmpty: true });
  return promptMessages(JUDGE_SYSTEM_PROMPT, PAIRWISE_TEMPLATE, {
    constitution: renderConstitution(input.constitution, input.selection),
    prompt,
    a,
    b,
  });
}

/**
 * The Judge gives a verdict on one answer (role `judge`).
 *
 * @param provider The judge's model.
 * @param input Task, answer, constitution.
 * @param options Seed, temperature, streaming, abort, `onParseFailure`.
 * @returns The verdict, or a typed failure.
 *
 * @example The scripted default is a compliant verdict
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { judgeVerdict } from "./judge.ts";
 * const constitution = parseConstitution("## Be exact\n\nNo rounding.\n");
 * const r = await judgeVerdict(createScriptedProvider(), { prompt: "pi?", answer: "3.14", constitution });
 * if (!r.ok || r.value.verdict !== "compliant") throw new Error();
 * ```
 */
export async function judgeVerdict(
  provider: Provider,
  input: JudgeInput,
  options: RoleOptions = {},
): Promise<StructuredResult<Verdict>> {
  return await generateStructured(provider, judgeMessages(input), VerdictSchema, {
    ...options,
    role: "judge",
  });
}

function flip(p: Pairwise): Pairwise {
  const winner = p.winner === "A" ? "B" : p.winner === "B" ? "A" : "tie";
  return { winner, reason: p.reason };
}

function addUsage(a: ChatResponse, b: ChatResponse): ChatResponse {
  return {
    ...b,
    usage: {
      inputTokens: a.usage.inputTokens + b.usage.inputTokens,
      outputTokens: a.usage.outputTokens + b.usage.outputTokens,
    },
  };
}

/**
 * The Judge compares two answers (role `judge`). With `swap` (the default) it asks twice — A/B and
 * B/A — and maps the second answer back; when the two orders disagree the outcome is a tie marked
 * `consistent: false` (position bias). A parse failure in either order is a failure of the whole
 * comparison. The returned response carries the usage of all calls.
 *
 * @param provider The judge's model.
 * @param input Task, candidates A and B, constitution.
 * @param options Chat options, `onParseFailure`, and `swap`.
 * @returns The reconciled outcome, or a typed failure.
 *
 * @example A judge that always prefers the first position ends in an inconsistent tie
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { judgePairwise } from "./judge.ts";
 * const constitution = parseConstitution("## Be exact\n\nNo rounding.\n");
 * const biased = createScriptedProvider({ respond: () => '{"winner": "A", "reason": "first"}' });
 * const r = await judgePairwise(biased, { prompt: "p", a: "x", b: "y", constitution });
 * if (!r.ok || r.value.winner !== "tie" || r.value.consistent) throw new Error();
 * ```
 */
export async function judgePairwise(
  provider: Provider,
  input: PairwiseInput,
  options: PairwiseOptions = {},
): Promise<StructuredResult<PairwiseOutcome>> {
  const { swap = true, ...roleOptions } = options;
  const chat = { ...roleOptions, role: "judge" };
  const first = await generateStructured(provider, pairwiseMessages(input), PairwiseSchema, chat);
  if (!first.ok) return first;
  if (!swap) {
    return {
      ok: true,
      value: { ...first.value, consistent: true, original: first.value },
      response: first.response,
      raw: first.raw,
    };
  }
  const second = await generateStructured(
    provider,
    pairwiseMessages({ ...input, a: input.b, b: input.a }),
    PairwiseSchema,
    chat,
  );
  const raw = `${first.raw}\n---\n${second.raw}`;
  if (!second.ok) {
    return {
      ok: false,
      error: `swapped order: ${second.error}`,
      raw,
      response: second.response ? addUsage(first.response, second.response) : first.response,
    };
  }
  const swapped = flip(second.value);
  const consistent = first.value.winner === swapped.winner;
  const winner = consistent ? first.value.winner : "tie";
  const reason = consistent && first.value.reason === swapped.reason
    ? first.value.reason
    : `A/B order: ${first.value.reason} | B/A order: ${swapped.reason}`;
  return {
    ok: true,
    value: { winner, reason, consistent, original: first.value, swapped },
    response: addUsage(first.response, second.response),
    raw,
  };
}
