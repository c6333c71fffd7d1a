/**
 * Loading coding datasets from JSONL in any supported external format, converted to
 * {@linkcode CodingItem}, with errors that name the file, line and field.
 *
 * @module
 */
import { type CodingItem, CodingItemSchema } from "../schemas/coding.ts";
import { InputError } from "../util/jsonl.ts";
import { claimId, readNumberedRows } from "./read_rows.ts";
import {
  type ConvertOptions,
  fromHumanEval,
  HumanEvalRowSchema,
  RowConversionError,
} from "./from_humaneval.ts";
import { fromMultiplE, MultiplERowSchema } from "./from_multipl_e.ts";
import {
  AutoconstitutionPythonRowSchema,
  fromAutoconstitutionPython,
} from "./from_autoconstitution_python.ts";

/** Supported dataset formats. */
export type DatasetFormat =
  | "coding"
  | "mxeval"
  | "humaneval"
  | "multipl-e"
  | "autoconstitution-python";

/** Options for {@linkcode loadDataset}. */
export interface LoadDatasetOptions extends ConvertOptions {
  /** Row format; `"auto"` detects it from the first row. @default "auto" */
  format?: DatasetFormat | "auto";
  /** Read at most this many rows. @default all */
  limit?: number;
}

/**
 * Detects a row's format from its fields.
 *
 * @param row One parsed JSON row.
 * @returns The format, or undefined when no format fits.
 *
 * @example An mxeval row
 * ```ts
 * import { detectFormat } from "./load_dataset.ts";
 * const row = { task_id: "MBTSP/1", prompt: "p", canonical_solution: "", test: "t", entry_point: "f", language: "typescript" };
 * if (detectFormat(row) !== "mxeval") throw new Error();
 * ```
 */
export function detectFormat(row: unknown): DatasetFormat | undefined {
  if (!row || typeof row !== "object" || Array.isArray(row)) return undefined;
  const r = row as Record<string, unknown>;
  if ("entryPoint" in r && "hiddenTests" in r) return "coding";
  if ("task_id" in r && "entry_point" in r && "test" in r) {
    return "language" in r || "description" in r ? "mxeval" : "humaneval";
  }
  if ("name" in r && "prompt" in r && typeof r.tests === "string") return "multipl-e";
  const meta = r.metadata as Record<string, unknown> | undefined;
  if ("id" in r && "prompt" in r && meta && typeof meta.hidden_tests === "string") {
    return "autoconstitution-python";
  }
  return undefined;
}

const SCHEMAS = {
  "coding": CodingItemSchema,
  "mxeval": HumanEvalRowSchema,
  "humaneval": HumanEvalRowSchema,
  "multipl-e": MultiplERowSchema,
  "autoconstitution-python": AutoconstitutionPythonRowSchema,
} as const;

/**
 * Converts parsed rows of one format to coding items.
 *
 * @param rows Parsed rows with their 1-based line numbers.
 * @param file File name used in errors.
 * @param options Format (or "auto") and conversion options.
 * @returns The items, in order.
 * @throws {InputError} naming the file, line and field of the first bad row.
 *
 * @example Own-format rows
 * ```ts
 * import { convertRows } from "./load_dataset.ts";
 * const row = { id: "a", prompt: "p", entryPoint: "f", reference: "const f = () => 1;", visibleTests: [], hiddenTests: [{ name: "t", code: "assert.strictEqual(f(), 1);" }] };
 * const items = convertRows([{ row, line: 1 }], "x.jsonl");
 * if (items[0].language !== "typescript") throw new Error();
 * ```
 */
export function convertRows(
  rows: { row: unknown; line: number }[],
  file: string,
  options: LoadDatasetOptions = {},
): CodingItem[] {
  const wanted = options.format ?? "auto";
  if (wanted !== "auto" && !(wanted in SCHEMAS)) {
    throw new TypeError(
      `Cannot load format ${Object.keys(SCHEMAS).join(" | ")} | auto: current value is ${wanted}`,
    );
  }
  let format: DatasetFormat | undefined = wanted === "auto" ? undefined : wanted;
  const items: CodingItem[] = [];
  const ids = new Map<string, number>();
  for (const { row, line } of rows) {
    format ??= detectFormat(row);
    if (!format) {
      throw new InputError(
        file,
        "cannot detect the dataset format (expected CodingItem, mxeval/HumanEval, MultiPL-E or autoconstitution-python fields)",
        { line },
      );
    }
    const parsed = SCHEMAS[format].safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(file, `${issue.message} (format ${format})`, {
        line,
        field: issue.path.map(String).join(".") || undefined,
      });
    }
    let item: CodingItem;
    try {
      item = format === "coding"
        ? parsed.data as CodingItem
        : format === "multipl-e"
        ? fromMultiplE(parsed.data as never, options)
        : format === "autoconstitution-python"
        ? fromAutoconstitutionPython(parsed.data as never, options)
        : fromHumanEval(parsed.data as never, options);
    } catch (error) {
      if (error instanceof RowConversionError) {
        throw new InputError(file, error.message, { line, field: error.field });
      }
      throw error;
    }
    claimId(ids, item.id, file, line);
    items.push(item);
  }
  return items;
}

/**
 * Loads a JSONL dataset in any supported format and converts every row to a {@linkcode CodingItem}.
 * External rows are read unchanged and converted in memory; the file is never rewritten.
 *
 * @param path JSONL file.
 * @param options Format (default auto-detected), row limit, test split seed and share, npm pins.
 * @returns The coding items.
 * @throws {InputError} naming the file, line and field of a bad row, or a missing file.
 *
 * @example Load a two-row mxeval file
 * ```ts
 * import { loadDataset } from "./load_dataset.ts";
 * const dir = await Deno.makeTempDir();
 * const row = (i: number) => JSON.stringify({ task_id: `T/${i}`, language: "typescript", entry_point: "f",
 *   prompt: "const f = function (): number {\n", canonical_solution: "  return 1;\n}",
 *   test: "import * as assert from 'assert'\nassert.deepEqual(f(), 1);\nassert.deepEqual(f(), 1);\n" });
 * await Deno.writeTextFile(`${dir}/d.jsonl`, `${row(1)}\n${row(2)}\n`);
 * const items = await loadDataset(`${dir}/d.jsonl`);
 * if (items.length !== 2 || items[0].id !== "T/1") throw new Error();
 * ```
 */
export async function loadDataset(
  path: string,
  options: LoadDatasetOptions = {},
): Promise<CodingItem[]> {
  const rows = await readNumberedRows(path, options.limit ?? Infinity);
  return convertRows(rows, path, options);
}
