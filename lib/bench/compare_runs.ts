/**
 * Compares two benchmark runs arm by arm on the units they share (same item, same seed): a full
 * constitution against a principle subset, one student model against another, one temperature
 * against another. Each shared arm gets a paired Δ (run B − run A) with a cluster-bootstrap CI over
 * items, sign and permutation p-values and wins/ties/losses — the same statistics as within a run —
 * and the comparison says what differs between the two manifests, so a Δ is read against its
 * cause.
 *
 * @module
 */
import { z } from "zod";
import type { Equals, Schema } from "../schemas/schema.ts";
import type { Manifest } from "../schemas/manifest.ts";
import {
  type PairedSummary,
  PairedSummarySchema,
  summarizePaired,
} from "../stats/summarize_paired.ts";
import { zodOf } from "../schemas/zod_of.ts";
import { InputError } from "../util/jsonl.ts";
import type { ItemResult } from "./records.ts";
import { readRunFiles, type RunFiles } from "./read_run.ts";
import { percentText, pointsText, pValueText } from "./format.ts";
import { forestPlot, type ForestRow } from "../plot/forest_plot.ts";
import { toSVG } from "../plot/to_svg.ts";
import { writeJsonAtomic, writeTextAtomic } from "../util/atomic.ts";
import { pairedByItem } from "./paired_by_item.ts";
import { countFlips, type Flips, FlipsSchema } from "./flips.ts";
import { comparePasses, type PassComparison, PassComparisonSchema } from "./pass_comparison.ts";

/** One arm of a run comparison. */
export interface RunComparisonArm {
  /** Arm name (present in both runs). */
  arm: string;
  /** Paired comparison over items: `a` is run A, `b` run B, Δ = B − A. */
  paired: PairedSummary;
  /** Units (item × seed) of run A with no partner in run B. */
  unmatched: number;
  /** Binary outcome: units run A passed and run B failed (✓→✗), and the reverse (✗→✓). */
  flips: Flips;
  /** Pass@1 of A and B, Δ with its CI and the exact McNemar test (`--metric pass`). */
  pass: PassComparison;
}

/** Two runs compared (`compare.json`). */
export interface RunComparison {
  /** Name of run A (the reference). */
  a: string;
  /** Name of run B. */
  b: string;
  /** Manifest fields whose values differ, as `field: A → B` lines (what the Δ measures). */
  differences: string[];
  /** One entry per arm present in both runs, in run A's order. */
  arms: RunComparisonArm[];
  /** Arms only one run has, and other remarks. */
  notes: string[];
}

const runComparisonSchema = z.object({
  a: z.string(),
  b: z.string(),
  differences: z.array(z.string()),
  arms: z.array(z.object({
    arm: z.string(),
    paired: zodOf(PairedSummarySchema),
    unmatched: z.number().int().min(0),
    flips: zodOf(FlipsSchema),
    pass: zodOf(PassComparisonSchema),
  })),
  notes: z.array(z.string()),
});
const _comparison: Equals<z.infer<typeof runComparisonSchema>, RunComparison> = true;

/** Schema of {@linkcode RunComparison}. */
export const RunComparisonSchema: Schema<RunComparison> = runComparisonSchema;

/** One run's side of a comparison. */
export interface ComparedRun {
  /** A name for the run (e.g. its directory name). */
  name: string;
  /** Its records (`items.jsonl`). */
  records: readonly ItemResult[];
  /** Its manifest, when known: differing fields are listed. @default undefined */
  manifest?: Partial<Manifest> & Record<string, unknown>;
}

/** Options of {@linkcode compareRuns}. */
export interface CompareRunsOptions {
  /** Only these arms. @default every arm both runs have */
  arms?: readonly string[];
  /** Bootstrap resamples. @default 9999 */
  resamples?: number;
  /** Seed of the bootstrap and permutation tests. @default 0 */
  statsSeed?: number;
}

/** Options of {@linkcode renderRunComparison}. */
export interface RenderComparisonOptions {
  /** The primary metric: mean `score`, or `pass` (pass@1 with McNemar's test). @default "score" */
  metric?: "score" | "pass";
}

/** Manifest fields worth naming when they differ (what a cross-run Δ can be attributed to). */
const COMPARED_FIELDS = [
  "roles",
  "constitutionHash",
  "constitutionPrinciples",
  "constitutionSources",
  "datasetHash",
  "seeds",
  "simulated",
  "parameters",
] as const;

function brief(value: unknown): string {
  if (typeof value === "string" && /^[0-9a-f]{64}$/.test(value)) return `${value.slice(0, 12)}…`;
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/** Lists the differing manifest fields; `parameters` is compared key by key. */
function manifestDifferences(
  a: Record<string, unknown> | undefined,
  b: Record<string, unknown> | undefined,
): string[] {
  if (!a || !b) return [];
  const out: string[] = [];
  for (const field of COMPARED_FIELDS) {
    if (field === "parameters") {
      const pa = (a.parameters ?? {}) as Record<string, unknown>;
      const pb = (b.parameters ?? {}) as Record<string, unknown>;
      for (const key of [...new Set([...Object.keys(pa), ...Object.keys(pb)])].sort()) {
        if (key === "concurrency") continue; // changes speed, not results
        if (JSON.stringify(pa[key]) !== JSON.stringify(pb[key])) {
          out.push(`parameters.${key}: ${brief(pa[key])} → ${brief(pb[key])}`);
        }
      }
    } else if (JSON.stringify(a[field]) !== JSON.stringify(b[field])) {
      out.push(`${field}: ${brief(a[field])} → ${brief(b[field])}`);
    }
  }
  return out;
}

/**
 * Compares run B against run A, arm by arm, on matching (item, seed) units: Δ = B − A of the
 * hidden-test score, with each item's scores averaged over its seeds first (cluster bootstrap).
 *
 * @param a The reference run.
 * @param b The compared run.
 * @param options Arms, bootstrap resamples and seed.
 * @returns The comparison (valid under {@linkcode RunComparisonSchema}).
 * @throws {TypeError} for bad arguments or an arm that is not in both runs.
 *
 * @example B's tests arm gains on both items
 * ```ts
 * import { compareRuns } from "./compare_runs.ts";
 * const rec = (id: string, score: number) => ({ id, arm: "tests", seed: 0, score }) as never;
 * const c = compareRuns({ name: "A", records: [rec("x", 0), rec("y", 0.5)] },
 *   { name: "B", records: [rec("x", 1), rec("y", 1)] }, { resamples: 999 });
 * if (c.arms[0].paired.delta !== 0.75 || c.arms[0].paired.wtl.wins !== 2) throw new Error();
 * ```
 */
export function compareRuns(
  a: ComparedRun,
  b: ComparedRun,
  options: CompareRunsOptions = {},
): RunComparison {
  for (const [label, run] of [["a", a], ["b", b]] as const) {
    if (!run || typeof run.name !== "string" || !Array.isArray(run.records as unknown)) {
      throw new TypeError(`compareRuns: ${label} must be { name, records }`);
    }
  }
  const armsOf = (records: readonly ItemResult[]) => [...new Set(records.map((r) => r.arm))];
  const inA = armsOf(a.records), inB = new Set(armsOf(b.records));
  const notes: string[] = [];
  let arms: string[];
  if (options.arms) {
    for (const arm of options.arms) {
      if (!inA.includes(arm) || !inB.has(arm)) {
        throw new TypeError(
          `compareRuns: arm "${arm}" is not in both runs (${a.name}: ${
            inA.join(", ")
          }; ${b.name}: ${[...inB].join(", ")})`,
        );
      }
    }
    arms = [...options.arms];
  } else {
    arms = inA.filter((arm) => inB.has(arm));
    const onlyA = inA.filter((arm) => !inB.has(arm));
    const onlyB = [...inB].filter((arm) => !inA.includes(arm));
    if (onlyA.length) notes.push(`only in ${a.name}: ${onlyA.join(", ")}`);
    if (onlyB.length) notes.push(`only in ${b.name}: ${onlyB.join(", ")}`);
  }
  const stats = { resamples: options.resamples ?? 9999, seed: options.statsSeed ?? 0 };
  const rows = arms.map((arm): RunComparisonArm => {
    const left = a.records.filter((r) => r.arm === arm && r.error === undefined);
    const right = b.records.filter((r) => r.arm === arm && r.error === undefined);
    const paired = pairedByItem(left, right);
    if (paired.missing) {
      notes.push(`${arm}: ${paired.missing} unit(s) of ${a.name} have no partner in ${b.name}`);
    }
    return {
      arm,
      paired: summarizePaired(paired.a, paired.b, stats),
      unmatched: paired.missing,
      flips: countFlips(left, right),
      pass: comparePasses(left, right, stats),
    };
  });
  const errored = [...a.records, ...b.records].filter((r) => r.error !== undefined).length;
  if (errored) notes.push(`${errored} record(s) with an error were left out`);
  return {
    a: a.name,
    b: b.name,
    differences: manifestDifferences(a.manifest, b.manifest),
    arms: rows,
    notes,
  };
}

/**
 * Reads two benchmark run directories and compares them with {@linkcode compareRuns}. Runs on
 * different datasets are refused: their items do not pair.
 *
 * @param dirA The reference run directory.
 * @param dirB The compared run directory.
 * @param options Arms, bootstrap resamples and seed.
 * @returns The comparison.
 * @throws {InputError} for a missing or malformed run file, or runs on different datasets.
 *
 * @example A missing run is an input error naming the file
 * ```ts
 * import { compareRunDirs } from "./compare_runs.ts";
 * const dir = await Deno.makeTempDir();
 * const error = await compareRunDirs(dir, dir).catch((e) => e);
 * if (!String(error.message).includes("manifest.json: file not found")) throw new Error();
 * ```
 */
export async function compareRunDirs(
  dirA: string,
  dirB: string,
  options: CompareRunsOptions = {},
): Promise<RunComparison> {
  return compareRunFiles(await readRunFiles(dirA), await readRunFiles(dirB), options);
}

/**
 * Compares two runs already read with `readRunFiles` (see {@linkcode compareRunDirs}).
 *
 * @param a The reference run.
 * @param b The compared run.
 * @param options Arms, bootstrap resamples and seed.
 * @returns The comparison.
 * @throws {InputError} for runs on different datasets.
 *
 * @example Runs on different datasets do not pair
 * ```ts
 * import { compareRunFiles } from "./compare_runs.ts";
 * const run = (dir: string, datasetHash: string) => ({ dir, name: dir, manifest: { datasetHash }, records: [] });
 * const error = (() => { try { compareRunFiles(run("a", "x"), run("b", "y")); } catch (e) { return e; } })();
 * if (!String(error).includes("b/manifest.json: run b used another dataset")) throw new Error(String(error));
 * ```
 */
export function compareRunFiles(
  a: RunFiles,
  b: RunFiles,
  options: CompareRunsOptions = {},
): RunComparison {
  if (a.manifest?.datasetHash !== b.manifest?.datasetHash) {
    throw new InputError(
      `${b.dir}/manifest.json`,
      `run ${b.name} used another dataset than ${a.name} (hash ${
        String(b.manifest?.datasetHash).slice(0, 12)
      } vs ${String(a.manifest?.datasetHash).slice(0, 12)}): their items do not pair`,
      { field: "datasetHash" },
    );
  }
  return compareRuns(a, b, options);
}

const signed = (x: number | null, digits = 3) =>
  x === null ? "–" : `${x > 0 ? "+" : x < 0 ? "−" : ""}${Math.abs(x).toFixed(digits)}`;

/**
 * Renders a run comparison as Markdown: what differs, then one row per arm.
 *
 * @param comparison From {@linkcode compareRuns}.
 * @param options The primary metric (`score` or `pass`).
 * @returns Markdown.
 *
 * @example
 * ```ts
 * import { compareRuns, renderRunComparison } from "./compare_runs.ts";
 * const rec = (id: string, score: number) => ({ id, arm: "tests", seed: 0, score }) as never;
 * const md = renderRunComparison(compareRuns({ name: "A", records: [rec("x", 0)] },
 *   { name: "B", records: [rec("x", 1)] }, { resamples: 99 }));
 * if (!md.includes("| tests | 1 | 0.000 | 1.000 | +1.000 |")) throw new Error(md);
 * ```
 */
export function renderRunComparison(
  comparison: RunComparison,
  options: RenderComparisonOptions = {},
): string {
  const c = comparison;
  const lines = [`# ${c.b} vs ${c.a}`, ""];
  if (c.differences.length) {
    lines.push("What differs (A → B):", "", ...c.differences.map((d) => `- ${d}`), "");
  } else {
    lines.push(
      "The manifests do not differ in models, constitution, dataset, seeds or parameters.",
      "",
    );
  }
  lines.push(...(options.metric === "pass" ? passTable(c) : scoreTable(c)));
  if (c.notes.length) lines.push("", ...c.notes.map((n) => `Note: ${n}`));
  return lines.join("\n") + "\n";
}

/** The mean-score table of a comparison, with its legend. */
function scoreTable(c: RunComparison): string[] {
  const lines = [
    `| Arm | Items | ${c.a} | ${c.b} | Δ (B − A) | 95% CI | W/T/L | p (sign) | flips ✓→✗/✗→✓ |`,
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const { arm, paired: p, flips } of c.arms) {
    lines.push(
      `| ${arm} | ${p.n} | ${p.meanA?.toFixed(3) ?? "–"} | ${p.meanB?.toFixed(3) ?? "–"} | ${
        signed(p.delta)
      } | [${signed(p.ci.low)}, ${
        signed(p.ci.high)
      }] | ${p.wtl.wins}/${p.wtl.ties}/${p.wtl.losses} | ${
        pValueText(p.n === 0 ? undefined : p.signTest.p)
      } | ${flips.correctToWrong}/${flips.wrongToCorrect} |`,
    );
  }
  lines.push(
    "",
    "Δ: mean over items (each item's scores averaged over the seeds both runs have) of B − A; CI: " +
      "paired bootstrap over items; W/T/L: items where B beat / tied / lost to A; flips: item × seed " +
      "units A passed and B failed (✓→✗) and the reverse (✗→✓).",
  );
  return lines;
}

/** The pass@1 table of a comparison (`--metric pass`), with its legend. */
function passTable(c: RunComparison): string[] {
  const lines = [
    `| Arm | Units | pass@1 ${c.a} | pass@1 ${c.b} | Δ pts (B − A) | 95% CI | McNemar p | ✗→✓ (B right, A wrong) | ✓→✗ (A right, B wrong) |`,
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const { arm, pass: p } of c.arms) {
    lines.push(
      `| ${arm} | ${p.units} | ${percentText(p.rateA)} | ${percentText(p.rateB)} | ${
        pointsText(p.delta)
      } | [${pointsText(p.ci.low)}, ${pointsText(p.ci.high)}] | ${
        pValueText(p.units === 0 ? undefined : p.mcnemar.p)
      } | ${p.mcnemar.improved} | ${p.mcnemar.regressed} |`,
    );
  }
  lines.push(
    "",
    "pass@1: share of item × seed units scored in both runs whose answer passed every scoring " +
      "test; Δ in percentage points, CI: paired bootstrap over items (seeds averaged per item); " +
      "McNemar p: exact two-sided test on the discordant units (the flips).",
  );
  return lines;
}
/**
 * Turns a run comparison into forest-plot rows (Δ = B − A per arm with its CI and W/T/L); arms with
 * fewer than two paired items (no interval) are left out.
 *
 * @param comparison From {@linkcode compareRuns}.
 * @returns Rows for `forestPlot`.
 *
 * @example
 * ```ts
 * import { compareRuns, comparisonForestRows } from "./compare_runs.ts";
 * const rec = (id: string, score: number) => ({ id, arm: "tests", seed: 0, score }) as never;
 * const c = compareRuns({ name: "A", records: [rec("x", 0), rec("y", 0)] },
 *   { name: "B", records: [rec("x", 1), rec("y", 1)] }, { resamples: 99 });
 * if (comparisonForestRows(c)[0].delta !== 1) throw new Error();
 * ```
 */
export function comparisonForestRows(comparison: RunComparison): ForestRow[] {
  return comparison.arms.flatMap(({ arm, paired: p, flips }) =>
    p.delta === null || p.ci.low === null || p.ci.high === null ? [] : [{
      arm,
      delta: p.delta,
      lo: p.ci.low,
      hi: p.ci.high,
      method: `${p.ci.method} bootstrap`,
      wins: p.wtl.wins,
      ties: p.wtl.ties,
      losses: p.wtl.losses,
      correctToWrong: flips.correctToWrong,
      wrongToCorrect: flips.wrongToCorrect,
    }]
  );
}

/**
 * Writes a comparison to `dir`: `compare.json` (valid under {@linkcode RunComparisonSchema}),
 * `compare.md` and, when an arm has an interval, the forest plot `compare_forest.svg` with its
 * Vega-Lite JSON — each atomically.
 *
 * @param dir Output directory (created when missing).
 * @param comparison From {@linkcode compareRuns}.
 * @param options Label the plot SIMULATED; the metric `compare.md` leads with.
 * @returns The paths written.
 *
 * @example
 * ```ts
 * import { compareRuns, writeRunComparison } from "./compare_runs.ts";
 * const rec = (id: string, score: number) => ({ id, arm: "tests", seed: 0, score }) as never;
 * const c = compareRuns({ name: "A", records: [rec("x", 0), rec("y", 0.5)] },
 *   { name: "B", records: [rec("x", 1), rec("y", 1)] }, { resamples: 99 });
 * const paths = await writeRunComparison(await Deno.makeTempDir(), c);
 * if (!paths.some((p) => p.endsWith("compare_forest.svg"))) throw new Error();
 * ```
 */
export async function writeRunComparison(
  dir: string,
  comparison: RunComparison,
  options: { simulated?: boolean } & RenderComparisonOptions = {},
): Promise<string[]> {
  await Deno.mkdir(dir, { recursive: true });
  const written = [`${dir}/compare.json`, `${dir}/compare.md`];
  await writeJsonAtomic(written[0], comparison);
  await writeTextAtomic(written[1], renderRunComparison(comparison, { metric: options.metric }));
  const rows = comparisonForestRows(comparison);
  if (rows.length) {
    const spec = forestPlot(rows, {
      title: `${comparison.b} − ${comparison.a}`,
      simulated: options.simulated ?? false,
      xTitle: `Δ hidden-test score, ${comparison.b} − ${comparison.a} (95% CI)`,
    });
    await writeTextAtomic(`${dir}/compare_forest.svg`, await toSVG(spec));
    await writeJsonAtomic(`${dir}/compare_forest.vl.json`, spec);
    written.push(`${dir}/compare_forest.svg`);
  }
  return written;
}
