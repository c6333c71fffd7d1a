/**
 * The library version, as a constant: a run manifest records it without reading `deno.json` (which
 * is not part of the published module graph). `tests/util_version_test.ts` keeps it equal to the
 * `version` in `deno.json`, so a release bumps both.
 *
 * @module
 */

/**
 * The library version (the `version` field of `deno.json`).
 *
 * @example A semantic version
 * ```ts
 * import { LIBRARY_VERSION } from "./version.ts";
 * if (!/^\d+\.\d+\.\d+/.test(LIBRARY_VERSION)) throw new Error(LIBRARY_VERSION);
 * ```
 */
export const LIBRARY_VERSION: string = "0.1.0";
