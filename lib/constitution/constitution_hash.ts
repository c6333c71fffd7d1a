/**
 * The content hash of a constitution: sha256 of its normalised principles, so formatting changes
 * (line endings, trailing spaces, blank lines, source positions) do not change it but any change to an
 * id, title, text, severity or tag set does.
 *
 * @module
 */
import { sha256Hex, stableStringify } from "../util/hash.ts";
import type { Principle } from "./constitution.ts";

/**
 * Normalises principle text: LF line endings, trailing whitespace removed from every line, runs of
 * blank lines collapsed to one, leading and trailing blank lines removed.
 *
 * @param text Principle text.
 * @returns The normalised text.
 *
 * @example Trailing spaces and CRLF do not matter
 * ```ts
 * import { normalizePrincipleText } from "./constitution_hash.ts";
 * if (normalizePrincipleText("a  \r\n\r\n\r\nb\n") !== "a\n\nb") throw new Error("not normalised");
 * ```
 */
export function normalizePrincipleText(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * Hashes principles by content: id, title, normalised text, severity and sorted tags, in order.
 * Source positions and the `replaces` marker are not part of the hash.
 *
 * @param principles The principles, in document order.
 * @returns 64 lowercase hex characters.
 *
 * @example Source positions do not change the hash
 * ```ts
 * import { constitutionHash } from "./constitution_hash.ts";
 * const p = { id: "a", title: "A", text: "Be good.", tags: [], source: { file: "x.md", line: 3 } };
 * const moved = { ...p, source: { file: "y.md", line: 9 } };
 * if (constitutionHash([p]) !== constitutionHash([moved])) throw new Error("hash depends on position");
 * ```
 */
export function constitutionHash(principles: readonly Principle[]): string {
  if (!Array.isArray(principles)) {
    throw new TypeError(`constitutionHash: principles must be an array, got ${typeof principles}`);
  }
  const canonical = principles.map((p) => ({
    id: p.id,
    title: p.title.trim(),
    text: normalizePrincipleText(p.text),
    severity: p.severity,
    tags: [...p.tags].sort(),
  }));
  return sha256Hex(stableStringify(canonical));
}
