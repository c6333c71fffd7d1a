/**
 * Small HTML helpers for notebook views: escaping every piece of text and formatting numbers.
 *
 * @module
 */

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @param text Any value; non-strings are converted with `String`.
 * @returns The escaped text.
 *
 * @example Tags become text
 * ```ts
 * import { escapeHtml } from "./jupyter_html.ts";
 * if (escapeHtml("<b>&'\"") !== "&lt;b&gt;&amp;&#39;&quot;") throw new Error();
 * ```
 */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Options of {@linkcode formatValue}. */
export interface FormatValueOptions {
  /** Digits after the decimal point for non-integers. @default 3 */
  digits?: number;
}

/**
 * Formats a table cell value as plain text: numbers with fixed digits (integers as they are),
 * null/undefined as an empty string, objects as JSON.
 *
 * @param value The cell value.
 * @param options Digits for non-integers.
 * @returns The text (not yet escaped).
 *
 * @example Numbers and missing values
 * ```ts
 * import { formatValue } from "./jupyter_html.ts";
 * if (formatValue(0.123456) !== "0.123") throw new Error();
 * if (formatValue(12) !== "12" || formatValue(null) !== "") throw new Error();
 * ```
 */
export function formatValue(value: unknown, options: FormatValueOptions = {}): string {
  const digits = options.digits ?? 3;
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (Number.isInteger(value)) return String(value);
    return value.toFixed(digits);
  }
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || typeof value === "bigint") return String(value);
  return JSON.stringify(value);
}
