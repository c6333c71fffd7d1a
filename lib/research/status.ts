/**
 * A run's status at a glance, folded from its ledger: progress against the budgets, baseline and
 * best, outcome counts, gate stage and the last stop reason.
 *
 * @module
 */
import { buildAudit } from "./audit.ts";
import { type GateState, readLedger, summarizeLedger } from "./ledger.ts";
import type { Budgets } from "./problem.ts";
import { type LocateOptions, openWorkspace } from "./workspace.ts";

/** What {@linkcode researchStatus} reports. */
export interface ResearchStatus {
  /** Run tag. */
  tag: string;
  /** `autoresearch/<tag>`. */
  branch: string;
  /** Absolute run directory. */
  runDir: string;
  /** True once the baseline is recorded. */
  initialized: boolean;
  /** Finished iterations. */
  iterations: number;
  /** The budgets from problem.yaml. */
  budgets: Budgets;
  /** Metric name and direction. */
  metric: { name: string; direction: "minimize" | "maximize" };
  /** Baseline mean. */
  baseline?: number;
  /** Best (incumbent) mean, its commit and attempt id. */
  best?: { mean: number; commit: string; attempt: string };
  /** Improvement over the baseline (positive = better) and relative to |baseline|. */
  improvement?: { absolute: number; relative: number };
  /** Attempts by status. */
  counts: Record<"keep" | "discard" | "crash" | "noop" | "rejected", number>;
  /** Tokens used. */
  tokens: number;
  /** Wall seconds of the recorded work. */
  wallSeconds: number;
  /** The gate after the last iteration. */
  gate?: GateState;
  /** Why the last invocation stopped. */
  lastStop?: string;
  /** Recoveries after kills. */
  recoveries: number;
}

/**
 * Reports a run's status.
 *
 * @param problemPath Path of problem.yaml.
 * @param options Tag and run directory.
 * @returns The status (an uninitialised run reports `initialized: false`).
 *
 * @example A missing problem file is an input error
 * ```ts
 * import { researchStatus } from "./status.ts";
 * let failed = false;
 * try {
 *   await researchStatus("nope/problem.yaml", { tag: "t" });
 * } catch {
 *   failed = true;
 * }
 * if (!failed) throw new Error();
 * ```
 */
export async function researchStatus(
  problemPath: string,
  options: LocateOptions,
): Promise<ResearchStatus> {
  const ws = await openWorkspace(problemPath, options);
  const records = await readLedger(ws.runDir);
  const s = summarizeLedger(records);
  const audit = buildAudit(records, {
    metricName: ws.problem.metric.name,
    direction: ws.problem.metric.direction,
  });
  return {
    tag: ws.tag,
    branch: ws.branch,
    runDir: ws.runDir,
    initialized: s.baseline !== undefined,
    iterations: s.iterations.length,
    budgets: ws.problem.budgets,
    metric: audit.metric,
    baseline: s.baseline?.mean,
    best: s.incumbent
      ? { mean: s.incumbent.mean, commit: s.incumbent.commit, attempt: s.incumbent.attempt }
      : undefined,
    improvement: audit.improvement ?? undefined,
    counts: audit.counts,
    tokens: s.tokens,
    wallSeconds: s.wallMs / 1000,
    gate: s.iterations.at(-1)?.gate,
    lastStop: s.stops.at(-1)?.reason,
    recoveries: s.recoveries.length,
  };
}
