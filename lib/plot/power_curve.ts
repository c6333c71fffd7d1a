/**
 * The power curve: estimated power against the number of items, one line per effect size (or per
 * seed count), with a reference rule at the target power.
 *
 * @module
 */
import { z } from "zod";
import type { Equals, Schema } from "../schemas/schema.ts";
import type { TopLevelSpec } from "vega-lite";
import type { VegaLiteSpec } from "./plot_options.ts";
import { parseRows, type PlotOptions, type VlEncoding, withTopLevel } from "./plot_options.ts";

/** Estimated power of one design: n items × seeds at one true effect. */
export interface PowerRow {
  /** Number of items in the benchmark. */
  nItems: number;
  /** Seeds (repeats) per item. */
  seeds: number;
  /** True effect size the simulation assumed. */
  effect: number;
  /** Fraction of simulated runs that detected the effect, in [0, 1]. */
  power: number;
}

const powerRowObject = z.object({
  /** Number of items in the benchmark. */
  nItems: z.number().int().positive(),
  /** Seeds (repeats) per item. */
  seeds: z.number().int().positive(),
  /** True effect size the simulation assumed. */
  effect: z.number(),
  /** Fraction of simulated runs that detected the effect, in [0, 1]. */
  power: z.number().min(0).max(1),
});
/** Schema of {@linkcode PowerRow}. */
export const PowerRowSchema: Schema<PowerRow> = powerRowObject;
const _powerRowObject: Equals<z.infer<typeof powerRowObject>, PowerRow> = true;

/** Options of {@linkcode powerCurve}. */
export interface PowerCurveOptions extends PlotOptions {
  /**
   * Which field gets one coloured line each; when the other field also varies it is shown by dash
   * pattern. @default "effect"
   */
  lineBy?: "effect" | "seeds";
  /** Power of the horizontal reference rule. @default 0.8 */
  target?: number;
  /** Use a log scale for the number of items. @default false */
  logX?: boolean;
}

/**
 * Builds the power curve: number of items on the x axis, power in [0, 1] on the y axis, one line
 * with points per effect (or per seed count), and a dashed rule at the target power.
 *
 * @param rows One row per (nItems, seeds, effect) (at least one).
 * @param options Title, SIMULATED flag, line grouping, target, log x.
 * @returns A layered Vega-Lite spec.
 * @throws {TypeError} naming the bad row and field, a repeated design, or a bad target.
 *
 * @example Two effects
 * ```ts
 * import { powerCurve } from "./power_curve.ts";
 * const spec = powerCurve([
 *   { nItems: 20, seeds: 1, effect: 0.1, power: 0.3 }, { nItems: 80, seeds: 1, effect: 0.1, power: 0.7 },
 *   { nItems: 20, seeds: 1, effect: 0.2, power: 0.6 }, { nItems: 80, seeds: 1, effect: 0.2, power: 0.97 },
 * ], { simulated: true });
 * if (!("layer" in spec)) throw new Error("expected layers");
 * ```
 */
export function powerCurve(rows: PowerRow[], options: PowerCurveOptions = {}): VegaLiteSpec {
  const parsed = parseRows(PowerRowSchema, rows, { builder: "powerCurve", options });
  const target = options.target ?? 0.8;
  if (!Number.isFinite(target) || target < 0 || target > 1) {
    throw new TypeError(`powerCurve: target must be in [0, 1], got ${target}`);
  }
  const lineBy = options.lineBy ?? "effect";
  if (lineBy !== "effect" && lineBy !== "seeds") {
    throw new TypeError(
      `powerCurve: lineBy must be "effect" or "seeds", got ${JSON.stringify(lineBy)}`,
    );
  }
  const other = lineBy === "effect" ? "seeds" : "effect";
  const seen = new Set<string>();
  parsed.forEach((r, i) => {
    const key = `${r.nItems}/${r.seeds}/${r.effect}`;
    if (seen.has(key)) {
      throw new TypeError(
        `powerCurve: rows[${i}] repeats nItems=${r.nItems} seeds=${r.seeds} effect=${r.effect}`,
      );
    }
    seen.add(key);
  });
  const label = (field: "effect" | "seeds", v: number) => `${field} = ${v}`;
  const values = parsed.map((r) => ({
    ...r,
    line: label(lineBy, r[lineBy]),
    dash: label(other, r[other]),
    series: `${r.effect}/${r.seeds}`,
  }));
  const lineOrder = [...new Set(parsed.map((r) => r[lineBy]))].sort((a, b) => a - b).map((v) =>
    label(lineBy, v)
  );
  const dashOrder = [...new Set(parsed.map((r) => r[other]))].sort((a, b) => a - b).map((v) =>
    label(other, v)
  );
  const x = {
    field: "nItems",
    type: "quantitative" as const,
    title: "number of items",
    scale: options.logX ? { type: "log" as const } : { zero: false },
  };
  const y = {
    field: "power",
    type: "quantitative" as const,
    title: "power",
    scale: { domain: [0, 1] },
  };
  const encoding: VlEncoding = {
    x,
    y,
    color: { field: "line", type: "nominal", title: lineBy, sort: lineOrder },
    detail: { field: "series", type: "nominal" },
  };
  if (dashOrder.length > 1) {
    encoding.strokeDash = { field: "dash", type: "nominal", title: other, sort: dashOrder };
  }
  return withTopLevel(
    {
      width: options.width ?? 420,
      height: options.height ?? 260,
      data: { values },
      layer: [
        {
          data: { values: [{ target }] },
          mark: { type: "rule", color: "#888888", strokeDash: [4, 4] },
          encoding: { y: { field: "target", type: "quantitative", title: "power" } },
        },
        { mark: { type: "line", strokeWidth: 2 }, encoding },
        {
          mark: { type: "point", filled: true, size: 40, opacity: 1 },
          encoding: {
            x,
            y,
            color: encoding.color,
            detail: encoding.detail,
            tooltip: [
              { field: "nItems", type: "quantitative", title: "items" },
              { field: "seeds", type: "quantitative" },
              { field: "effect", type: "quantitative" },
              { field: "power", type: "quantitative", format: ".2f" },
            ],
          },
        },
      ],
    } satisfies TopLevelSpec,
    { defaultTitle: "Power vs number of items", ...options },
  );
}
