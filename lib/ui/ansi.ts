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
