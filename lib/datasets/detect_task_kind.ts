/**
 * Telling the task kind of a dataset row from its fields: coding rows (every format
 * `detectFormat` knows), answer rows (GSM8K, multiple choice, generic) and open rows.
 *
 * @module
 */
import { detectFormat } from "./load_dataset.ts";
import { isRecord } from "./_task_row_fields.ts";

/** What a dataset's items are scored by: hidden tests, a gold answer, or a judge panel. */
export type TaskKind = "code" | "answer" | "open";

/** The row formats of the answer and open kinds. */
export type TaskRowFormat = "gsm8k" | "choice" | "answer" | "open";

const OPEN_FIELDS = new Set(["id", "prompt", "reference", "source", "metadata"]);

/**
 * Detects an answer or open row's format from its fields:
 * - `choice`: a `question` with `choices` or `answerKey`, or a `question` object (`{stem, choices}`);
 * - `gsm8k`: any other row with a `question`;
 * - `answer`: a `prompt` with an `answer` or a `type`;
 * - `open`: a `prompt` and no fields but `id`, `prompt`, `reference`, `source`, `metadata`.
 * A coding row (see `detectFormat`) is none of these.
 *
 * @param row One parsed JSON row.
 * @returns The format, or undefined for a coding row or a row no format fits.
 *
 * @example
 * ```ts
 * import { detectTaskFormat } from "./detect_task_kind.ts";
 * if (detectTaskFormat({ question: "2 + 2?", answer: "#### 4" }) !== "gsm8k") throw new Error();
 * if (detectTaskFormat({ id: "o", prompt: "Explain DNS." }) !== "open") throw new Error();
 * ```
 */
export function detectTaskFormat(row: unknown): TaskRowFormat | undefined {
  if (!isRecord(row) || detectFormat(row) !== undefined) return undefined;
  if ("question" in row) {
    return "choices" in row || "answerKey" in row || isRecord(row.question) ? "choice" : "gsm8k";
  }
  if (!("prompt" in row)) return undefined;
  if ("answer" in row || "type" in row) return "answer";
  return Object.keys(row).every((k) => OPEN_FIELDS.has(k)) ? "open" : undefined;
}

/**
 * Detects a row's task kind.
 *
 * @param row One parsed JSON row.
 * @returns `code`, `answer` or `open`, or undefined when no format fits.
 *
 * @example
 * ```ts
 * import { detectTaskKind } from "./detect_task_kind.ts";
 * const choice = { question: "Pick one", choices: ["x", "y"], answerKey: "A" };
 * if (detectTaskKind(choice) !== "answer") throw new Error();
 * if (detectTaskKind({ nothing: true }) !== undefined) throw new Error();
 * ```
 */
export function detectTaskKind(row: unknown): TaskKind | undefined {
  const format = detectTaskFormat(row);
  if (format !== undefined) return format === "open" ? "open" : "answer";
  return detectFormat(row) !== undefined ? "code" : undefined;
}
