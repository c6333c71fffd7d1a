/**
 * Live progress inside a notebook cell, fed by the library's event stream: one display that is
 * updated in place (`display_id`), and a final result shown with a normal display.
 *
 * @module
 */
import type { Event, EventSink } from "../schemas/events.ts";
import { escapeHtml, formatValue } from "./jupyter_html.ts";
import {
  type Displayable,
  displayBundle,
  type DisplayBundleOptions,
  JUPYTER_DISPLAY,
  type MimeBundle,
} from "./jupyter_kernel.ts";

/** What the progress display knows, accumulated from events. */
export interface ProgressState {
  /** Run id from `run_start`. */
  runId?: string;
  /** Items in the run (from `run_start` or `progress`). */
  total?: number;
  /** Items finished (`item_end`), or the `done` of the last `progress` event if larger. */
  done: number;
  /** Label of the last `progress` event. */
  label?: string;
  /** Item being worked on. */
  currentItem?: string;
  /** Round of the current item. */
  currentRound?: number;
  /** Role of the current call. */
  currentRole?: string;
  /** Chosen scores of finished items that reported one. */
  scores: number[];
  /** Events of type `error` and items that ended with an error. */
  errors: number;
  /** `parse_failure` events. */
  parseFailures: number;
  /** Last few warnings and errors, newest last. */
  messages: string[];
  /** Set by `run_end`. */
  finished: boolean;
  /** `ok` of `run_end`. */
  ok?: boolean;
}

/** Options of {@linkcode createNotebookProgress}. */
export interface NotebookProgressOptions {
  /** Title shown above the bar. @default "Progress" */
  title?: string;
  /** Display id of the live display. @default a random "autoconstitution-progress-…" id */
  displayId?: string;
  /**
   * Minimum milliseconds between two live updates; `run_start`, `item_end`, `error` and `run_end`
   * always update. @default 250
   */
  throttleMs?: number;
  /** Warnings and errors kept for display. @default 5 */
  maxMessages?: number;
  /** Also forward every event to this sink (e.g. a JSONL logger). @default undefined */
  forward?: EventSink;
  /**
   * The display function (for tests or other frontends); returns whether something was shown.
   * @default the Deno kernel's display, a no-op outside Jupyter
   */
  display?: (bundle: MimeBundle, options: DisplayBundleOptions) => Promise<boolean>;
}

/**
 * What {@linkcode NotebookProgress.finish} returns. It displays as nothing (an empty bundle), so
 * `await progress.finish(result)` as a cell's last line does not echo the bundles.
 */
export interface ProgressFinish extends Displayable {
  /** The final progress bundle. */
  progress: MimeBundle;
  /** The result bundle, when a result was given. */
  result?: MimeBundle;
  /** True when the result (or, without one, the final progress) was displayed. */
  displayed: boolean;
}

/** A live notebook progress display. */
export interface NotebookProgress {
  /** Event sink: pass it as `onEvent` to the loop or benchmark. Never throws. */
  onEvent: EventSink;
  /** The current state (a snapshot). */
  state(): ProgressState;
  /** The current progress MIME bundle. */
  bundle(): MimeBundle;
  /**
   * Waits for pending updates, writes the final progress state into the live display, then shows
   * the result (a bundle or anything displayable) with a normal display, so saved notebooks and
   * frontends that drop updates still show it.
   */
  finish(result?: MimeBundle | Displayable): Promise<ProgressFinish>;
}

function renderProgress(title: string, s: ProgressState): MimeBundle {
  const total = s.total ?? 0;
  const mean = s.scores.length ? s.scores.reduce((a, b) => a + b, 0) / s.scores.length : undefined;
  const facts = [
    total ? `${s.done}/${total} items` : `${s.done} items`,
    ...(mean !== undefined
      ? [`mean chosen score ${formatValue(mean)} (n=${s.scores.length})`]
      : []),
    ...(s.errors ? [`${s.errors} error${s.errors === 1 ? "" : "s"}`] : []),
    ...(s.parseFailures
      ? [`${s.parseFailures} parse failure${s.parseFailures === 1 ? "" : "s"}`]
      : []),
  ];
  const now = s.finished
    ? `finished${s.ok === false ? " (not ok)" : ""}`
    : s.currentItem !== undefined
    ? `item ${s.currentItem}${s.currentRound !== undefined ? ` · round ${s.currentRound}` : ""}${
      s.currentRole ? ` · ${s.currentRole}` : ""
    }`
    : "waiting";
  const head = `${title}${s.label ? ` — ${s.label}` : ""}`;
  const bar = total
    ? `<progress value="${s.done}" max="${total}" style="width:20em"></progress> `
    : "";
  const html = [
    '<div class="autoconstitution-progress">',
    `<div><b>${escapeHtml(head)}</b></div>`,
    `<div>${bar}${escapeHtml(facts.join(" · "))}</div>`,
    `<div style="color:#57606a">${escapeHtml(now)}</div>`,
    s.messages.length
      ? `<ul style="color:#9a6700;margin:0.2em 0">${
        s.messages.map((m) => `<li>${escapeHtml(m)}</li>`).join("")
      }</ul>`
      : "",
    "</div>",
  ].join("");
  const plain = [`${head}: ${facts.join(" · ")} · ${now}`, ...s.messages.map((m) => `  ! ${m}`)]
    .join("\n");
  return { "text/html": html, "text/plain": plain };
}

function apply(s: ProgressState, e: Event, maxMessages: number): void {
  const note = (m: string) => {
    s.messages.push(m);
    if (s.messages.length > maxMessages) s.messages.splice(0, s.messages.length - maxMessages);
  };
  switch (e.type) {
    case "run_start":
      s.runId = e.runId;
      s.total = e.items;
      break;
    case "run_end":
      s.finished = true;
      s.ok = e.ok;
      break;
    case "item_start":
      s.currentItem = e.itemId;
      s.currentRound = undefined;
      s.currentRole = undefined;
      break;
    case "item_end":
      s.done++;
      if (e.chosenScore !== undefined) s.scores.push(e.chosenScore);
      if (e.error) {
        s.errors++;
        note(`${e.itemId ?? "item"}: ${e.error}`);
      }
      break;
    case "round_start":
      s.currentRound = e.round;
      break;
    case "role_start":
      s.currentRole = e.role;
      s.currentRound = e.round;
      break;
    case "progress":
      s.done = Math.max(s.done, e.done);
      s.total = e.total;
      if (e.label !== undefined) s.label = e.label;
      break;
    case "parse_failure":
      s.parseFailures++;
      break;
    case "error":
      s.errors++;
      note(`${e.itemId ? `${e.itemId}: ` : ""}${e.role ? `${e.role}: ` : ""}${e.message}`);
      break;
    case "log":
      if (e.level === "warn") note(e.message);
      break;
    default:
      break;
  }
}

const ALWAYS = new Set(["run_start", "item_end", "error", "run_end"]);

/**
 * Creates a live progress display for a notebook cell. Feed it events with `onEvent`; the first
 * update creates a display with a fixed `display_id`, later ones update it in place (throttled).
 * Call `finish(result)` at the end: the final state is written into the live display and the result
 * is shown with a normal display. Outside Jupyter nothing is displayed and nothing throws; the
 * state and bundles are still computed.
 *
 * @param options Title, display id, throttle, forwarding sink, display function.
 * @returns The progress handle.
 *
 * @example Count finished items
 * ```ts
 * import { createNotebookProgress } from "./jupyter_progress.ts";
 * const p = createNotebookProgress({ title: "bench" });
 * p.onEvent({ type: "run_start", t: 0, runId: "r", items: 2 });
 * p.onEvent({ type: "item_end", t: 1, itemId: "a", rounds: 1, stopReason: "passed", chosenScore: 1 });
 * const done = await p.finish({ "text/plain": "result" });
 * if (p.state().done !== 1 || done.displayed) throw new Error();
 * ```
 */
export function createNotebookProgress(options: NotebookProgressOptions = {}): NotebookProgress {
  const title = options.title ?? "Progress";
  const displayId = options.displayId ?? `autoconstitution-progress-${crypto.randomUUID()}`;
  const throttleMs = options.throttleMs ?? 250;
  const maxMessages = options.maxMessages ?? 5;
  if (!(throttleMs >= 0)) {
    throw new RangeError(`createNotebookProgress: throttleMs must be >= 0, got ${throttleMs}`);
  }
  if (!(maxMessages >= 0)) {
    throw new RangeError(`createNotebookProgress: maxMessages must be >= 0, got ${maxMessages}`);
  }
  const display = options.display ?? displayBundle;
  const state: ProgressState = {
    done: 0,
    scores: [],
    errors: 0,
    parseFailures: 0,
    messages: [],
    finished: false,
  };
  let shown = false; // a live display exists (so later sends are updates)
  let lastSend = -Infinity;
  let dirty = false;
  let inflight: Promise<void> | undefined;

  const send = async (): Promise<void> => {
    const bundle = renderProgress(title, state);
    try {
      const ok = await display(bundle, shown ? { displayId, update: true } : { displayId });
      if (ok) shown = true;
    } catch {
      // a failing frontend must never break the run
    }
  };
  const schedule = (): void => {
    dirty = true;
    if (inflight) return;
    inflight = (async () => {
      while (dirty) {
        dirty = false;
        await send();
      }
      inflight = undefined;
    })();
  };

  const onEvent: EventSink = (event) => {
    try {
      options.forward?.(event);
    } catch {
      // the forwarded sink's failure is not ours to report
    }
    try {
      apply(state, event, maxMessages);
      const now = Date.now();
      if (ALWAYS.has(event.type) || now - lastSend >= throttleMs) {
        lastSend = now;
        schedule();
      }
    } catch {
      // never throw into the loop
    }
  };

  const snapshot = (): ProgressState => ({
    ...state,
    scores: [...state.scores],
    messages: [...state.messages],
  });

  return {
    onEvent,
    state: snapshot,
    bundle: () => renderProgress(title, state),
    async finish(result?: MimeBundle | Displayable): Promise<ProgressFinish> {
      while (inflight) await inflight;
      const progress = renderProgress(title, state);
      const resultBundle = result === undefined
        ? undefined
        : JUPYTER_DISPLAY in result
        ? (result as Displayable)[JUPYTER_DISPLAY]()
        : (result as MimeBundle);
      let displayed = false;
      try {
        if (shown) await display(progress, { displayId, update: true });
        if (resultBundle) displayed = await display(resultBundle, {});
        // no result: make sure the final state exists, as a normal display if none was made yet
        else displayed = shown || (await display(progress, { displayId }));
      } catch {
        // never throw at the end of a run either
      }
      const quiet = { [JUPYTER_DISPLAY]: (): MimeBundle => ({}) };
      return resultBundle
        ? { progress, result: resultBundle, displayed, ...quiet }
        : { progress, displayed, ...quiet };
    },
  };
}
