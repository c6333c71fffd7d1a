/**
 * Typed Vega-Lite chart builders for critique–revision experiments — a delta forest plot, a
 * before/after slope chart, a per-round trajectory, a power curve and an autoresearch convergence
 * chart — plus headless SVG rendering ({@linkcode toSVG}, no permissions needed) and Jupyter display
 * ({@linkcode show}).
 *
 * Every builder takes small documented rows (each with a zod schema) and a `title` / `simulated`
 * option; `simulated: true` writes "SIMULATED" into the title and subtitle.
 *
 * @example Build, render and show a forest plot
 * ```ts
 * import { forestPlot, show, toSVG } from "./mod.ts";
 * const spec = forestPlot([{ arm: "tests", delta: 0.2, lo: 0.1, hi: 0.3, wins: 8, ties: 2, losses: 1 }]);
 * const svg = await toSVG(spec);
 * if (!svg.includes("W/T/L 8/2/1")) throw new Error("label missing");
 * const view = await show(spec); // displays in Jupyter; harmless elsewhere
 * if (!view.bundle["image/svg+xml"]) throw new Error("no SVG in bundle");
 * ```
 *
 * @module
 */
export {
  type PlotOptions,
  PlotOptionsSchema,
  SIMULATED_SUBTITLE,
  type TitleBlock,
  titleBlock,
  VEGA_LITE_SCHEMA,
} from "./plot_options.ts";
export {
  forestPlot,
  type ForestPlotOptions,
  type ForestRow,
  ForestRowSchema,
} from "./forest_plot.ts";
export {
  OUTCOME_COLORS,
  slopeChart,
  type SlopeChartOptions,
  type SlopeOutcome,
  slopeOutcome,
  type SlopeOutcomeOptions,
  type SlopeRow,
  SlopeRowSchema,
} from "./slope_chart.ts";
export {
  trajectoryChart,
  type TrajectoryChartOptions,
  type TrajectoryRow,
  TrajectoryRowSchema,
} from "./trajectory_chart.ts";
export {
  powerCurve,
  type PowerCurveOptions,
  type PowerRow,
  PowerRowSchema,
} from "./power_curve.ts";
export {
  CONVERGENCE_STATUSES,
  convergenceChart,
  type ConvergenceChartOptions,
  type ConvergenceRow,
  ConvergenceRowSchema,
  type ConvergenceStatus,
  ConvergenceStatusSchema,
  STATUS_STYLE,
} from "./convergence_chart.ts";
export {
  frontierChart,
  type FrontierChartOptions,
  type FrontierChartRow,
  FrontierChartRowSchema,
} from "./frontier_chart.ts";
export { compileSpec, toSVG, type ToSvgOptions, type VegaSpec } from "./to_svg.ts";
export type { VegaLiteSpec } from "./plot_options.ts";
export {
  type ChartView,
  plotBundle,
  type PlotBundleOptions,
  show,
  type ShowOptions,
  VEGA_LITE_V5_MIME,
  VEGA_LITE_V5_SCHEMA,
  VEGA_LITE_V6_MIME,
} from "./show.ts";
