/**
 * Pass@1 of two paired sets of records (the same items and seeds): the number pass/fail benchmarks
 * report, with the paired test for a binary outcome (exact McNemar) beside the bootstrap CI of Δ.
 *
 * @module
 */
import { z } from "zod";
import type { Equals, Schema } from "../schemas/schema.ts";
import { zodOf } from "../schemas/zod_of.ts";
import { type BootstrapCi, BootstrapCiSchema } from "../stats/bootstrap_ci_schema.ts";
import { type McNemarTest, mcnemarTest, McNemarTestSchema } from "../stats/mcnemar_test.ts";
import { bootstrapCi } from "../stats/bootstrap_ci.ts";
import type { ItemResult } from "./records.ts";
import { pairedByItem } from "./paired_by_item.ts";

/** Pass rates of A and B on their paired units, Δ with a paired CI, and McNemar's test. */
export interface PassComparison {
  /** Item × seed units scored in both (the McNemar pairs). */
  units: number;
  /** Items with at least one such unit (the bootstrap's clusters). */
  items: number;
  /** Pass rate of A over the units (pass@1); null without units. */
  rateA: number | null;
  /** Pass rate of B over the units; null without units. */
  rateB: number | null;
  /** Δ = B − A: the mean over items of the seed-averaged pass difference; null without units. */
  delta: number | null;
  /** Paired bootstrap CI of Δ over items. */
  ci: BootstrapCi;
  /** Exact McNemar test on the units: `improved` = A failed, B passed; `regressed` the reverse. */
  mcnemar: McNemarTest;
}

const passComparisonSchema = z.object({
  units: z.number().int().min(0),
  items: z.number().int().min(0),
  rateA: z.number().min(0).max(1).nullable(),
  rateB: z.number().min(0).max(1).nullable(),
  delta: z.number().min(-1).max(1).nullable(),
  ci: zodOf(BootstrapCiSchema),
  mcnemar: zodOf(McNemarTestSchema),
});
const _pass: Equals<z.infer<typeof passComparisonSchema>, PassComparison> = true;

/** Schema of {@linkcode PassComparison}. */
export const PassComparisonSchema: Schema<PassComparison> = passComparisonSchema;

/** Options of {@linkcode comparePasses}. */
export interface ComparePassesOptions {
  /** Bootstrap resamples. @default 9999 */
  resamples?: number;
  /** Seed of the bootstrap. @default 0 */
  seed?: number;
}

/**
 * Compares the pass/fail outcomes of two sets of records of one arm, paired by item and seed
 * (records without a partner, unscored, errored or without a pass/fail verdict are left out).
 *
 * @param a The reference records.
 * @param b The compared records.
 * @param options Bootstrap resamples and seed.
 * @returns Pass rates, Δ with its CI, and the exact McNemar test with the flip counts.
 *
 * @example Three fixed, none broken
 * ```ts
 * import { comparePasses } from "./pass_comparison.ts";
 * const rec = (id: string, passed: boolean) =>
 *   ({ id, arm: "baseline", seed: 0, score: passed ? 1 : 0, passed }) as never;
 * const a = ["p", "q", "r", "s"].map((id) => rec(id, id === "s"));
 * const b = ["p", "q", "r", "s"].map((id) => rec(id, true));
 * const c = comparePasses(a, b, { resamples: 99 });
 * if (c.rateA !== 0.25 || c.rateB !== 1 || c.mcnemar.improved !== 3 || c.mcnemar.p !== 0.25) {
 *   throw new Error(JSON.stringify(c));
 * }
 * ```
 */
export function comparePasses(
  a: readonly ItemResult[],
  b: readonly ItemResult[],
  options: ComparePassesOptions = {},
): PassComparison {
  const usable = (r: ItemResult) =>
    r.error === undefined && !r.unscored && typeof (r.passed as unknown) === "boolean";
  const key = (r: ItemResult) => `${r.seed}\u0000${r.id}`;
  const bByKey = new Map(b.filter(usable).map((r) => [key(r), r]));
  const pairs = a.filter(usable).flatMap((ra) => {
    const rb = bByKey.get(key(ra));
    return rb ? [{ a: ra, b: rb }] : [];
  });
  const asPass = (r: ItemResult): ItemResult => ({ ...r, score: r.passed ? 1 : 0 });
  const perItem = pairedByItem(pairs.map((p) => asPass(p.a)), pairs.map((p) => asPass(p.b)));
  const ci = bootstrapCi(perItem.a, perItem.b, {
    resamples: options.resamples ?? 9999,
    seed: options.seed ?? 0,
  });
  const rate = (side: "a" | "b") =>
    pairs.length === 0 ? null : pairs.filter((p) => p[side].passed).length / pairs.length;
  return {
    units: pairs.length,
    items: perItem.a.length,
    rateA: rate("a"),
    rateB: rate("b"),
    delta: ci.mean,
    ci,
    mcnemar: mcnemarTest(pairs.map((p) => p.a.passed), pairs.map((p) => p.b.passed)),
  };
}
