/**
 * The default {@linkcode Critic}: the Critic role over an LLM, citing constitution principles.
 *
 * @module
 */
import { requireModelAndConstitution } from "../roles/role_options.ts";
import type { Item } from "../schemas/item.ts";
import { emit } from "../schemas/events.ts";
import type { Provider } from "../providers/types.ts";
import type { Constitution } from "../constitution/constitution.ts";
import type { PrincipleSelection } from "../constitution/render_constitution.ts";
import { criticReview, formatCritiques } from "../roles/critic.ts";
import { reviewInput } from "../roles/judge.ts";
import { evalCall } from "../roles/eval_role_options.ts";
import type { Critic, EvalContext, Feedback } from "./types.ts";

/** Options for {@linkcode llmCritic}. */
export interface LlmCriticOptions {
  /** Only these principles are shown to the critic. @default all */
  selection?: PrincipleSelection;
  /** Sampling temperature. @default undefined (the provider's default) */
  temperature?: number;
  /** Output token limit. @default undefined */
  maxTokens?: number;
  /** Emit `token` events while the critic streams. @default false */
  stream?: boolean;
  /** Drop critiques citing principle ids that do not exist (they are always reported in a `log` event). @default false */
  dropUnknownPrinciples?: boolean;
  /** Longest raw text used as feedback when the output cannot be parsed. @default 4000 */
  maxRawFeedbackChars?: number;
}

/**
 * Creates the default LLM critic. Each call uses the seed derived from (context.seed, item id,
 * round, "critic"), records its calls through `context.onCall`, and emits `parse_failure`, `log`
 * (unknown principle ids) and optionally `token` events through `context.onEvent`. When the output
 * still cannot be parsed after the re-ask, the feedback is the critic's raw text (trimmed, capped)
 * with no structured critiques and `parseFailures: 1`, so the student still sees what was said.
 *
 * @param provider The critic's model.
 * @param constitution The principles to cite.
 * @param options Principle subset, sampling, streaming.
 * @returns A {@linkcode Critic} named "llm".
 *
 * @example The scripted default critic has nothing to say
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { llmCritic } from "./llm_critic.ts";
 * const critic = llmCritic(createScriptedProvider(), parseConstitution("## Be exact\n\nNo rounding.\n"));
 * const fb = await critic.critique({ id: "q", prompt: "pi?" }, "3.14159", { round: 1, seed: 0 });
 * if (fb.critiques.length !== 0 || fb.text !== "") throw new Error();
 * ```
 */
export function llmCritic(
  provider: Provider,
  constitution: Constitution,
  options: LlmCriticOptions = {},
): Critic {
  requireModelAndConstitution("llmCritic", provider, constitution);
  const maxRaw = options.maxRawFeedbackChars ?? 4000;
  return {
    name: "llm",
    async critique(item: Item, answer: string, context: EvalContext): Promise<Feedback> {
      const call = evalCall(provider, item, context, { ...options, role: "critic" });
      const input = reviewInput(item, answer, constitution, options.selection);
      const result = await criticReview(call.model, input, call.options);
      const parseFailures = call.parseFailures();
      if (!result.ok) {
        return { critiques: [], text: result.raw.trim().slice(0, maxRaw), parseFailures };
      }
      const { unknownPrincipleIds } = result.value;
      let critiques = result.value.critiques;
      if (unknownPrincipleIds.length > 0) {
        emit(context.onEvent, {
          type: "log",
          itemId: item.id,
          level: "warn",
          message: `critic cited unknown principle id(s): ${unknownPrincipleIds.join(", ")}${
            options.dropUnknownPrinciples ? " (dropped)" : ""
          }`,
        });
        if (options.dropUnknownPrinciples) {
          const unknown = new Set(unknownPrincipleIds);
          critiques = critiques.filter((c) => !unknown.has(c.principleId));
        }
      }
      return { critiques, text: formatCritiques(critiques), parseFailures };
    },
  };
}
