/**
 * The run viewer: a self-contained HTML page of a benchmark run (or two side by side) — the
 * manifest in words, the arms with their Δ, every record filterable, and each item's rounds with
 * the critiques, verdicts and ratchet decisions — written next to the run or served on 127.0.0.1
 * while the run is going.
 *
 * @module
 */
export {
  readViewRun,
  type ReadViewRunOptions,
  type ViewPair,
  type ViewRecord,
  type ViewRun,
  withOutcomes,
} from "./view_data.ts";
export {
  type PageRun,
  runCharts,
  type ViewChart,
  type ViewerData,
  viewerData,
  viewRun,
  type ViewRunOptions,
  writeViewer,
} from "./view_run.ts";
export { scriptSafeJson, viewerCsp, viewerPage, type ViewerPageParts } from "./view_page.ts";
export { serveViewer, type ServeViewerOptions, type ViewerServer } from "./serve_viewer.ts";
