/**
 * Counting paired outcomes as wins, ties and losses of `b` over `a`, with a tolerance for ties.
 *
 * @module
 */
import { z } from "zod";
import { assertNumberIn, assertPaired } from "./validate.ts";
import type { Schema } from "../schemas/schema.ts";

/** Counts of paired outcomes: `b` better (win), equal within tolerance (tie), `a` better (loss). */
export interface WinsTiesLosses {
  /** Pairs with b − a > tolerance. */
  wins: number;
  /** Pairs with |b − a| ≤ tolerance. */
  ties: number;
  /** Pairs with b − a < −tolerance. */
  losses: number;
}

/** Schema of {@linkcode WinsTiesLosses}. */
export const WinsTiesLossesSchema: Schema<WinsTiesLosses> = z.object({
  wins: z.number().int().min(0),
  ties: z.number().int().min(0),
  losses: z.number().int().min(0),
});

/** Options for {@linkcode winsTiesLosses}. */
export interface WinsTiesLossesOptions {
  /**
   * Differences with |b − a| ≤ tolerance count as ties (use e.g. 1e-9 for float scores, or a
   * practical margin such as 0.05 for judge scores).
   * @default 0
   */
  tolerance?: number;
}

/**
 * Counts pairs where `b` beats `a` (b − a > tolerance), ties (|b − a| ≤ tolerance) and losses.
 *
 * @param a Baseline scores.
 * @param b Treatment scores, paired with `a` by index.
 * @param options Tie tolerance.
 * @returns The three counts (they sum to the number of pairs).
 * @throws {RangeError} when lengths differ or the tolerance is negative.
 *
 * @example One win, two ties, one loss
 * ```ts
 * import { winsTiesLosses } from "./wins_ties_losses.ts";
 * const r = winsTiesLosses([0, 1, 0.5, 1], [1, 1, 0.52, 0], { tolerance: 0.05 });
 * if (r.wins !== 1 || r.ties !== 2 || r.losses !== 1) throw new Error();
 * ```
 */
export function winsTiesLosses(
  a: readonly number[],
  b: readonly number[],
  options: WinsTiesLossesOptions = {},
): WinsTiesLosses {
  assertPaired(a, b);
  const tolerance = options.tolerance ?? 0;
  assertNumberIn(tolerance, "tolerance", { min: 0 });
  let wins = 0, ties = 0, losses = 0;
  for (let i = 0; i < a.length; i++) {
    const d = b[i] - a[i];
    if (d > tolerance) wins++;
    else if (d < -tolerance) losses++;
    else ties++;
  }
  return { wins, ties, losses };
}
