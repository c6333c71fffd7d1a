/**
 * The terminal door: the live dashboard, plain event lines, JSON events and terminal-width helpers
 * the CLI renders a run with.
 *
 * @example
 * ```ts
 * import { displayWidth } from "./ui.ts";
 * if (displayWidth("日本") !== 4) throw new Error();
 * ```
 *
 * @module
 */
export {
  codePointWidth,
  colorEnabled,
  createDashboardState,
  createStyles,
  createTerminalSink,
  DASHBOARD_ROLES,
  type DashboardState,
  displayWidth,
  formatPlainEvent,
  oneLine,
  padEndToWidth,
  reduceDashboard,
  renderDashboard,
  type RenderOptions,
  resolveUiMode,
  type ScoreboardRow,
  sliceToWidth,
  stdoutIsTerminal,
  stripAnsi,
  type Styles,
  type SyncWriter,
  terminalColumns,
  terminalRows,
  type TerminalSink,
  type TerminalSinkOptions,
  UI_MODES,
  type UiMode,
  writeAllSync,
  writeStderr,
  writeStdout,
} from "./lib/ui/mod.ts";
