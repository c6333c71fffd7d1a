/**
 * Deterministic per-call seeds: every role call gets a seed derived from the run seed and its
 * coordinates (item id, round, role), so reruns reproduce and different calls differ.
 *
 * @module
 */
import { sha256Hex, stableStringify } from "../util/hash.ts";

/**
 * Derives a non-negative 31-bit integer seed from a base seed and coordinates.
 *
 * @param seed The run seed (an integer).
 * @param parts Coordinates, e.g. `[itemId, round, role]`.
 * @returns An integer in [0, 2^31).
 *
 * @example Same inputs, same seed; different role, different seed
 * ```ts
 * import { deriveSeed } from "./derive_seed.ts";
 * if (deriveSeed(1, ["q1", 0, "student"]) !== deriveSeed(1, ["q1", 0, "student"])) throw new Error();
 * if (deriveSeed(1, ["q1", 0, "student"]) === deriveSeed(1, ["q1", 0, "critic"])) throw new Error();
 * ```
 */
export function deriveSeed(seed: number, parts: readonly (string | number)[]): number {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`deriveSeed: seed must be a safe integer, got ${seed}`);
  }
  if (!Array.isArray(parts)) throw new TypeError("deriveSeed: parts must be an array");
  return parseInt(sha256Hex(stableStringify([seed, ...parts])).slice(0, 8), 16) >>> 1;
}

/**
 * The seed of one role call in a loop: `deriveSeed(seed, [itemId, round, role])`. The loop, the
 * critics and judges called on its behalf, and the sampling controls (whose sample 0 is the loop's
 * first answer) all use this one rule, so every arm of an item and seed starts from the same answer.
 *
 * @param seed The run seed.
 * @param itemId The item id.
 * @param round The round (0 = the first answer).
 * @param role The role ("student", "critic", "judge", …).
 * @returns The call's seed.
 *
 * @example
 * ```ts
 * import { deriveSeed, roleSeed } from "./derive_seed.ts";
 * if (roleSeed(7, "q", 0, "student") !== deriveSeed(7, ["q", 0, "student"])) throw new Error();
 * ```
 */
export function roleSeed(seed: number, itemId: string, round: number, role: string): number {
  return deriveSeed(seed, [itemId, round, role]);
}
