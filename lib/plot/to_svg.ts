/**
 * Headless SVG rendering of Vega-Lite specs: compile with `vega-lite`, render with `vega`'s
 * renderer-less view. Needs no permissions (no canvas, no fonts, no network).
 *
 * @module
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { VegaLiteSpec } from "./plot_options.ts";

/** Options of {@linkcode toSVG} and {@linkcode compileSpec}. */
export interface ToSvgOptions {
  /**
   * Receives every warning from the Vega-Lite compiler and the Vega runtime (nothing is printed).
   * @default undefined (warnings are dropped)
   */
  onWarning?: (message: string) => void;
}

/** A logger that forwards warnings and collects errors instead of printing. */
function collectingLogger(options: ToSvgOptions, errors: string[]): vega.LoggerInterface {
  const text = (args: unknown[]): string => args.map((a) => String(a)).join(" ");
  let level = vega.Warn;
  const logger = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: unknown[]) {
      errors.push(text(args));
      return logger;
    },
    warn(...args: unknown[]) {
      options.onWarning?.(text(args));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger as vega.LoggerInterface;
}

/**
 * A loader that refuses external URLs, so rendering never touches the network or disk. Vega only
 * warns about failed loads, so refusals are also recorded for the caller to throw.
 */
function inlineOnlyLoader(refused: string[]): vega.Loader {
  const refuse = (uri: string): Promise<never> => {
    const message = `external resource "${uri}" refused; put the data inline (data.values)`;
    refused.push(message);
    return Promise.reject(new Error(message));
  };
  return {
    load: (uri: string) => refuse(uri),
    sanitize: (uri: string) => refuse(uri),
    http: (uri: string) => refuse(uri),
    file: (uri: string) => refuse(uri),
  };
}

/** A compiled Vega specification as plain JSON. */
export interface VegaSpec {
  /** The Vega JSON schema URL. */
  $schema?: string;
  /** Any other Vega property (`marks`, `scales`, `data`, …). */
  [key: string]: unknown;
}

/**
 * Compiles a Vega-Lite spec to a Vega spec, throwing when the spec is invalid.
 *
 * @param spec A Vega-Lite top-level spec.
 * @param options Warning receiver.
 * @returns The compiled Vega spec.
 * @throws {Error} from the compiler when the spec is invalid.
 *
 * @example Compile a point chart
 * ```ts
 * import { compileSpec } from "./to_svg.ts";
 * const vg = compileSpec({ data: { values: [{ a: 1 }] }, mark: "point", encoding: { x: { field: "a", type: "quantitative" } } });
 * if (!Array.isArray(vg.marks)) throw new Error("no marks");
 * ```
 */
export function compileSpec(spec: VegaLiteSpec, options: ToSvgOptions = {}): VegaSpec {
  if (!spec || typeof spec !== "object") {
    throw new TypeError(`compileSpec: spec must be a Vega-Lite object, got ${typeof spec}`);
  }
  const errors: string[] = [];
  const compiled =
    compile(spec as unknown as TopLevelSpec, { logger: collectingLogger(options, errors) }).spec;
  if (errors.length) throw new Error(`compileSpec: ${errors.join("; ")}`);
  return compiled as unknown as VegaSpec;
}

/**
 * Renders a Vega-Lite spec to an SVG string, headless (no DOM, no canvas, no permissions).
 * External data URLs are refused: builders always inline their data.
 *
 * @param spec A Vega-Lite top-level spec.
 * @param options Warning receiver.
 * @returns The SVG document text (starts with `<svg`).
 * @throws {Error} when the spec does not compile, refers to external data, or the dataflow fails.
 *
 * @example Render a tiny chart
 * ```ts
 * import { toSVG } from "./to_svg.ts";
 * const svg = await toSVG({
 *   data: { values: [{ a: 1, b: 2 }, { a: 2, b: 3 }] },
 *   mark: "point",
 *   encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
 * });
 * if (!svg.startsWith("<svg")) throw new Error(svg.slice(0, 40));
 * ```
 */
export async function toSVG(spec: VegaLiteSpec, options: ToSvgOptions = {}): Promise<string> {
  const vgSpec = compileSpec(spec, options);
  const errors: string[] = [];
  const view = new vega.View(vega.parse(vgSpec), {
    renderer: "none",
    loader: inlineOnlyLoader(errors),
    logger: collectingLogger(options, errors),
  });
  try {
    const svg = await view.toSVG();
    if (errors.length) throw new Error(`toSVG: ${errors.join("; ")}`);
    return svg;
  } finally {
    view.finalize();
  }
}
