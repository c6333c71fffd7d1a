/**
 * Renders a benchmark's plots next to its outputs: `forest.svg` (Δ vs baseline with CIs),
 * `forest_control.svg` (loop arms vs the same-budget control), `slope.svg` (per-item before →
 * after of the loop arms) and `trajectory.svg` (mean score at each recorded attempt), plus the Vega-Lite specs as JSON so a notebook or a web page can re-render
 * them. Kept out of `runBenchmark` so the library's hot path does not load the renderer.
 *
 * @module
 */
import { forestPlot } from "../plot/forest_plot.ts";
import { slopeChart } from "../plot/slope_chart.ts";
import { trajectoryChart } from "../plot/trajectory_chart.ts";
import { toSVG } from "../plot/to_svg.ts";
import type { VegaLiteSpec } from "../plot/plot_options.ts";
import { writeJsonAtomic, writeTextAtomic } from "../util/atomic.ts";
import { forestRows, slopeRows } from "./plot_rows.ts";
import type { BenchSummary } from "./summary.ts";
import type { ItemResult } from "./records.ts";

/** The slope chart's score axis, per task kind. */
const SCORE_TITLE: Readonly<Record<string, string>> = {
  code: "hidden-test score",
  answer: "gold-answer score",
  open: "judge-panel score",
};

/**
 * Writes the benchmark plots (SVG + Vega-Lite JSON) into `outDir`. Plots without data (e.g. no
 * control arm) are skipped.
 *
 * @param outDir The run directory.
 * @param result The summary and records of the run.
 * @returns The paths written.
 *
 * @example
 * ```ts ignore
 * import { writeBenchmarkPlots } from "./write_plots.ts";
 * const paths = await writeBenchmarkPlots("runs/x", { summary, records });
 * ```
 */
export async function writeBenchmarkPlots(
  outDir: string,
  result: { summary: BenchSummary; records: readonly ItemResult[] },
): Promise<string[]> {
  const { summary, records } = result;
  const specs: Record<string, VegaLiteSpec> = {};
  const vsBaseline = forestRows(summary, { against: "baseline" });
  if (vsBaseline.length) {
    specs.forest = forestPlot(vsBaseline, {
      title: `Δ vs baseline — ${summary.run}`,
      simulated: summary.simulated,
    });
  }
  const vsControl = forestRows(summary, { against: "control" });
  if (vsControl.length) {
    specs.forest_control = forestPlot(vsControl, {
      title: `Δ vs the same-budget control — ${summary.run}`,
      simulated: summary.simulated,
    });
  }
  const loops = summary.arms.filter((a) => a.kind === "loop");
  // Each panel is headed by the arm's flips against the baseline (binary outcome, item × seed).
  const heading = new Map(loops.map((a) => [
    a.arm,
    `${a.arm}${a.answerKey.length ? " †" : ""}${
      a.flips ? ` (✓→✗ ${a.flips.correctToWrong}, ✗→✓ ${a.flips.wrongToCorrect})` : ""
    }`,
  ]));
  const slope = loops.length
    ? slopeRows(records, loops.map((a) => a.arm)).map((r) => ({ ...r, arm: heading.get(r.arm)! }))
    : [];
  if (slope.length) {
    specs.slope = slopeChart(slope, {
      title: `first answer → final answer — ${summary.run}`,
      simulated: summary.simulated,
      beforeLabel: "first answer",
      afterLabel: "final answer",
      yTitle: SCORE_TITLE[summary.task ?? "code"] ?? "score",
    });
  }
  const trajectories = summary.trajectories ?? [];
  if (trajectories.length) {
    specs.trajectory = trajectoryChart(
      trajectories.flatMap((t) =>
        t.curve.map((p) => ({ arm: t.arm, round: p.attempt, score: p.meanScore }))
      ),
      {
        title: `mean score at attempt k — ${summary.run}`,
        simulated: summary.simulated,
        xTitle: "attempt",
        yTitle: SCORE_TITLE[summary.task ?? "code"] ?? "score",
      },
    );
  }
  const written: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    await writeTextAtomic(`${outDir}/${name}.svg`, await toSVG(spec));
    await writeJsonAtomic(`${outDir}/${name}.vl.json`, spec);
    written.push(`${outDir}/${name}.svg`);
  }
  return written;
}
