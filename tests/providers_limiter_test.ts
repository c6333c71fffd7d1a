import assert from "node:assert/strict";
import { createLimiter, withLimiter } from "../lib/providers/limiter.ts";
import { createOllamaProvider } from "../lib/providers/ollama.ts";
import { createOpenAIProvider } from "../lib/providers/openai.ts";
import { ProviderError } from "../lib/providers/types.ts";
import { startProtocolServer } from "./protocol_server.ts";

Deno.test("limiter: never more than n tasks run at once and all complete", async () => {
  for (const n of [1, 3]) {
    const limiter = createLimiter(n);
    let inFlight = 0;
    let peak = 0;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      limiter.run(async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        assert.ok(limiter.active <= n);
        await new Promise((r) => setTimeout(r, 1 + (i % 3)));
        inFlight--;
        return i;
      })));
    assert.deepEqual(results, Array.from({ length: 10 }, (_, i) => i));
    assert.equal(peak, n);
    assert.equal(limiter.active, 0);
    assert.equal(limiter.pending, 0);
  }
});

Deno.test("limiter: a failing task frees its slot", async () => {
  const limiter = createLimiter(1);
  await assert.rejects(limiter.run(() => Promise.reject(new Error("x"))), /x/);
  await assert.rejects(
    limiter.run(() => {
      throw new Error("sync");
    }),
    /sync/,
  );
  assert.equal(await limiter.run(() => Promise.resolve(5)), 5);
});

Deno.test("limiter: one limiter shared by two providers bounds the calls at the server", async () => {
  const server = startProtocolServer({
    handler: async () => {
      await new Promise((r) => setTimeout(r, 5));
      return "done";
    },
  });
  try {
    const limiter = createLimiter(2);
    const a = withLimiter(createOllamaProvider("llama3.2", { host: server.url }), limiter);
    const b = withLimiter(createOpenAIProvider("m", { baseURL: `${server.url}/v1` }), limiter);
    const msgs = [{ role: "user" as const, content: "hi" }];
    const all = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).chat(msgs)));
    assert.ok(all.every((r) => r.text === "done"));
    assert.equal(server.chatRequests().length, 8);
    assert.ok(server.peakInFlight <= 2, `peak ${server.peakInFlight}`);
    assert.ok(server.peakInFlight >= 1);
  } finally {
    await server.close();
  }
});

Deno.test("limiter: a call aborted while waiting for a slot never runs", async () => {
  const limiter = createLimiter(1);
  let release!: () => void;
  const blocker = limiter.run(() => new Promise<void>((r) => (release = r)));
  let ran = false;
  const p = withLimiter({
    name: "x",
    model: "m",
    chat: () => {
      ran = true;
      return Promise.resolve({ text: "", model: "m", usage: { inputTokens: 0, outputTokens: 0 } });
    },
  }, limiter);
  const ac = new AbortController();
  const waiting = p.chat([{ role: "user", content: "hi" }], { signal: ac.signal });
  assert.equal(limiter.pending, 1);
  ac.abort();
  await assert.rejects(waiting, (e: unknown) => e instanceof ProviderError && e.kind === "aborted");
  assert.equal(limiter.pending, 0);
  release();
  await blocker;
  assert.equal(ran, false);
  assert.throws(() => createLimiter(0), /n must be a positive integer, got 0/);
});
