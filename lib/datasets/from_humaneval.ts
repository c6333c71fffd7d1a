/**
 * HumanEval-style rows (`task_id, prompt, canonical_solution, test, entry_point`), including the
 * mxeval/MBXP variant that adds `language` and `description` (e.g. MBTSP, the TypeScript MBPP).
 *
 * @module
 */
import { z } from "zod";
import type { CodingItem } from "../schemas/coding.ts";
import type { Assignable, Schema } from "../schemas/schema.ts";
import { splitPythonCheck, splitTsAssertions } from "./_split_assertions.ts";
import { splitTests } from "./split_tests.ts";
import { bareImports, DEFAULT_NPM_PINS } from "./npm_pins.ts";

/** One HumanEval-style row, as published (mxeval adds `language` and `description`). */
export interface HumanEvalRow {
  /** Task id, e.g. "HumanEval/0" or "MBTSP/1". */
  task_id: string;
  /** Code prompt: signature and docstring, body left open. */
  prompt: string;
  /**
   * The body completing the prompt. Empty, `null` or absent when the source ships none (mxeval's
   * HumanEval-TypeScript file has `null` on every row): the item is then flagged
   * `metadata.referenceMissing` and `deno task validate` reports it unvalidated.
   */
  canonical_solution?: string | null;
  /** Test script: assertion statements (TypeScript) or `def check(candidate)` (Python). */
  test: string;
  /** Name of the function the tests call. */
  entry_point: string;
  /** mxeval: language of the row ("typescript", "python", …). */
  language?: string;
  /** mxeval: the problem in words. */
  description?: string;
  /** Any other published field. */
  [field: string]: unknown;
}
const humanEvalRow = z.looseObject({
  task_id: z.string().min(1),
  prompt: z.string().min(1),
  canonical_solution: z.string().nullish(),
  test: z.string().min(1),
  entry_point: z.string().min(1),
  language: z.string().optional(),
  description: z.string().optional(),
});
/** Schema of {@linkcode HumanEvalRow}. */
export const HumanEvalRowSchema: Schema<HumanEvalRow> = humanEvalRow;
const _humanEvalRow: Assignable<z.infer<typeof humanEvalRow>, HumanEvalRow> = true;

/** Options shared by the row converters. */
export interface ConvertOptions {
  /** Seed of the visible/hidden split (combined with the row id). @default "autoconstitution" */
  seed?: string | number;
  /** Share of each row's tests made visible. @default 1/3 */
  visibleFraction?: number;
  /** Extra or overriding pins for bare npm imports. @default DEFAULT_NPM_PINS */
  npmPins?: Record<string, string>;
  /** Dataset name recorded in `source`. @default derived from the row */
  source?: string;
}

/** Why a row could not be converted, naming the field. */
export class RowConversionError extends Error {
  /** The row field at fault. */
  readonly field: string;
  /**
   * Creates the error.
   *
   * @param field The row field at fault.
   * @param message What is wrong.
   */
  constructor(field: string, message: string) {
    super(message);
    this.name = "RowConversionError";
    this.field = field;
  }
}

function languageOf(row: HumanEvalRow): "typescript" | "python" {
  const l = (row.language ?? "").toLowerCase();
  if (["typescript", "ts", "javascript", "js"].includes(l)) return "typescript";
  if (["python", "py"].includes(l)) return "python";
  if (l !== "") throw new RowConversionError("language", `unsupported language "${row.language}"`);
  return /^\s*def\s+\w+\s*\(/m.test(row.prompt) ? "python" : "typescript";
}

/**
 * Converts a HumanEval-style or mxeval row into a {@linkcode CodingItem}. TypeScript: the test script
 * is split into one test per assertion (its `import * as assert from 'assert'` is dropped; the
 * harness binds `assert` to `node:assert/strict`); the prompt's bare npm imports are pinned in
 * `metadata.imports`. Python: `check(candidate)` is split into one pytest body per assertion and the
 * rest of the test module goes to `metadata.testSetup`. Tests are then split into visible and hidden
 * with {@linkcode splitTests}, seeded by the task id. The reference is the prompt plus the canonical
 * solution; the open prompt is kept as `metadata.codePrompt` so body-only answers can be assembled.
 *
 * @param row The row, unchanged.
 * @param options Split seed and share, npm pins, source name.
 * @returns The coding item.
 * @throws {RowConversionError} naming the field when the row cannot be used.
 *
 * @example An MBTSP-like row
 * ```ts
 * import { fromHumanEval } from "./from_humaneval.ts";
 * const item = fromHumanEval({
 *   task_id: "X/1", language: "typescript", entry_point: "inc",
 *   prompt: "const inc = function (x: number): number {\n", canonical_solution: "  return x + 1;\n}",
 *   test: "import * as assert from 'assert'\nassert.deepEqual(inc(1), 2);\nassert.deepEqual(inc(2), 3);\nassert.deepEqual(inc(0), 1);\n",
 * });
 * if (item.visibleTests.length + item.hiddenTests.length !== 3) throw new Error();
 * ```
 */
export function fromHumanEval(row: HumanEvalRow, options: ConvertOptions = {}): CodingItem {
  const language = languageOf(row);
  const pins = { ...DEFAULT_NPM_PINS, ...options.npmPins };
  const metadata: Record<string, unknown> = { codePrompt: row.prompt, taskId: row.task_id };
  if (row.description) metadata.description = row.description;
  let all;
  if (language === "typescript") {
    all = splitTsAssertions(row.test);
    const imports: Record<string, string> = {};
    const unknown: string[] = [];
    for (const spec of bareImports(row.prompt + "\n" + (row.canonical_solution ?? ""))) {
      if (pins[spec]) imports[spec] = pins[spec];
      else unknown.push(spec);
    }
    if (Object.keys(imports).length > 0) metadata.imports = imports;
    if (unknown.length > 0) metadata.unpinnedImports = unknown;
  } else {
    const split = splitPythonCheck(row.test, row.entry_point);
    all = split.tests;
    if (split.setup.trim() !== "") metadata.testSetup = split.setup;
  }
  if (all.length === 0) {
    throw new RowConversionError("test", "no assertions found in the test script");
  }
  const { visible, hidden } = splitTests(all, {
    seed: `${options.seed ?? "autoconstitution"}:${row.task_id}`,
    visibleFraction: options.visibleFraction,
  });
  const body = row.canonical_solution ?? "";
  const reference = body.trim() === "" ? undefined : `${row.prompt}${body}\n`;
  if (!reference) metadata.referenceMissing = true;
  const fence = language === "typescript" ? "ts" : "python";
  const lang = language === "typescript" ? "TypeScript" : "Python";
  return {
    id: row.task_id,
    prompt:
      `Complete the ${lang} function below. Reply with the whole function (or only the rest of ` +
      `its body) in one \`\`\`${fence} code block.\n\n\`\`\`${fence}\n${row.prompt.trimEnd()}\n\`\`\``,
    metadata,
    language,
    entryPoint: row.entry_point,
    reference: reference ?? missingReference(language),
    visibleTests: visible,
    hiddenTests: hidden,
    source: options.source ??
      (row.language ? `mxeval (${row.task_id.split("/")[0]})` : "humaneval"),
  };
}

/** The placeholder reference of a row that ships none (flagged by `metadata.referenceMissing`). */
export function missingReference(language: "typescript" | "python"): string {
  return language === "python"
    ? "# The source row ships no reference solution.\nraise NotImplementedError('no reference solution')\n"
    : "// The source row ships no reference solution.\nthrow new Error('no reference solution');\n";
}
