/**
 * A small server-sent-events reader (the `text/event-stream` framing used by the Anthropic API).
 *
 * @module
 */

/** One server-sent event. */
export interface SseEvent {
  /** The `event:` field, or "message" when absent. */
  event: string;
  /** The `data:` lines joined with newlines. */
  data: string;
}

/**
 * Reads server-sent events from a byte stream. Comment lines and unknown fields are ignored; an
 * event is dispatched at each blank line (and at the end of the stream, when data is pending).
 * Errors while reading (a connection cut mid-stream) propagate to the consumer.
 *
 * @param body The response body.
 * @returns The events, in order.
 *
 * @example Two events
 * ```ts
 * import { readSse } from "./sse.ts";
 * const body = new Response("event: a\ndata: 1\n\ndata: 2\n\n").body!;
 * const events = [];
 * for await (const e of readSse(body)) events.push(e);
 * if (events.length !== 2 || events[0].event !== "a" || events[1].data !== "2") throw new Error();
 * ```
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let event = "";
  let data: string[] = [];
  let finished = false;
  const line = (text: string): SseEvent | undefined => {
    if (text === "") {
      if (data.length === 0) {
        event = "";
        return undefined;
      }
      const out = { event: event || "message", data: data.join("\n") };
      event = "";
      data = [];
      return out;
    }
    if (text.startsWith(":")) return undefined;
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
    return undefined;
  };
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += value;
      const parts = buffer.split(/\r?\n/);
      buffer = parts.pop() ?? "";
      for (const part of parts) {
        const out = line(part);
        if (out) yield out;
      }
    }
    finished = true;
    if (buffer !== "") {
      const out = line(buffer);
      if (out) yield out;
    }
    const last = line("");
    if (last) yield last;
  } finally {
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
