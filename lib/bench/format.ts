/**
 * Number formatting shared by the benchmark's Markdown and notebook tables.
 *
 * @module
 */

/**
 * A p-value for a table: "<0.001" below a thousandth, three decimals otherwise, "–" when absent.
 *
 * @param p The p-value.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { pValueText } from "./format.ts";
 * if (pValueText(0.0004) !== "<0.001" || pValueText(0.25) !== "0.250" || pValueText(undefined) !== "–") {
 *   throw new Error();
 * }
 * ```
 */
export function pValueText(p: number | undefined): string {
  if (p === undefined) return "–";
  return p < 0.001 ? "<0.001" : p.toFixed(3);
}

/**
 * A rate in [0, 1] as a whole percentage, "–" when there is none.
 *
 * @param x The rate, or null.
 * @returns The text, e.g. "17%".
 *
 * @example
 * ```ts
 * import { rateText } from "./format.ts";
 * if (rateText(1 / 6) !== "17%" || rateText(null) !== "–") throw new Error();
 * ```
 */
export function rateText(x: number | null): string {
  return x === null ? "–" : `${(100 * x).toFixed(0)}%`;
}

/**
 * A rate in [0, 1] as a percentage with one decimal (pass@1 tables), "–" when there is none.
 *
 * @param x The rate, or null.
 * @returns The text, e.g. "38.9%".
 *
 * @example
 * ```ts
 * import { percentText } from "./format.ts";
 * if (percentText(7 / 18) !== "38.9%" || percentText(null) !== "–") throw new Error();
 * ```
 */
export function percentText(x: number | null | undefined): string {
  return x === null || x === undefined ? "–" : `${(100 * x).toFixed(1)}%`;
}

/**
 * A difference of rates in percentage points with its sign: "+33.3", "−8.3", "±0.0"; "–" when
 * there is none.
 *
 * @param x The difference, or null.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { pointsText } from "./format.ts";
 * if (pointsText(1 / 3) !== "+33.3" || pointsText(-0.083) !== "−8.3" || pointsText(0) !== "±0.0") {
 *   throw new Error();
 * }
 * ```
 */
export function pointsText(x: number | null | undefined): string {
  if (x === null || x === undefined) return "–";
  return `${x > 0 ? "+" : x < 0 ? "−" : "±"}${Math.abs(100 * x).toFixed(1)}`;
}
