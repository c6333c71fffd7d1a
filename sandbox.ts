/**
 * The sandbox door: the pieces under `runTests` — program assembly, answer shapes, the npm cache,
 * isolation probing and the result schemas. The core door (`mod.ts`) carries `runTests`,
 * `runTestsBatch`, `codingJob`, `detectIsolation`, `extractCode` and `validateDataset`.
 *
 * @example
 * ```ts
 * import { detectAnswerShape } from "./sandbox.ts";
 * const item = { entryPoint: "f", language: "typescript" as const };
 * if (detectAnswerShape("function f(x: number) { return x; }", item) !== "program") throw new Error();
 * ```
 *
 * @module
 */
export {
  type AnswerShape,
  type AssembledProgram,
  assembleProgram,
  type AssemblyItem,
  codePromptOf,
  DatasetValidationSchema,
  defaultNpmCacheDir,
  detectAnswerShape,
  type DetectIsolationOptions,
  type ExtractCodeOptions,
  IsolationLevelSchema,
  type IsolationProbe,
  prepareNpmCache,
  type PrepareNpmCacheOptions,
  type RowValidation,
  RowValidationSchema,
  RUNNER_VERSION,
  type RunSummary,
  RunSummarySchema,
  SandboxJobSchema,
  SandboxResultSchema,
  SandboxStatusSchema,
  STUB_BODY,
  stubProgram,
  type TestOutcome,
  TestOutcomeSchema,
  type TypeCheckMode,
} from "./lib/sandbox/mod.ts";
