/**
 * The one typed event stream every UI renders (terminal, JSON lines, notebook). Nothing in `lib/` prints;
 * it emits these.
 *
 * @module
 */
import { z } from "zod";
import {
  type CallRecord,
  CallRecordSchema,
  type Critique,
  CritiqueSchema,
  type RatchetDecision,
  RatchetDecisionSchema,
  type Score,
  ScoreSchema,
  type Verdict,
  VerdictSchema,
} from "./trace.ts";
import { type Usage, UsageSchema } from "./chat.ts";
import type { Assignable } from "./schema.ts";

const base = {
  t: z.number().describe("milliseconds since the epoch"),
  itemId: z.string().optional(),
};

/** Every event the library emits, discriminated by `type`. */
export const EventSchema = z.discriminatedUnion("type", [
  z.object({ ...base, type: z.literal("run_start"), runId: z.string(), items: z.number().int() }),
  z.object({ ...base, type: z.literal("run_end"), runId: z.string(), ok: z.boolean() }),
  z.object({ ...base, type: z.literal("item_start"), prompt: z.string() }),
  z.object({
    ...base,
    type: z.literal("item_end"),
    chosenScore: z.number().optional(),
    rounds: z.number().int(),
    stopReason: z.string(),
    error: z.string().optional(),
  }),
  z.object({ ...base, type: z.literal("round_start"), round: z.number().int() }),
  z.object({ ...base, type: z.literal("round_end"), round: z.number().int() }),
  z.object({ ...base, type: z.literal("role_start"), role: z.string(), round: z.number().int() }),
  z.object({
    ...base,
    type: z.literal("role_end"),
    role: z.string(),
    round: z.number().int(),
    text: z.string(),
    usage: UsageSchema.optional(),
    ms: z.number().optional(),
  }),
  z.object({ ...base, type: z.literal("call"), ...CallRecordSchema.shape }),
  z.object({
    ...base,
    type: z.literal("token"),
    role: z.string(),
    round: z.number().int(),
    text: z.string(),
    restart: z.boolean().optional(),
  }),
  z.object({
    ...base,
    type: z.literal("critique"),
    round: z.number().int(),
    critiques: z.array(CritiqueSchema),
  }),
  z.object({ ...base, type: z.literal("revision"), round: z.number().int(), text: z.string() }),
  z.object({
    ...base,
    type: z.literal("verdict"),
    round: z.number().int(),
    verdict: VerdictSchema,
  }),
  z.object({ ...base, type: z.literal("score"), round: z.number().int(), score: ScoreSchema }),
  z.object({
    ...base,
    type: z.literal("ratchet_decision"),
    round: z.number().int(),
    decision: RatchetDecisionSchema,
  }),
  z.object({
    ...base,
    type: z.literal("parse_failure"),
    role: z.string(),
    round: z.number().int(),
    message: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal("progress"),
    done: z.number().int(),
    total: z.number().int(),
    label: z.string().optional(),
  }),
  z.object({
    ...base,
    type: z.literal("log"),
    level: z.enum(["info", "warn"]),
    message: z.string(),
  }),
  z.object({ ...base, type: z.literal("error"), message: z.string(), role: z.string().optional() }),
]);
/** Fields every event carries. */
export interface EventBase {
  /** Milliseconds since the epoch. */
  t: number;
  /** The item the event is about, when there is one. */
  itemId?: string;
}

/** Every event the library emits, discriminated by `type`. */
export type Event =
  | EventBase & { type: "run_start"; runId: string; items: number }
  | EventBase & { type: "run_end"; runId: string; ok: boolean }
  | EventBase & { type: "item_start"; prompt: string }
  | EventBase & {
    type: "item_end";
    chosenScore?: number;
    rounds: number;
    stopReason: string;
    error?: string;
  }
  | EventBase & { type: "round_start"; round: number }
  | EventBase & { type: "round_end"; round: number }
  | EventBase & { type: "role_start"; role: string; round: number }
  | EventBase & {
    type: "role_end";
    role: string;
    round: number;
    text: string;
    usage?: Usage;
    ms?: number;
  }
  /** One LLM call finished (or failed): who made it, with which model, at what token cost. */
  | EventBase & { type: "call" } & CallRecord
  | EventBase & {
    type: "token";
    role: string;
    round: number;
    /** A streamed delta. */
    text: string;
    /** A retried call starts over: drop what this role streamed so far in this round. */
    restart?: boolean;
  }
  | EventBase & { type: "critique"; round: number; critiques: Critique[] }
  | EventBase & { type: "revision"; round: number; text: string }
  | EventBase & { type: "verdict"; round: number; verdict: Verdict }
  | EventBase & { type: "score"; round: number; score: Score }
  | EventBase & { type: "ratchet_decision"; round: number; decision: RatchetDecision }
  | EventBase & { type: "parse_failure"; role: string; round: number; message: string }
  | EventBase & { type: "progress"; done: number; total: number; label?: string }
  | EventBase & { type: "log"; level: "info" | "warn"; message: string }
  | EventBase & { type: "error"; message: string; role?: string };
const _event: Assignable<z.infer<typeof EventSchema>, Event> = true;
/** A function that receives events. */
export type EventSink = (event: Event) => void;

/** Distributes `Omit` over a union so each event variant keeps its own fields. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event without its timestamp, as passed to {@linkcode emit}. */
export type EventInput = DistributiveOmit<Event, "t">;

/**
 * Stamps an event with the current time and passes it to a sink (a no-op when the sink is undefined).
 *
 * @param sink The receiver, or undefined.
 * @param event The event without `t`.
 *
 * @example Emit a log event
 * ```ts
 * import { emit, type Event } from "./events.ts";
 * const seen: Event[] = [];
 * emit((e) => seen.push(e), { type: "log", level: "info", message: "hi" });
 * if (seen[0].type !== "log") throw new Error("expected a log event");
 * ```
 */
export function emit(sink: EventSink | undefined, event: EventInput): void {
  if (sink) sink({ ...event, t: Date.now() } as Event);
}
