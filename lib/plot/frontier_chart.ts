/**
 * The equal-budget frontier: pass rate against mean tokens per item, one line per number of
 * repairs n_fr, with plain sampling (n_fr = 0) emphasised and a CI band around each line — the
 * figure of Olausson et al. (ICLR 2024), "Is Self-Repair a Silver Bullet for Code Generation?".
 *
 * @module
 */
import { z } from "zod";
import type { TopLevelSpec } from "vega-lite";
import type { Equals, Schema } from "../schemas/schema.ts";
import type { VegaLiteSpec } from "./plot_options.ts";
import { parseRows, type PlotOptions, withTopLevel } from "./plot_options.ts";

/** One configuration of the frontier. */
export interface FrontierChartRow {
  /** Initial samples n_p. */
  np: number;
  /** Repairs per failing sample n_fr (0 = plain sampling). */
  nfr: number;
  /** Mean tokens per item. */
  meanTokens: number;
  /** Estimated pass rate in [0, 1]. */
  passRate: number;
  /** Lower end of its CI (null: no band). */
  low: number | null;
  /** Upper end of its CI (null: no band). */
  high: number | null;
}

const rowObject = z.object({
  np: z.number().int().positive(),
  nfr: z.number().int().min(0),
  meanTokens: z.number().min(0),
  passRate: z.number().min(0).max(1),
  low: z.number().min(0).max(1).nullable(),
  high: z.number().min(0).max(1).nullable(),
});
/** Schema of {@linkcode FrontierChartRow}. */
export const FrontierChartRowSchema: Schema<FrontierChartRow> = rowObject;
const _row: Equals<z.infer<typeof rowObject>, FrontierChartRow> = true;

/** Options of {@linkcode frontierChart}. */
export interface FrontierChartOptions extends PlotOptions {
  /** Use a log scale for tokens. @default false */
  logX?: boolean;
}

const seriesName = (nfr: number) => (nfr === 0 ? "sampling (n_fr = 0)" : `repair n_fr = ${nfr}`);

/**
 * Builds the frontier chart: mean tokens on x, pass rate on y, one line per n_fr (points labelled
 * by n_p in the tooltip), the sampling line black and thicker, a translucent CI band per line.
 *
 * @param rows One row per (n_p, n_fr) (at least one).
 * @param options Title, SIMULATED flag, size, log x.
 * @returns A layered Vega-Lite spec (render with `toSVG`).
 * @throws {TypeError} naming the bad row and field, or a repeated configuration.
 *
 * @example
 * ```ts
 * import { frontierChart } from "./frontier_chart.ts";
 * const spec = frontierChart([
 *   { np: 1, nfr: 0, meanTokens: 100, passRate: 0.3, low: 0.2, high: 0.4 },
 *   { np: 2, nfr: 0, meanTokens: 200, passRate: 0.45, low: 0.35, high: 0.55 },
 *   { np: 1, nfr: 1, meanTokens: 250, passRate: 0.5, low: 0.4, high: 0.6 },
 * ], { simulated: true });
 * if (!String((spec.title as { text: string }).text).startsWith("SIMULATED")) throw new Error();
 * ```
 */
export function frontierChart(
  rows: FrontierChartRow[],
  options: FrontierChartOptions = {},
): VegaLiteSpec {
  const parsed = parseRows(FrontierChartRowSchema, rows, { builder: "frontierChart", options });
  const seen = new Set<string>();
  parsed.forEach((r, i) => {
    const key = `${r.np}/${r.nfr}`;
    if (seen.has(key)) {
      throw new TypeError(`frontierChart: rows[${i}] repeats n_p = ${r.np}, n_fr = ${r.nfr}`);
    }
    seen.add(key);
  });
  const nfrs = [...new Set(parsed.map((r) => r.nfr))].sort((a, b) => a - b);
  const order = nfrs.map(seriesName);
  const palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"];
  let c = 0;
  const colors = nfrs.map((n) => (n === 0 ? "#000000" : palette[c++ % palette.length]));
  const values = [...parsed].sort((a, b) => a.nfr - b.nfr || a.meanTokens - b.meanTokens).map(
    (r) => ({
      ...r,
      series: seriesName(r.nfr),
      emphasis: r.nfr === 0 ? 1 : 0,
      config: `n_p = ${r.np}, n_fr = ${r.nfr}`,
    }),
  );
  const x = {
    field: "meanTokens",
    type: "quantitative" as const,
    title: "mean tokens per item",
    scale: options.logX ? { type: "log" as const, nice: false } : { zero: false },
  };
  const color = {
    field: "series",
    type: "nominal" as const,
    title: "configuration",
    sort: order,
    scale: { domain: order, range: colors },
  };
  return withTopLevel(
    {
      width: options.width ?? 460,
      height: options.height ?? 280,
      data: { values },
      config: { legend: { symbolOpacity: 1, symbolType: "stroke" } },
      layer: [
        {
          transform: [{ filter: "datum.low != null && datum.high != null" }],
          mark: { type: "area", opacity: 0.12 },
          encoding: {
            x,
            y: { field: "low", type: "quantitative", title: "pass rate" },
            y2: { field: "high" },
            color,
          },
        },
        {
          mark: { type: "line" },
          encoding: {
            x,
            y: {
              field: "passRate",
              type: "quantitative",
              title: "pass rate",
              scale: { domain: [0, 1] },
            },
            color,
            strokeWidth: {
              field: "emphasis",
              type: "quantitative",
              scale: { domain: [0, 1], range: [1.5, 3.5] },
              legend: null,
            },
          },
        },
        {
          mark: { type: "point", filled: true, size: 36, opacity: 1 },
          encoding: {
            x,
            y: { field: "passRate", type: "quantitative" },
            color,
            tooltip: [
              { field: "config", type: "nominal", title: "configuration" },
              { field: "meanTokens", type: "quantitative", title: "mean tokens", format: ".0f" },
              { field: "passRate", type: "quantitative", title: "pass rate", format: ".3f" },
              { field: "low", type: "quantitative", format: ".3f" },
              { field: "high", type: "quantitative", format: ".3f" },
            ],
          },
        },
      ],
    } satisfies TopLevelSpec,
    { defaultTitle: "Pass rate vs tokens: repair and plain sampling", ...options },
  );
}
