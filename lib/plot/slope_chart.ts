/**
 * The per-item before/after slope chart: one line per item from its score before revision to its
 * score after, coloured by whether the item won, tied or lost; one panel per arm.
 *
 * @module
 */
import { z } from "zod";
import type { Equals, Schema } from "../schemas/schema.ts";
import type { TopLevelSpec } from "vega-lite";
import type { VegaLiteSpec } from "./plot_options.ts";
import { parseRows, type PlotOptions, type VlTooltip, withTopLevel } from "./plot_options.ts";

/** One item's score before and after, in one arm. */
export interface SlopeRow {
  /** Item id. */
  id: string;
  /** Arm the item ran in (one panel per arm). */
  arm: string;
  /** Score before (e.g. the round-0 answer). */
  before: number;
  /** Score after (e.g. the chosen answer). */
  after: number;
}

const slopeRowObject = z.object({
  /** Item id. */
  id: z.string().min(1),
  /** Arm the item ran in (one panel per arm). */
  arm: z.string().min(1),
  /** Score before (e.g. the round-0 answer). */
  before: z.number(),
  /** Score after (e.g. the chosen answer). */
  after: z.number(),
});
/** Schema of {@linkcode SlopeRow}. */
export const SlopeRowSchema: Schema<SlopeRow> = slopeRowObject;
const _slopeRowObject: Equals<z.infer<typeof slopeRowObject>, SlopeRow> = true;

/** Outcome of one item: after above before (win), within the tolerance (tie), or below (loss). */
export type SlopeOutcome = "win" | "tie" | "loss";

/** Options of {@linkcode slopeChart}. */
export interface SlopeChartOptions extends PlotOptions {
  /** Differences with |after − before| <= this count as ties. @default 0 */
  tieTolerance?: number;
  /** Axis label of the first stage. @default "before" */
  beforeLabel?: string;
  /** Axis label of the second stage. @default "after" */
  afterLabel?: string;
  /** Title of the score axis. @default "score" */
  yTitle?: string;
}

/** Colours of the three outcomes (colour-blind-safe-ish green, grey, red). */
export const OUTCOME_COLORS: Readonly<Record<SlopeOutcome, string>> = {
  win: "#2ca02c",
  tie: "#9e9e9e",
  loss: "#d62728",
};

/** Options of {@linkcode slopeOutcome}. */
export interface SlopeOutcomeOptions {
  /** Largest |after − before| still called a tie. @default 0 */
  tieTolerance?: number;
}

/**
 * Classifies one item's change.
 *
 * @param before Score before.
 * @param after Score after.
 * @param options The tie tolerance.
 * @returns "win", "tie" or "loss".
 *
 * @example A small gain within the tolerance is a tie
 * ```ts
 * import { slopeOutcome } from "./slope_chart.ts";
 * if (slopeOutcome(0.5, 0.52, { tieTolerance: 0.05 }) !== "tie") throw new Error();
 * if (slopeOutcome(0.5, 0.6, { tieTolerance: 0.05 }) !== "win") throw new Error();
 * ```
 */
export function slopeOutcome(
  before: number,
  after: number,
  options: SlopeOutcomeOptions = {},
): SlopeOutcome {
  const tieTolerance = options.tieTolerance ?? 0;
  const d = after - before;
  if (Math.abs(d) <= tieTolerance) return "tie";
  return d > 0 ? "win" : "loss";
}

/**
 * Builds the before/after slope chart: for each arm a panel with the two stages on the x axis, one
 * line per item coloured by outcome (win / tie / loss), and a point at each end.
 *
 * @param rows One row per (item, arm) (at least one).
 * @param options Title, SIMULATED flag, tie tolerance, stage labels, size.
 * @returns A faceted Vega-Lite spec.
 * @throws {TypeError} naming the bad row and field, or a bad tolerance.
 *
 * @example Three items in one arm
 * ```ts
 * import { slopeChart } from "./slope_chart.ts";
 * const spec = slopeChart([
 *   { id: "a", arm: "self", before: 0.2, after: 0.8 },
 *   { id: "b", arm: "self", before: 0.5, after: 0.5 },
 *   { id: "c", arm: "self", before: 0.9, after: 0.4 },
 * ]);
 * if (!("facet" in spec)) throw new Error("expected a faceted spec");
 * ```
 */
export function slopeChart(rows: SlopeRow[], options: SlopeChartOptions = {}): VegaLiteSpec {
  const parsed = parseRows(SlopeRowSchema, rows, { builder: "slopeChart", options });
  const tol = options.tieTolerance ?? 0;
  if (!Number.isFinite(tol) || tol < 0) {
    throw new TypeError(`slopeChart: tieTolerance must be a finite number >= 0, got ${tol}`);
  }
  const before = options.beforeLabel ?? "before";
  const after = options.afterLabel ?? "after";
  if (before === after) {
    throw new TypeError(`slopeChart: beforeLabel and afterLabel are both "${before}"`);
  }
  const values = parsed.flatMap((r, key) => {
    const outcome = slopeOutcome(r.before, r.after, { tieTolerance: tol });
    return [
      {
        key,
        id: r.id,
        arm: r.arm,
        stage: before,
        score: r.before,
        outcome,
        delta: r.after - r.before,
      },
      {
        key,
        id: r.id,
        arm: r.arm,
        stage: after,
        score: r.after,
        outcome,
        delta: r.after - r.before,
      },
    ];
  });
  const outcomes: SlopeOutcome[] = ["win", "tie", "loss"];
  const encoding = {
    x: {
      field: "stage",
      type: "ordinal" as const,
      sort: [before, after],
      title: null,
      axis: { labelAngle: 0 },
      scale: { padding: 0.3 },
    },
    y: { field: "score", type: "quantitative" as const, title: options.yTitle ?? "score" },
    color: {
      field: "outcome",
      type: "nominal" as const,
      title: "outcome",
      scale: { domain: outcomes, range: outcomes.map((o) => OUTCOME_COLORS[o]) },
    },
    detail: { field: "key", type: "nominal" as const },
  };
  const tooltip: VlTooltip = [
    { field: "id", type: "nominal", title: "item" },
    { field: "stage", type: "ordinal" },
    { field: "score", type: "quantitative", format: ".3f" },
    { field: "delta", type: "quantitative", format: "+.3f", title: "Δ" },
    { field: "outcome", type: "nominal" },
  ];
  return withTopLevel(
    {
      data: { values },
      facet: { column: { field: "arm", type: "nominal", title: "arm" } },
      spec: {
        width: options.width ?? 180,
        height: options.height ?? 260,
        layer: [
          { mark: { type: "line", strokeWidth: 1.5, opacity: 0.8 }, encoding },
          { mark: { type: "point", filled: true, size: 30 }, encoding: { ...encoding, tooltip } },
        ],
      },
    } satisfies TopLevelSpec,
    { defaultTitle: "Per-item score before and after revision", ...options },
  );
}
