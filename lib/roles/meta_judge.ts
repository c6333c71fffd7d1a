/**
 * The Meta-Judge audits the critic and the judge: it flags unsupported critiques (a deterministic
 * check — the quote is not in the answer, the cited principle does not exist — plus the model's own
 * findings) and proposes amendments to the constitution, rendered as a unified diff for a human to
 * review. Amendments are never applied automatically.
 *
 * @module
 */
import { z } from "zod";
import type { Message } from "../schemas/chat.ts";
import type { Critique, Verdict } from "../schemas/trace.ts";
import type { Provider } from "../providers/types.ts";
import {
  type Constitution,
  type Principle,
  PRINCIPLE_ID_PATTERN,
} from "../constitution/constitution.ts";
import { constitutionHash } from "../constitution/constitution_hash.ts";
import { formatConstitution, renderConstitution } from "../constitution/render_constitution.ts";
import { META_JUDGE_SYSTEM_PROMPT, META_JUDGE_TEMPLATE, promptMessages } from "./prompts.ts";
import { requireText, type RoleOptions } from "./role_options.ts";
import { generateStructured, type StructuredResult } from "./structured.ts";
import { unifiedDiff } from "./unified_diff.ts";
import type { Schema } from "../schemas/schema.ts";
import { zodOf } from "../schemas/zod_of.ts";

/** One proposed change to the constitution. */
export interface Amendment {
  /** Add a new principle, edit an existing one, or remove one. */
  action: "add" | "edit" | "remove";
  /** New id (add) or existing id (edit, remove). */
  principleId: string;
  /** Title of the new or edited principle. */
  title?: string;
  /** Text of the new or edited principle. */
  text?: string;
  /** Why the change is needed. */
  rationale: string;
}

/** Schema of {@linkcode Amendment}. */
export const AmendmentSchema: Schema<Amendment> = z.object({
  action: z.enum(["add", "edit", "remove"]),
  principleId: z.string(),
  title: z.string().optional(),
  text: z.string().optional(),
  rationale: z.string(),
});

/** The structured output the Meta-Judge model must produce. */
export interface MetaJudgeOutput {
  /** Critiques the model considers unsupported, by index. */
  unsupported: { index: number; reason: string }[];
  /** Proposed amendments. */
  amendments: Amendment[];
}

/** Schema of {@linkcode MetaJudgeOutput}. */
export const MetaJudgeOutputSchema: Schema<MetaJudgeOutput> = z.object({
  unsupported: z.array(z.object({ index: z.number().int().nonnegative(), reason: z.string() })),
  amendments: z.array(zodOf(AmendmentSchema)),
});

/** The deterministic audit of one critique. */
export interface CritiqueAudit {
  /** Position of the critique in the list. */
  index: number;
  /** The quote occurs in the answer (whitespace- and case-insensitive; `...` splits it into parts found in order). Empty quotes (omissions) count as found. */
  quoteFound: boolean;
  /** The cited principle id exists (always true when no ids are given). */
  principleKnown: boolean;
  /** Both checks passed. */
  supported: boolean;
}

/** Options for {@linkcode auditCritiques}. */
export interface AuditCritiquesOptions {
  /** The constitution's principle ids; when absent the principle check is skipped. @default undefined */
  knownIds?: Iterable<string>;
}

/** An unsupported critique and why. */
export interface UnsupportedCritique {
  /** Position of the critique in the list. */
  index: number;
  /** Why it is unsupported. */
  reason: string;
  /** Who found it: the quote check, the principle check, or the model. */
  source: "quote_check" | "principle_check" | "model";
}

/** What the Meta-Judge reports. */
export interface MetaJudgeReport {
  /** Unsupported critiques (deterministic findings first, then the model's, one entry per index and source). */
  unsupported: UnsupportedCritique[];
  /** Amendments that apply cleanly. */
  amendments: Amendment[];
  /** Amendments that could not be applied, with the reason. */
  rejectedAmendments: { amendment: Amendment; reason: string }[];
  /** Unified diff of the canonical constitution Markdown before and after the amendments ("" when none). */
  diff: string;
}

/** What the Meta-Judge sees. */
export interface MetaJudgeInput {
  /** The task. */
  prompt: string;
  /** The answer that was critiqued. */
  answer: string;
  /** The critiques to audit. */
  critiques: readonly Critique[];
  /** The judge's verdict, when there was one. */
  verdict?: Verdict;
  /** The constitution in force. */
  constitution: Constitution;
}

function normalizeForMatch(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ").trim();
}

function quoteOccurs(answer: string, quote: string): boolean {
  const parts = quote
    .replace(/^["'“”‘’`]+|["'“”‘’`]+$/g, "")
    .split(/\.\.\.|…/)
    .map(normalizeForMatch)
    .filter((p) => p !== "");
  if (parts.length === 0) return true;
  const haystack = normalizeForMatch(answer);
  let from = 0;
  for (const part of parts) {
    const at = haystack.indexOf(part, from);
    if (at === -1) return false;
    from = at + part.length;
  }
  return true;
}

/**
 * Checks each critique deterministically: is its quote in the answer, and does its principle exist?
 *
 * @param answer The critiqued answer.
 * @param critiques The critiques.
 * @param options `knownIds`: the constitution's principle ids (skip the principle check when absent).
 * @returns One audit per critique, in order.
 *
 * @example A hallucinated quote is unsupported
 * ```ts
 * import { auditCritiques } from "./meta_judge.ts";
 * const c = { principleId: "exact", issue: "i", fix: "f", severity: "low" as const };
 * const audits = auditCritiques("The answer is 42.", [
 *   { ...c, quote: "answer  is 42" },
 *   { ...c, quote: "is 41" },
 * ], { knownIds: ["exact"] });
 * if (!audits[0].supported || audits[1].supported) throw new Error();
 * ```
 */
export function auditCritiques(
  answer: string,
  critiques: readonly Critique[],
  options: AuditCritiquesOptions = {},
): CritiqueAudit[] {
  requireText(answer, { where: "auditCritiques", field: "answer", allowEmpty: true });
  if (!Array.isArray(critiques)) {
    throw new TypeError(`auditCritiques: critiques must be an array, got ${typeof critiques}`);
  }
  const known = options.knownIds ? new Set(options.knownIds) : undefined;
  return critiques.map((c, index) => {
    const quoteFound = quoteOccurs(answer, c.quote);
    const principleKnown = known ? known.has(c.principleId) : true;
    return { index, quoteFound, principleKnown, supported: quoteFound && principleKnown };
  });
}

/**
 * Applies amendments to a copy of a constitution and renders the change as a unified diff of the
 * canonical Markdown (`formatConstitution`). Invalid amendments (bad or duplicate id on add,
 * unknown id on edit/remove, missing text, removing the last principle) are rejected with a reason.
 *
 * @param constitution The constitution in force (not modified).
 * @param amendments Proposed amendments, applied in order.
 * @returns The amended constitution, the rejected amendments and the diff.
 *
 * @example Add a principle
 * ```ts
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { applyAmendments } from "./meta_judge.ts";
 * const c = parseConstitution("## Be exact\n\nNo rounding.\n");
 * const r = applyAmendments(c, [
 *   { action: "add", principleId: "units", title: "Units", text: "Always give units.", rationale: "r" },
 * ]);
 * if (!r.diff.includes("+## Units {#units}") || r.rejected.length !== 0) throw new Error(r.diff);
 * ```
 */
export function applyAmendments(
  constitution: Constitution,
  amendments: readonly Amendment[],
): {
  constitution: Constitution;
  rejected: { amendment: Amendment; reason: string }[];
  diff: string;
} {
  if (!constitution || !Array.isArray(constitution.principles)) {
    throw new TypeError("applyAmendments: constitution must be a Constitution");
  }
  const principles: Principle[] = constitution.principles.map((p) => ({ ...p }));
  const rejected: { amendment: Amendment; reason: string }[] = [];
  for (const amendment of amendments) {
    const id = amendment.principleId.trim().replace(/^\[(.*)\]$/, "$1");
    const index = principles.findIndex((p) => p.id === id);
    const text = amendment.text?.trim() ?? "";
    const title = amendment.title?.trim() ?? "";
    if (amendment.action === "add") {
      if (!PRINCIPLE_ID_PATTERN.test(id)) {
        rejected.push({ amendment, reason: `"${id}" is not a valid principle id` });
      } else if (index !== -1) {
        rejected.push({ amendment, reason: `principle "${id}" already exists; use edit` });
      } else if (text === "") {
        rejected.push({ amendment, reason: "an added principle needs text" });
      } else {
        principles.push({
          id,
          title: title || id,
          text,
          tags: [],
          source: { file: "<amendment>", line: 1 },
        });
      }
    } else if (index === -1) {
      rejected.push({ amendment, reason: `no principle has the id "${id}"` });
    } else if (amendment.action === "edit") {
      if (text === "" && title === "") {
        rejected.push({ amendment, reason: "an edit needs a new title or text" });
      } else {
        principles[index] = {
          ...principles[index],
          title: title || principles[index].title,
          text: text || principles[index].text,
        };
      }
    } else if (principles.length === 1) {
      rejected.push({ amendment, reason: "cannot remove the last principle" });
    } else {
      principles.splice(index, 1);
    }
  }
  const amended: Constitution = {
    ...constitution,
    principles,
    hash: constitutionHash(principles),
  };
  const diff = unifiedDiff(formatConstitution(constitution), formatConstitution(amended));
  return { constitution: amended, rejected, diff };
}

/**
 * Builds the Meta-Judge's messages.
 *
 * @param input Task, answer, critiques, verdict, constitution.
 * @returns System and user messages.
 *
 * @example Critiques are numbered from 0
 * ```ts
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { metaJudgeMessages } from "./meta_judge.ts";
 * const constitution = parseConstitution("## Be exact\n\nNo rounding.\n");
 * const critiques = [{ principleId: "be-exact", quote: "3", issue: "i", fix: "f", severity: "low" as const }];
 * const m = metaJudgeMessages({ prompt: "pi?", answer: "3", critiques, constitution });
 * if (!m[1].content.includes("0. [be-exact]")) throw new Error();
 * ```
 */
export function metaJudgeMessages(input: MetaJudgeInput): Message[] {
  const where = "metaJudge";
  const prompt = requireText(input?.prompt, { where, field: "prompt" });
  const answer = requireText(input.answer, { where, field: "answer", allowEmpty: true });
  const critiques = input.critiques.length === 0 ? "(none)" : input.critiques
    .map((c, i) =>
      `${i}. [${c.principleId}] (${c.severity}) quote: ${
        JSON.stringify(c.quote)
      }; issue: ${c.issue}; fix: ${c.fix}`
    )
    .join("\n");
  const verdict = input.verdict
    ? `${input.verdict.verdict} (score ${input.verdict.score}): ${input.verdict.reasons.join("; ")}`
    : "(none)";
  return promptMessages(META_JUDGE_SYSTEM_PROMPT, META_JUDGE_TEMPLATE, {
    constitution: renderConstitution(input.constitution),
    prompt,
    answer,
    critiques,
    verdict,
  });
}

/**
 * The Meta-Judge audits critiques and proposes constitution amendments (role `meta_judge`). The
 * deterministic checks of {@linkcode auditCritiques} are always included; the model adds its own
 * findings and amendments, which are applied to a copy and shown as a unified diff.
 *
 * @param provider The meta-judge's model.
 * @param input Task, answer, critiques, verdict, constitution.
 * @param options Seed, temperature, streaming, abort, `onParseFailure`.
 * @returns The report, or a typed failure when the model output cannot be parsed.
 *
 * @example A quote that is not in the answer is flagged even when the model finds nothing
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { metaJudge } from "./meta_judge.ts";
 * const constitution = parseConstitution("## Be exact\n\nNo rounding.\n");
 * const critiques = [{ principleId: "be-exact", quote: "about 3", issue: "i", fix: "f", severity: "low" as const }];
 * const r = await metaJudge(createScriptedProvider(), { prompt: "pi?", answer: "3.14", critiques, constitution });
 * if (!r.ok || r.value.unsupported[0]?.source !== "quote_check" || r.value.diff !== "") throw new Error();
 * ```
 */
export async function metaJudge(
  provider: Provider,
  input: MetaJudgeInput,
  options: RoleOptions = {},
): Promise<StructuredResult<MetaJudgeReport>> {
  const messages = metaJudgeMessages(input);
  const audits = auditCritiques(input.answer, input.critiques, {
    knownIds: input.constitution.principles.map((p) => p.id),
  });
  const result = await generateStructured(provider, messages, MetaJudgeOutputSchema, {
    ...options,
    role: "meta_judge",
  });
  if (!result.ok) return result;
  const unsupported: UnsupportedCritique[] = [];
  for (const a of audits) {
    if (!a.quoteFound) {
      unsupported.push({
        index: a.index,
        reason: "the quoted span does not occur in the answer",
        source: "quote_check",
      });
    }
    if (!a.principleKnown) {
      unsupported.push({
        index: a.index,
        reason: `the cited principle "${input.critiques[a.index].principleId}" does not exist`,
        source: "principle_check",
      });
    }
  }
  const seen = new Set<number>();
  for (const u of result.value.unsupported) {
    if (u.index >= input.critiques.length || seen.has(u.index)) continue;
    seen.add(u.index);
    unsupported.push({ index: u.index, reason: u.reason, source: "model" });
  }
  const applied = applyAmendments(input.constitution, result.value.amendments);
  const rejectedSet = new Set(applied.rejected.map((r) => r.amendment));
  return {
    ...result,
    value: {
      unsupported,
      amendments: result.value.amendments.filter((a) => !rejectedSet.has(a)),
      rejectedAmendments: applied.rejected,
      diff: applied.diff,
    },
  };
}
