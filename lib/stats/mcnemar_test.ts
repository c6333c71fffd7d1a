/**
 * Exact McNemar test for paired pass/fail outcomes (the same items solved by a baseline and a
 * treatment). Only the discordant cells matter; under the null an item that flips is equally likely
 * to flip either way, so the exact test is the fair-coin binomial on the discordant counts — the
 * sign test applied to binary data.
 *
 * @module
 */
import { z } from "zod";
import { binomialHalfTest } from "./binomial_half.ts";
import type { Schema } from "../schemas/schema.ts";

/** Result of an exact McNemar test: the 2×2 table of paired outcomes and the p-values. */
export interface McNemarTest {
  /** Number of pairs. */
  n: number;
  /** Both passed. */
  bothPass: number;
  /** Baseline failed, treatment passed. */
  improved: number;
  /** Baseline passed, treatment failed. */
  regressed: number;
  /** Both failed. */
  bothFail: number;
  /** Exact two-sided p = min(1, 2·P(X ≤ min(improved, regressed))), X ~ Binomial(improved + regressed, ½). */
  p: number;
  /**
   * Mid-p variant: the observed outcome's probability counted half, p_mid = p − P(X = observed)
   * (capped at 1). Closer to nominal size than the conservative exact p, but not guaranteed ≤ α.
   */
  midP: number;
  /** Set when there are no discordant pairs. */
  note?: string;
}

/** Schema of {@linkcode McNemarTest}. */
export const McNemarTestSchema: Schema<McNemarTest> = z.object({
  n: z.number().int().min(0),
  bothPass: z.number().int().min(0),
  improved: z.number().int().min(0),
  regressed: z.number().int().min(0),
  bothFail: z.number().int().min(0),
  p: z.number().min(0).max(1),
  midP: z.number().min(0).max(1),
  note: z.string().optional(),
});

/**
 * Exact two-sided McNemar test on paired binary outcomes (1/true = pass, 0/false = fail).
 *
 * @param a Baseline outcomes.
 * @param b Treatment outcomes, paired with `a` by index.
 * @returns The 2×2 table cells, exact p and mid-p.
 * @throws {TypeError} when an outcome is not 0, 1, true or false.
 * @throws {RangeError} when lengths differ.
 *
 * @example Three fixed, none broken
 * ```ts
 * import { mcnemarTest } from "./mcnemar_test.ts";
 * const r = mcnemarTest([0, 0, 0, 1, 1, 0], [1, 1, 1, 1, 1, 0]);
 * if (r.improved !== 3 || r.regressed !== 0 || r.p !== 0.25) throw new Error();
 * ```
 */
export function mcnemarTest(
  a: readonly (number | boolean)[],
  b: readonly (number | boolean)[],
): McNemarTest {
  const av = binary(a, "a");
  const bv = binary(b, "b");
  if (av.length !== bv.length) {
    throw new RangeError(
      `a and b must be paired (same length), got a.length=${av.length} and b.length=${bv.length}`,
    );
  }
  let bothPass = 0, improved = 0, regressed = 0, bothFail = 0;
  for (let i = 0; i < av.length; i++) {
    if (av[i] && bv[i]) bothPass++;
    else if (bv[i]) improved++;
    else if (av[i]) regressed++;
    else bothFail++;
  }
  const { p, midP } = binomialHalfTest(improved, improved + regressed);
  const result: McNemarTest = { n: av.length, bothPass, improved, regressed, bothFail, p, midP };
  if (improved + regressed === 0) {
    result.note = "no discordant pairs: McNemar's test has no information about direction (p = 1)";
  }
  return result;
}

function binary(values: readonly (number | boolean)[], name: string): boolean[] {
  if (!Array.isArray(values)) throw new TypeError(`${name} must be an array of 0/1 outcomes`);
  return values.map((v, i) => {
    if (v === true || v === 1) return true;
    if (v === false || v === 0) return false;
    throw new TypeError(`${name}[${i}] must be 0, 1, true or false, got ${String(v)}`);
  });
}
