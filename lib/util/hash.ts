/**
 * Content hashing with a canonical JSON encoding, so equal values always hash equally.
 *
 * @module
 */
import { createHash } from "node:crypto";

/**
 * JSON-encodes a value with object keys sorted at every depth (undefined fields dropped).
 *
 * @param value Any JSON-compatible value.
 * @returns The canonical JSON text.
 *
 * @example Key order does not matter
 * ```ts
 * import { stableStringify } from "./hash.ts";
 * if (stableStringify({ b: 1, a: 2 }) !== stableStringify({ a: 2, b: 1 })) throw new Error();
 * ```
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/**
 * SHA-256 of a string or of the canonical JSON of a value, as lowercase hex.
 *
 * @param value A string (hashed as UTF-8) or any JSON-compatible value.
 * @returns 64 hex characters.
 *
 * @example Hash a string
 * ```ts
 * import { sha256Hex } from "./hash.ts";
 * if (sha256Hex("").slice(0, 8) !== "e3b0c442") throw new Error();
 * ```
 */
export function sha256Hex(value: unknown): string {
  const text = typeof value === "string" ? value : stableStringify(value);
  return createHash("sha256").update(text).digest("hex");
}
