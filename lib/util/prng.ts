/**
 * A small seeded pseudo-random generator (mulberry32 over a 32-bit state, seeded through splitmix32),
 * so every stochastic choice in the library can be reproduced from a seed.
 *
 * @module
 */

/** A seeded random source. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

/**
 * Creates a seeded random generator.
 *
 * @param seed Any integer (or string, hashed).
 * @returns A generator whose sequence depends only on `seed`.
 *
 * @example Same seed, same sequence
 * ```ts
 * import { createRng } from "./prng.ts";
 * const a = createRng(42), b = createRng(42);
 * if (a.next() !== b.next()) throw new Error();
 * ```
 */
export function createRng(seed: number | string): Rng {
  let s = typeof seed === "string" ? hashString(seed) : seed | 0;
  // splitmix32 scramble so nearby seeds diverge
  s = (s + 0x9e3779b9) | 0;
  s = Math.imul(s ^ (s >>> 16), 0x85ebca6b);
  s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35);
  s ^= s >>> 16;
  let state = s | 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

function hashString(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h | 0;
}
