/**
 * The Judge as a critic (the CLI's `--critique-mode judge`): the Judge's verdict is the feedback. Its reasons become the
 * critiques the Student revises from (each attributed to the first principle id it mentions), so no
 * separate Critic call is made.
 *
 * @module
 */
import { requireModelAndConstitution } from "../roles/role_options.ts";
import type { Item } from "../schemas/item.ts";
import type { Critique } from "../schemas/trace.ts";
import type { Provider } from "../providers/types.ts";
import type { Constitution } from "../constitution/constitution.ts";
import { judgeVerdict, reviewInput } from "../roles/judge.ts";
import { formatCritiques } from "../roles/critic.ts";
import type { PrincipleSelection } from "../constitution/render_constitution.ts";
import { evalCall } from "../roles/eval_role_options.ts";
import type { Critic, EvalContext, Feedback } from "../schemas/eval_contracts.ts";

/** Options for {@linkcode judgeCritic}. */
export interface JudgeCriticOptions {
  /** Emit `token` events (role "critic") while the judge streams. @default false */
  stream?: boolean;
  /** Sampling temperature. @default undefined (the provider's default) */
  temperature?: number;
  /** Only these principles are shown to the judge. @default all */
  selection?: PrincipleSelection;
}

function principleOf(reason: string, ids: readonly string[]): string {
  const lower = reason.toLowerCase();
  const hit = ids
    .map((id) => ({ id, at: lower.search(new RegExp(`(^|[^a-z0-9-])${id}([^a-z0-9-]|$)`)) }))
    .filter((h) => h.at !== -1)
    .sort((a, b) => a.at - b.at)[0];
  return hit?.id ?? "judge";
}

/**
 * Creates a critic whose feedback is the Judge's verdict on the answer: a `needs_revision` verdict's
 * reasons become critiques (principle id = the first id a reason mentions, else "judge"); a
 * `compliant` verdict is no feedback (the loop then stops with `no_feedback`). Its seed derives
 * from (context.seed, item id, round, "critic"), so it never repeats the evaluating judge's call.
 *
 * @param provider The judge's model.
 * @param constitution The principles the verdict applies.
 * @param options Streaming and temperature.
 * @returns A {@linkcode Critic} named "judge".
 *
 * @example A compliant scripted verdict gives no feedback
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { judgeCritic } from "./judge_critic.ts";
 * const critic = judgeCritic(createScriptedProvider(), parseConstitution("## Be exact\n\nNo rounding.\n"));
 * const fb = await critic.critique({ id: "q", prompt: "pi?" }, "3.14159", { round: 1, seed: 0 });
 * if (fb.critiques.length !== 0 || fb.text !== "") throw new Error();
 * ```
 */
export function judgeCritic(
  provider: Provider,
  constitution: Constitution,
  options: JudgeCriticOptions = {},
): Critic {
  requireModelAndConstitution("judgeCritic", provider, constitution);
  const ids = constitution.principles.map((p) => p.id);
  return {
    name: "judge",
    async critique(item: Item, answer: string, context: EvalContext): Promise<Feedback> {
      const call = evalCall(provider, item, context, { ...options, role: "critic" });
      const input = reviewInput(item, answer, constitution, options.selection);
      const result = await judgeVerdict(call.model, input, call.options);
      const parseFailures = call.parseFailures();
      if (!result.ok) {
        return { critiques: [], text: result.raw.trim().slice(0, 4000), parseFailures };
      }
      const verdict = result.value;
      if (verdict.verdict === "compliant") return { critiques: [], text: "", parseFailures };
      const reasons = verdict.reasons.map((r) => r.trim()).filter((r) => r !== "");
      const critiques: Critique[] = (reasons.length ? reasons : ["the judge asked for a revision"])
        .map((reason) => ({
          principleId: principleOf(reason, ids),
          quote: "",
          issue: reason,
          fix: "Revise the answer so that this reason no longer applies.",
          severity: verdict.score < 0.34 ? "high" : verdict.score < 0.67 ? "medium" : "low",
        }));
      return { critiques, text: formatCritiques(critiques), parseFailures };
    },
  };
}
