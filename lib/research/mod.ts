/**
 * Autoresearch: a multi-agent society edits the mutable files of a problem, a runner measures one
 * metric, and git keeps or reverts. `problem.yaml` declares the objective, the metric (or several,
 * scalarized), the runner and its hard timeout, mutable and read-only contract files, repeats and
 * the noise-aware acceptance rule, guardrails against the frozen baseline, budgets, the graduated
 * gate and which model plays which role (proposers, critic, judge, coder, synthesizer).
 *
 * Every attempt is committed on `autoresearch/<tag>`; discarded ones stay reachable under
 * `refs/autoresearch/<tag>/discarded/<n>` and as patch files. The run directory holds
 * `results.tsv` (autoresearch format), `ledger.jsonl` (one full record per iteration, so a killed
 * run resumes), logs and `AUDIT_LOG.md` / `AUDIT_LOG.json`.
 *
 * @example Decide with the noise-aware rule and apply a strict diff
 * ```ts
 * import { applyUnifiedDiff, compareSamples } from "./mod.ts";
 * const verdict = compareSamples([9.1, 9.0, 8.9], [10.1, 9.9, 10.0], { minImprovement: 0.5 });
 * if (!verdict.passed) throw new Error(verdict.reason);
 * if (applyUnifiedDiff("a\nb\n", "@@ -1,2 +1,2 @@\n a\n-b\n+c\n") !== "a\nc\n") throw new Error();
 * ```
 *
 * @module
 */
export {
  initResearch,
  type ResearchOptions,
  type ResearchOutcome,
  runResearch,
} from "./research.ts";
export { type ResearchStatus, researchStatus } from "./status.ts";
export {
  type AuditIteration,
  type AuditReport,
  AuditReportSchema,
  buildAudit,
  type BuildAuditOptions,
  renderAuditMarkdown,
  type StatusCounts,
  writeAudit,
} from "./audit.ts";
export {
  type AcceptanceSpec,
  type Budgets,
  type CoderSpec,
  type GateSpec,
  type Guardrail,
  loadProblem,
  type MetricComponent,
  type MetricSpec,
  parseProblem,
  type ParseProblemOptions,
  type Problem,
  ProblemSchema,
  type RoleProviderSpec,
  type Roles,
  type RunnerSpec,
  type SocietySpec,
} from "./problem.ts";
export {
  checkGuardrails,
  type CompareOptions,
  compareSamples,
  type Comparison,
  type GuardrailCheck,
  type GuardrailOptions,
} from "./acceptance.ts";
// The t-tests of the acceptance rule live in lib/stats; research keeps exporting them.
export * from "../stats/welch.ts";
export {
  compareLexicographic,
  convexSum,
  type ConvexSumOptions,
  epsilonConstraint,
  type EpsilonConstraintOptions,
  type LexicographicOptions,
  lexicographicScalar,
  type Objective,
  type ObjectiveInput,
  ObjectiveSchema,
  scalarize,
  type Scalarizer,
  type ScalarizerInput,
  ScalarizerSchema,
  type TchebycheffOptions,
  weightedTchebycheff,
} from "./scalarize.ts";
export {
  applyFilePatch,
  applyUnifiedDiff,
  DiffError,
  type FilePatch,
  type Hunk,
  type HunkLine,
  parseUnifiedDiff,
} from "./unified_diff.ts";
export {
  type AgentCoderOptions,
  applyEdits,
  type ApplyEditsOptions,
  EditError,
  renderAgentCommand,
  runAgentCoder,
} from "./coder.ts";
export {
  extractMetric,
  killProcessGroup,
  runCommand,
  type RunCommandOptions,
  type RunnerSandbox,
  type RunResult,
  tailLines,
  toArgv,
} from "./runner.ts";
export { type EvaluateOptions, evaluateRuns, type Evaluation, meanRecord } from "./evaluate.ts";
export {
  codeIdea,
  type ContextOptions,
  type Proposal,
  proposeIdeas,
  providerLabel,
  rankProposals,
  renderProposals,
  reviewProposals,
  type RoleModel,
  type SocietyOptions,
  synthesizeResearchMemory,
} from "./society.ts";
export {
  renderContext,
  RESEARCH_AGENT_CODER_PROMPT,
  RESEARCH_CODER_PROMPT,
  RESEARCH_CRITIC_PROMPT,
  RESEARCH_JUDGE_PROMPT,
  RESEARCH_PROPOSER_PROMPT,
  RESEARCH_STRATEGY_NOTE,
  RESEARCH_SYNTHESIZER_PROMPT,
  type ResearchContext,
} from "./prompts.ts";
export {
  type CoderEdits,
  CoderEditsSchema,
  type Edit,
  EditSchema,
  type Idea,
  IdeaSchema,
  type JudgeRanking,
  JudgeRankingSchema,
  type ResearchMemory,
  ResearchMemorySchema,
  type Review,
  type ReviewList,
  ReviewListSchema,
  ReviewSchema,
} from "./schemas.ts";
export {
  type AttemptOutcome,
  boundResearchMemory,
  EMPTY_RESEARCH_MEMORY,
  type MemoryLimits,
  rememberAttempts,
} from "./memory.ts";
export { advanceGate, type GateConfig, type GateUpdate, INITIAL_GATE } from "./gate.ts";
export {
  appendLedger,
  type Attempt,
  type AttemptPhase,
  AttemptSchema,
  type AttemptStatus,
  AttemptStatusSchema,
  type BaselineRecord,
  type ComparisonRecord,
  formatResultsTsv,
  type GateState,
  type Incumbent,
  type IterationRecord,
  type LedgerRecord,
  LedgerRecordSchema,
  type LedgerSummary,
  type ProposalRecord,
  readLedger,
  type RecoveryRecord,
  type ResultsTsvOptions,
  RUN_FILES,
  type StopRecord,
  summarizeLedger,
  writeResultsTsv,
} from "./ledger.ts";
export { convergenceRows } from "./convergence_rows.ts";
export { type ProviderFactory, type ResearchProviders, resolveRoles } from "./roles.ts";
export { ResearchGit, ResearchGitError } from "./git.ts";
export {
  acquireRunLock,
  changedContracts,
  hashContracts,
  hashFile,
  type LocateOptions,
  openWorkspace,
  prepareRunDir,
  ResearchError,
  type ResearchWorkspace,
} from "./workspace.ts";
