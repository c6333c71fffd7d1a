/**
 * Options every plot builder shares (title, SIMULATED flag, size) and the helpers that turn them
 * into Vega-Lite top-level properties.
 *
 * @module
 */
import { z } from "zod";
import type { TopLevelSpec } from "vega-lite";
import type { Equals, Schema } from "../schemas/schema.ts";

/**
 * A Vega-Lite specification as plain JSON. The builders construct it against vega-lite's own
 * `TopLevelSpec` type (so every spec is type-checked), then hand it out under this small public
 * type; pass it to `toSVG`, `show` or `JSON.stringify`.
 */
export interface VegaLiteSpec {
  /** The Vega-Lite JSON schema URL. */
  $schema?: string;
  /** Any other Vega-Lite property (`data`, `mark`, `layer`, `encoding`, …). */
  [key: string]: unknown;
}

/** One layer of a layered Vega-Lite spec (derived from `TopLevelSpec`). */
export type VlLayer = Extract<TopLevelSpec, { layer: unknown }>["layer"][number];
/** A Vega-Lite encoding block of a unit spec (derived from `TopLevelSpec`). */
export type VlEncoding = NonNullable<Extract<TopLevelSpec, { mark: unknown }>["encoding"]>;
/** A tooltip list of a Vega-Lite encoding. */
export type VlTooltip = Extract<NonNullable<VlEncoding["tooltip"]>, unknown[]>;

/** The `$schema` every builder puts on its spec (what vega-lite 6 documents as the default). */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** The subtitle line added when `simulated` is set. */
export const SIMULATED_SUBTITLE = "SIMULATED data — not measured on real model outputs";

/** Options shared by every plot builder. */
export interface PlotOptions {
  /** Chart title. @default a per-chart default, e.g. "Paired Δ per arm" */
  title?: string;
  /** Subtitle line under the title. @default undefined */
  subtitle?: string;
  /**
   * Marks the chart as made from simulated data: the title is prefixed with "SIMULATED: " and a
   * {@linkcode SIMULATED_SUBTITLE} line is added, so a figure can never pass for a measurement.
   * @default false
   */
  simulated?: boolean;
  /** Width of the plotting area (of each facet) in pixels. @default a per-chart default */
  width?: number;
  /** Height of the plotting area (of each facet) in pixels. @default a per-chart default */
  height?: number;
}

const plotOptions = z.object({
  title: z.string().optional(),
  subtitle: z.string().optional(),
  simulated: z.boolean().optional(),
  width: z.number().positive().optional(),
  height: z.number().positive().optional(),
});
/** Schema of {@linkcode PlotOptions}, used to reject bad options early. */
export const PlotOptionsSchema: Schema<PlotOptions> = plotOptions;
const _plotOptions: Equals<z.infer<typeof plotOptions>, PlotOptions> = true;

/** The title block of a top-level spec. */
export type TitleBlock = { text: string; subtitle?: string | string[] };

/**
 * Builds the title block: the given or default title, with the SIMULATED marks when asked.
 *
 * @param options Plot options (title, subtitle, simulated).
 * @param defaultTitle Title used when `options.title` is not set.
 * @returns A Vega-Lite title object.
 *
 * @example A simulated chart says so twice
 * ```ts
 * import { titleBlock } from "./plot_options.ts";
 * const t = titleBlock({ simulated: true }, "Power");
 * if (!t.text.startsWith("SIMULATED")) throw new Error(t.text);
 * if (!String(t.subtitle).includes("SIMULATED")) throw new Error("subtitle");
 * ```
 */
export function titleBlock(options: PlotOptions, defaultTitle: string): TitleBlock {
  const text = options.title ?? defaultTitle;
  const lines: string[] = [];
  if (options.subtitle) lines.push(options.subtitle);
  if (options.simulated) lines.push(SIMULATED_SUBTITLE);
  const title: TitleBlock = { text: options.simulated ? `SIMULATED: ${text}` : text };
  if (lines.length === 1) title.subtitle = lines[0];
  if (lines.length > 1) title.subtitle = lines;
  return title;
}

/** Context of {@linkcode parseRows}. */
export interface RowContext {
  /** Name of the calling builder, used in messages. @default "plot" */
  builder?: string;
  /** The builder's plot options, validated too. @default {} */
  options?: PlotOptions;
}

/**
 * Validates plot options and row arrays with zod, throwing an error that names the builder, the
 * row index and the field.
 *
 * @param schema Row schema.
 * @param rows The rows to check (must be a non-empty array).
 * @param context The calling builder's name (for messages) and its plot options (checked too).
 * @returns The parsed rows.
 * @throws {TypeError} naming the first bad row and field.
 *
 * @example Bad rows are named
 * ```ts
 * import { z } from "zod";
 * import { parseRows } from "./plot_options.ts";
 * let message = "";
 * try {
 *   parseRows(z.object({ x: z.number() }), [{ x: 1 }, { x: "no" }], { builder: "demo" });
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * if (!message.includes("rows[1].x")) throw new Error(message);
 * ```
 */
export function parseRows<T>(
  schema: Schema<T>,
  rows: unknown,
  context: RowContext = {},
): T[] {
  const builder = context.builder ?? "plot";
  const opt = PlotOptionsSchema.safeParse(context.options ?? {});
  if (!opt.success) {
    const issue = opt.error.issues[0];
    throw new TypeError(`${builder}: options.${issue.path.join(".")}: ${issue.message}`);
  }
  if (!Array.isArray(rows)) {
    throw new TypeError(`${builder}: rows must be an array, got ${typeof rows}`);
  }
  if (rows.length === 0) throw new TypeError(`${builder}: rows is empty; nothing to plot`);
  return rows.map((row, i) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.length ? `.${issue.path.join(".")}` : "";
      throw new TypeError(
        `${builder}: rows[${i}]${field}: ${issue.message} (got ${JSON.stringify(row)})`,
      );
    }
    return parsed.data;
  });
}

/** Options of {@linkcode withTopLevel}. */
export interface TopLevelOptions extends PlotOptions {
  /** Title used when `title` is not set. @default "" */
  defaultTitle?: string;
}

/**
 * Adds the shared top-level properties ($schema, title, white background) to a spec body.
 *
 * @param body The spec without title and $schema.
 * @param options Plot options and the default title.
 * @returns The complete top-level spec.
 *
 * @example Wrap a unit spec
 * ```ts
 * import { withTopLevel } from "./plot_options.ts";
 * const spec = withTopLevel({ data: { values: [] }, mark: "point" }, { defaultTitle: "T" });
 * if (spec.$schema === undefined) throw new Error("no $schema");
 * ```
 */
export function withTopLevel(body: TopLevelSpec, options: TopLevelOptions = {}): VegaLiteSpec {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: titleBlock(options, options.defaultTitle ?? ""),
    background: "white",
    ...body,
  } as TopLevelSpec as unknown as VegaLiteSpec;
}
