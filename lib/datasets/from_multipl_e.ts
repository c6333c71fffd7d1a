/**
 * MultiPL-E rows (`name, language, prompt, tests`, plus doctests/original/stop_tokens): HumanEval and
 * MBPP translated to many languages. Rows ship no solution.
 *
 * @module
 */
import { z } from "zod";
import type { CodingItem } from "../schemas/coding.ts";
import type { Assignable, Schema } from "../schemas/schema.ts";
import { splitPythonCheck, splitTsAssertions } from "./_split_assertions.ts";
import { splitTests } from "./split_tests.ts";
import { bareImports, DEFAULT_NPM_PINS } from "./npm_pins.ts";
import { type ConvertOptions, missingReference, RowConversionError } from "./from_humaneval.ts";

/** One MultiPL-E row, as published (doctests, original, stop_tokens… are allowed). */
export interface MultiplERow {
  /** Problem name, e.g. "HumanEval_0_has_close_elements". */
  name: string;
  /** Language code ("ts", "js", "py", …). */
  language?: string;
  /** Code prompt ending with an open function body. */
  prompt: string;
  /** Test program (a `test()` function or `check(candidate)`). */
  tests: string;
  /** Any other published field. */
  [field: string]: unknown;
}
const multiplERow = z.looseObject({
  name: z.string().min(1),
  language: z.string().optional(),
  prompt: z.string().min(1),
  tests: z.string().min(1),
});
/** Schema of {@linkcode MultiplERow}. */
export const MultiplERowSchema: Schema<MultiplERow> = multiplERow;
const _multiplERow: Assignable<z.infer<typeof multiplERow>, MultiplERow> = true;

/**
 * Converts a MultiPL-E row (TypeScript/JavaScript or Python) into a {@linkcode CodingItem}. The entry
 * point comes from the tests' `candidate = <name>` alias (or the prompt's last function); the test
 * function is split into one test per assertion, keeping the legacy `assert` semantics of
 * `require('node:assert')`. MultiPL-E ships no solutions: the item is flagged
 * `metadata.referenceMissing` and its reference is a placeholder that fails, so
 * {@linkcode validateDataset} reports it as unvalidated.
 *
 * @param row The row, unchanged.
 * @param options Split seed and share, npm pins, source name.
 * @returns The coding item.
 * @throws {RowConversionError} naming the field when the row cannot be used.
 *
 * @example A HumanEval-TS row
 * ```ts
 * import { fromMultiplE } from "./from_multipl_e.ts";
 * const item = fromMultiplE({
 *   name: "HumanEval_0_x", language: "ts",
 *   prompt: "function add(a: number, b: number): number {\n",
 *   tests: "declare var require: any;\nconst assert = require('node:assert');\n\nfunction test() {\n  let candidate = add;\n  assert.deepEqual(candidate(1, 2),3);\n  assert.deepEqual(candidate(2, 2),4);\n}\n\ntest();",
 * });
 * if (item.entryPoint !== "add" || item.hiddenTests.length + item.visibleTests.length !== 2) throw new Error();
 * ```
 */
export function fromMultiplE(row: MultiplERow, options: ConvertOptions = {}): CodingItem {
  const lang = (row.language ?? "").toLowerCase();
  const language = ["py", "python"].includes(lang)
    ? "python"
    : ["ts", "typescript", "js", "javascript", ""].includes(lang)
    ? "typescript"
    : undefined;
  if (!language) throw new RowConversionError("language", `unsupported language "${row.language}"`);
  const alias = row.tests.match(/\b(?:let|const|var)?\s*candidate\s*=\s*([A-Za-z_$][\w$]*)/) ??
    row.tests.match(/\bcheck\(\s*([A-Za-z_$][\w$]*)\s*\)/);
  const fromPrompt = [...row.prompt.matchAll(/(?:function|def)\s+([A-Za-z_$][\w$]*)\s*\(/g)].at(-1);
  const entryPoint = alias?.[1] ?? fromPrompt?.[1];
  if (!entryPoint) {
    throw new RowConversionError("tests", "cannot find the entry point (no `candidate = name`)");
  }
  const metadata: Record<string, unknown> = {
    codePrompt: row.prompt,
    referenceMissing: true,
    name: row.name,
  };
  let all;
  if (language === "typescript") {
    all = splitTsAssertions(row.tests);
    const pins = { ...DEFAULT_NPM_PINS, ...options.npmPins };
    const imports: Record<string, string> = {};
    for (const spec of bareImports(row.prompt)) if (pins[spec]) imports[spec] = pins[spec];
    if (Object.keys(imports).length > 0) metadata.imports = imports;
  } else {
    const split = splitPythonCheck(
      row.tests.replace(/^def\s+test_check\(\)[\s\S]*$/m, ""),
      entryPoint,
    );
    all = split.tests;
    if (split.setup.trim() !== "") metadata.testSetup = split.setup;
  }
  if (all.length === 0) throw new RowConversionError("tests", "no assertions found in the tests");
  const { visible, hidden } = splitTests(all, {
    seed: `${options.seed ?? "autoconstitution"}:${row.name}`,
    visibleFraction: options.visibleFraction,
  });
  const fence = language === "typescript" ? "ts" : "python";
  const human = language === "typescript" ? "TypeScript" : "Python";
  return {
    id: row.name,
    prompt:
      `Complete the ${human} function below. Reply with the whole function (or only the rest of ` +
      `its body) in one \`\`\`${fence} code block.\n\n\`\`\`${fence}\n${row.prompt.trimEnd()}\n\`\`\``,
    metadata,
    language,
    entryPoint,
    reference: missingReference(language),
    visibleTests: visible,
    hiddenTests: hidden,
    source: options.source ?? "MultiPL-E",
  };
}
