/**
 * Renders one example of each chart type to SVG files in a folder, from made-up data (every chart
 * is marked SIMULATED).
 *
 * Usage: `deno run --allow-read=<dir> --allow-write=<dir> scripts/render_example_plots.ts <dir>`
 *
 * @module
 */
import {
  convergenceChart,
  type ConvergenceRow,
  forestPlot,
  powerCurve,
  type PowerRow,
  slopeChart,
  type SlopeRow,
  toSVG,
  trajectoryChart,
  type TrajectoryRow,
} from "../lib/plot/mod.ts";
import type { VegaLiteSpec } from "../lib/plot/plot_options.ts";
import { createRng } from "../lib/util/prng.ts";
import { writeTextAtomic } from "../lib/util/atomic.ts";

/**
 * Builds the example specs from seeded made-up data.
 *
 * @returns File stem → spec.
 */
export function exampleSpecs(): Record<string, VegaLiteSpec> {
  const rng = createRng(2024);
  const arms = ["self-critique", "tests-critic", "hybrid"];
  const slope: SlopeRow[] = arms.slice(0, 2).flatMap((arm, a) =>
    Array.from({ length: 8 }, (_, i) => {
      const before = Math.round(rng.next() * 10) / 10;
      const after = Math.min(
        1,
        Math.max(0, before + Math.round((rng.next() - 0.35 + 0.15 * a) * 6) / 10),
      );
      return { id: `item-${i}`, arm, before, after };
    })
  );
  const trajectory: TrajectoryRow[] = arms.flatMap((arm, a) =>
    [0, 1, 2, 3].map((round) => {
      const score = 0.45 + (0.04 + 0.05 * a) * Math.log1p(round);
      return { arm, round, score, lo: score - 0.06, hi: score + 0.06 };
    })
  );
  const power: PowerRow[] = [10, 20, 40, 80, 160].flatMap((nItems) =>
    [0.05, 0.1, 0.2].map((effect) => ({
      nItems,
      seeds: 1,
      effect,
      power: Math.round((1 - Math.exp((-nItems * effect * effect) / 2.5)) * 100) / 100,
    }))
  );
  let best = 0.5;
  const statuses = [
    "keep",
    "discard",
    "discard",
    "crash",
    "noop",
    "rejected",
    "keep",
    "discard",
  ] as const;
  const convergence: ConvergenceRow[] = statuses.map((status, iteration) => {
    const metric = status === "crash"
      ? null
      : Math.round((best + (rng.next() - 0.4) * 0.1) * 1000) / 1000;
    if (status === "keep" && metric !== null) best = Math.max(best, metric);
    return { iteration, metric, status, bestSoFar: best };
  });
  return {
    forest: forestPlot([
      {
        arm: "self-critique",
        critic: "llm",
        delta: 0.02,
        lo: -0.03,
        hi: 0.07,
        wins: 9,
        ties: 25,
        losses: 6,
      },
      {
        arm: "tests-critic",
        critic: "tests",
        delta: 0.14,
        lo: 0.08,
        hi: 0.2,
        wins: 17,
        ties: 21,
        losses: 2,
      },
      {
        arm: "hybrid",
        critic: "hybrid",
        delta: 0.11,
        lo: 0.04,
        hi: 0.18,
        wins: 15,
        ties: 20,
        losses: 5,
      },
    ], { simulated: true }),
    slope: slopeChart(slope, { simulated: true }),
    trajectory: trajectoryChart(trajectory, { simulated: true }),
    power: powerCurve(power, { simulated: true }),
    convergence: convergenceChart(convergence, { simulated: true }),
  };
}

if (import.meta.main) {
  const dir = Deno.args[0];
  if (!dir) {
    console.error(
      "usage: deno run --allow-read=<dir> --allow-write=<dir> scripts/render_example_plots.ts <dir>",
    );
    Deno.exit(2);
  }
  for (const [name, spec] of Object.entries(exampleSpecs())) {
    const path = `${dir}/${name}.svg`;
    await writeTextAtomic(path, await toSVG(spec));
    console.log(path);
  }
}
