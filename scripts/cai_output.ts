/**
 * What a `cai` command shows: the event stream rendered by `createTerminalSink` (`--ui
 * auto|live|plain|json`), plus final reports. In `json` mode every stdout line is one event valid
 * under `EventSchema` — reports and messages become `log` events; in `plain` and `live` modes a
 * report is printed as-is after the dashboard's last frame.
 *
 * @module
 */
import type { Event, EventSink } from "../lib/schemas/events.ts";
import { createTerminalSink, resolveUiMode, UI_MODES, type UiMode } from "../lib/ui/terminal.ts";
import type { PriceTable } from "../lib/providers/pricing.ts";
import { stdoutIsTerminal, writeStdout } from "../lib/ui/stdout.ts";
import { enumFlag } from "./_cli.ts";

/** The `--ui` flag of every command. */
export const UI_FLAG = { ui: { type: "string" } } as const;

/** Help text of the `--ui` flag. */
export const UI_HELP =
  `  --ui auto|live|plain|json  live dashboard on a terminal, plain lines when piped (auto, the
                             default), or one JSON event per line (json)`;

/**
 * Reads the `--ui` flag.
 *
 * @param values Parsed flags.
 * @returns The mode (default `auto`).
 * @throws {UsageError} for a value outside `auto|live|plain|json`.
 *
 * @example
 * ```ts
 * import { uiFlag } from "./cai_output.ts";
 * if (uiFlag({}) !== "auto" || uiFlag({ ui: "json" }) !== "json") throw new Error();
 * ```
 */
export function uiFlag(values: Record<string, unknown>): UiMode {
  return enumFlag(values, "ui", UI_MODES, "auto");
}

/** A command's output channel. */
export interface CliOutput {
  /** The concrete mode (`auto` resolved). */
  readonly mode: "live" | "plain" | "json";
  /** Receives the run's events. */
  readonly onEvent: EventSink;
  /** Sends an info `log` event. */
  info(message: string): void;
  /** Sends a warning `log` event. */
  warn(message: string): void;
  /** Prints a final report (a `log` event in json mode; closes a live dashboard first). */
  report(text: string): void;
  /** Draws the last frame of a live dashboard; later events are ignored. Idempotent. */
  close(): void;
}

/** Options for {@linkcode createCliOutput}. */
export interface CliOutputOptions {
  /** Title of the live dashboard. @default "autoconstitution" */
  title?: string;
  /** Writes to stdout. @default synchronous write to stdout */
  write?: (text: string) => void;
  /** Whether stdout is a terminal. @default Deno.stdout.isTerminal() */
  isTTY?: boolean;
  /** Prices for the live cost counter. @default LOCAL_PRICES */
  prices?: PriceTable;
}

/**
 * Creates a command's output channel for a `--ui` mode.
 *
 * @param ui The requested mode.
 * @param options Dashboard title, writer, TTY flag.
 * @returns The channel.
 *
 * @example Reports are log events in json mode
 * ```ts
 * import { createCliOutput } from "./cai_output.ts";
 * const lines: string[] = [];
 * const out = createCliOutput("json", { write: (t) => lines.push(t), isTTY: false });
 * out.report("done");
 * out.close();
 * if (JSON.parse(lines[0]).type !== "log") throw new Error();
 * ```
 */
export function createCliOutput(ui: UiMode, options: CliOutputOptions = {}): CliOutput {
  const write = options.write ?? writeStdout;
  const isTTY = options.isTTY ?? stdoutIsTerminal();
  const mode = resolveUiMode(ui, isTTY);
  const sink = createTerminalSink(mode, {
    write,
    isTTY,
    title: options.title,
    prices: options.prices,
  });
  let started = false;
  let closed = false;
  const onEvent = (event: Event): void => {
    started = true;
    sink.onEvent(event);
  };
  const log = (level: "info" | "warn", message: string) =>
    onEvent({ type: "log", t: Date.now(), level, message });
  const close = () => {
    if (closed) return;
    closed = true;
    if (mode !== "live" || started) sink.close();
  };
  return {
    mode,
    onEvent,
    info: (message) => log("info", message),
    warn: (message) => log("warn", message),
    report(text: string) {
      if (mode === "json") return log("info", text);
      if (mode === "live" && started) close();
      write(text.endsWith("\n") ? text : text + "\n");
    },
    close,
  };
}
