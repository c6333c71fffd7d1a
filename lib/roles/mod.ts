/**
 * The role society: Student, Critic, Teacher, Judge, Meta-Judge and Synthesizer, each a typed
 * function over a `Provider`, with readable prompt templates and structured output that is parsed,
 * repaired and re-asked once, never crashing on bad model output.
 *
 * @example Critique with the scripted provider
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { criticReview } from "./mod.ts";
 * const constitution = parseConstitution("## Be exact\n\nNo rounding.\n");
 * const r = await criticReview(createScriptedProvider(), { prompt: "pi?", answer: "3", constitution });
 * if (!r.ok) throw new Error(r.error);
 * ```
 *
 * @module
 */
export {
  extractJson,
  generateStructured,
  type GenerateStructuredOptions,
  jsonSchemaFor,
  type StructuredResult,
} from "./structured.ts";
export * from "./prompts.ts";
export {
  requireModelAndConstitution,
  requireText,
  type RequireTextOptions,
  type RoleOptions,
  type TextResult,
} from "./role_options.ts";
export {
  studentAnswer,
  type StudentAnswerInput,
  studentAnswerMessages,
  studentRevise,
  type StudentReviseInput,
  studentReviseMessages,
} from "./student.ts";
export {
  checkCitedPrinciples,
  type CriticInput,
  criticMessages,
  criticReview,
  type CritiqueReport,
  formatCritiques,
} from "./critic.ts";
export { teacherAdvise, type TeacherInput, teacherMessages } from "./teacher.ts";
export {
  type JudgeInput,
  judgeMessages,
  judgePairwise,
  judgeVerdict,
  type PairwiseInput,
  pairwiseMessages,
  type PairwiseOptions,
  type PairwiseOutcome,
  PairwiseOutcomeSchema,
} from "./judge.ts";
export {
  type Amendment,
  AmendmentSchema,
  applyAmendments,
  auditCritiques,
  type AuditCritiquesOptions,
  type CritiqueAudit,
  metaJudge,
  type MetaJudgeInput,
  metaJudgeMessages,
  type MetaJudgeOutput,
  MetaJudgeOutputSchema,
  type MetaJudgeReport,
  type UnsupportedCritique,
} from "./meta_judge.ts";
export {
  boundMemory,
  describeTrace,
  type LessonList,
  LessonListSchema,
  type MemoryBounds,
  type MemoryUpdate,
  synthesizeMemory,
  type SynthesizerInput,
  synthesizerMessages,
  type SynthesizerOptions,
} from "./synthesizer.ts";
export { unifiedDiff, type UnifiedDiffOptions } from "./unified_diff.ts";
