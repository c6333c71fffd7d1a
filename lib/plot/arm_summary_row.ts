/**
 * The row of the per-arm paired-summary table: a forest-plot row plus the sample size and both
 * means. The benchmark builds these rows (`lib/bench/plot_rows.ts`) and the notebook table
 * (`lib/ui/jupyter_table.ts`) renders them; the row sits here, beside {@linkcode ForestRow}, so
 * that neither has to import the other.
 *
 * @example A valid row and an invalid one
 * ```ts
 * import { ArmSummaryRowSchema } from "./arm_summary_row.ts";
 * if (!ArmSummaryRowSchema.safeParse({ arm: "tests", delta: 0.2, lo: 0.1, hi: 0.3, n: 40 }).success) {
 *   throw new Error("valid row rejected");
 * }
 * if (ArmSummaryRowSchema.safeParse({ arm: "tests", delta: 0, lo: 0.3, hi: 0.1 }).success) {
 *   throw new Error("lo > hi accepted");
 * }
 * ```
 *
 * @module
 */
import { z } from "zod";
import type { Equals, Schema } from "../schemas/schema.ts";
import { type ForestRow, forestRowFields } from "./forest_plot.ts";

/** One arm's paired summary, as the benchmark reports it: a forest-plot row plus the sample size and both means. */
export interface ArmSummaryRow extends ForestRow {
  /** Number of paired items. */
  n?: number;
  /** Mean score before (baseline). */
  meanBefore?: number;
  /** Mean score after (arm). */
  meanAfter?: number;
}

const armSummaryRowObject = z.object({
  ...forestRowFields,
  /** Number of paired items. */
  n: z.number().int().nonnegative().optional(),
  /** Mean score before (baseline). */
  meanBefore: z.number().optional(),
  /** Mean score after (arm). */
  meanAfter: z.number().optional(),
}).refine((r) => r.lo <= r.hi, { message: "lo must be <= hi", path: ["lo"] });
/** Schema of {@linkcode ArmSummaryRow}. */
export const ArmSummaryRowSchema: Schema<ArmSummaryRow> = armSummaryRowObject;
const _armSummaryRowObject: Equals<z.infer<typeof armSummaryRowObject>, ArmSummaryRow> = true;
