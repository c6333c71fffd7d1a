// Private field readers of the answer- and open-task row converters. Each throws a
// RowConversionError naming the field, which the loader turns into a file:line InputError.
import { RowConversionError } from "./from_humaneval.ts";

/** Letters of the options, in order. */
export const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Whether a value is a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

/** A required non-empty string (or, when `numbers`, a finite number as a string) named `name`. */
export function requireText(value: unknown, name: string, numbers = false): string {
  if (value === undefined) throw new RowConversionError(name, `${name} is missing`);
  if (numbers && typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") {
    throw new RowConversionError(name, `${name} must be a string, not ${describe(value)}`);
  }
  if (value.trim() === "") throw new RowConversionError(name, `${name} is empty`);
  return value;
}

/** A required non-empty string field. */
export function textField(row: Record<string, unknown>, field: string, name = field): string {
  return requireText(row[field], name);
}

/** An optional non-empty string field. */
export function optionalText(row: Record<string, unknown>, field: string): string | undefined {
  return row[field] === undefined ? undefined : textField(row, field);
}

/** The row's id (a non-empty string or an integer), else the fallback. */
export function rowId(row: Record<string, unknown>, fallback: string | undefined): string {
  const id = row.id;
  if (id === undefined) {
    if (fallback === undefined) throw new RowConversionError("id", "id is missing");
    return fallback;
  }
  if (typeof id === "number" && Number.isInteger(id)) return String(id);
  return textField(row, "id");
}

/** The row's own metadata, when it has an object there. */
export function rowMetadata(row: Record<string, unknown>): Record<string, unknown> {
  if (row.metadata === undefined) return {};
  if (!isRecord(row.metadata)) {
    throw new RowConversionError(
      "metadata",
      `metadata must be an object, not ${describe(row.metadata)}`,
    );
  }
  return row.metadata;
}

const PLAIN_NUMBER =
  /^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?$|^[+-]?\d+\/[1-9]\d*$/;

/** A gold number written plainly (`18`, `-3`, `2,125`, `0.75`, `1e3`, `3/4`), without its commas. */
export function plainNumber(text: string): string | undefined {
  const s = text.trim();
  return PLAIN_NUMBER.test(s) ? s.replaceAll(",", "") : undefined;
}

function textKey(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

/** A gold choice: a letter among the options (either case) or one option's text → the letter. */
export function choiceLetter(
  text: string,
  choices: readonly string[] | undefined,
): string | undefined {
  const s = text.trim();
  const letter = /^\(?([A-Za-z])\)?$/.exec(s)?.[1].toUpperCase();
  if (letter !== undefined) {
    const index = LETTERS.indexOf(letter);
    return choices === undefined || index < choices.length ? letter : undefined;
  }
  const hits = (choices ?? []).flatMap((c, i) => textKey(c) === textKey(s) ? [i] : []);
  return hits.length === 1 ? LETTERS[hits[0]] : undefined;
}
