/**
 * Plain-text rendering of the event stream: one `[role round=N] …` line per event, no escape codes,
 * safe for pipes and log files.
 *
 * @module
 */
import type { Event } from "../schemas/events.ts";

/** Roles whose outcome has its own event, so their `role_end` line would repeat it. */
const STRUCTURED_ROLES = new Set(["scorer", "judge", "critic"]);

/** Longest text excerpt a plain line carries. */
const EXCERPT = 160;

/**
 * Shortens text to one line: newlines shown as `⏎`, cut at `max` characters with `…`.
 *
 * @param text Any text.
 * @param max Maximum length. @default 160
 * @returns A single line.
 *
 * @example
 * ```ts
 * import { oneLine } from "./plain.ts";
 * if (oneLine("a\nb") !== "a⏎b") throw new Error();
 * ```
 */
export function oneLine(text: string, max: number = EXCERPT): string {
  const flat = text.replace(/\r?\n/g, "⏎").replace(/\s+/g, " ").trim();
  return flat.length > max ? flat.slice(0, max - 1) + "…" : flat;
}

function tag(name: string, event: Event, round?: number): string {
  const parts = [name];
  if (round !== undefined) parts.push(`round=${round}`);
  if (event.itemId) parts.push(`item=${event.itemId}`);
  return `[${parts.join(" ")}]`;
}

/**
 * Formats one event as a plain line, or `null` for events that plain output skips (streamed tokens,
 * role starts — their content arrives with `role_end` — and the `role_end` of the scorer, judge and
 * critic, whose outcome arrives as a `score`, `verdict` or `critique` event).
 *
 * @param event Any event.
 * @returns The line (without newline) or null.
 *
 * @example A ratchet decision
 * ```ts
 * import { formatPlainEvent } from "./plain.ts";
 * const line = formatPlainEvent({
 *   type: "ratchet_decision", t: 0, round: 2,
 *   decision: { decision: "keep", reason: "better", candidateScore: 1, bestScore: 0.5 },
 * });
 * if (line !== "[ratchet round=2] keep 1.000 vs best 0.500: better") throw new Error(String(line));
 * ```
 */
export function formatPlainEvent(event: Event): string | null {
  switch (event.type) {
    case "run_start":
      return `${tag("run", event)} start ${event.runId} items=${event.items}`;
    case "run_end":
      return `${tag("run", event)} end ${event.runId} ${event.ok ? "ok" : "failed"}`;
    case "item_start":
      return `${tag("item", event)} start: ${oneLine(event.prompt, 100)}`;
    case "item_end":
      return `${tag("item", event)} end rounds=${event.rounds} stop=${event.stopReason}` +
        (event.chosenScore !== undefined ? ` score=${event.chosenScore.toFixed(3)}` : "") +
        (event.error ? ` error=${oneLine(event.error)}` : "");
    case "round_start":
      return `${tag("round", event, event.round)} start`;
    case "round_end":
      return `${tag("round", event, event.round)} end`;
    case "role_start":
    case "token":
    case "call":
      return null;
    case "role_end": {
      // These roles' results arrive as their own structured events (score, verdict, critique).
      if (STRUCTURED_ROLES.has(event.role)) return null;
      const tokens = event.usage
        ? ` (${event.usage.inputTokens}+${event.usage.outputTokens} tok)`
        : "";
      return `${tag(event.role, event, event.round)} ${oneLine(event.text)}${tokens}`;
    }
    case "critique":
      return `${tag("critic", event, event.round)} ${event.critiques.length} critique(s)` +
        (event.critiques.length
          ? ": " +
            event.critiques.map((c) => `${c.principleId} (${c.severity}) ${oneLine(c.issue, 60)}`)
              .join("; ")
          : "");
    case "revision":
      return `${tag("student", event, event.round)} revision (${event.text.length} chars)`;
    case "verdict":
      return `${tag("judge", event, event.round)} ${event.verdict.verdict} score=${
        event.verdict.score.toFixed(2)
      }` + (event.verdict.reasons.length ? `: ${oneLine(event.verdict.reasons.join("; "))}` : "");
    case "score":
      return `${tag("scorer", event, event.round)} ${event.score.source} ${
        event.score.score.toFixed(3)
      }${event.score.passed ? " passed" : ""}${
        event.score.detail ? ` (${event.score.detail})` : ""
      }`;
    case "ratchet_decision": {
      const d = event.decision;
      return `${tag("ratchet", event, event.round)} ${d.decision} ${
        d.candidateScore.toFixed(3)
      } vs best ${d.bestScore.toFixed(3)}: ${oneLine(d.reason)}`;
    }
    case "parse_failure":
      return `${tag(event.role, event, event.round)} parse failure: ${oneLine(event.message)}`;
    case "progress":
      return `${tag("progress", event)} ${event.done}/${event.total}${
        event.label ? ` ${event.label}` : ""
      }`;
    case "log":
      return `${tag(event.level, event)} ${event.message}`;
    case "error":
      return `${tag("error", event)}${event.role ? ` ${event.role}:` : ""} ${
        oneLine(event.message)
      }`;
  }
}
