/**
 * The benchmark harness: arms (baseline, critique–revision loops under different critics, the
 * same-budget best-of-n control), a resumable runner scored on hidden tests, per-arm paired
 * summaries and a Markdown report, simulation mode for planning, and sharded runs.
 *
 * @module
 */
export {
  type Arm,
  ARM_PRESETS,
  type ArmInput,
  ArmInputSchema,
  ArmSchema,
  CRITIQUE_MODES,
  DEFAULT_ARMS,
  resolveArms,
} from "./arms.ts";
export type { ResolveArmsOptions } from "./arms.ts";
export {
  answerKeyFlags,
  type ArmParts,
  armParts,
  type ArmPartUse,
  BUILTIN_CRITICS,
  BUILTIN_GATES,
  BUILTIN_PARTS,
  BUILTIN_STOPS,
  checkScoreTests,
  type CriticPart,
  type GatePart,
  type GateSetting,
  type PartContext,
  type PartInfo,
  type StopPart,
  type StopSetting,
  testSeeingParts,
  withParts,
} from "./parts.ts";
export {
  BUILTIN_SOLVERS,
  majority,
  sampleSeed,
  type Solved,
  type Solver,
  type SolveUnit,
} from "./solvers.ts";
export { countFlips, type Flips, FlipsSchema } from "./flips.ts";
export {
  armsFor,
  type ArmsForOptions,
  simulatedModelName,
  type SimulatedModels,
  simulatedModels,
  type SimulatedModelsOptions,
  taskFor,
  type TaskForOptions,
} from "./bench_setup.ts";
export { type ArmFileEntry, loadArmFile, parseArmFile } from "./arm_file.ts";
export { openRunStore, type RunDirOptions, type RunStore } from "./run_store.ts";
export {
  type AnswerSimulationOptions,
  createSimulatedAnswerProvider,
  createSimulatedOpenProvider,
  type OpenSimulationOptions,
  type SimulatedTaskProvider,
  type TaskTruth,
} from "./simulate_tasks.ts";
export { type ItemResult, ItemResultSchema, resultKey } from "./records.ts";
export {
  type BenchmarkBudget,
  type BenchmarkOptions,
  type BenchmarkResult,
  runBenchmark,
  RunMismatchError,
  shardItems,
} from "./run_benchmark.ts";
export {
  type ArmSummary,
  ArmSummarySchema,
  type BenchSummary,
  BenchSummarySchema,
  summarizeBenchmark,
  type SummarizeBenchmarkOptions,
} from "./summary.ts";
export { renderReport } from "./report.ts";
export { mergeBenchmarkRuns, type MergeOptions } from "./merge_runs.ts";
export {
  type EnvShard,
  SHARD_COUNT_VAR,
  SHARD_VAR,
  ShardEnvError,
  shardFromEnv,
} from "./shard_env.ts";
export {
  type GithubOptions,
  githubWorkflowYaml,
  kubernetesJobYaml,
  type KubernetesOptions,
  type LaunchPlan,
  shellQuote,
  type SlurmOptions,
  slurmScript,
} from "./launch.ts";
export { writeBenchmarkPlots } from "./write_plots.ts";
export {
  createSimulatedProvider,
  type SimulatedProvider,
  type SimulationOptions,
} from "./simulate.ts";
export { applyFaults, type FaultKind, type FaultSite, findFaultSites } from "./faults.ts";
export {
  armSummaryRows,
  forestRows,
  type ForestRowsOptions,
  slopeRows,
  trajectoryRows,
  type TrajectoryRowsOptions,
} from "./plot_rows.ts";
export {
  type CandidateScores,
  gateAudit,
  type GateAuditRow,
  GateAuditRowSchema,
  hiddenCandidateScores,
  type HiddenCandidateScoresOptions,
  type HiddenOutcome,
  renderGateAudit,
} from "./gate_audit.ts";
export {
  GATE_CANDIDATES_FILE,
  type GateCandidateRecord,
  gateCandidateRecords,
  GateCandidateRecordSchema,
} from "./gate_candidates.ts";
export { bestIndexAfterEach } from "./ratchet_replay.ts";
export { auditBenchmarkRun, type RunAudit } from "./audit_run.ts";
export {
  type ComparedRun,
  compareRunDirs,
  compareRunFiles,
  compareRuns,
  type CompareRunsOptions,
  comparisonForestRows,
  type RenderComparisonOptions,
  renderRunComparison,
  type RunComparison,
  type RunComparisonArm,
  RunComparisonSchema,
} from "./compare_runs.ts";
export {
  comparePasses,
  type ComparePassesOptions,
  type PassComparison,
  PassComparisonSchema,
} from "./pass_comparison.ts";
export { readRunFiles, type RunFiles } from "./read_run.ts";
export {
  type PoolRepair,
  PoolRepairSchema,
  type PoolRow,
  poolRowOrder,
  PoolRowSchema,
} from "./pool_row.ts";
export {
  COST_DEFINITION,
  POOL_GATES,
  type PoolGate,
  type PoolInfo,
  type PoolOptions,
  type PoolParts,
  poolParts,
  type PoolResult,
  repairSeed,
  runPool,
} from "./pool.ts";
export { readPoolFile, readPoolInfo } from "./pool_file.ts";
export {
  estimateFrontier,
  formatTokens,
  type FrontierGrid,
  type FrontierOptions,
  frontierVerdict,
  passAtK,
} from "./frontier.ts";
export {
  type Frontier,
  type FrontierComparison,
  type FrontierPoint,
  FrontierPointSchema,
  FrontierSchema,
  type SamplingPoint,
} from "./frontier_schema.ts";
export {
  frontierOfRun,
  frontierRows,
  frontierSpec,
  renderFrontier,
  writeFrontier,
} from "./frontier_report.ts";
export {
  summarizeTrajectory,
  type SummarizeTrajectoryOptions,
  type TrajectoryPoint,
  TrajectoryPointSchema,
  type TrajectorySummary,
  TrajectorySummarySchema,
} from "./trajectory.ts";
