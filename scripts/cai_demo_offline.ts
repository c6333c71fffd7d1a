/**
 * The offline demo in one call: the SIMULATED student (`createSimulatedProvider`) on a few problems
 * of `datasets/coding_hard.jsonl`, scored by real sandboxed tests, comparing the arms baseline,
 * tests (test-grounded critique) and best_of_n (same-budget control) with `runBenchmark`. Nothing
 * is written to disk.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import type { EventSink } from "../lib/schemas/events.ts";
import { loadConstitution } from "../lib/constitution/load_constitution.ts";
import { loadDataset } from "../lib/datasets/load_dataset.ts";
import {
  type BenchSummary,
  createSimulatedProvider,
  renderReport,
  resolveArms,
  runBenchmark,
} from "../lib/bench/mod.ts";

/** Options for {@linkcode runOfflineDemo}. */
export interface OfflineDemoOptions {
  /** Receives the benchmark's events. @default undefined */
  onEvent?: EventSink;
  /** Stops the run (finished items are still reported). @default undefined */
  signal?: AbortSignal;
  /** Problems used (the first n of the dataset). @default 6 */
  items?: number;
  /** Revision rounds of the tests arm. @default 2 */
  rounds?: number;
  /** Seed. @default 1 */
  seed?: number;
  /** Bootstrap resamples of the confidence intervals. @default 1999 */
  resamples?: number;
  /** Dataset file. @default datasets/coding_hard.jsonl of this package */
  dataset?: string;
}

/** What {@linkcode runOfflineDemo} returns. */
export interface OfflineDemoResult {
  /** The report (Markdown), labelled SIMULATED. */
  report: string;
  /** The benchmark summary behind it. */
  summary: BenchSummary;
}

/** The arms of the offline demo. */
export const OFFLINE_DEMO_ARMS: readonly string[] = ["baseline", "tests", "best_of_n"];

/** The bundled dataset of the offline demo. */
export const OFFLINE_DEMO_DATASET: string = fileURLToPath(
  new URL("../datasets/coding_hard.jsonl", import.meta.url),
);

/**
 * Runs the offline SIMULATED demo and renders its report.
 *
 * @param options Events, abort signal, size, rounds, seed, resamples, dataset.
 * @returns The report and summary.
 * @throws {RangeError} for a non-positive item count or negative rounds.
 *
 * @example
 * ```ts ignore
 * import { runOfflineDemo } from "./cai_demo_offline.ts";
 * const { report } = await runOfflineDemo({ items: 2 });
 * if (!report.includes("SIMULATED")) throw new Error();
 * ```
 */
export async function runOfflineDemo(options: OfflineDemoOptions = {}): Promise<OfflineDemoResult> {
  const n = options.items ?? 6;
  const rounds = options.rounds ?? 2;
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`Cannot run the offline demo on ${n} items: must be an integer >= 1`);
  }
  if (!Number.isInteger(rounds) || rounds < 0) {
    throw new RangeError(`Cannot run the offline demo with ${rounds} rounds: must be >= 0`);
  }
  const items = await loadDataset(options.dataset ?? OFFLINE_DEMO_DATASET, { limit: n });
  const result = await runBenchmark(items, resolveArms(OFFLINE_DEMO_ARMS, { rounds }), {
    provider: createSimulatedProvider(items),
    constitution: await loadConstitution([]),
    seeds: [options.seed ?? 1],
    simulated: true,
    runName: "offline-demo",
    datasetName: "coding_hard",
    resamples: options.resamples ?? 1999,
    onEvent: options.onEvent,
    signal: options.signal,
  });
  return { report: renderReport(result.summary), summary: result.summary };
}
