/**
 * The sandbox for model-written code: runs a candidate program and an honest test harness isolated
 * from the user's files, network, environment and processes (bubblewrap), with time, memory and
 * output limits, and returns a verdict that counts as a pass only when exactly the expected tests ran
 * and were reported with the run's secret key. Also: extracting code from answers, assembling
 * programs from body-only answers, batched runs with one type check, the npm cache, and validating a
 * coding dataset (every reference passes its tests, a stub fails them).
 *
 * @module
 */
export { runTests } from "./run_tests.ts";
export { runTestsBatch, type RunTestsBatchOptions } from "./run_tests_batch.ts";
export { RUNNER_VERSION, type SandboxOptions, type TypeCheckMode } from "./sandbox_options.ts";
export { type SandboxJob, SandboxJobSchema } from "./sandbox_job.ts";
export {
  type IsolationLevel,
  IsolationLevelSchema,
  type SandboxResult,
  SandboxResultSchema,
  type SandboxStatus,
  SandboxStatusSchema,
  type TestOutcome,
  TestOutcomeSchema,
} from "./sandbox_result.ts";
export {
  detectIsolation,
  type DetectIsolationOptions,
  type IsolationProbe,
  NO_ISOLATION_WARNING,
} from "./isolation.ts";
export { extractCode, type ExtractCodeOptions } from "./extract_code.ts";
export {
  type AnswerShape,
  type AssembledProgram,
  assembleProgram,
  type AssemblyItem,
  codePromptOf,
  detectAnswerShape,
} from "./assemble_program.ts";
export { codingJob, type TestSet } from "./coding_job.ts";
export { defaultNpmCacheDir, prepareNpmCache, type PrepareNpmCacheOptions } from "./npm_cache.ts";
export {
  type DatasetValidation,
  DatasetValidationSchema,
  type RowValidation,
  RowValidationSchema,
  type RunSummary,
  RunSummarySchema,
  STUB_BODY,
  stubProgram,
  validateDataset,
  type ValidateDatasetOptions,
} from "./validate_dataset.ts";
