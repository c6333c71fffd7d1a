/**
 * Turns an autoresearch ledger into rows for the convergence chart (`convergenceChart` in
 * `lib/plot`): the baseline, then one row per evaluated attempt with its status and the incumbent's
 * metric after the iteration (the best-so-far line).
 *
 * @module
 */
import type { ConvergenceRow } from "../plot/convergence_chart.ts";
import type { LedgerRecord } from "./ledger.ts";

/**
 * Builds convergence-chart rows from ledger records (`readLedger(runDir)`).
 *
 * @param records The ledger, in order.
 * @returns Iteration 0 is the baseline (`keep`); then one row per iteration that evaluated an
 *   attempt — the kept candidate when there is one, else the first — with its metric (null when it
 *   produced none, e.g. a crash) and the incumbent's mean after the iteration.
 *
 * @example
 * ```ts
 * import { convergenceRows } from "./convergence_rows.ts";
 * const rows = convergenceRows([]);
 * if (rows.length !== 0) throw new Error();
 * ```
 */
export function convergenceRows(records: readonly LedgerRecord[]): ConvergenceRow[] {
  const rows: ConvergenceRow[] = [];
  for (const record of records) {
    if (record.kind === "baseline") {
      rows.push({ iteration: 0, metric: record.mean, status: "keep", bestSoFar: record.mean });
    } else if (record.kind === "iteration") {
      // One row per iteration (the chart plots one point per iteration): with parallel candidates,
      // the kept one, else the first evaluated.
      const attempt = record.attempts.find((a) => a.status === "keep") ?? record.attempts[0];
      if (!attempt) continue;
      rows.push({
        iteration: record.iteration,
        metric: attempt.mean ?? null,
        status: attempt.status,
        bestSoFar: record.incumbent.mean,
      });
    }
  }
  return rows;
}
