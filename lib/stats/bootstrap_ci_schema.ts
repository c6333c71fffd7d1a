/**
 * The record a bootstrap confidence interval produces. It goes into `summary.json` files, so every
 * field is JSON: undefined quantities are `null` with a `note` saying why, never NaN.
 *
 * @module
 */
import { z } from "zod";
import type { Schema } from "../schemas/schema.ts";
import { zodOf } from "../schemas/zod_of.ts";

/** Bootstrap interval method: bias-corrected and accelerated (`"bca"`) or plain `"percentile"`. */
export type BootstrapMethod = "bca" | "percentile";

/** Schema of {@linkcode BootstrapMethod}. */
export const BootstrapMethodSchema: Schema<BootstrapMethod> = z.enum(["bca", "percentile"]);

/** A bootstrap confidence interval of a mean difference. */
export interface BootstrapCi {
  /** Method actually used (BCa falls back to percentile, with a note, when BCa is undefined). */
  method: BootstrapMethod;
  /** Two-sided confidence level, e.g. 0.95. */
  confidence: number;
  /** Bootstrap resamples drawn (0 when the result is degenerate and none were needed). */
  resamples: number;
  /** Seed of the resampling. */
  seed: number;
  /** Number of resampled units (pairs, or items for the cluster bootstrap). */
  n: number;
  /** The point estimate, mean(b − a); null when n = 0. */
  mean: number | null;
  /** Lower end of the interval; null when it cannot be estimated (n < 2). */
  low: number | null;
  /** Upper end of the interval; null when it cannot be estimated (n < 2). */
  high: number | null;
  /** Standard deviation of the bootstrap distribution (bootstrap standard error); null when n < 2. */
  se: number | null;
  /** True when the whole interval lies strictly above or strictly below 0. */
  excludesZero: boolean;
  /** BCa bias correction ẑ₀ (BCa only). */
  z0?: number;
  /** BCa jackknife acceleration â (BCa only). */
  acceleration?: number;
  /** Why the result is degenerate or a fallback was used. */
  note?: string;
}

/** Schema of {@linkcode BootstrapCi}. */
export const BootstrapCiSchema: Schema<BootstrapCi> = z.object({
  method: zodOf(BootstrapMethodSchema),
  confidence: z.number().gt(0).lt(1),
  resamples: z.number().int().min(0),
  seed: z.number().int(),
  n: z.number().int().min(0),
  mean: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  se: z.number().min(0).nullable(),
  excludesZero: z.boolean(),
  z0: z.number().optional(),
  acceleration: z.number().optional(),
  note: z.string().optional(),
});
