/**
 * Notebook UI for the Deno Jupyter kernel: rich tables of per-arm summaries, a collapsible view of
 * one critique–revision trace with line diffs, and live progress fed by the event stream.
 *
 * Everything returns MIME bundles (wrapped as displayable views), so results can be checked in
 * tests and saved; displaying is a no-op outside Jupyter and never throws.
 *
 * @example Show a table and a live progress display
 * ```ts
 * import { armSummaryTable, createNotebookProgress } from "./jupyter.ts";
 * const progress = createNotebookProgress({ title: "benchmark" });
 * progress.onEvent({ type: "run_start", t: Date.now(), runId: "r1", items: 1 });
 * progress.onEvent({ type: "item_end", t: Date.now(), itemId: "a", rounds: 2, stopReason: "passed", chosenScore: 1 });
 * const table = armSummaryTable([{ arm: "tests", delta: 0.2, lo: 0.1, hi: 0.3 }]);
 * const end = await progress.finish(table); // in Jupyter: final update + a normal display of the table
 * if (end.result?.["text/html"] !== table.bundle["text/html"]) throw new Error();
 * ```
 *
 * @module
 */
export * from "./jupyter_kernel.ts";
export { type ArmSummaryRow, ArmSummaryRowSchema } from "../plot/arm_summary_row.ts";
export {
  armSummaryTable,
  type ArmSummaryTableOptions,
  htmlTable,
  type HtmlTableOptions,
  type TableColumn,
} from "./jupyter_table.ts";
export { traceView, type TraceViewOptions } from "./jupyter_trace.ts";
export { gateAuditTable, type GateAuditTableOptions } from "./jupyter_gate_audit.ts";
export {
  createNotebookProgress,
  type NotebookProgress,
  type NotebookProgressOptions,
  type ProgressFinish,
  type ProgressState,
} from "./jupyter_progress.ts";
export { type DiffLine, lineDiff, type LineDiffOptions } from "../util/line_diff.ts";
export { escapeHtml, formatValue, type FormatValueOptions } from "./jupyter_html.ts";
