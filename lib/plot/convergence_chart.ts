/**
 * The convergence chart of an autoresearch loop: the metric of each iteration as a marker coloured
 * and shaped by what happened to it (keep, discard, crash, noop, rejected), and the best-so-far as
 * a step line.
 *
 * @module
 */
import { z } from "zod";
import type { Equals, Schema } from "../schemas/schema.ts";
import type { TopLevelSpec } from "vega-lite";
import type { VegaLiteSpec } from "./plot_options.ts";
import { parseRows, type PlotOptions, type VlTooltip, withTopLevel } from "./plot_options.ts";

/** What the autoresearch loop did with one iteration's change. */
export type ConvergenceStatus = "keep" | "discard" | "crash" | "noop" | "rejected";

/** Every status, in legend order. */
export const CONVERGENCE_STATUSES: readonly ConvergenceStatus[] = [
  "keep",
  "discard",
  "crash",
  "noop",
  "rejected",
];

const convergenceStatus = z.enum(["keep", "discard", "crash", "noop", "rejected"]);
/** Schema of {@linkcode ConvergenceStatus}. */
export const ConvergenceStatusSchema: Schema<ConvergenceStatus> = convergenceStatus;
const _convergenceStatus: Equals<z.infer<typeof convergenceStatus>, ConvergenceStatus> = true;

/** One iteration of the autoresearch loop. */
export interface ConvergenceRow {
  /** Iteration number. */
  iteration: number;
  /** The metric this iteration measured; null when it produced none (e.g. a crash). */
  metric: number | null;
  /** What happened to the change. */
  status: ConvergenceStatus;
  /** Best kept metric after this iteration; null before anything was kept. */
  bestSoFar: number | null;
}

const convergenceRow = z.object({
  iteration: z.number().int().nonnegative(),
  metric: z.number().nullable(),
  status: convergenceStatus,
  bestSoFar: z.number().nullable(),
});
/** Schema of {@linkcode ConvergenceRow}. */
export const ConvergenceRowSchema: Schema<ConvergenceRow> = convergenceRow;
const _convergenceRow: Equals<z.infer<typeof convergenceRow>, ConvergenceRow> = true;

/** Colour and shape of each status marker. */
export const STATUS_STYLE: Readonly<Record<ConvergenceStatus, { color: string; shape: string }>> = {
  keep: { color: "#2ca02c", shape: "circle" },
  discard: { color: "#9e9e9e", shape: "circle" },
  crash: { color: "#d62728", shape: "cross" },
  noop: { color: "#1f77b4", shape: "square" },
  rejected: { color: "#ff7f0e", shape: "diamond" },
};

/** Options of {@linkcode convergenceChart}. */
export interface ConvergenceChartOptions extends PlotOptions {
  /** Title of the metric axis. @default "metric" */
  yTitle?: string;
}

/**
 * Builds the convergence chart: iteration on the x axis; one marker per iteration that has a
 * metric, coloured and shaped by status; a thin vertical rule (in the status colour) for each
 * iteration without a metric; and the best-so-far as a step line (`step-after`).
 *
 * @param rows One row per iteration (at least one).
 * @param options Title, SIMULATED flag, metric axis title, size.
 * @returns A layered Vega-Lite spec.
 * @throws {TypeError} naming the bad row and field, or a repeated iteration.
 *
 * @example Three iterations
 * ```ts
 * import { convergenceChart } from "./convergence_chart.ts";
 * const spec = convergenceChart([
 *   { iteration: 0, metric: 0.5, status: "keep", bestSoFar: 0.5 },
 *   { iteration: 1, metric: null, status: "crash", bestSoFar: 0.5 },
 *   { iteration: 2, metric: 0.6, status: "keep", bestSoFar: 0.6 },
 * ]);
 * if (!("layer" in spec) || (spec.layer as unknown[]).length !== 3) throw new Error("expected 3 layers");
 * ```
 */
export function convergenceChart(
  rows: ConvergenceRow[],
  options: ConvergenceChartOptions = {},
): VegaLiteSpec {
  const parsed = parseRows(ConvergenceRowSchema, rows, { builder: "convergenceChart", options });
  const seen = new Set<number>();
  parsed.forEach((r, i) => {
    if (seen.has(r.iteration)) {
      throw new TypeError(`convergenceChart: rows[${i}] repeats iteration ${r.iteration}`);
    }
    seen.add(r.iteration);
  });
  const values = [...parsed].sort((a, b) => a.iteration - b.iteration);
  const statuses = [...CONVERGENCE_STATUSES];
  const yTitle = options.yTitle ?? "metric";
  const x = {
    field: "iteration",
    type: "quantitative" as const,
    title: "iteration",
    axis: { tickMinStep: 1, format: "d" },
  };
  const color = {
    field: "status",
    type: "nominal" as const,
    title: "status",
    scale: { domain: statuses, range: statuses.map((s) => STATUS_STYLE[s].color) },
  };
  const shape = {
    field: "status",
    type: "nominal" as const,
    title: "status",
    scale: { domain: statuses, range: statuses.map((s) => STATUS_STYLE[s].shape) },
  };
  const tooltip: VlTooltip = [
    { field: "iteration", type: "quantitative" },
    { field: "status", type: "nominal" },
    { field: "metric", type: "quantitative", format: ".4f" },
    { field: "bestSoFar", type: "quantitative", format: ".4f", title: "best so far" },
  ];
  return withTopLevel(
    {
      width: options.width ?? 480,
      height: options.height ?? 260,
      data: { values },
      layer: [
        {
          transform: [{ filter: "!isValid(datum.metric)" }],
          mark: { type: "rule", strokeWidth: 1.5, strokeDash: [3, 3] },
          encoding: { x, color, tooltip },
        },
        {
          transform: [{ filter: "isValid(datum.bestSoFar)" }],
          mark: { type: "line", interpolate: "step-after", color: "#333333", strokeWidth: 1.5 },
          encoding: {
            x,
            y: { field: "bestSoFar", type: "quantitative", title: yTitle, scale: { zero: false } },
          },
        },
        {
          transform: [{ filter: "isValid(datum.metric)" }],
          mark: { type: "point", filled: true, size: 60, opacity: 1 },
          encoding: {
            x,
            y: { field: "metric", type: "quantitative", title: yTitle, scale: { zero: false } },
            color,
            shape,
            tooltip,
          },
        },
      ],
    } satisfies TopLevelSpec,
    { defaultTitle: "Autoresearch convergence", ...options },
  );
}
