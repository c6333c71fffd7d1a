/**
 * The open row `{id, prompt, reference?}` converted to an {@linkcode OpenItem}: a prompt with no
 * gold answer, scored by a judge panel (against the reference, when there is one).
 *
 * @module
 */
import type { OpenItem } from "../schemas/task_item.ts";
import type { TaskRowOptions } from "./task_row_options.ts";
import { optionalText, rowId, rowMetadata, textField } from "./_task_row_fields.ts";

/** One open row. */
export interface OpenRow {
  /** Unique id (else the loader's `<file stem>-<line index>`). */
  id?: string | number;
  /** The task, used as written. */
  prompt: string;
  /** A reference answer a pairwise judge compares against (never shown to the student). */
  reference?: string;
  /** Where the row came from. */
  source?: string;
  /** Free metadata. */
  metadata?: Record<string, unknown>;
}

/**
 * Converts an open row. The prompt is used as written (open prompts get no answer instruction).
 *
 * @param row The row.
 * @param options Fallback id and source (`instruction` does not apply).
 * @returns The item.
 * @throws {RowConversionError} naming the field: a missing or empty prompt, an empty reference,
 * or a missing id with no fallback.
 *
 * @example
 * ```ts
 * import { fromOpenRow } from "./from_open_row.ts";
 * const item = fromOpenRow({ id: "o1", prompt: "Explain DNS.", reference: "DNS maps names to addresses." });
 * if (item.reference !== "DNS maps names to addresses." || item.prompt !== "Explain DNS.") throw new Error();
 * ```
 */
export function fromOpenRow(row: OpenRow, options: TaskRowOptions = {}): OpenItem {
  const r = row as unknown as Record<string, unknown>;
  const id = rowId(r, options.id);
  const prompt = textField(r, "prompt");
  const reference = optionalText(r, "reference");
  const source = options.source ?? optionalText(r, "source");
  const metadata = rowMetadata(r);
  return {
    id,
    prompt,
    ...(reference !== undefined ? { reference } : {}),
    ...(source !== undefined ? { source } : {}),
    ...(r.metadata !== undefined ? { metadata } : {}),
  };
}
