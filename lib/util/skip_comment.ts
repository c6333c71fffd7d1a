/**
 * Skipping a JavaScript/TypeScript comment while scanning source text by hand.
 *
 * @module
 */

/**
 * The index just past a `//` or `/* … *\/` comment that starts at `i` (a line comment ends before
 * its newline; an unterminated block comment runs to the end), or `i` itself when no comment starts
 * there.
 *
 * @param src The source text.
 * @param i Where the scanner is.
 * @returns Where to continue scanning.
 *
 * @example
 * ```ts
 * import { skipComment } from "./skip_comment.ts";
 * const src = "a // note\nb /* c *" + "/ d";
 * if (skipComment(src, 2) !== 9 || skipComment(src, 12) !== 19 || skipComment(src, 0) !== 0) {
 *   throw new Error();
 * }
 * ```
 */
export function skipComment(src: string, i: number): number {
  if (src[i] !== "/") return i;
  if (src[i + 1] === "/") {
    const newline = src.indexOf("\n", i);
    return newline < 0 ? src.length : newline;
  }
  if (src[i + 1] === "*") {
    const end = src.indexOf("*/", i + 2);
    return end < 0 ? src.length : end + 2;
  }
  return i;
}
