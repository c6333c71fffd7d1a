/**
 * Tasks: data plus the scorer that measures it — code (hidden tests), answer (a gold answer) and
 * open (a judge panel, with inter-judge agreement).
 *
 * Answer-key tasks: extracting the final answer from a reply by documented rules, normalising it by
 * type (number, choice, exact, set) and scoring it against the gold answer; an answer no rule finds
 * scores 0 and is never guessed.
 *
 * @example Score a GSM8K-style reply
 * ```ts
 * import { scoreAnswer } from "./mod.ts";
 * const item = { id: "q", prompt: "How many?", gold: "1000", answerType: "number" as const };
 * if (!scoreAnswer(item, "So 1,000 in total.\n#### 1,000").passed) throw new Error();
 * ```
 *
 * @module
 */
export {
  EXTRACT_RULES,
  extractAnswer,
  type ExtractAnswerOptions,
  type ExtractedAnswer,
  type ExtractRule,
  type ExtractRuleInfo,
} from "./extract_answer.ts";
export {
  type AnswerScore,
  AnswerScoreSchema,
  answersMatch,
  type MatchAnswerOptions,
  normalizeAnswer,
  NUMBER_RELATIVE_TOLERANCE,
  scoreAnswer,
} from "./match_answer.ts";
export {
  answerTask,
  codeTask,
  type CodeTaskOptions,
  openTask,
  type OpenTaskOptions,
  oracleScorer,
  SCORE_TESTS_TEXT,
  type ScoreTests,
  type Task,
  type TaskScore,
  type TaskScoreContext,
} from "./task.ts";
export {
  createJudgePanel,
  type JudgePanel,
  type JudgePanelOptions,
  type PairwisePanelAgreement,
  type PanelAgreement,
  panelAgreement,
  type PanelAgreementCounts,
  type PanelAgreementOptions,
  PanelAgreementSchema,
  type PanelContext,
  type PanelMode,
  PanelModeSchema,
  type PanelScore,
  PanelScoreSchema,
  type PointwisePanelAgreement,
} from "./judge_panel.ts";
export {
  ANSWER_TYPES,
  type AnswerItem,
  AnswerItemSchema,
  type AnswerType,
  type OpenItem,
  OpenItemSchema,
} from "../schemas/task_item.ts";
export type { Item } from "../schemas/item.ts";
export type { SafeParseResult, Schema, SchemaIssue } from "../schemas/schema.ts";
