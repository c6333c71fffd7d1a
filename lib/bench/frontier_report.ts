/**
 * The frontier's outputs in a run directory: `frontier.json` (see `FrontierSchema`),
 * `frontier.md`, and the chart as `frontier.svg` + `frontier.vl.json` (pass rate vs mean tokens, one
 * line per n_fr, sampling emphasised, CI bands; SIMULATED in the title when simulated).
 *
 * @module
 */
import { frontierChart, type FrontierChartRow } from "../plot/frontier_chart.ts";
import type { VegaLiteSpec } from "../plot/plot_options.ts";
import { toSVG } from "../plot/to_svg.ts";
import { writeJsonAtomic, writeTextAtomic } from "../util/atomic.ts";
import { type Frontier, FrontierSchema } from "./frontier_schema.ts";
import { estimateFrontier, type FrontierGrid, type FrontierOptions } from "./frontier.ts";
import { formatTokens } from "./frontier.ts";
import { readPoolFile, readPoolInfo } from "./pool_file.ts";

const pct = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toFixed(3));
const signed = (x: number | null) =>
  x === null ? "—" : `${x >= 0 ? "+" : "−"}${Math.abs(x).toFixed(3)}`;

/**
 * The chart rows of a frontier (every grid point).
 *
 * @param frontier The frontier.
 * @returns Rows for `frontierChart`.
 *
 * @example
 * ```ts
 * import { frontierRows } from "./frontier_report.ts";
 * const rows = frontierRows({ points: [{ np: 1, nfr: 0, passRate: 0.5, low: 0.4, high: 0.6, meanTokens: 90 }] } as never);
 * if (rows[0].meanTokens !== 90) throw new Error();
 * ```
 */
export function frontierRows(frontier: Frontier): FrontierChartRow[] {
  return frontier.points.map((p) => ({
    np: p.np,
    nfr: p.nfr,
    meanTokens: p.meanTokens,
    passRate: p.passRate,
    low: p.low,
    high: p.high,
  }));
}

/**
 * The frontier chart of a frontier (SIMULATED in the title when simulated). Configurations span
 * orders of magnitude of tokens, so the token axis is logarithmic unless asked otherwise.
 *
 * @param frontier The frontier.
 * @param options `logX`: a log token axis. @default { logX: true }
 * @returns The Vega-Lite spec.
 *
 * @example
 * ```ts ignore
 * const svg = await toSVG(frontierSpec(frontier));
 * ```
 */
export function frontierSpec(frontier: Frontier, options: { logX?: boolean } = {}): VegaLiteSpec {
  const flagged = frontier.answerKey.length ? " † sees the answer key" : "";
  return frontierChart(frontierRows(frontier), {
    title: `Pass rate vs tokens — ${frontier.run}`,
    subtitle: `critic ${frontier.critic}, gate ${frontier.gate}${flagged}; ${frontier.items} items`,
    simulated: frontier.simulated,
    logX: options.logX ?? true,
  });
}

/**
 * Renders `frontier.md`: the verdict, the grid, the equal-cost comparisons and the cost definition.
 *
 * @param frontier The frontier.
 * @returns Markdown.
 *
 * @example
 * ```ts ignore
 * console.log(renderFrontier(frontier));
 * ```
 */
export function renderFrontier(frontier: Frontier): string {
  const f = frontier;
  const lines = [
    `# Equal-budget frontier — ${f.run}${f.simulated ? " (SIMULATED)" : ""}`,
    "",
    ...(f.simulated
      ? ["**SIMULATED**: the authors are simulated; the numbers illustrate the method only.", ""]
      : []),
    `verdict: ${f.verdict}`,
    "",
    `${f.task} task · ${f.items} items · pool n_p = ${f.poolInitial}, n_fr = ${f.poolRepairs} · ` +
    `critic \`${f.critic}\` · gate \`${f.gate}\` · ` +
    `${
      f.scoreTests
        ? `scored on ${f.scoreTests === "all" ? "all tests (visible + hidden)" : "hidden tests"} · `
        : ""
    }` +
    `${f.draws} subsampling draws per item ` +
    `(repairs: ${
      f.repairOrder === "first" ? "the first n_fr" : "n_fr drawn without replacement"
    }) · ` +
    `${
      Math.round(f.confidence * 100)
    }% bootstrap CIs over items (${f.resamples} resamples, seed ${f.seed})`,
    "",
    ...(f.answerKey.length
      ? [
        "**† Sees the answer key** — this is not an honest protocol:",
        ...f.answerKey.map((a) => `- ${a}`),
        "",
      ]
      : []),
    "## Configurations",
    "",
    "| n_p | n_fr | pass rate | CI | mean tokens | closed-form pass@n_p |",
    "|---:|---:|---:|:--|---:|---:|",
    ...f.points.map((p) =>
      `| ${p.np} | ${p.nfr} | ${pct(p.passRate)} | [${pct(p.low)}, ${pct(p.high)}] | ${
        Math.round(p.meanTokens)
      } | ${p.exact === undefined ? "" : pct(p.exact)} |`
    ),
    "",
    "## Repair vs plain sampling at the same mean cost",
    "",
    "| n_p | n_fr | mean tokens | repair | sampling (k) | Δ | CI |",
    "|---:|---:|---:|---:|---:|---:|:--|",
    ...f.comparisons.map((c) =>
      c.delta === null
        ? `| ${c.np} | ${c.nfr} | ${Math.round(c.meanTokens)} | ${pct(c.passRate)} | — | — | ${
          c.note ?? ""
        } |`
        : `| ${c.np} | ${c.nfr} | ${Math.round(c.meanTokens)} | ${pct(c.passRate)} | ${
          pct(c.samplingPassRate)
        } (${c.samplingK!.toFixed(2)}) | ${signed(c.delta)} | [${signed(c.low)}, ${
          signed(c.high)
        }]${c.excludesZero ? " *" : ""} |`
    ),
    "",
    "Sampling at a fractional k is the linear interpolation between pass@⌊k⌋ and pass@⌈k⌉ " +
    "(closed form, per item); Δ's CI is a paired bootstrap over items; * = the CI excludes 0.",
    "",
    `Cost: ${f.costDefinition}.`,
    "",
    `Plain sampling: ${
      f.sampling.map((s) => `pass@${s.np} ${pct(s.passRate)} (${formatTokens(s.meanTokens)})`)
        .join(", ")
    }.`,
    "",
  ];
  return lines.join("\n");
}

/**
 * Writes `frontier.json`, `frontier.md`, `frontier.svg` and `frontier.vl.json` into `outDir`
 * (each atomically).
 *
 * @param outDir The run directory.
 * @param frontier The frontier (validated before anything is written).
 * @returns The paths written.
 *
 * @example
 * ```ts ignore
 * await writeFrontier("runs/pool", frontier);
 * ```
 */
export async function writeFrontier(outDir: string, frontier: Frontier): Promise<string[]> {
  const valid = FrontierSchema.parse(frontier);
  const spec = frontierSpec(valid);
  const svg = await toSVG(spec);
  const paths = ["json", "md", "svg", "vl.json"].map((ext) => `${outDir}/frontier.${ext}`);
  await writeJsonAtomic(paths[0], valid);
  await writeTextAtomic(paths[1], renderFrontier(valid));
  await writeTextAtomic(paths[2], svg);
  await writeJsonAtomic(paths[3], spec);
  return paths;
}

/**
 * Estimates the frontier of the pool in a run directory (`pool.jsonl` + `pool.manifest.json`) and
 * writes its outputs there.
 *
 * @param dir The run directory.
 * @param grid The configurations. @default the default grid
 * @param options Draws, seed, CI settings (what the pool is comes from its manifest).
 * @returns The frontier and the paths written.
 * @throws {InputError} naming the file, line and field of a bad pool row or manifest field.
 *
 * @example
 * ```ts ignore
 * const { frontier } = await frontierOfRun("runs/coding_hard-pool");
 * console.log(frontier.verdict);
 * ```
 */
export async function frontierOfRun(
  dir: string,
  grid: FrontierGrid = {},
  options: FrontierOptions = {},
): Promise<{ frontier: Frontier; paths: string[] }> {
  const info = await readPoolInfo(`${dir}/pool.manifest.json`);
  const rows = await readPoolFile(`${dir}/pool.jsonl`);
  const frontier = estimateFrontier(rows, grid, {
    run: info.run,
    simulated: info.simulated,
    task: info.task,
    critic: info.critic,
    gate: info.gate,
    answerKey: info.answerKey,
    ...(info.scoreTests ? { scoreTests: info.scoreTests } : {}),
    // Repairs after a test or oracle gate are exchangeable; after a critic gate repair 0 reuses
    // the gate's critique, so only the first n_fr are faithful.
    repairOrder: info.gate === "critic" ? "first" : "subsample",
    ...options,
  });
  return { frontier, paths: await writeFrontier(dir, frontier) };
}
