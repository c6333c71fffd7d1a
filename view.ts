/**
 * The viewer door: a self-contained HTML page of a benchmark run — what the critics said, round by
 * round, next to the Δ — written to `<run>/index.html` or served on 127.0.0.1 while the run goes.
 *
 * @example
 * ```ts
 * import { scriptSafeJson } from "./view.ts";
 * if (scriptSafeJson("</script>").includes("<")) throw new Error();
 * ```
 *
 * @module
 */
export {
  type PageRun,
  readViewRun,
  type ReadViewRunOptions,
  runCharts,
  scriptSafeJson,
  serveViewer,
  type ServeViewerOptions,
  type ViewChart,
  viewerCsp,
  type ViewerData,
  viewerData,
  viewerPage,
  type ViewerPageParts,
  type ViewerServer,
  type ViewPair,
  type ViewRecord,
  type ViewRun,
  viewRun,
  type ViewRunOptions,
  withOutcomes,
  writeViewer,
} from "./lib/view/mod.ts";
