/**
 * The plot door: Vega-Lite builders (forest plot, slope chart, trajectory, convergence, power
 * curve, frontier-style line charts), an SVG renderer that needs no network, and `show` for Jupyter.
 *
 * @example
 * ```ts
 * import { forestPlot, toSVG } from "./plot.ts";
 * const svg = await toSVG(forestPlot([{ arm: "tests", delta: 0.2, lo: 0.1, hi: 0.3 }]));
 * if (!svg.startsWith("<svg")) throw new Error();
 * ```
 *
 * @module
 */
export {
  type ChartView,
  compileSpec,
  CONVERGENCE_STATUSES,
  convergenceChart,
  type ConvergenceChartOptions,
  type ConvergenceRow,
  ConvergenceRowSchema,
  type ConvergenceStatus,
  ConvergenceStatusSchema,
  forestPlot,
  type ForestPlotOptions,
  type ForestRow,
  ForestRowSchema,
  frontierChart,
  type FrontierChartOptions,
  type FrontierChartRow,
  FrontierChartRowSchema,
  OUTCOME_COLORS,
  plotBundle,
  type PlotBundleOptions,
  type PlotOptions,
  PlotOptionsSchema,
  powerCurve,
  type PowerCurveOptions,
  type PowerRow,
  PowerRowSchema,
  show,
  type ShowOptions,
  SIMULATED_SUBTITLE,
  slopeChart,
  type SlopeChartOptions,
  type SlopeOutcome,
  slopeOutcome,
  type SlopeOutcomeOptions,
  type SlopeRow,
  SlopeRowSchema,
  STATUS_STYLE,
  type TitleBlock,
  titleBlock,
  toSVG,
  type ToSvgOptions,
  trajectoryChart,
  type TrajectoryChartOptions,
  type TrajectoryRow,
  TrajectoryRowSchema,
  VEGA_LITE_SCHEMA,
  VEGA_LITE_V5_MIME,
  VEGA_LITE_V5_SCHEMA,
  VEGA_LITE_V6_MIME,
  type VegaLiteSpec,
  type VegaSpec,
} from "./lib/plot/mod.ts";
