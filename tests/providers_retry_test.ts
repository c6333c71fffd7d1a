import assert from "node:assert/strict";
import type { ChatResponse } from "../lib/schemas/chat.ts";
import { backoffDelay, type RetryInfo, withRetry } from "../lib/providers/retry.ts";
import { parseRetryAfter } from "../lib/providers/http_errors.ts";
import {
  type ChatOptions,
  type Provider,
  ProviderError,
  type ProviderErrorKind,
} from "../lib/providers/types.ts";

const msgs = [{ role: "user" as const, content: "hi" }];
const ok: ChatResponse = { text: "ok", model: "m", usage: { inputTokens: 1, outputTokens: 1 } };

/** A provider failing with the given kinds in turn, then answering. */
function failing(
  kinds: ProviderErrorKind[],
  seen: ChatOptions[] = [],
): Provider & { calls: number } {
  const p = {
    name: "fake",
    model: "m",
    calls: 0,
    chat(_m: unknown, options: ChatOptions = {}) {
      seen.push(options);
      const kind = kinds[p.calls++];
      if (kind) return Promise.reject(new ProviderError("fake", kind, `failure ${p.calls}`));
      return Promise.resolve(ok);
    },
  };
  return p;
}

const noSleep = () => Promise.resolve();

Deno.test("retry: retryable kinds are retried and non-retryable ones are not", async () => {
  for (const kind of ["rate_limited", "server", "connection", "timeout", "bad_response"] as const) {
    const p = failing([kind, kind]);
    assert.equal((await withRetry(p, { sleep: noSleep }).chat(msgs)).text, "ok", kind);
    assert.equal(p.calls, 3);
  }
  for (const kind of ["auth", "bad_request", "not_found", "replay_miss", "aborted"] as const) {
    const p = failing([kind]);
    await assert.rejects(withRetry(p, { sleep: noSleep }).chat(msgs), (e: unknown) => {
      assert.ok(e instanceof ProviderError);
      assert.equal(e.kind, kind);
      return true;
    });
    assert.equal(p.calls, 1, kind);
  }
});

Deno.test("retry: maxAttempts bounds the calls and the last error is thrown", async () => {
  const p = failing(["server", "server", "server", "server", "server"]);
  await assert.rejects(withRetry(p, { sleep: noSleep, maxAttempts: 3 }).chat(msgs), /failure 3/);
  assert.equal(p.calls, 3);
});

Deno.test("retry: backoff is exponential with full jitter and capped", async () => {
  const infos: RetryInfo[] = [];
  const waits: number[] = [];
  const p = failing(Array(6).fill("server"));
  await assert.rejects(
    withRetry(p, {
      maxAttempts: 6,
      baseDelayMs: 100,
      maxDelayMs: 300,
      random: () => 0.999,
      sleep: (ms) => (waits.push(ms), Promise.resolve()),
      onRetry: (i) => infos.push(i),
    }).chat(msgs),
  );
  assert.deepEqual(waits, [99, 199, 299, 299, 299]);
  assert.deepEqual(infos.map((i) => i.attempt), [1, 2, 3, 4, 5]);
  const e = new ProviderError("x", "server", "y");
  for (let i = 0; i < 50; i++) {
    const d = backoffDelay(4, e, { baseDelayMs: 10 });
    assert.ok(d >= 0 && d < 80, `jitter ${d} within [0, 80)`);
  }
});

Deno.test("retry: Retry-After wins over backoff and is capped by maxRetryAfterMs", () => {
  const e = new ProviderError("x", "rate_limited", "slow", { retryAfterMs: 500_000 });
  assert.equal(backoffDelay(1, e, { random: () => 0 }), 120_000);
  assert.equal(backoffDelay(1, e, { maxRetryAfterMs: 1000 }), 1000);
  assert.equal(parseRetryAfter("7"), 7000);
  assert.equal(parseRetryAfter("0.25"), 250);
  const now = Date.parse("2030-01-01T00:00:00Z");
  assert.equal(parseRetryAfter(new Date(now + 4000).toUTCString(), now), 4000);
  assert.equal(parseRetryAfter(new Date(now - 4000).toUTCString(), now), 0);
  assert.equal(parseRetryAfter("soon"), undefined);
  assert.equal(parseRetryAfter(null), undefined);
});

Deno.test("retry: a provider that ignores its signal still times out per attempt", async () => {
  let calls = 0;
  const hanging: Provider = {
    name: "hang",
    model: "m",
    chat() {
      calls++;
      return calls < 3 ? new Promise<ChatResponse>(() => {}) : Promise.resolve(ok);
    },
  };
  const kinds: string[] = [];
  const res = await withRetry(hanging, {
    timeoutMs: 30,
    sleep: noSleep,
    onRetry: (i) => kinds.push(i.error.kind),
  })
    .chat(msgs);
  assert.equal(res.text, "ok");
  assert.deepEqual(kinds, ["timeout", "timeout"]);
});

Deno.test("retry: the caller's abort stops the retry wait and is not retried", async () => {
  const seen: ChatOptions[] = [];
  const p = failing(["server", "server"], seen);
  const ac = new AbortController();
  const r = withRetry(p, {
    baseDelayMs: 60_000,
    random: () => 1,
    onRetry: () => queueMicrotask(() => ac.abort()),
  });
  await assert.rejects(r.chat(msgs, { signal: ac.signal }), (e: unknown) => {
    assert.ok(e instanceof ProviderError);
    assert.equal(e.kind, "aborted");
    return true;
  });
  assert.equal(p.calls, 1);
  assert.ok(seen[0].signal instanceof AbortSignal, "attempts get a combined signal");
  assert.notEqual(seen[0].signal, ac.signal);
});

Deno.test("retry: non-provider exceptions pass through unchanged and bad options are rejected", async () => {
  const boom: Provider = {
    name: "b",
    model: "m",
    chat: () => Promise.reject(new RangeError("bug")),
  };
  await assert.rejects(withRetry(boom, { sleep: noSleep }).chat(msgs), RangeError);
  assert.throws(
    () => withRetry(boom, { maxAttempts: 0 }),
    /maxAttempts must be a positive integer, got 0/,
  );
  assert.throws(
    () => withRetry(boom, { baseDelayMs: -1 }),
    /baseDelayMs must be a non-negative number, got -1/,
  );
});

Deno.test("retry: a failed stream's restart is signalled and a timed-out attempt's late tokens are muted", async () => {
  const seen: string[] = [];
  let calls = 0;
  let lateToken: (() => void) | undefined;
  const p: Provider = {
    name: "fake",
    model: "m",
    chat(_m, options: ChatOptions = {}) {
      calls++;
      if (calls === 1) {
        options.onToken?.("Two pl");
        return Promise.reject(new ProviderError("fake", "bad_response", "stream cut"));
      }
      if (calls === 2) {
        // Streams, then hangs past the timeout and keeps talking afterwards.
        options.onToken?.("Tw");
        lateToken = () => options.onToken?.("LATE");
        return new Promise(() => {});
      }
      if (calls === 3) {
        // Fails before streaming anything: no restart for the next attempt.
        return Promise.reject(new ProviderError("fake", "server", "500"));
      }
      lateToken?.();
      options.onToken?.("Two plus ");
      lateToken?.();
      options.onToken?.("two");
      return Promise.resolve({ ...ok, text: "Two plus two" });
    },
  };
  const res = await withRetry(p, { sleep: noSleep, timeoutMs: 30 }).chat(msgs, {
    onToken: (t) => seen.push(t),
    onStreamRestart: () => seen.push("<restart>"),
  });
  assert.equal(res.text, "Two plus two");
  assert.equal(calls, 4);
  assert.deepEqual(seen, ["Two pl", "<restart>", "Tw", "<restart>", "Two plus ", "two"]);
});

Deno.test("retry: without streaming no restart is signalled", async () => {
  const restarts: number[] = [];
  const res = await withRetry(failing(["server"]), { sleep: noSleep }).chat(msgs, {
    onStreamRestart: () => restarts.push(1),
  });
  assert.equal(res.text, "ok");
  assert.deepEqual(restarts, []);
});
