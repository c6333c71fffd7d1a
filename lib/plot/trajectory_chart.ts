/**
 * The per-round trajectory: mean score against round, one line per arm, with an optional CI band.
 *
 * @module
 */
import { z } from "zod";
import type { Equals, Schema } from "../schemas/schema.ts";
import type { TopLevelSpec } from "vega-lite";
import type { VegaLiteSpec } from "./plot_options.ts";
import { parseRows, type PlotOptions, type VlLayer, withTopLevel } from "./plot_options.ts";

/** One arm's mean score at one round, with an optional confidence band. */
export interface TrajectoryRow {
  /** Arm name (one line per arm). */
  arm: string;
  /** Round number (0 = the initial answer). */
  round: number;
  /** Mean score at that round. */
  score: number;
  /** Lower band bound (give both lo and hi, or neither). */
  lo?: number;
  /** Upper band bound. */
  hi?: number;
}

const trajectoryRowObject = z.object({
  /** Arm name (one line per arm). */
  arm: z.string().min(1),
  /** Round number (0 = the initial answer). */
  round: z.number().int().nonnegative(),
  /** Mean score at that round. */
  score: z.number(),
  /** Lower band bound (give both lo and hi, or neither). */
  lo: z.number().optional(),
  /** Upper band bound. */
  hi: z.number().optional(),
})
  .refine((r) => (r.lo === undefined) === (r.hi === undefined), {
    message: "give both lo and hi, or neither",
    path: ["lo"],
  })
  .refine((r) => r.lo === undefined || r.hi === undefined || r.lo <= r.hi, {
    message: "lo must be <= hi",
    path: ["lo"],
  });
/** Schema of {@linkcode TrajectoryRow}. */
export const TrajectoryRowSchema: Schema<TrajectoryRow> = trajectoryRowObject;
const _trajectoryRowObject: Equals<z.infer<typeof trajectoryRowObject>, TrajectoryRow> = true;

/** Options of {@linkcode trajectoryChart}. */
export interface TrajectoryChartOptions extends PlotOptions {
  /** Title of the score axis. @default "mean score" */
  yTitle?: string;
  /** Title of the round axis. @default "round" */
  xTitle?: string;
}

/**
 * Builds the per-round trajectory chart: round on the x axis, mean score on the y axis, one
 * coloured line with points per arm, and a translucent band between `lo` and `hi` where given.
 *
 * @param rows One row per (arm, round) (at least one).
 * @param options Title, SIMULATED flag, axis titles, size.
 * @returns A layered Vega-Lite spec.
 * @throws {TypeError} naming the bad row and field, or a repeated (arm, round).
 *
 * @example Two arms over three rounds
 * ```ts
 * import { trajectoryChart } from "./trajectory_chart.ts";
 * const spec = trajectoryChart([
 *   { arm: "self", round: 0, score: 0.5 }, { arm: "self", round: 1, score: 0.55 },
 *   { arm: "tests", round: 0, score: 0.5, lo: 0.4, hi: 0.6 },
 *   { arm: "tests", round: 1, score: 0.7, lo: 0.6, hi: 0.8 },
 * ]);
 * if (!("layer" in spec) || (spec.layer as unknown[]).length !== 2) throw new Error("band + line layers expected");
 * ```
 */
export function trajectoryChart(
  rows: TrajectoryRow[],
  options: TrajectoryChartOptions = {},
): VegaLiteSpec {
  const parsed = parseRows(TrajectoryRowSchema, rows, { builder: "trajectoryChart", options });
  const seen = new Set<string>();
  parsed.forEach((r, i) => {
    const key = `${r.arm}\u0000${r.round}`;
    if (seen.has(key)) {
      throw new TypeError(`trajectoryChart: rows[${i}] repeats arm "${r.arm}" round ${r.round}`);
    }
    seen.add(key);
  });
  const values = parsed.map((r) => ({
    arm: r.arm,
    round: r.round,
    score: r.score,
    lo: r.lo ?? null,
    hi: r.hi ?? null,
  }));
  const arms = [...new Set(parsed.map((r) => r.arm))];
  const x = {
    field: "round",
    type: "quantitative" as const,
    title: options.xTitle ?? "round",
    axis: { tickMinStep: 1, format: "d" },
  };
  const color = { field: "arm", type: "nominal" as const, title: "arm", sort: arms };
  const yTitle = options.yTitle ?? "mean score";
  const layers: VlLayer[] = [];
  if (parsed.some((r) => r.lo !== undefined)) {
    layers.push({
      transform: [{ filter: "isValid(datum.lo) && isValid(datum.hi)" }],
      mark: { type: "area", opacity: 0.18 },
      encoding: {
        x,
        y: { field: "lo", type: "quantitative", title: yTitle },
        y2: { field: "hi" },
        color: { ...color, legend: null },
      },
    });
  }
  layers.push({
    mark: { type: "line", point: { filled: true, size: 50 }, strokeWidth: 2 },
    encoding: {
      x,
      y: { field: "score", type: "quantitative", title: yTitle },
      color,
      tooltip: [
        { field: "arm", type: "nominal" },
        { field: "round", type: "quantitative" },
        { field: "score", type: "quantitative", format: ".3f" },
        { field: "lo", type: "quantitative", format: ".3f" },
        { field: "hi", type: "quantitative", format: ".3f" },
      ],
    },
  });
  return withTopLevel(
    {
      width: options.width ?? 420,
      height: options.height ?? 260,
      data: { values },
      layer: layers,
    } satisfies TopLevelSpec,
    { defaultTitle: "Score per round", ...options },
  );
}
