/**
 * Flips: on a binary outcome (passed / correct), how often an arm turned a baseline success into a
 * failure (correct→wrong) and a failure into a success (wrong→correct), pairing records by item and
 * seed. Huang et al. (2024) read intrinsic self-correction this way: the gain is wrong→correct minus
 * correct→wrong, and a critic that talks the model out of right answers shows up as the first.
 *
 * @module
 */
import { z } from "zod";
import type { Schema } from "../schemas/schema.ts";
import type { ItemResult } from "./records.ts";

/** Flip counts and rates of one arm against a reference. */
export interface Flips {
  /** Paired records (item × seed) where both sides were scored. */
  pairs: number;
  /** Reference passed, arm failed. */
  correctToWrong: number;
  /** Reference failed, arm passed. */
  wrongToCorrect: number;
  /** correctToWrong / pairs (null when there are no pairs). */
  correctToWrongRate: number | null;
  /** wrongToCorrect / pairs (null when there are no pairs). */
  wrongToCorrectRate: number | null;
}

/** Schema of {@linkcode Flips}. */
export const FlipsSchema: Schema<Flips> = z.object({
  pairs: z.number().int().min(0),
  correctToWrong: z.number().int().min(0),
  wrongToCorrect: z.number().int().min(0),
  correctToWrongRate: z.number().min(0).max(1).nullable(),
  wrongToCorrectRate: z.number().min(0).max(1).nullable(),
});

/**
 * Counts flips of `arm` against `reference`, pairing by item and seed; unscored records on either
 * side are left out.
 *
 * @param reference The reference records (usually the baseline).
 * @param arm The arm's records.
 * @returns Counts and rates.
 *
 * @example
 * ```ts
 * import { countFlips } from "./flips.ts";
 * const r = (id: string, passed: boolean) => ({ id, seed: 0, passed }) as never;
 * const f = countFlips([r("a", true), r("b", false), r("c", true)], [r("a", false), r("b", true), r("c", true)]);
 * if (f.pairs !== 3 || f.correctToWrong !== 1 || f.wrongToCorrect !== 1) throw new Error();
 * ```
 */
export function countFlips(
  reference: readonly Pick<ItemResult, "id" | "seed" | "passed" | "unscored">[],
  arm: readonly Pick<ItemResult, "id" | "seed" | "passed" | "unscored">[],
): Flips {
  const key = (r: { id: string; seed: number }) => `${r.seed}\u0000${r.id}`;
  const byKey = new Map(reference.filter((r) => !r.unscored).map((r) => [key(r), r]));
  let pairs = 0, correctToWrong = 0, wrongToCorrect = 0;
  for (const b of arm) {
    const a = byKey.get(key(b));
    if (!a || b.unscored) continue;
    pairs++;
    if (a.passed && !b.passed) correctToWrong++;
    if (!a.passed && b.passed) wrongToCorrect++;
  }
  const rate = (n: number) => (pairs ? n / pairs : null);
  return {
    pairs,
    correctToWrong,
    wrongToCorrect,
    correctToWrongRate: rate(correctToWrong),
    wrongToCorrectRate: rate(wrongToCorrect),
  };
}
