import assert from "node:assert/strict";
import { createAnthropicProvider } from "../lib/providers/anthropic.ts";
import { createOllamaProvider } from "../lib/providers/ollama.ts";
import { createOpenAIProvider } from "../lib/providers/openai.ts";
import { readSse, type SseEvent } from "../lib/providers/sse.ts";
import { type Provider, ProviderError } from "../lib/providers/types.ts";

function bytesIn(chunks: string[]): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (i < chunks.length) c.enqueue(enc.encode(chunks[i++]));
      else c.close();
    },
  });
}

Deno.test("sse: events split across chunks, CRLF, comments and multi-line data are read correctly", async () => {
  const text =
    ': comment\r\nevent: a\r\ndata: {"x":\r\ndata: 1}\r\n\r\ndata: plain\n\nevent: tail\ndata: last';
  for (const size of [1, 3, 7, text.length]) {
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
    const events: SseEvent[] = [];
    for await (const e of readSse(bytesIn(chunks))) events.push(e);
    assert.deepEqual(events, [
      { event: "a", data: '{"x":\n1}' },
      { event: "message", data: "plain" },
      { event: "tail", data: "last" },
    ], `chunk size ${size}`);
  }
});

/** A fetch answering every request with a fixed streamed body. */
function fixedFetch(body: string, type: string): typeof fetch {
  return () =>
    Promise.resolve(new Response(bytesIn([body]), { headers: { "content-type": type } }));
}

const cases: [string, Provider][] = [
  [
    "ollama",
    createOllamaProvider("m", {
      fetch: fixedFetch(
        '{"model":"m","message":{"role":"assistant","content":"Hel"},"done":false}\n',
        "application/x-ndjson",
      ),
    }),
  ],
  [
    "openai",
    createOpenAIProvider("m", {
      baseURL: "http://127.0.0.1:9/v1",
      fetch: fixedFetch(
        'data: {"id":"1","model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}\n\n',
        "text/event-stream",
      ),
    }),
  ],
  [
    "anthropic",
    createAnthropicProvider("m", {
      fetch: fixedFetch(
        'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"type":"text_delta","text":"Hel"}}\n\n',
        "text/event-stream",
      ),
    }),
  ],
];
for (const [name, provider] of cases) {
  Deno.test(`${name}: a stream that ends cleanly but early is a bad_response, after the tokens it carried`, async () => {
    const tokens: string[] = [];
    await assert.rejects(
      provider.chat([{ role: "user", content: "hi" }], { onToken: (t) => tokens.push(t) }),
      (e: unknown) => {
        assert.ok(e instanceof ProviderError);
        assert.equal(e.kind, "bad_response");
        return true;
      },
    );
    assert.deepEqual(tokens, ["Hel"]);
  });
}
