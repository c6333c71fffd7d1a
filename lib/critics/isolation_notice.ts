/**
 * The "NOT ISOLATED" warning, once per run: every unisolated sandbox result carries the warning,
 * but a run's event sink hears it only the first time (a demo used to print it once per candidate).
 *
 * @module
 */
import { emit, type EventSink } from "../schemas/events.ts";

const warnedSinks = new WeakSet<EventSink>();

/**
 * Emits a `log` warning on `sink` unless this sink has already heard one from this function: the
 * sink stands for the run (runners pass one sink down to every critic and scorer).
 *
 * @param sink The run's event sink (nothing happens without one).
 * @param message The warning text.
 * @param itemId The item whose result carried the warning, if any.
 * @returns True when the warning was emitted now.
 *
 * @example The second warning on the same sink is swallowed
 * ```ts
 * import { warnOncePerRun } from "./isolation_notice.ts";
 * const seen: string[] = [];
 * const sink = (e: { type: string }) => void seen.push(e.type);
 * warnOncePerRun(sink, "NOT ISOLATED: …");
 * warnOncePerRun(sink, "NOT ISOLATED: …", "item-2");
 * if (seen.length !== 1) throw new Error("expected one warning");
 * ```
 */
export function warnOncePerRun(
  sink: EventSink | undefined,
  message: string,
  itemId?: string,
): boolean {
  if (!sink || warnedSinks.has(sink)) return false;
  warnedSinks.add(sink);
  emit(sink, { type: "log", level: "warn", message, ...(itemId ? { itemId } : {}) });
  return true;
}
