/**
 * Dataset validation: every reference solution must pass all of its row's tests (visible and hidden)
 * and a trivial stub must fail them, inside the sandbox. A row that fails either check is broken.
 *
 * @module
 */
import type { CodingItem } from "../schemas/coding.ts";
import { assembleProgram, codePromptOf } from "./assemble_program.ts";
import { codingJob } from "./coding_job.ts";
import { runTestsBatch } from "./run_tests_batch.ts";
import type { SandboxOptions } from "./sandbox_options.ts";
import type { SandboxJob } from "./sandbox_job.ts";
import {
  type IsolationLevel,
  type SandboxResult,
  type SandboxStatus,
  SandboxStatusSchema,
} from "./sandbox_result.ts";
import type { Equals, Schema } from "../schemas/schema.ts";
import { z } from "zod";

/** A short account of one sandbox run in a validation report. */
export interface RunSummary {
  /** The run's status. */
  status: SandboxStatus;
  /** Why. */
  reason: string;
  /** Tests passed. */
  passedTests: number;
  /** Tests expected to run. */
  expectedTests: number;
}
const runSummary = z.object({
  status: SandboxStatusSchema as z.ZodType<SandboxStatus>,
  reason: z.string(),
  passedTests: z.number().int().nonnegative(),
  expectedTests: z.number().int().nonnegative(),
});
/** Schema of {@linkcode RunSummary}. */
export const RunSummarySchema: Schema<RunSummary> = runSummary;
const _runSummary: Equals<z.infer<typeof runSummary>, RunSummary> = true;

/** The validation of one row. */
export interface RowValidation {
  /** The item id. */
  id: string;
  /** "ok", "broken", "unvalidated" (no reference to run) or "skipped" (the runtime is unavailable, e.g. no python3). */
  verdict: "ok" | "broken" | "unvalidated" | "skipped";
  /** What is wrong or noteworthy. */
  problems: string[];
  /** The reference run (absent when the row has no reference). */
  reference?: RunSummary;
  /** The stub run. */
  stub?: RunSummary;
  /** The run of `buggyCode` (fix-the-bug rows), which must fail at least one test. */
  buggy?: RunSummary;
}
const rowValidation = z.object({
  id: z.string(),
  verdict: z.enum(["ok", "broken", "unvalidated", "skipped"]),
  problems: z.array(z.string()),
  reference: runSummary.optional(),
  stub: runSummary.optional(),
  buggy: runSummary.optional(),
});
/** Schema of {@linkcode RowValidation}. */
export const RowValidationSchema: Schema<RowValidation> = rowValidation;
const _rowValidation: Equals<z.infer<typeof rowValidation>, RowValidation> = true;

/** The validation of a whole dataset. */
export interface DatasetValidation {
  /** One verdict per item, in input order. */
  rows: RowValidation[];
  /** Rows whose reference passed and whose stub (and buggy program) failed. */
  ok: number;
  /** Rows with a problem. */
  broken: number;
  /** Rows without a reference to run. */
  unvalidated: number;
  /** Rows whose runtime was unavailable. */
  skipped: number;
  /** References that passed all their tests. */
  referencesPassed: number;
  /** References run. */
  referencesRun: number;
  /** Stubs that failed. */
  stubsFailed: number;
  /** Stubs run. */
  stubsRun: number;
  /** Isolation the runs had. */
  isolation: IsolationLevel;
  /** Wall-clock milliseconds. */
  durationMs: number;
}
const datasetValidation = z.object({
  rows: z.array(rowValidation),
  ok: z.number().int().nonnegative(),
  broken: z.number().int().nonnegative(),
  unvalidated: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  referencesPassed: z.number().int().nonnegative(),
  referencesRun: z.number().int().nonnegative(),
  stubsFailed: z.number().int().nonnegative(),
  stubsRun: z.number().int().nonnegative(),
  isolation: z.enum(["none", "bwrap"]),
  durationMs: z.number().nonnegative(),
});
/** Schema of {@linkcode DatasetValidation}. */
export const DatasetValidationSchema: Schema<DatasetValidation> = datasetValidation;
const _datasetValidation: Equals<z.infer<typeof datasetValidation>, DatasetValidation> = true;

/** Options for {@linkcode validateDataset}. */
export interface ValidateDatasetOptions extends SandboxOptions {
  /** Sandboxes running at once. @default 2 */
  concurrency?: number;
  /** Called after each sandbox run with the number done and the total. */
  onProgress?: (done: number, total: number) => void;
}

/** The stub body used when the prompt ends with an open function body. */
export const STUB_BODY = 'throw new Error("not implemented");';

/**
 * The trivial stub program for an item: the open code prompt completed with a throwing body, or a
 * throwing definition of the entry point.
 *
 * @param item The item.
 * @returns A program that defines the entry point and throws when called.
 *
 * @example A stub for a TypeScript item without a code prompt
 * ```ts
 * import { stubProgram } from "./validate_dataset.ts";
 * const stub = stubProgram({ entryPoint: "f", language: "typescript" });
 * if (!stub.includes("function f(") || !stub.includes("not implemented")) throw new Error(stub);
 * ```
 */
export function stubProgram(
  item: Pick<CodingItem, "entryPoint" | "language" | "metadata">,
): string {
  const language = item.language ?? "typescript";
  const prompt = codePromptOf(item);
  if (language === "python") {
    if (prompt && /:\s*$|("""|''')\s*$/.test(prompt.trimEnd())) {
      return assembleProgram(item, "raise NotImplementedError('not implemented')").program;
    }
    return `def ${item.entryPoint}(*args, **kwargs):\n    raise NotImplementedError("not implemented")\n`;
  }
  if (prompt) {
    const assembled = assembleProgram(item, STUB_BODY);
    if (assembled.shape === "body") return assembled.program;
  }
  return `function ${item.entryPoint}(..._args: unknown[]): never {\n  ${STUB_BODY}\n}\n`;
}

function brief(r: SandboxResult): RunSummary {
  return {
    status: r.status,
    reason: r.reason,
    passedTests: r.passedTests,
    expectedTests: r.expectedTests,
  };
}

/**
 * Validates coding items in the sandbox: each reference must pass all its visible and hidden tests,
 * and each stub (a body that throws "not implemented") must fail; a fix-the-bug row's `buggyCode` must
 * fail at least one test. Also checks that ids are unique and
 * that no test appears in both the visible and the hidden set. Rows without a reference
 * (`metadata.referenceMissing`) are "unvalidated"; rows whose runtime is missing (Python rows on a
 * host without python3 3.9+) are "skipped" with the reason.
 *
 * @param items The items.
 * @param options Sandbox limits, isolation, concurrency and progress.
 * @returns Per-row verdicts and totals.
 *
 * @example A good row and a row whose tests a stub passes
 * ```ts
 * import { validateDataset } from "./validate_dataset.ts";
 * const base = { prompt: "p", language: "typescript" as const, entryPoint: "f", reference: "const f = () => 1;", visibleTests: [] };
 * const report = await validateDataset([
 *   { ...base, id: "good", hiddenTests: [{ name: "t", code: "assert.strictEqual(f(), 1);" }] },
 *   { ...base, id: "weak", hiddenTests: [{ name: "t", code: "assert.ok(true);" }] },
 * ]);
 * if (report.ok !== 1 || report.rows[1].verdict !== "broken") throw new Error(JSON.stringify(report.rows));
 * ```
 */
export async function validateDataset(
  items: CodingItem[],
  options: ValidateDatasetOptions = {},
): Promise<DatasetValidation> {
  if (!Array.isArray(items)) {
    throw new TypeError(
      `Cannot validate a dataset from a non-array: current value is ${typeof items}`,
    );
  }
  const started = performance.now();
  const jobs: SandboxJob[] = [];
  const slots: { ref?: number; stub: number; buggy?: number }[] = [];
  const rows: RowValidation[] = items.map((item) => ({ id: item.id, verdict: "ok", problems: [] }));
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    if (seen.has(item.id)) {
      rows[i].problems.push(`duplicate id (also row ${seen.get(item.id)! + 1})`);
    }
    seen.set(item.id, i);
    const visibleCode = new Set(item.visibleTests.map((t) => t.code.trim()));
    const leaked = item.hiddenTests.filter((t) => visibleCode.has(t.code.trim()));
    if (leaked.length > 0) rows[i].problems.push(`hidden test "${leaked[0].name}" is also visible`);
    if (item.hiddenTests.length === 0) rows[i].problems.push("no hidden tests");
    const slot: { ref?: number; stub: number; buggy?: number } = { stub: -1 };
    if (item.metadata?.referenceMissing !== true) {
      slot.ref = jobs.length;
      jobs.push(codingJob(item, item.reference, { which: "all" }));
    }
    slot.stub = jobs.length;
    jobs.push(codingJob(item, stubProgram(item), { which: "all" }));
    if (item.buggyCode) {
      slot.buggy = jobs.length;
      jobs.push(codingJob(item, item.buggyCode, { which: "all" }));
    }
    slots.push(slot);
  });
  let done = 0;
  const { concurrency, onProgress, ...sandbox } = options;
  const results = await runTestsBatch(jobs, {
    ...sandbox,
    concurrency,
    onResult: () => onProgress?.(++done, jobs.length),
  });
  let referencesPassed = 0, referencesRun = 0, stubsFailed = 0, stubsRun = 0;
  items.forEach((_item, i) => {
    const row = rows[i];
    const slot = slots[i];
    const stub = results[slot.stub];
    const ref = slot.ref !== undefined ? results[slot.ref] : undefined;
    if (ref) row.reference = brief(ref);
    row.stub = brief(stub);
    if ([stub, ref].some((r) => r?.status === "sandbox_error")) {
      row.verdict = "skipped";
      row.problems.push(`skipped: ${(ref?.status === "sandbox_error" ? ref : stub).reason}`);
      return;
    }
    if (ref) {
      referencesRun++;
      if (ref.status === "passed") referencesPassed++;
      else row.problems.push(`reference does not pass: ${ref.reason}`);
    }
    stubsRun++;
    if (stub.status === "passed") {
      row.problems.push("a stub that throws passes every test: the tests check nothing");
    } else stubsFailed++;
    const buggy = slot.buggy !== undefined ? results[slot.buggy] : undefined;
    if (buggy) {
      row.buggy = brief(buggy);
      if (buggy.status === "passed") {
        row.problems.push("the buggy program passes every test: the bug is not tested");
      }
    }
    if (row.problems.length > 0) row.verdict = "broken";
    else if (!ref) {
      row.verdict = "unvalidated";
      row.problems.push("no reference solution in the source row");
    }
  });
  const count = (v: RowValidation["verdict"]) => rows.filter((r) => r.verdict === v).length;
  return {
    rows,
    ok: count("ok"),
    broken: count("broken"),
    unvalidated: count("unvalidated"),
    skipped: count("skipped"),
    referencesPassed,
    referencesRun,
    stubsFailed,
    stubsRun,
    isolation: results[0]?.isolation ?? "none",
    durationMs: Math.round(performance.now() - started),
  };
}
