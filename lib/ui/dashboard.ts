/**
 * The live terminal dashboard: a pure reducer from events to state, and a pure renderer from state to
 * a frame (a string), so both can be tested without a terminal. Role panels with streaming text, a
 * round-and-ratchet scoreboard, a progress bar with ETA, and token and cost counters.
 *
 * @module
 */
import type { Event } from "../schemas/events.ts";
import { createStyles, displayWidth, padEndToWidth, sliceToWidth } from "./ansi.ts";
import { oneLine } from "./plain.ts";
import { callsCost, LOCAL_PRICES, type PriceTable } from "../providers/pricing.ts";

/** The roles shown as panels, in order. */
export const DASHBOARD_ROLES: readonly string[] = ["student", "critic", "teacher", "judge"];

/** One row of the ratchet scoreboard. */
export interface ScoreboardRow {
  /** Item id. */
  itemId: string;
  /** Round number. */
  round: number;
  /** keep or revert. */
  decision: string;
  /** Candidate score. */
  score: number;
  /** Best score after the decision. */
  best: number;
}

/** Everything the dashboard shows. */
export interface DashboardState {
  /** Title line (run id, SIMULATED label…). */
  title: string;
  /** Item currently shown in the panels. */
  itemId?: string;
  /** Current round of that item. */
  round: number;
  /** Latest text per role (streamed tokens appended). */
  panels: Record<string, string>;
  /** Last ratchet decisions, newest last. */
  scoreboard: ScoreboardRow[];
  /** Items done and total. */
  done: number;
  /** Total items (0 when unknown). */
  total: number;
  /** Time the run started (ms). */
  startedAt: number;
  /** Latest event time (ms). */
  now: number;
  /** Tokens in and out. */
  inputTokens: number;
  /** Output tokens. */
  outputTokens: number;
  /** Prices of the calls (USD per million tokens). */
  prices: PriceTable;
  /** USD of the priced calls so far. */
  costUsd: number;
  /** `provider:model` of calls without a price (their cost is not in `costUsd`). */
  unpriced: string[];
  /** Errors and warnings, newest last. */
  notes: string[];
}

/**
 * Creates an empty dashboard state.
 *
 * @param title The title line.
 * @param now Start time in ms. @default Date.now()
 * @param prices Prices of the calls. @default LOCAL_PRICES (local engines free, others unpriced)
 * @returns A fresh state.
 *
 * @example
 * ```ts
 * import { createDashboardState } from "./dashboard.ts";
 * if (createDashboardState("run").done !== 0) throw new Error();
 * ```
 */
export function createDashboardState(
  title: string,
  now: number = Date.now(),
  prices: PriceTable = { ...LOCAL_PRICES },
): DashboardState {
  return {
    prices,
    costUsd: 0,
    unpriced: [],
    title,
    round: 0,
    panels: {},
    scoreboard: [],
    done: 0,
    total: 0,
    startedAt: now,
    now,
    inputTokens: 0,
    outputTokens: 0,
    notes: [],
  };
}

const MAX_PANEL_TEXT = 4000;
const MAX_ROWS = 6;

/**
 * Folds one event into the state (mutates and returns it).
 *
 * @param state The dashboard state.
 * @param event The event.
 * @returns The same state object.
 *
 * @example Tokens stream into a panel
 * ```ts
 * import { createDashboardState, reduceDashboard } from "./dashboard.ts";
 * const s = createDashboardState("t", 0);
 * reduceDashboard(s, { type: "token", t: 1, role: "student", round: 0, text: "Hel" });
 * reduceDashboard(s, { type: "token", t: 2, role: "student", round: 0, text: "lo" });
 * if (s.panels.student !== "Hello") throw new Error();
 * ```
 */
export function reduceDashboard(state: DashboardState, event: Event): DashboardState {
  state.now = Math.max(state.now, event.t);
  const follow = (itemId?: string) => {
    if (itemId && itemId !== state.itemId) {
      state.itemId = itemId;
      state.panels = {};
    }
  };
  switch (event.type) {
    case "run_start":
      state.total = event.items;
      state.startedAt = event.t;
      break;
    case "item_start":
      follow(event.itemId);
      state.round = 0;
      break;
    case "round_start":
      if (!event.itemId || event.itemId === state.itemId) state.round = event.round;
      break;
    case "role_start":
      follow(event.itemId);
      state.panels[event.role] = "";
      break;
    case "token":
      if (event.itemId && event.itemId !== state.itemId) break;
      state.panels[event.role] = ((event.restart ? "" : state.panels[event.role] ?? "") +
        event.text).slice(-MAX_PANEL_TEXT);
      break;
    case "call": {
      const cost = callsCost([event], state.prices);
      state.costUsd += cost.usd;
      for (const m of cost.unpriced) if (!state.unpriced.includes(m)) state.unpriced.push(m);
      break;
    }
    case "role_end":
      if (event.usage) {
        state.inputTokens += event.usage.inputTokens;
        state.outputTokens += event.usage.outputTokens;
      }
      if (!event.itemId || event.itemId === state.itemId) {
        state.panels[event.role] = event.text.slice(-MAX_PANEL_TEXT);
      }
      break;
    case "ratchet_decision":
      state.scoreboard.push({
        itemId: event.itemId ?? "",
        round: event.round,
        decision: event.decision.decision,
        score: event.decision.candidateScore,
        best: Math.max(event.decision.bestScore, event.decision.candidateScore),
      });
      if (state.scoreboard.length > MAX_ROWS) state.scoreboard.shift();
      break;
    case "progress":
      state.done = event.done;
      state.total = event.total;
      break;
    case "item_end":
      if (!state.total) state.done++;
      if (event.error) state.notes.push(`${event.itemId ?? "item"}: ${event.error}`);
      break;
    case "error":
      state.notes.push(event.message);
      break;
    case "log":
      if (event.level === "warn") state.notes.push(event.message);
      break;
    default:
      break;
  }
  if (state.notes.length > 3) state.notes.splice(0, state.notes.length - 3);
  return state;
}

/** Options for {@linkcode renderDashboard}. */
export interface RenderOptions {
  /** Terminal width in columns (minimum 20). @default 80 */
  width?: number;
  /** Emit ANSI colour. @default false */
  color?: boolean;
  /** Lines of text per role panel. @default 3 */
  panelLines?: number;
}

function fit(text: string, width: number): string {
  return displayWidth(text) > width ? sliceToWidth(text, Math.max(0, width - 1)) + "…" : text;
}

/** Word-wraps text to `width` (breaking inside a word only when it has no space in the second half). */
function wrapLines(text: string, width: number, lines: number): string[] {
  let rest = oneLine(text, 100_000);
  const out: string[] = [];
  while (displayWidth(rest) > width) {
    const fits = sliceToWidth(rest, width);
    let cut = fits.lastIndexOf(" ");
    if (cut < fits.length / 2) cut = Math.max(1, fits.length);
    out.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest !== "") out.push(rest);
  return out.slice(-lines);
}

/** "cost $0.0123", or a lower bound naming the models without a price. */
function formatCost(state: DashboardState): string {
  const usd = state.costUsd < 1 ? state.costUsd.toFixed(4) : state.costUsd.toFixed(2);
  if (!state.unpriced.length) return `cost $${usd}`;
  return `cost ≥ $${usd} (no price for ${state.unpriced.join(", ")}: --prices FILE)`;
}

function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`
    : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * Renders the state as a frame: lines no wider than `width`, so a narrow terminal never wraps.
 *
 * @param state The dashboard state.
 * @param options Width, colour, panel height.
 * @returns The frame text (lines joined with `\n`).
 *
 * @example A narrow frame
 * ```ts
 * import { createDashboardState, renderDashboard } from "./dashboard.ts";
 * const frame = renderDashboard(createDashboardState("demo", 0), { width: 30 });
 * if (frame.split("\n").some((l) => l.length > 30)) throw new Error("too wide");
 * ```
 */
export function renderDashboard(state: DashboardState, options: RenderOptions = {}): string {
  const width = Math.max(20, options.width ?? 80);
  const panelLines = options.panelLines ?? 3;
  const st = createStyles(options.color ?? false);
  const lines: string[] = [];
  const push = (text: string, style?: (s: string) => string) => {
    const cut = fit(text, width);
    lines.push(style ? style(cut) : cut);
  };
  push(state.title, st.bold);
  push(`item ${state.itemId ?? "-"}  round ${state.round}`, st.dim);
  for (const role of DASHBOARD_ROLES) {
    const text = state.panels[role];
    if (text === undefined) continue;
    push(`┌ ${role} ${"─".repeat(Math.max(0, width - displayWidth(role) - 3))}`, st.cyan);
    const body = wrapLines(text, width - 2, panelLines);
    for (const line of body.length ? body : [""]) push(`│ ${line}`);
  }
  push(`Scoreboard ${"─".repeat(Math.max(0, width - 11))}`, st.cyan);
  if (!state.scoreboard.length) push("  (no ratchet decisions yet)", st.dim);
  for (const row of state.scoreboard) {
    const mark = row.decision === "keep" ? st.green("keep  ") : st.yellow("revert");
    const text = `  ${padEndToWidth(fit(row.itemId, 14), 14)} r${row.round} ${
      row.score.toFixed(2)
    } best ${row.best.toFixed(2)} `;
    lines.push(fit(text, width - 6) + mark);
  }
  const elapsed = state.now - state.startedAt;
  const total = state.total;
  if (total > 0) {
    const frac = Math.min(1, state.done / total);
    const eta = state.done > 0
      ? formatDuration((elapsed / state.done) * (total - state.done))
      : "?";
    const label = ` ${state.done}/${total} ETA ${eta}`;
    const barWidth = Math.max(5, width - label.length - 2);
    const filled = Math.round(frac * barWidth);
    push(`[${"#".repeat(filled)}${".".repeat(barWidth - filled)}]${label}`);
  }
  push(
    `tokens in ${state.inputTokens} out ${state.outputTokens}  elapsed ${
      formatDuration(elapsed)
    }  ${formatCost(state)}`,
    st.dim,
  );
  for (const note of state.notes) push(`! ${oneLine(note, width)}`, st.red);
  return lines.join("\n");
}
