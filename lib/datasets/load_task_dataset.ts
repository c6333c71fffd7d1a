/**
 * Loading a dataset of any task kind from JSONL: coding rows (through `loadDataset`'s converters,
 * unchanged), answer rows (GSM8K, multiple choice, generic) and open rows. The kind is detected
 * from the rows; a file holds one kind.
 *
 * @module
 */
import type { CodingItem } from "../schemas/coding.ts";
import {
  type AnswerItem,
  AnswerItemSchema,
  type OpenItem,
  OpenItemSchema,
} from "../schemas/task_item.ts";
import { InputError } from "../util/jsonl.ts";
import { type ConvertOptions, RowConversionError } from "./from_humaneval.ts";
import { convertRows } from "./load_dataset.ts";
import { claimId, datasetStem, readNumberedRows } from "./read_rows.ts";
import { detectTaskFormat, detectTaskKind, type TaskKind } from "./detect_task_kind.ts";
import { type ChoiceRow, fromChoice } from "./from_choice.ts";
import { fromGsm8k, type Gsm8kRow } from "./from_gsm8k.ts";
import { type AnswerDatasetRow, fromAnswerRow } from "./from_answer_row.ts";
import { fromOpenRow, type OpenRow } from "./from_open_row.ts";

/** A loaded dataset: its kind and its items. */
export type TaskDataset =
  | { kind: "code"; items: CodingItem[] }
  | { kind: "answer"; items: AnswerItem[] }
  | { kind: "open"; items: OpenItem[] };

/** Options for {@linkcode loadTaskDataset} and {@linkcode convertTaskRows}. */
export interface LoadTaskDatasetOptions extends ConvertOptions {
  /** Read at most this many rows. @default all */
  limit?: number;
  /** Append the answer-type instruction (`ANSWER_INSTRUCTIONS`) to answer prompts. @default true */
  instruction?: boolean;
}

const EXPECTED = "expected GSM8K {question, answer}, multiple choice {question, choices, " +
  "answerKey}, answer {id, prompt, answer, type}, open {id, prompt, reference?}, or CodingItem, " +
  "mxeval/HumanEval, MultiPL-E or autoconstitution-python fields";

/** "an answer", "an open", "a code". */
function an(kind: TaskKind): string {
  return `${kind === "code" ? "a" : "an"} ${kind}`;
}

function kindOf(row: unknown, file: string, line: number): TaskKind {
  const kind = detectTaskKind(row);
  if (kind === undefined) {
    throw new InputError(file, `cannot detect the row format (${EXPECTED})`, { line });
  }
  return kind;
}

function convertTaskRow(
  row: unknown,
  id: string,
  options: LoadTaskDatasetOptions,
): AnswerItem | OpenItem {
  const rowOptions = { id, instruction: options.instruction, source: options.source };
  switch (detectTaskFormat(row)) {
    case "gsm8k":
      return fromGsm8k(row as Gsm8kRow, rowOptions);
    case "choice":
      return fromChoice(row as ChoiceRow, rowOptions);
    case "answer":
      return fromAnswerRow(row as AnswerDatasetRow, rowOptions);
    default:
      return fromOpenRow(row as OpenRow, rowOptions);
  }
}

/**
 * Converts parsed rows to a dataset of the kind of the first row. Coding rows go through
 * `convertRows` exactly as `loadDataset` does. Answer and open rows without an `id` get
 * `<file stem>-<0-based line index>` (`gsm8k-test-660-0`, …).
 *
 * @param rows Parsed rows with their 1-based line numbers.
 * @param file File name used in errors and in default ids.
 * @param options Instruction, coding conversion options, source.
 * @returns The kind and the items, in order.
 * @throws {InputError} naming the file, line and field of the first bad row: an unrecognised row,
 * a row of another kind than the first, a missing or empty field, an answer without a
 * `#### <number>` line, an answerKey not among the labels, an unknown type, a duplicate id, or
 * no rows at all.
 *
 * @example
 * ```ts
 * import { convertTaskRows } from "./load_task_dataset.ts";
 * const row = { question: "2 + 2?", answer: "2 + 2 = 4\n#### 4" };
 * const dataset = convertTaskRows([{ row, line: 1 }], "sums.jsonl");
 * if (dataset.kind !== "answer" || dataset.items[0].id !== "sums-0") throw new Error();
 * ```
 */
export function convertTaskRows(
  rows: { row: unknown; line: number }[],
  file: string,
  options: LoadTaskDatasetOptions = {},
): TaskDataset {
  if (rows.length === 0) throw new InputError(file, "the dataset has no rows");
  const first = rows[0];
  const kind = kindOf(first.row, file, first.line);
  const mixed = (k: TaskKind, line: number) =>
    new InputError(
      file,
      `${an(k)} row after ${an(kind)} row on line ${first.line}; a dataset holds one kind of task`,
      { line },
    );
  if (kind === "code") {
    // Coding rows convert exactly as in loadDataset; a non-coding row stops the file at its line
    // (after the rows before it, so the first bad line is the one reported).
    const at = rows.findIndex(({ row }) => {
      const k = detectTaskKind(row);
      return k !== undefined && k !== "code";
    });
    if (at < 0) return { kind, items: convertRows(rows, file, options) };
    convertRows(rows.slice(0, at), file, options);
    throw mixed(detectTaskKind(rows[at].row)!, rows[at].line);
  }
  const stem = datasetStem(file);
  const ids = new Map<string, number>();
  const items: (AnswerItem | OpenItem)[] = [];
  for (const { row, line } of rows) {
    const k = kindOf(row, file, line);
    if (k !== kind) throw mixed(k, line);
    let item: AnswerItem | OpenItem;
    try {
      item = convertTaskRow(row, `${stem}-${line - 1}`, options);
    } catch (error) {
      if (error instanceof RowConversionError) {
        throw new InputError(file, error.message, { line, field: error.field });
      }
      throw error;
    }
    const parsed = (kind === "answer" ? AnswerItemSchema : OpenItemSchema).safeParse(item);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(file, issue.message, {
        line,
        field: issue.path.map(String).join(".") || undefined,
      });
    }
    claimId(ids, item.id, file, line);
    items.push(item);
  }
  return kind === "answer"
    ? { kind, items: items as AnswerItem[] }
    : { kind, items: items as OpenItem[] };
}

/**
 * Loads a JSONL dataset of any task kind. Coding files (CodingItem, mxeval, HumanEval, MultiPL-E,
 * autoconstitution-python) load exactly as with `loadDataset`; GSM8K, multiple-choice and generic
 * answer rows load as answer items, `{id, prompt, reference?}` rows as open items. The file is
 * never rewritten, and a GSM8K worked solution never reaches a prompt or the metadata.
 *
 * @param path JSONL file.
 * @param options Row limit, answer instruction (default on), coding conversion options, source.
 * @returns The kind and the items.
 * @throws {InputError} naming the file, line and field of a bad row (see
 * {@linkcode convertTaskRows}), invalid JSON, or a missing file.
 * @throws {TypeError} when `path` is not a non-empty string.
 * @throws {RangeError} when `limit` is negative.
 *
 * @example Load two GSM8K rows
 * ```ts
 * import { loadTaskDataset } from "./load_task_dataset.ts";
 * const dir = await Deno.makeTempDir();
 * const row = (n: number) => JSON.stringify({ question: `${n} + ${n}?`, answer: `${n} + ${n} = ${2 * n}\n#### ${2 * n}` });
 * await Deno.writeTextFile(`${dir}/sums.jsonl`, `${row(1)}\n${row(2)}\n`);
 * const dataset = await loadTaskDataset(`${dir}/sums.jsonl`);
 * if (dataset.kind !== "answer" || dataset.items[1].gold !== "4") throw new Error();
 * ```
 */
export async function loadTaskDataset(
  path: string,
  options: LoadTaskDatasetOptions = {},
): Promise<TaskDataset> {
  const limit = options.limit ?? Infinity;
  // One row is read even with limit 0: the first row tells the kind.
  const rows = await readNumberedRows(path, limit >= 0 ? Math.max(limit, 1) : limit);
  if (limit === 0 && rows.length > 0) {
    return { kind: kindOf(rows[0].row, path, rows[0].line), items: [] } as TaskDataset;
  }
  return convertTaskRows(rows, path, options);
}
