/**
 * Showing charts in Jupyter (Deno kernel): a MIME bundle with the Vega-Lite spec (interactive in
 * JupyterLab) and a pre-rendered SVG (for GitHub, nbconvert HTML and other static views).
 *
 * JupyterLab 4's built-in renderer registers `application/vnd.vegalite.v5+json` (and v3, v4), not
 * v6, while vega-lite 6 documents `https://vega.github.io/schema/vega-lite/v6.json` as `$schema`.
 * The bundle therefore carries the spec under the v5 media type (with a v5 `$schema`; the builders
 * use nothing v6-only) and under the v6 media type (unchanged) for frontends that know it. It
 * carries no `text/html`, because JupyterLab ranks HTML above Vega and would pick it.
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import type { VegaLiteSpec } from "./plot_options.ts";
import { toSVG, type ToSvgOptions } from "./to_svg.ts";
import { VEGA_LITE_SCHEMA } from "./plot_options.ts";
import {
  type Displayable,
  displayBundle,
  JUPYTER_DISPLAY,
  type MimeBundle,
} from "../util/jupyter_display.ts";

/** The Vega-Lite 5 media type JupyterLab 4 renders. */
export const VEGA_LITE_V5_MIME = "application/vnd.vegalite.v5+json";
/** The Vega-Lite 6 media type, for frontends that register it. */
export const VEGA_LITE_V6_MIME = "application/vnd.vegalite.v6+json";
/** The `$schema` written into the v5 copy of the spec. */
export const VEGA_LITE_V5_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** Options of {@linkcode plotBundle}. */
export interface PlotBundleOptions extends ToSvgOptions {
  /** Which Vega-Lite media types to include. @default ["v5", "v6"] */
  vegaLiteVersions?: ("v5" | "v6")[];
  /** Include the pre-rendered `image/svg+xml`. @default true */
  svg?: boolean;
}

/** Options of {@linkcode show}. */
export interface ShowOptions extends PlotBundleOptions {
  /**
   * Display the chart now when running in the Jupyter kernel (works mid-cell and in loops). When
   * false, nothing is displayed until the returned view is a cell's last value or is passed to
   * `Deno.jupyter.display`. @default true
   */
  display?: boolean;
  /** Display id, so a later `show` with `update: true` redraws this chart in place. @default undefined */
  displayId?: string;
  /** Replace the chart with this `displayId` instead of adding one. @default false */
  update?: boolean;
}

/** What {@linkcode show} returns: the bundle (for tests and saving) and a displayable view. */
export interface ChartView extends Displayable {
  /** The full MIME bundle (Vega-Lite spec(s), SVG, plain text). */
  readonly bundle: MimeBundle;
  /** True when `show` already displayed it in the kernel; its display method then returns `{}`. */
  readonly displayed: boolean;
}

function titleText(spec: TopLevelSpec): string {
  const title = (spec as { title?: unknown }).title;
  if (typeof title === "string") return title;
  if (title && typeof title === "object" && "text" in title) {
    const text = (title as { text: unknown }).text;
    return Array.isArray(text) ? text.join(" ") : String(text);
  }
  return "untitled";
}

/**
 * Builds the MIME bundle of a chart: the Vega-Lite spec under the v5 and v6 media types, the
 * rendered SVG under `image/svg+xml`, and a `text/plain` line naming the chart.
 *
 * @param spec A Vega-Lite spec (from any builder in this folder).
 * @param options Which media types to include; warning receiver.
 * @returns The MIME bundle.
 * @throws {Error} when the spec does not compile.
 *
 * @example Both the spec and the SVG are in the bundle
 * ```ts
 * import { plotBundle } from "./show.ts";
 * import { powerCurve } from "./power_curve.ts";
 * const b = await plotBundle(powerCurve([{ nItems: 10, seeds: 1, effect: 0.1, power: 0.5 }]));
 * if (typeof b["image/svg+xml"] !== "string") throw new Error("no SVG");
 * if (!b["application/vnd.vegalite.v5+json"]) throw new Error("no Vega-Lite spec");
 * ```
 */
export async function plotBundle(
  spec: VegaLiteSpec,
  options: PlotBundleOptions = {},
): Promise<MimeBundle> {
  const versions = options.vegaLiteVersions ?? ["v5", "v6"];
  for (const v of versions) {
    if (v !== "v5" && v !== "v6") {
      throw new TypeError(
        `plotBundle: vegaLiteVersions entries must be "v5" or "v6", got ${JSON.stringify(v)}`,
      );
    }
  }
  const json = JSON.parse(JSON.stringify(spec)) as Record<string, unknown>;
  const bundle: MimeBundle = {};
  if (versions.includes("v5")) {
    bundle[VEGA_LITE_V5_MIME] = { ...json, $schema: VEGA_LITE_V5_SCHEMA };
  }
  if (versions.includes("v6")) {
    bundle[VEGA_LITE_V6_MIME] = { ...json, $schema: json.$schema ?? VEGA_LITE_SCHEMA };
  }
  if (options.svg ?? true) bundle["image/svg+xml"] = await toSVG(spec, options);
  else await toSVG(spec, options); // still validate: a bad spec should fail here, not in the browser
  bundle["text/plain"] = `<Vega-Lite chart: ${titleText(spec as unknown as TopLevelSpec)}>`;
  return bundle;
}

/**
 * Shows a chart in Jupyter (Deno kernel) and returns its bundle. Outside the kernel it displays
 * nothing and does not throw, so scripts and tests can call it freely.
 *
 * Use `await show(spec)` anywhere in a cell; as a cell's last value it still shows once (the
 * returned view displays as an empty bundle when it was already shown). With `display: false` the
 * view is lazy: it shows when it is the cell's last value or is passed to `Deno.jupyter.display`.
 *
 * @param spec A Vega-Lite spec.
 * @param options Display now or lazily, display id / update, media types.
 * @returns The chart view with its bundle.
 * @throws {Error} when the spec does not compile.
 *
 * @example Outside Jupyter the bundle is still returned
 * ```ts
 * import { show } from "./show.ts";
 * import { trajectoryChart } from "./trajectory_chart.ts";
 * const view = await show(trajectoryChart([{ arm: "a", round: 0, score: 0.5 }]));
 * if (view.displayed) throw new Error("no kernel here");
 * if (!("image/svg+xml" in view.bundle)) throw new Error("no SVG");
 * ```
 */
export async function show(spec: VegaLiteSpec, options: ShowOptions = {}): Promise<ChartView> {
  const bundle = await plotBundle(spec, options);
  const displayed = (options.display ?? true)
    ? await displayBundle(bundle, { displayId: options.displayId, update: options.update })
    : false;
  return {
    bundle,
    displayed,
    [JUPYTER_DISPLAY]: () => (displayed ? {} : bundle),
  };
}
