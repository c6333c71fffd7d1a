/**
 * Rows of the Python autoconstitution benchmark (`id, prompt, metadata.hidden_tests`): a prompt that
 * asks for a ```python block and a pytest module of hidden tests. Rows ship no solution.
 *
 * @module
 */
import { z } from "zod";
import type { CodingItem } from "../schemas/coding.ts";
import type { Assignable, Schema } from "../schemas/schema.ts";
import { splitPytestModule } from "./_split_assertions.ts";
import { splitTests } from "./split_tests.ts";
import { type ConvertOptions, missingReference, RowConversionError } from "./from_humaneval.ts";

/** One row of the Python autoconstitution benchmark, as published. */
export interface AutoconstitutionPythonRow {
  /** Row id. */
  id: string;
  /** The task, asking for a ```python block. */
  prompt: string;
  /** Hidden tests and optional setup, plus any other published field. */
  metadata: {
    /** A pytest module: `def test_…():` functions and helpers. */
    hidden_tests: string;
    /** Code the anchor put before the student's code. */
    setup?: string;
    /** Any other published field. */
    [field: string]: unknown;
  };
  /** Any other published field. */
  [field: string]: unknown;
}
const autoconstitutionPythonRow = z.looseObject({
  id: z.string().min(1),
  prompt: z.string().min(1),
  metadata: z.looseObject({
    hidden_tests: z.string().min(1),
    setup: z.string().optional(),
  }),
});
/** Schema of {@linkcode AutoconstitutionPythonRow}. */
export const AutoconstitutionPythonRowSchema: Schema<AutoconstitutionPythonRow> =
  autoconstitutionPythonRow;
const _autoconstitutionPythonRow: Assignable<
  z.infer<typeof autoconstitutionPythonRow>,
  AutoconstitutionPythonRow
> = true;

/**
 * Converts a Python autoconstitution row into a Python {@linkcode CodingItem}. Each `test_*`
 * function of `metadata.hidden_tests` becomes a test (its body, or its whole definition when it takes
 * fixtures or is decorated); the rest of the module (imports, helpers) and `metadata.setup` go to
 * `metadata.testSetup`. The entry point is the first `def name(` (or `class Name`) the prompt names;
 * when the prompt shows that definition unfenced at the start of a line (the fix-the-bug rows), it
 * becomes `buggyCode`.
 * The tests are split into visible and hidden with {@linkcode splitTests} (the anchor used them all as
 * hidden tests and as feedback; see `anchorTestsCritic`). No reference ships, so the item is flagged
 * `metadata.referenceMissing`. Running the tests needs python3 with pytest; without it the sandbox
 * reports a clear `sandbox_error`.
 *
 * @param row The row, unchanged.
 * @param options Split seed and share, source name.
 * @returns The coding item.
 * @throws {RowConversionError} naming the field when the row cannot be used.
 *
 * @example A binary-search row
 * ```ts
 * import { fromAutoconstitutionPython } from "./from_autoconstitution_python.ts";
 * const item = fromAutoconstitutionPython({
 *   id: "bs", prompt: "Return a python code block defining `def binary_search(nums, target)`.",
 *   metadata: { hidden_tests: "def test_a():\n    assert binary_search([1], 1) == 0\n\ndef test_b():\n    assert binary_search([], 1) == -1\n" },
 * });
 * if (item.entryPoint !== "binary_search" || item.language !== "python") throw new Error();
 * ```
 */
export function fromAutoconstitutionPython(
  row: AutoconstitutionPythonRow,
  options: ConvertOptions = {},
): CodingItem {
  const def = row.prompt.match(/\bdef\s+([A-Za-z_]\w*)\s*\(/) ??
    row.prompt.match(/\bclass\s+([A-Za-z_]\w*)/);
  if (!def) {
    throw new RowConversionError(
      "prompt",
      "cannot find the entry point (no `def name(` or `class Name`)",
    );
  }
  const { tests, setup } = splitPytestModule(row.metadata.hidden_tests);
  if (tests.length === 0) {
    throw new RowConversionError("metadata.hidden_tests", "no test_* functions found");
  }
  const { visible, hidden } = splitTests(tests, {
    seed: `${options.seed ?? "autoconstitution"}:${row.id}`,
    visibleFraction: options.visibleFraction,
  });
  const testSetup = [row.metadata.setup ?? "", setup].filter((s) => s.trim() !== "").join("\n\n");
  const { hidden_tests: _tests, setup: _setup, ...rest } = row.metadata;
  // Fix-the-bug rows show the buggy program unfenced after the instructions.
  const buggy = row.prompt.match(new RegExp(`^(?:def|class) ${def[1]}\\b[\\s\\S]*$`, "m"));
  return {
    id: row.id,
    prompt: row.prompt,
    metadata: { ...rest, referenceMissing: true, ...(testSetup ? { testSetup } : {}) },
    language: "python",
    entryPoint: def[1],
    reference: missingReference("python"),
    visibleTests: visible,
    hiddenTests: hidden,
    ...(buggy ? { buggyCode: buggy[0].trimEnd() + "\n" } : {}),
    source: options.source ?? "autoconstitution-python",
  };
}
