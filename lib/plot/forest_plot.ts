/**
 * The delta forest plot: one row per arm, the paired mean Δ as a point, its confidence interval as
 * a whisker, a dashed zero rule, and the win/tie/loss counts as a label.
 *
 * @module
 */
import { z } from "zod";
import type { TopLevelSpec } from "vega-lite";
import type { VegaLiteSpec } from "./plot_options.ts";
import type { Equals, Schema } from "../schemas/schema.ts";
import { parseRows, type PlotOptions, type VlTooltip, withTopLevel } from "./plot_options.ts";

/** One arm's paired effect: Δ with its confidence interval and optional win/tie/loss counts. */
export interface ForestRow {
  /** Arm name (e.g. "self-critique", "tests-critic"). */
  arm: string;
  /** Critic used by the arm, shown after the arm name. */
  critic?: string;
  /** Paired mean difference (after − before, or arm − baseline). */
  delta: number;
  /** Lower CI bound (<= hi). */
  lo: number;
  /** Upper CI bound. */
  hi: number;
  /** How the CI was computed ("bootstrap", "t", …), shown in the tooltip. */
  method?: string;
  /** Items where the arm won. */
  wins?: number;
  /** Items with no difference. */
  ties?: number;
  /** Items where the arm lost. */
  losses?: number;
  /** Binary outcome: item × seed pairs that went from right to wrong against the reference. */
  correctToWrong?: number;
  /** Binary outcome: item × seed pairs that went from wrong to right against the reference. */
  wrongToCorrect?: number;
  /** The arm sees the answer key (oracle/anchor protocol): labelled "†" and drawn in orange. */
  answerKey?: boolean;
}

/** The zod fields of a {@linkcode ForestRow} (shared with rows that extend it). Internal. */
export const forestRowFields = {
  /** Arm name (e.g. "self-critique", "tests-critic"). */
  arm: z.string().min(1),
  /** Critic used by the arm, shown after the arm name. */
  critic: z.string().optional(),
  /** Paired mean difference (after − before, or arm − baseline). */
  delta: z.number(),
  /** Lower CI bound. */
  lo: z.number(),
  /** Upper CI bound. */
  hi: z.number(),
  /** How the CI was computed ("bootstrap", "t", …), shown in the tooltip. */
  method: z.string().optional(),
  /** Items where the arm won. */
  wins: z.number().int().nonnegative().optional(),
  /** Items with no difference. */
  ties: z.number().int().nonnegative().optional(),
  /** Items where the arm lost. */
  losses: z.number().int().nonnegative().optional(),
  /** Binary outcome: item × seed pairs that went from right to wrong against the reference. */
  correctToWrong: z.number().int().nonnegative().optional(),
  /** Binary outcome: item × seed pairs that went from wrong to right against the reference. */
  wrongToCorrect: z.number().int().nonnegative().optional(),
  /** The arm sees the answer key (oracle/anchor protocol): labelled "†" and drawn in orange. */
  answerKey: z.boolean().optional(),
};

const forestRow = z.object(forestRowFields).refine((r) => r.lo <= r.hi, {
  message: "lo must be <= hi",
  path: ["lo"],
});
/** Schema of {@linkcode ForestRow}. */
export const ForestRowSchema: Schema<ForestRow> = forestRow;
const _forestRow: Equals<z.infer<typeof forestRow>, ForestRow> = true;

/** Options of {@linkcode forestPlot}. */
export interface ForestPlotOptions extends PlotOptions {
  /** Title of the Δ axis. @default "Δ score (95% CI)" */
  xTitle?: string;
  /** Title of the arm axis. @default "arm" */
  yTitle?: string;
}

/**
 * Builds the delta forest plot: arms on the y axis, Δ with CI whiskers on the x axis, a dashed rule
 * at zero, and a "W/T/L w/t/l" label right of each whisker when the counts are given. Rows keep
 * their input order.
 *
 * @param rows One row per arm (at least one).
 * @param options Title, SIMULATED flag, axis titles, size.
 * @returns A Vega-Lite spec (render it with `toSVG`, show it with `show`).
 * @throws {TypeError} naming the bad row and field, or when two rows get the same label.
 *
 * @example Two arms
 * ```ts
 * import { forestPlot } from "./forest_plot.ts";
 * const spec = forestPlot([
 *   { arm: "self", delta: 0.05, lo: -0.01, hi: 0.11, wins: 6, ties: 10, losses: 4 },
 *   { arm: "tests", critic: "tests", delta: 0.2, lo: 0.1, hi: 0.3 },
 * ], { title: "Δ by arm" });
 * if (!("layer" in spec)) throw new Error("expected a layered spec");
 * ```
 */
export function forestPlot(rows: ForestRow[], options: ForestPlotOptions = {}): VegaLiteSpec {
  const parsed = parseRows(ForestRowSchema, rows, { builder: "forestPlot", options });
  const seen = new Set<string>();
  const values = parsed.map((r, i) => {
    let label = (r.critic ? `${r.arm} · ${r.critic}` : r.arm) + (r.answerKey ? " †" : "");
    if (seen.has(label) && r.method) label = `${label} (${r.method})`;
    if (seen.has(label)) {
      throw new TypeError(
        `forestPlot: rows[${i}] repeats the label "${label}"; give each arm a distinct name`,
      );
    }
    seen.add(label);
    const hasCounts = r.wins !== undefined || r.ties !== undefined || r.losses !== undefined;
    const flips = r.correctToWrong !== undefined || r.wrongToCorrect !== undefined
      ? ` · flips ✓→✗ ${r.correctToWrong ?? 0}, ✗→✓ ${r.wrongToCorrect ?? 0}`
      : "";
    return {
      label,
      arm: r.arm,
      critic: r.critic ?? null,
      method: r.method ?? null,
      delta: r.delta,
      lo: r.lo,
      hi: r.hi,
      wtl: hasCounts ? `W/T/L ${r.wins ?? 0}/${r.ties ?? 0}/${r.losses ?? 0}${flips}` : null,
      protocol: r.answerKey ? "sees the answer key" : "honest",
    };
  });
  const y = {
    field: "label",
    type: "nominal" as const,
    sort: null,
    title: options.yTitle ?? "arm",
  };
  const x = {
    field: "delta",
    type: "quantitative" as const,
    title: options.xTitle ?? "Δ score (95% CI)",
  };
  const tooltip: VlTooltip = [
    { field: "label", type: "nominal", title: "arm" },
    { field: "delta", type: "quantitative", format: ".3f", title: "Δ" },
    { field: "lo", type: "quantitative", format: ".3f" },
    { field: "hi", type: "quantitative", format: ".3f" },
  ];
  if (values.some((v) => v.method !== null)) tooltip.push({ field: "method", type: "nominal" });
  if (values.some((v) => v.wtl !== null)) {
    tooltip.push({ field: "wtl", type: "nominal", title: "W/T/L" });
  }
  return withTopLevel(
    {
      width: options.width ?? 420,
      height: options.height ?? { step: 30 },
      data: { values },
      layer: [
        {
          data: { values: [{ zero: 0 }] },
          mark: { type: "rule", color: "#888888", strokeDash: [4, 4] },
          encoding: { x: { ...x, field: "zero" } },
        },
        {
          mark: { type: "rule", strokeWidth: 2, color: "#4c78a8" },
          encoding: { y, x: { ...x, field: "lo" }, x2: { field: "hi" } },
        },
        {
          mark: { type: "point", filled: true, size: 80, opacity: 1 },
          encoding: {
            y,
            x,
            tooltip,
            color: {
              field: "protocol",
              type: "nominal",
              scale: { domain: ["honest", "sees the answer key"], range: ["#1f4e79", "#e45756"] },
              legend: values.some((v) => v.protocol !== "honest")
                ? { title: "protocol", orient: "bottom" }
                : null,
            },
          },
        },
        {
          transform: [{ filter: "isValid(datum.wtl)" }],
          mark: { type: "text", align: "left", dx: 8, fontSize: 11, color: "#333333" },
          encoding: { y, x: { ...x, field: "hi" }, text: { field: "wtl", type: "nominal" } },
        },
      ],
    } satisfies TopLevelSpec,
    { defaultTitle: "Paired Δ per arm", ...options },
  );
}
