/**
 * Base64 of bytes, for the page's hashes and its `data:` chart images.
 *
 * @module
 */

/**
 * Encodes bytes as standard base64.
 *
 * @param bytes The bytes.
 * @returns Base64 text.
 *
 * @example
 * ```ts
 * import { encodeBase64 } from "./_base64.ts";
 * if (encodeBase64(new TextEncoder().encode("hi")) !== "aGk=") throw new Error();
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
