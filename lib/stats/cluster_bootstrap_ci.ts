/**
 * Cluster bootstrap over items for experiments with repeated seeds. Runs of the same item under
 * different seeds are not independent (they share the item's difficulty), so treating every
 * (item, seed) pair as a separate unit overstates the sample size and gives intervals that are too
 * narrow. Here the item is the resampling unit: resample items with replacement and keep all seeds
 * of each resampled item.
 *
 * @module
 */
import { z } from "zod";
import { type BootstrapCi, BootstrapCiSchema } from "./bootstrap_ci_schema.ts";
import { type BootstrapCiOptions, bootstrapSettings } from "./bootstrap_ci.ts";
import { bootstrapUnits } from "./bootstrap_units.ts";
import type { Schema } from "../schemas/schema.ts";
import { zodOf } from "../schemas/zod_of.ts";

/** One paired observation: an item's baseline and treatment scores under one seed. */
export interface PairedObservation {
  /** Item id; observations with the same id form one cluster. */
  item: string;
  /** Baseline score. */
  a: number;
  /** Treatment score under the same seed. */
  b: number;
  /** Seed of the run (informational). */
  seed?: number | string;
}

/** Schema of {@linkcode PairedObservation}. */
export const PairedObservationSchema: Schema<PairedObservation> = z.object({
  item: z.string().min(1),
  a: z.number(),
  b: z.number(),
  seed: z.union([z.number(), z.string()]).optional(),
});

/**
 * How the cluster bootstrap averages differences: `"item"` (mean of per-item means) or
 * `"observation"` (mean over all item × seed observations).
 */
export type ClusterWeighting = "item" | "observation";

/** Schema of {@linkcode ClusterWeighting}. */
export const ClusterWeightingSchema: Schema<ClusterWeighting> = z.enum(["item", "observation"]);

/** A cluster-bootstrap interval: the bootstrap record (`n` = items) plus the observation count. */
export interface ClusterBootstrapCi extends BootstrapCi {
  /** Number of paired observations (item × seed). */
  observations: number;
  /** How the mean was formed. */
  weighting: ClusterWeighting;
}

/** Schema of {@linkcode ClusterBootstrapCi}. */
export const ClusterBootstrapCiSchema: Schema<ClusterBootstrapCi> = z.intersection(
  zodOf(BootstrapCiSchema),
  z.object({ observations: z.number().int().min(0), weighting: zodOf(ClusterWeightingSchema) }),
);

/** Options for {@linkcode clusterBootstrapCi}. */
export interface ClusterBootstrapCiOptions extends BootstrapCiOptions {
  /**
   * "item": Δ is the mean over items of each item's mean difference (every item counts once, however
   * many seeds it has). "observation": Δ is the mean over all observations (items with more
   * completed seeds weigh more). Identical when every item has the same number of seeds.
   * @default "item"
   */
  weighting?: ClusterWeighting;
}

/**
 * Cluster bootstrap CI of the mean difference (b − a) over items with repeated seeds.
 *
 * Items are grouped by `item` id in order of first appearance. BCa acceleration uses the
 * leave-one-item-out jackknife. Degenerate cases are reported as in {@linkcode bootstrapCi}.
 *
 * @param rows Paired observations (one per item and seed).
 * @param options Weighting, method, confidence, resamples, seed.
 * @returns The interval record with `n` = number of items and `observations` = number of rows.
 * @throws {TypeError} when a row is malformed (names the row and field).
 * @throws {RangeError} when an option is out of range.
 *
 * @example Two seeds per item
 * ```ts
 * import { clusterBootstrapCi } from "./cluster_bootstrap_ci.ts";
 * const rows = [];
 * for (let i = 0; i < 10; i++) {
 *   for (let s = 0; s < 2; s++) rows.push({ item: `q${i}`, a: 0.3, b: 0.5 + 0.02 * ((i + s) % 3) });
 * }
 * const ci = clusterBootstrapCi(rows, { resamples: 999 });
 * if (ci.n !== 10 || ci.observations !== 20 || !ci.excludesZero) throw new Error();
 * ```
 */
export function clusterBootstrapCi(
  rows: readonly PairedObservation[],
  options: ClusterBootstrapCiOptions = {},
): ClusterBootstrapCi {
  if (!Array.isArray(rows)) {
    throw new TypeError("rows must be an array of {item, a, b} observations");
  }
  const weighting = options.weighting ?? "item";
  if (weighting !== "item" && weighting !== "observation") {
    throw new RangeError(
      `weighting must be "item" or "observation", got ${JSON.stringify(weighting)}`,
    );
  }
  const settings = bootstrapSettings(options);
  const index = new Map<string, number>();
  const sums: number[] = [];
  const counts: number[] = [];
  rows.forEach((row, i) => {
    const parsed = PairedObservationSchema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TypeError(`rows[${i}].${issue.path.join(".")}: ${issue.message}`);
    }
    let k = index.get(row.item);
    if (k === undefined) {
      k = sums.length;
      index.set(row.item, k);
      sums.push(0);
      counts.push(0);
    }
    sums[k] += row.b - row.a;
    counts[k]++;
  });
  const means = sums.map((s, k) => s / counts[k]);
  const ci = bootstrapUnits(means, {
    ...settings,
    weights: weighting === "observation" ? counts : null,
  });
  return { ...ci, observations: rows.length, weighting };
}
