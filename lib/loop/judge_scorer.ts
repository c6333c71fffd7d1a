/**
 * The Judge as a {@linkcode Scorer}: the verdict's score, `passed` when compliant.
 *
 * @module
 */
import { requireModelAndConstitution } from "../roles/role_options.ts";
import type { Item } from "../schemas/item.ts";
import type { Score, Verdict } from "../schemas/trace.ts";
import type { Provider } from "../providers/types.ts";
import type { Constitution } from "../constitution/constitution.ts";
import type { PrincipleSelection } from "../constitution/render_constitution.ts";
import { judgeVerdict, reviewInput } from "../roles/judge.ts";
import { evalCall } from "../roles/eval_role_options.ts";
import type { EvalContext, Scorer } from "./types.ts";

/** Options for {@linkcode judgeScorer}. */
export interface JudgeScorerOptions {
  /** Only these principles are shown to the judge. @default all */
  selection?: PrincipleSelection;
  /** Sampling temperature. @default undefined (the provider's default) */
  temperature?: number;
  /** Output token limit. @default undefined */
  maxTokens?: number;
  /** Emit `token` events while the judge streams. @default false */
  stream?: boolean;
  /** Receives each parsed verdict (e.g. to store it in a trace). @default undefined */
  onVerdict?: (verdict: Verdict, context: EvalContext) => void;
}

/**
 * Converts a verdict into a score: the verdict's score, `passed` when compliant, reasons as detail.
 *
 * @param verdict The judge's verdict.
 * @returns A score with source "judge".
 *
 * @example A compliant verdict passes
 * ```ts
 * import { verdictToScore } from "./judge_scorer.ts";
 * const s = verdictToScore({ verdict: "compliant", reasons: ["ok"], score: 0.9 });
 * if (!s.passed || s.score !== 0.9 || s.source !== "judge") throw new Error();
 * ```
 */
export function verdictToScore(verdict: Verdict): Score {
  const score: Score = {
    score: verdict.score,
    passed: verdict.verdict === "compliant",
    source: "judge",
  };
  if (verdict.reasons.length) score.detail = verdict.reasons.join("; ").slice(0, 500);
  return score;
}

/** The score given when the judge's output cannot be parsed even after the re-ask. */
export const UNPARSEABLE_JUDGE_SCORE: Score = {
  score: 0,
  passed: false,
  source: "judge",
  detail: "judge output could not be parsed",
};

/**
 * Creates a scorer backed by the Judge role. Seeds derive from (context.seed, item id, round,
 * "judge"); calls are recorded through `context.onCall`; a verdict that cannot be parsed scores
 * {@linkcode UNPARSEABLE_JUDGE_SCORE} (0, not passed) and emits a `parse_failure` event.
 *
 * @param provider The judge's model.
 * @param constitution The principles to apply.
 * @param options Principle subset, sampling, streaming, verdict callback.
 * @returns A {@linkcode Scorer} named "judge".
 *
 * @example The scripted default judge passes everything
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { judgeScorer } from "./judge_scorer.ts";
 * const scorer = judgeScorer(createScriptedProvider(), parseConstitution("## Be exact\n\nNo rounding.\n"));
 * const s = await scorer.score({ id: "q", prompt: "pi?" }, "3.14159", { round: 0, seed: 0 });
 * if (!s.passed || s.score !== 1) throw new Error();
 * ```
 */
export function judgeScorer(
  provider: Provider,
  constitution: Constitution,
  options: JudgeScorerOptions = {},
): Scorer {
  requireModelAndConstitution("judgeScorer", provider, constitution);
  return {
    name: "judge",
    async score(item: Item, answer: string, context: EvalContext): Promise<Score> {
      const call = evalCall(provider, item, context, { ...options, role: "judge" });
      const input = reviewInput(item, answer, constitution, options.selection);
      const result = await judgeVerdict(call.model, input, call.options);
      if (!result.ok) return { ...UNPARSEABLE_JUDGE_SCORE };
      options.onVerdict?.(result.value, context);
      return verdictToScore(result.value);
    },
  };
}
