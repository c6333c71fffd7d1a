/**
 * The offline demo in one call: the SIMULATED student (`createSimulatedProvider`) on a few problems
 * of `datasets/coding_hard.jsonl`, scored by real sandboxed tests, comparing the arms baseline,
 * tests (test-grounded critique) and best_of_n (same-budget control) with `runBenchmark`.
 *
 * @module
 */
import type { EventSink } from "../lib/schemas/events.ts";

/** Options for {@linkcode runOfflineDemo}. */
export interface OfflineDemoOptions {
  /** Receives the benchmark's events. @default undefined */
  onEvent?: EventSink;
  /** Stops the run. @default undefined */
  signal?: AbortSignal;
  /** Problems used (the first n of the dataset). @default 6 */
  items?: number;
  /** Revision rounds of the tests arm. @default 2 */
  rounds?: number;
  /** Seed. @default 1 */
  seed?: number;
  /** Dataset file. @default datasets/coding_hard.jsonl of this package */
  dataset?: string | URL;
}

/** What {@linkcode runOfflineDemo} returns. */
export interface OfflineDemoResult {
  /** The report table (Markdown), labelled SIMULATED. */
  report: string;
}

/** The bundled dataset of the offline demo. */
export const OFFLINE_DEMO_DATASET: URL = new URL("../datasets/coding_hard.jsonl", import.meta.url);

/**
 * Runs the offline SIMULATED demo and renders its report.
 *
 * @param options Events, abort signal, size, rounds, seed, dataset.
 * @returns The report.
 * @throws {Error} when the benchmark library is not available.
 *
 * @example
 * ```ts ignore
 * import { runOfflineDemo } from "./cai_demo_offline.ts";
 * const { report } = await runOfflineDemo({ items: 2 });
 * if (!report.includes("SIMULATED")) throw new Error();
 * ```
 */
export async function runOfflineDemo(options: OfflineDemoOptions = {}): Promise<OfflineDemoResult> {
  const path = "../lib/bench/run.ts";
  const bench = await import(path).catch(() => undefined);
  if (typeof bench?.runBenchmark !== "function") {
    throw new Error("the offline demo needs runBenchmark (lib/bench/run.ts), not available yet");
  }
  void options;
  throw new Error("the offline demo is not wired to runBenchmark yet");
}
