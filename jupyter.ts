/**
 * The Jupyter door: tables, trace views, progress bars, gate-audit tables and ordered output for
 * notebooks on the Deno kernel (every function is harmless outside Jupyter).
 *
 * @example
 * ```ts
 * import { htmlTable } from "./jupyter.ts";
 * const view = htmlTable([{ arm: "tests", delta: 0.2 }]);
 * if (!JSON.stringify(view.bundle).includes("tests")) throw new Error();
 * ```
 *
 * @module
 */
export {
  type ArmSummaryRow,
  ArmSummaryRowSchema,
  armSummaryTable,
  type ArmSummaryTableOptions,
  asDisplayable,
  createNotebookProgress,
  type DiffLine,
  type Displayable,
  displayBundle,
  type DisplayBundleOptions,
  escapeHtml,
  formatValue,
  type FormatValueOptions,
  gateAuditTable,
  type GateAuditTableOptions,
  htmlTable,
  type HtmlTableOptions,
  inJupyter,
  JUPYTER_DISPLAY,
  lineDiff,
  type LineDiffOptions,
  type MimeBundle,
  type NotebookProgress,
  type NotebookProgressOptions,
  type NotebookView,
  printLine,
  type ProgressFinish,
  type ProgressState,
  type TableColumn,
  traceView,
  type TraceViewOptions,
} from "./lib/ui/jupyter.ts";
