/**
 * The critique–revision loop: contracts (`Critic`, `Scorer`), the default LLM critic, the judge as a
 * scorer, the ratchet, deterministic seeds, the loop itself, running many items with a resumable
 * journal ({@linkcode runItems}) and the run manifest.
 *
 * @example Run the loop with scripted models
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { critiqueRevisionLoop } from "./mod.ts";
 * const trace = await critiqueRevisionLoop(
 *   { id: "q", prompt: "Say hi." },
 *   { provider: createScriptedProvider(), constitution: parseConstitution("## Be kind\n\nBe kind.\n") },
 * );
 * if (trace.candidates.length !== 1 || trace.stopReason !== "compliant") throw new Error();
 * ```
 *
 * @module
 */
export type { Critic, EvalContext, Feedback, Scorer } from "./types.ts";
export {
  checkRatchetPolicy,
  DEFAULT_RATCHET_POLICY,
  ratchetDecide,
  type RatchetInput,
  type RatchetPolicy,
  RatchetPolicySchema,
} from "./ratchet.ts";
export { deriveSeed, roleSeed } from "../util/derive_seed.ts";
export {
  type EvalCall,
  evalCall,
  type EvalRoleCall,
  evalRoleOptions,
  type EvalRoleOptionsOptions,
} from "../roles/eval_role_options.ts";
export { llmCritic, type LlmCriticOptions } from "./llm_critic.ts";
export {
  judgeScorer,
  type JudgeScorerOptions,
  UNPARSEABLE_JUDGE_SCORE,
  verdictToScore,
} from "./judge_scorer.ts";
export {
  critiqueRevisionLoop,
  type LoopConfig,
  type LoopRole,
  type RoleParams,
} from "./critique_revision_loop.ts";
export {
  resumableTraces,
  ResumeError,
  runItems,
  type RunItemsOptions,
  type RunItemsResult,
  type RunJournal,
} from "./run_items.ts";
export {
  buildManifest,
  type BuildManifestOptions,
  describeLoopConfig,
  gitState,
  LIBRARY_VERSION,
  type ManifestInput,
} from "./manifest.ts";
