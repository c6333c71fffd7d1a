/**
 * Turns the event stream into terminal output in one of three modes: `json` (exactly one JSON event
 * per line), `plain` (one `[role round=N] …` line per event) and `live` (a redrawn dashboard).
 * `auto` picks live on a TTY and plain otherwise.
 *
 * @module
 */
import type { Event, EventSink } from "../schemas/events.ts";
import { colorEnabled } from "./ansi.ts";
import {
  createDashboardState,
  type DashboardState,
  reduceDashboard,
  renderDashboard,
} from "./dashboard.ts";
import { formatPlainEvent } from "./plain.ts";
import { stdoutIsTerminal, terminalColumns, terminalRows, writeStdout } from "./stdout.ts";
import type { PriceTable } from "../providers/pricing.ts";

/** UI modes accepted by every command's `--ui` flag. */
export const UI_MODES: readonly ["auto", "live", "plain", "json"] = [
  "auto",
  "live",
  "plain",
  "json",
];
/** A UI mode. */
export type UiMode = typeof UI_MODES[number];

/** Options for {@linkcode createTerminalSink}. */
export interface TerminalSinkOptions {
  /** Writes text to the output. @default synchronous write to stdout */
  write?: (text: string) => void;
  /** Whether the output is a terminal. @default Deno.stdout.isTerminal() */
  isTTY?: boolean;
  /** Terminal width. @default Deno.consoleSize().columns, or 80 */
  columns?: number;
  /**
   * Terminal height: a live frame is kept below it (role panels shrink to one line, then the
   * middle of the frame is cut), so redrawing in place never scrolls. @default Deno.consoleSize().rows, or 40
   */
  rows?: number;
  /** Title of the live dashboard. @default "autoconstitution" */
  title?: string;
  /** Minimum milliseconds between live redraws. @default 80 */
  frameMs?: number;
  /** Prices for the live cost counter. @default LOCAL_PRICES (local engines free) */
  prices?: PriceTable;
}

/** A sink plus a `close()` that flushes the final frame. */
export interface TerminalSink {
  /** Receives events. */
  onEvent: EventSink;
  /** Draws the final state (live mode) and stops redrawing. */
  close(): void;
  /** The live state (for tests); undefined in other modes. */
  state?: DashboardState;
}

/** Renders a frame that fits in `rows - 1` lines (keeping the title and the bottom lines). */
function fitFrame(state: DashboardState, width: number, rows: number, color: boolean): string[] {
  const maxLines = Math.max(3, rows - 1);
  let lines = renderDashboard(state, { width, color }).split("\n");
  if (lines.length > maxLines) {
    lines = renderDashboard(state, { width, color, panelLines: 1 }).split("\n");
  }
  if (lines.length > maxLines) lines = [lines[0], ...lines.slice(lines.length - (maxLines - 1))];
  return lines;
}

/**
 * Resolves `auto` to `live` on a TTY and `plain` otherwise.
 *
 * @param mode The requested mode.
 * @param isTTY Whether the output is a terminal.
 * @returns A concrete mode.
 *
 * @example
 * ```ts
 * import { resolveUiMode } from "./terminal.ts";
 * if (resolveUiMode("auto", false) !== "plain") throw new Error();
 * ```
 */
export function resolveUiMode(mode: UiMode, isTTY: boolean): Exclude<UiMode, "auto"> {
  if (mode !== "auto") return mode;
  return isTTY ? "live" : "plain";
}

/**
 * Creates a sink that renders events to a terminal or pipe.
 *
 * @param mode `auto`, `live`, `plain` or `json`.
 * @param options Output function, TTY flag, width, title.
 * @returns The sink and its `close()`.
 *
 * @example JSON lines
 * ```ts
 * import { createTerminalSink } from "./terminal.ts";
 * const out: string[] = [];
 * const sink = createTerminalSink("json", { write: (t) => out.push(t), isTTY: false });
 * sink.onEvent({ type: "log", t: 1, level: "info", message: "hi" });
 * sink.close();
 * if (JSON.parse(out[0]).message !== "hi") throw new Error();
 * ```
 */
export function createTerminalSink(mode: UiMode, options: TerminalSinkOptions = {}): TerminalSink {
  const write = options.write ?? writeStdout;
  const isTTY = options.isTTY ?? stdoutIsTerminal();
  const concrete = resolveUiMode(mode, isTTY);
  if (concrete === "json") {
    return { onEvent: (e) => write(JSON.stringify(e) + "\n"), close: () => {} };
  }
  if (concrete === "plain") {
    return {
      onEvent: (e) => {
        const line = formatPlainEvent(e);
        if (line !== null) write(line + "\n");
      },
      close: () => {},
    };
  }
  const state = createDashboardState(
    options.title ?? "autoconstitution",
    Date.now(),
    options.prices,
  );
  const color = colorEnabled(isTTY);
  const frameMs = options.frameMs ?? 80;
  let lastLines = 0;
  let lastDraw = 0;
  let closed = false;
  const draw = () => {
    const width = options.columns ?? terminalColumns();
    const lines = fitFrame(state, width, options.rows ?? terminalRows(), color);
    // Move up over the previous frame, clear it, draw the new one.
    const up = lastLines > 0 ? `\x1b[${lastLines}F` : "";
    write(`${up}\x1b[J${lines.join("\n")}\n`);
    lastLines = lines.length;
    lastDraw = Date.now();
  };
  return {
    state,
    onEvent: (e: Event) => {
      if (closed) return;
      reduceDashboard(state, e);
      if (Date.now() - lastDraw >= frameMs || e.type === "item_end" || e.type === "run_end") draw();
    },
    close: () => {
      if (closed) return;
      draw();
      closed = true;
    },
  };
}
