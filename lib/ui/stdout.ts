/**
 * The process's own output streams: whole synchronous writes to stdout and stderr, whether stdout is
 * a terminal, and the terminal's size (with fallbacks when there is none).
 *
 * @module
 */

/** Something that takes bytes synchronously and says how many it took (`Deno.stdout`, `Deno.stderr`). */
export interface SyncWriter {
  /** Writes some of `bytes`; returns how many were written. */
  writeSync(bytes: Uint8Array): number;
}

const encoder = new TextEncoder();

/**
 * Writes all of a text to a synchronous writer, calling it again until every byte is taken (one
 * `writeSync` may take fewer bytes than it is given).
 *
 * @param writer The writer (e.g. `Deno.stdout`).
 * @param text The text, UTF-8 encoded.
 *
 * @example Every byte arrives even when the writer takes two at a time
 * ```ts
 * import { writeAllSync } from "./stdout.ts";
 * const got: number[] = [];
 * writeAllSync({ writeSync: (b) => (got.push(...b.subarray(0, 2)), Math.min(2, b.length)) }, "héllo");
 * if (new TextDecoder().decode(new Uint8Array(got)) !== "héllo") throw new Error();
 * ```
 */
export function writeAllSync(writer: SyncWriter, text: string): void {
  if (!writer || typeof writer.writeSync !== "function") {
    throw new TypeError(`writeAllSync: writer must have writeSync(), got ${writer}`);
  }
  const bytes = encoder.encode(text);
  let off = 0;
  while (off < bytes.length) off += writer.writeSync(bytes.subarray(off));
}

/**
 * Writes all of a text to stdout, synchronously.
 *
 * @param text The text (no newline is added).
 *
 * @example Writing nothing is allowed
 * ```ts
 * import { writeStdout } from "./stdout.ts";
 * if (writeStdout("") !== undefined) throw new Error();
 * ```
 */
export function writeStdout(text: string): void {
  writeAllSync(Deno.stdout, text);
}

/**
 * Writes all of a text to stderr, synchronously.
 *
 * @param text The text (no newline is added).
 *
 * @example Writing nothing is allowed
 * ```ts
 * import { writeStderr } from "./stdout.ts";
 * if (writeStderr("") !== undefined) throw new Error();
 * ```
 */
export function writeStderr(text: string): void {
  writeAllSync(Deno.stderr, text);
}

/**
 * Whether stdout is a terminal; false when that cannot be known.
 *
 * @returns `Deno.stdout.isTerminal()`, or false if it throws.
 *
 * @example A boolean either way
 * ```ts
 * import { stdoutIsTerminal } from "./stdout.ts";
 * if (typeof stdoutIsTerminal() !== "boolean") throw new Error();
 * ```
 */
export function stdoutIsTerminal(): boolean {
  try {
    return Deno.stdout.isTerminal();
  } catch {
    return false;
  }
}

/**
 * The terminal's width in columns.
 *
 * @returns `Deno.consoleSize().columns`, or 80 without a terminal (or when it reports 0).
 *
 * @example At least one column
 * ```ts
 * import { terminalColumns } from "./stdout.ts";
 * if (!(terminalColumns() >= 1)) throw new Error();
 * ```
 */
export function terminalColumns(): number {
  try {
    return Deno.consoleSize().columns || 80;
  } catch {
    return 80;
  }
}

/**
 * The terminal's height in rows.
 *
 * @returns `Deno.consoleSize().rows`, or 40 without a terminal (or when it reports 0).
 *
 * @example At least one row
 * ```ts
 * import { terminalRows } from "./stdout.ts";
 * if (!(terminalRows() >= 1)) throw new Error();
 * ```
 */
export function terminalRows(): number {
  try {
    return Deno.consoleSize().rows || 40;
  } catch {
    return 40;
  }
}
