/**
 * The Critic: principle-cited critiques of an answer as a structured {@linkcode CritiqueList}, with
 * cited principle ids checked against the constitution (unknown ones are flagged, not dropped).
 *
 * @module
 */
import type { Message } from "../schemas/chat.ts";
import { type Critique, type CritiqueList, CritiqueListSchema } from "../schemas/trace.ts";
import type { Provider } from "../providers/types.ts";
import type { Constitution } from "../constitution/constitution.ts";
import {
  type PrincipleSelection,
  renderConstitution,
  selectPrinciples,
} from "../constitution/render_constitution.ts";
import { CRITIC_SYSTEM_PROMPT, CRITIC_TEMPLATE, promptMessages } from "./prompts.ts";
import { requireText, type RoleOptions } from "./role_options.ts";
import { generateStructured, type StructuredResult } from "./structured.ts";

/** What the Critic reviews. */
export interface CriticInput {
  /** The task. */
  prompt: string;
  /** The answer under review (may be empty). */
  answer: string;
  /** The constitution to cite. */
  constitution: Constitution;
  /** Only these principles are shown (and count as known). @default all */
  selection?: PrincipleSelection;
}

/** The Critic's parsed output. */
export interface CritiqueReport {
  /** Critiques with normalised principle ids (trimmed, surrounding brackets removed). */
  critiques: Critique[];
  /** Cited principle ids that are not in the (selected) constitution, each once, in order. */
  unknownPrincipleIds: string[];
}

/**
 * Builds the Critic's messages.
 *
 * @param input Task, answer, constitution and optional selection.
 * @returns System and user messages.
 *
 * @example The rendered constitution is in the prompt
 * ```ts
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { criticMessages } from "./critic.ts";
 * const constitution = parseConstitution("## Be exact {#exact}\n\nNo rounding.\n");
 * const m = criticMessages({ prompt: "pi?", answer: "3", constitution });
 * if (!m[1].content.includes("[exact] Be exact")) throw new Error();
 * ```
 */
export function criticMessages(input: CriticInput): Message[] {
  const prompt = requireText(input?.prompt, { where: "criticReview", field: "prompt" });
  const answer = requireText(input.answer, {
    where: "criticReview",
    field: "answer",
    allowEmpty: true,
  });
  if (!input.constitution || !Array.isArray(input.constitution.principles)) {
    throw new TypeError("criticReview: constitution must be a Constitution");
  }
  return promptMessages(CRITIC_SYSTEM_PROMPT, CRITIC_TEMPLATE, {
    constitution: renderConstitution(input.constitution, input.selection),
    prompt,
    answer,
  });
}

/**
 * Normalises cited ids and lists the unknown ones.
 *
 * @param list The parsed critique list.
 * @param knownIds Ids of the principles the critic was shown.
 * @returns Critiques with normalised ids and the unknown ids.
 *
 * @example Brackets are stripped and unknown ids flagged
 * ```ts
 * import { checkCitedPrinciples } from "./critic.ts";
 * const c = { quote: "", issue: "i", fix: "f", severity: "low" as const };
 * const r = checkCitedPrinciples(
 *   { critiques: [{ ...c, principleId: "[clarity]" }, { ...c, principleId: "made-up" }] },
 *   ["clarity"],
 * );
 * if (r.critiques[0].principleId !== "clarity" || r.unknownPrincipleIds.join() !== "made-up") throw new Error();
 * ```
 */
export function checkCitedPrinciples(
  list: CritiqueList,
  knownIds: Iterable<string>,
): CritiqueReport {
  const known = new Set(knownIds);
  const unknown: string[] = [];
  const critiques = list.critiques.map((c) => {
    const principleId = c.principleId.trim().replace(/^\[(.*)\]$/, "$1").trim();
    if (!known.has(principleId) && !unknown.includes(principleId)) unknown.push(principleId);
    return { ...c, principleId };
  });
  return { critiques, unknownPrincipleIds: unknown };
}

/**
 * Formats critiques as the feedback text the Student sees: one numbered entry per critique with the
 * principle, severity, quoted span, issue and fix.
 *
 * @param critiques The critiques.
 * @returns The feedback text ("" when there are none).
 *
 * @example Format one critique
 * ```ts
 * import { formatCritiques } from "./critic.ts";
 * const text = formatCritiques([
 *   { principleId: "exact", quote: "about 3", issue: "Rounded.", fix: "Give 3.14159.", severity: "high" },
 * ]);
 * if (!text.startsWith('1. [exact] (high) "about 3"')) throw new Error(text);
 * ```
 */
export function formatCritiques(critiques: readonly Critique[]): string {
  return critiques
    .map((c, i) => {
      const quote = c.quote.trim() === "" ? "(omission)" : JSON.stringify(c.quote);
      return `${
        i + 1
      }. [${c.principleId}] (${c.severity}) ${quote}: ${c.issue.trim()}\n   Fix: ${c.fix.trim()}`;
    })
    .join("\n");
}

/**
 * The Critic reviews an answer against the constitution (role `critic`), with structured output,
 * repair and one re-ask (see `generateStructured`).
 *
 * @param provider The critic's model.
 * @param input Task, answer, constitution, optional selection.
 * @param options Seed, temperature, streaming, abort, `onParseFailure`.
 * @returns Critiques with unknown principle ids flagged, or a typed failure.
 *
 * @example The scripted default is an empty critique list
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { criticReview } from "./critic.ts";
 * const constitution = parseConstitution("## Be exact\n\nNo rounding.\n");
 * const r = await criticReview(createScriptedProvider(), { prompt: "pi?", answer: "3.14159", constitution });
 * if (!r.ok || r.value.critiques.length !== 0) throw new Error();
 * ```
 */
export async function criticReview(
  provider: Provider,
  input: CriticInput,
  options: RoleOptions = {},
): Promise<StructuredResult<CritiqueReport>> {
  const messages = criticMessages(input);
  const known = selectPrinciples(input.constitution, input.selection).map((p) => p.id);
  const result = await generateStructured(provider, messages, CritiqueListSchema, {
    ...options,
    role: "critic",
  });
  if (!result.ok) return result;
  return { ...result, value: checkCitedPrinciples(result.value, known) };
}
