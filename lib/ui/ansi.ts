/**
 * Minimal ANSI styling that respects `NO_COLOR` and measures visible width.
 *
 * @module
 */

/** A set of styling functions; all identity when colour is off. */
export interface Styles {
  /** Bold text. */
  bold(text: string): string;
  /** Dimmed text. */
  dim(text: string): string;
  /** Green text (kept, passed). */
  green(text: string): string;
  /** Red text (errors). */
  red(text: string): string;
  /** Yellow text (reverted, warnings). */
  yellow(text: string): string;
  /** Cyan text (panel frames). */
  cyan(text: string): string;
}

/**
 * Creates styling functions.
 *
 * @param color Whether to emit escape codes.
 * @returns The styles.
 *
 * @example Colour off is plain text
 * ```ts
 * import { createStyles } from "./ansi.ts";
 * if (createStyles(false).red("x") !== "x") throw new Error();
 * ```
 */
export function createStyles(color: boolean): Styles {
  const wrap = (open: number, close: number) => (text: string) =>
    color ? `\x1b[${open}m${text}\x1b[${close}m` : text;
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
  };
}

/**
 * Removes ANSI escape sequences.
 *
 * @param text Text that may contain escape codes.
 * @returns The visible text.
 *
 * @example
 * ```ts
 * import { stripAnsi } from "./ansi.ts";
 * if (stripAnsi("\x1b[31mred\x1b[39m") !== "red") throw new Error();
 * ```
 */
export function stripAnsi(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
}

/**
 * Whether colour should be used: off when `NO_COLOR` is set (any value) or the output is not a TTY.
 *
 * @param isTTY Whether the output is a terminal.
 * @param env Environment lookup. @default Deno.env.get (returns undefined without permission)
 * @returns True to colour.
 *
 * @example
 * ```ts
 * import { colorEnabled } from "./ansi.ts";
 * if (colorEnabled(true, () => "1")) throw new Error("NO_COLOR must win");
 * ```
 */
export function colorEnabled(
  isTTY: boolean,
  env: (name: string) => string | undefined = safeEnv,
): boolean {
  return isTTY && env("NO_COLOR") === undefined;
}

function safeEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** Wide (two-column) ranges: East Asian Wide and Fullwidth blocks, and emoji. */
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2329, 0x232a],
  [0x231a, 0x231b],
  [0x23e9, 0x23ec],
  [0x2614, 0x2615],
  [0x26aa, 0x26ab],
  [0x2705, 0x2705],
  [0x274c, 0x274c],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x18aff],
  [0x1b000, 0x1b2ff],
  [0x1f004, 0x1f004],
  [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a],
  [0x1f200, 0x1f2ff],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f900, 0x1faff],
  [0x20000, 0x3fffd],
];

/**
 * Columns one code point takes in a terminal: 0 for combining marks, zero-width joiners and
 * variation selectors (and control characters), 2 for East Asian wide/fullwidth characters and
 * emoji, else 1.
 *
 * @param codePoint A Unicode code point.
 * @returns 0, 1 or 2.
 *
 * @example
 * ```ts
 * import { codePointWidth } from "./ansi.ts";
 * if (codePointWidth("a".codePointAt(0)!) !== 1) throw new Error();
 * if (codePointWidth("漢".codePointAt(0)!) !== 2) throw new Error();
 * if (codePointWidth(0x301) !== 0) throw new Error("combining acute accent");
 * ```
 */
export function codePointWidth(codePoint: number): 0 | 1 | 2 {
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) return 0;
  if (codePoint < 0x300) return 1;
  if (
    codePoint === 0x200b || codePoint === 0x200c || codePoint === 0x200d ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f) || (codePoint >= 0xe0100 && codePoint <= 0xe01ef)
  ) return 0;
  if (COMBINING.test(String.fromCodePoint(codePoint))) return 0;
  let lo = 0, hi = WIDE_RANGES.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = WIDE_RANGES[mid];
    if (codePoint < a) hi = mid - 1;
    else if (codePoint > b) lo = mid + 1;
    else return 2;
  }
  return 1;
}

const COMBINING = /^\p{M}$/u;

/**
 * The number of terminal columns a text takes: ANSI escapes count 0, wide characters (CJK, emoji)
 * 2, combining marks 0.
 *
 * @param text The text.
 * @returns Its width in columns.
 *
 * @example
 * ```ts
 * import { displayWidth } from "./ansi.ts";
 * if (displayWidth("\x1b[31m漢字\x1b[39m ok") !== 7) throw new Error();
 * ```
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of stripAnsi(text)) width += codePointWidth(ch.codePointAt(0)!);
  return width;
}

/**
 * The longest prefix of a text (whole code points, combining marks kept with their base) that fits
 * in `width` columns. The text must not contain ANSI escapes.
 *
 * @param text Plain text.
 * @param width Columns available.
 * @returns The prefix.
 *
 * @example
 * ```ts
 * import { sliceToWidth } from "./ansi.ts";
 * if (sliceToWidth("漢字かな", 5) !== "漢字") throw new Error();
 * ```
 */
export function sliceToWidth(text: string, width: number): string {
  let used = 0, end = 0;
  for (const ch of text) {
    const w = codePointWidth(ch.codePointAt(0)!);
    if (used + w > width) break;
    used += w;
    end += ch.length;
  }
  return text.slice(0, end);
}

/**
 * Pads a text with spaces on the right to `width` columns (by display width).
 *
 * @param text Plain text.
 * @param width Target columns.
 * @returns The padded text (unchanged when already as wide).
 *
 * @example
 * ```ts
 * import { padEndToWidth } from "./ansi.ts";
 * if (padEndToWidth("漢", 4) !== "漢  ") throw new Error();
 * ```
 */
export function padEndToWidth(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - displayWidth(text)));
}
