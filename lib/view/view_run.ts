/**
 * The run viewer as a static file: {@linkcode viewRun} builds the HTML of one run (or two, side by
 * side) and {@linkcode writeViewer} writes it to `<run>/index.html`. Charts are drawn by the
 * library's own plot builders and embedded as `data:` images; nothing is fetched when the page is
 * opened, from `file://` or anywhere else.
 *
 * @module
 */
import { writeTextAtomic } from "../util/atomic.ts";
import {
  compareRunFiles,
  comparisonForestRows,
  type RunComparison,
} from "../bench/compare_runs.ts";
import { forestRows, slopeRows } from "../bench/plot_rows.ts";
import { forestPlot } from "../plot/forest_plot.ts";
import { slopeChart } from "../plot/slope_chart.ts";
import { toSVG } from "../plot/to_svg.ts";
import type { VegaLiteSpec } from "../plot/plot_options.ts";
import { readViewRun, type ViewRun } from "./view_data.ts";
import { viewerPage } from "./view_page.ts";
import { encodeBase64 } from "./_base64.ts";

/** A chart of the page: an SVG drawn from numbers, as a `data:` URI. */
export interface ViewChart {
  /** Caption. */
  title: string;
  /** Text alternative. */
  alt: string;
  /** `data:image/svg+xml;base64,…`. */
  src: string;
}

/** Options of {@linkcode viewRun} and {@linkcode writeViewer}. */
export interface ViewRunOptions {
  /** A second run directory on the same dataset, shown side by side (run B). @default undefined */
  compare?: string;
  /** Bootstrap resamples of the comparison (as `bench compare`). @default 9999 */
  resamples?: number;
  /** Draw the charts. @default true */
  charts?: boolean;
  /** Largest number of items a slope chart is drawn for. @default 400 */
  maxSlopeItems?: number;
}

/** A run as the page embeds it: everything but the traces (and what is read per trace), plus its charts. */
export type PageRun = Omit<ViewRun, "traces" | "pairs" | "gateCandidates"> & {
  charts: ViewChart[];
};

async function svgChart(spec: VegaLiteSpec, title: string, alt: string): Promise<ViewChart> {
  const svg = await toSVG(spec);
  return {
    title,
    alt,
    src: `data:image/svg+xml;base64,${encodeBase64(new TextEncoder().encode(svg))}`,
  };
}

/**
 * The charts of one run: the Δ forest plot against the baseline and the first → final answer slope
 * chart of the non-baseline arms (left out above `maxSlopeItems` items).
 *
 * @param run A run from `readViewRun`.
 * @param options The slope-chart limit.
 * @returns The charts that have data.
 */
export async function runCharts(
  run: ViewRun,
  options: Pick<ViewRunOptions, "maxSlopeItems"> = {},
): Promise<ViewChart[]> {
  const charts: ViewChart[] = [];
  const simulated = run.manifest.simulated === true || run.summary?.simulated === true;
  if (run.summary) {
    const rows = forestRows(run.summary);
    if (rows.length) {
      charts.push(
        await svgChart(
          forestPlot(rows, { title: `Δ vs baseline — ${run.name}`, simulated }),
          "Δ vs baseline, 95% CI",
          `Forest plot: ${
            rows.map((r) =>
              `${r.arm} Δ ${r.delta.toFixed(3)} [${r.lo.toFixed(3)}, ${r.hi.toFixed(3)}]`
            )
              .join("; ")
          }`,
        ),
      );
    }
  }
  const baselines = new Set(
    run.summary?.arms.filter((a) => a.kind === "baseline").map((a) => a.arm) ?? ["baseline"],
  );
  const arms = [...new Set(run.records.map((r) => r.arm))].filter((a) => !baselines.has(a));
  const items = new Set(run.records.map((r) => r.id)).size;
  if (arms.length && items <= (options.maxSlopeItems ?? 400)) {
    charts.push(
      await svgChart(
        slopeChart(slopeRows(run.records, arms), {
          title: `first answer → final answer — ${run.name}`,
          simulated,
          beforeLabel: "first",
          afterLabel: "final",
        }),
        "First → final answer per item (mean over seeds)",
        `Slope chart of ${items} items in the arms ${arms.join(", ")}`,
      ),
    );
  }
  return charts;
}

/** The page data and the on-demand trace data of one or two runs. */
export interface ViewerData {
  /** What the page script reads. */
  data: {
    runs: PageRun[];
    live: boolean;
    comparison?: RunComparison;
    comparisonCharts?: ViewChart[];
    comparisonError?: string;
  };
  /** Traces, pairs and per-candidate gate-audit rows (by trace id) per run. */
  traces: {
    traces: ViewRun["traces"];
    pairs: ViewRun["pairs"];
    gate: ViewRun["gateCandidates"];
  }[];
}

/**
 * Reads one or two runs and gathers what the viewer page shows (used by {@linkcode viewRun} and the
 * server).
 *
 * @param runs Run directories (one, or two to compare).
 * @param options Comparison resamples, charts.
 * @param live Whether the page is served (polls for new records).
 * @returns Page data and trace data.
 */
export async function viewerData(
  runs: readonly ViewRun[],
  options: ViewRunOptions = {},
  live = false,
): Promise<ViewerData> {
  const page: PageRun[] = [];
  for (const run of runs) {
    const { traces: _t, pairs: _p, gateCandidates: _g, ...rest } = run;
    page.push({ ...rest, charts: options.charts === false ? [] : await runCharts(run, options) });
  }
  const data: ViewerData["data"] = { runs: page, live };
  if (runs.length === 2) {
    const [a, b] = runs;
    try {
      const comparison = compareRunFiles(
        { dir: a.name, name: a.name, manifest: a.manifest, records: a.records },
        { dir: b.name, name: b.name, manifest: b.manifest, records: b.records },
        { resamples: options.resamples ?? 9999 },
      );
      data.comparison = comparison;
      const rows = comparisonForestRows(comparison);
      if (rows.length && options.charts !== false) {
        const simulated = a.manifest.simulated === true || b.manifest.simulated === true;
        data.comparisonCharts = [
          await svgChart(
            forestPlot(rows, {
              title: `${b.name} − ${a.name}`,
              simulated,
              xTitle: `Δ, ${b.name} − ${a.name} (95% CI)`,
            }),
            `Δ per arm, ${b.name} − ${a.name}`,
            `Forest plot of the comparison: ${
              rows.map((r) => `${r.arm} Δ ${r.delta.toFixed(3)}`).join("; ")
            }`,
          ),
        ];
      }
    } catch (error) {
      data.comparisonError = `No comparison: ${error instanceof Error ? error.message : error}`;
    }
  }
  return { data, traces: runs.map(traceData) };
}

/**
 * What the page reads on demand of one run: its traces, preference pairs and per-candidate
 * gate-audit rows, each by trace id (empty objects for what the run does not have).
 *
 * @param run A run from `readViewRun`.
 * @returns The on-demand data of the run.
 *
 * @example A run read without traces gives empty objects
 * ```ts
 * import { traceData } from "./view_run.ts";
 * const data = traceData({ name: "r", manifest: {}, records: [], complete: true, candidatesAudited: false });
 * if (Object.keys(data.gate ?? {}).length !== 0 || !data.traces) throw new Error();
 * ```
 */
export function traceData(run: ViewRun): ViewerData["traces"][number] {
  return { traces: run.traces ?? {}, pairs: run.pairs ?? {}, gate: run.gateCandidates ?? {} };
}

/**
 * Builds the self-contained viewer page of a run, or of two runs side by side.
 *
 * @param dir A benchmark run directory (run A when comparing).
 * @param options A second run to compare, resamples, charts.
 * @returns The HTML.
 * @throws {Error} when a directory has no manifest.
 *
 * @example
 * ```ts ignore
 * import { viewRun } from "./view_run.ts";
 * const html = await viewRun("runs/demo");
 * ```
 */
export async function viewRun(dir: string, options: ViewRunOptions = {}): Promise<string> {
  const runs = [await readViewRun(dir)];
  if (options.compare !== undefined) runs.push(await readViewRun(options.compare));
  const { data, traces } = await viewerData(runs, options);
  const title = `Run viewer — ${runs.map((r) => r.name).join(" vs ")}`;
  return (await viewerPage({ data, traces, title })).html;
}

/**
 * Writes the viewer page to `<dir>/index.html` (atomically).
 *
 * @param dir A benchmark run directory.
 * @param options A second run to compare, resamples, charts.
 * @returns The path written.
 *
 * @example
 * ```ts ignore
 * import { writeViewer } from "./view_run.ts";
 * const path = await writeViewer("runs/demo", { compare: "runs/demo-subset" });
 * ```
 */
export async function writeViewer(dir: string, options: ViewRunOptions = {}): Promise<string> {
  const path = `${dir.replace(/\/+$/, "")}/index.html`;
  await writeTextAtomic(path, await viewRun(dir, options));
  return path;
}
