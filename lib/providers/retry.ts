/**
 * Resilience wrapper: a per-attempt timeout combined with the caller's signal, and retries with
 * exponential backoff and full jitter on retryable failures, honouring `Retry-After`.
 *
 * @module
 */
import type { ChatResponse, Message } from "../schemas/chat.ts";
import { createCallSignal, DEFAULT_TIMEOUT_MS } from "./call_signal.ts";
import { type ChatOptions, type Provider, ProviderError } from "./types.ts";

/** What {@linkcode RetryOptions.onRetry} is told before each wait. */
export interface RetryInfo {
  /** The attempt that failed (1-based). */
  attempt: number;
  /** The failure. */
  error: ProviderError;
  /** How long the wrapper waits before the next attempt, in milliseconds. */
  delayMs: number;
}

/** Options for {@linkcode withRetry}. */
export interface RetryOptions {
  /** Attempts in total, including the first. @default 4 */
  maxAttempts?: number;
  /** Backoff base: attempt k waits a uniform random time in [0, min(maxDelayMs, baseDelayMs·2^(k−1))]. @default 500 */
  baseDelayMs?: number;
  /** Cap on one backoff wait. @default 30000 */
  maxDelayMs?: number;
  /** Cap on a server-requested `Retry-After` wait. @default 120000 */
  maxRetryAfterMs?: number;
  /** Per-attempt timeout, used when the call does not set `timeoutMs`. @default 120000 */
  timeoutMs?: number;
  /** Random source in [0, 1) for the jitter. @default Math.random */
  random?: () => number;
  /** Waits `ms`, rejecting when `signal` aborts. Inject a fake to test without real waits. @default an abortable setTimeout */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told about every retry before its wait. @default undefined */
  onRetry?: (info: RetryInfo) => void;
}

/**
 * Waits `ms` milliseconds, rejecting with a {@linkcode ProviderError} of kind `aborted` when the
 * signal fires first.
 *
 * @param ms Milliseconds to wait.
 * @param signal Abort signal.
 * @returns A promise resolved after the wait.
 *
 * @example A short wait
 * ```ts
 * import { abortableSleep } from "./retry.ts";
 * const t0 = Date.now();
 * await abortableSleep(5);
 * if (Date.now() < t0) throw new Error();
 * ```
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = () => {
      clearTimeout(timer);
      reject(new ProviderError("retry", "aborted", "aborted while waiting to retry"));
    };
    if (signal?.aborted) return fail();
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", fail);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", fail, { once: true });
  });
}

/**
 * Computes one backoff wait: the server's `Retry-After` (capped) when given, else full jitter
 * `random() · min(maxDelayMs, baseDelayMs · 2^(attempt−1))`.
 *
 * @param attempt The attempt that failed (1-based).
 * @param error The failure (its `retryAfterMs` wins).
 * @param options Base, caps and random source.
 * @returns Milliseconds to wait.
 *
 * @example Retry-After wins over jitter
 * ```ts
 * import { backoffDelay } from "./retry.ts";
 * import { ProviderError } from "./types.ts";
 * const e = new ProviderError("x", "rate_limited", "slow", { retryAfterMs: 2000 });
 * if (backoffDelay(1, e, { random: () => 0 }) !== 2000) throw new Error();
 * const d = backoffDelay(3, new ProviderError("x", "server", "oops"), { baseDelayMs: 100, random: () => 0.5 });
 * if (d !== 200) throw new Error(String(d));
 * ```
 */
export function backoffDelay(
  attempt: number,
  error: ProviderError,
  options: RetryOptions = {},
): number {
  if (!Number.isInteger(attempt) || attempt < 1) {
    throw new RangeError(`backoffDelay: attempt must be a positive integer, got ${attempt}`);
  }
  if (error.retryAfterMs !== undefined) {
    return Math.min(error.retryAfterMs, options.maxRetryAfterMs ?? 120_000);
  }
  const base = options.baseDelayMs ?? 500;
  const cap = Math.min(options.maxDelayMs ?? 30_000, base * 2 ** (attempt - 1));
  return Math.floor((options.random ?? Math.random)() * cap);
}

/**
 * Wraps a provider with a per-attempt timeout and retries. Each attempt gets a signal combining the
 * caller's signal with `AbortSignal.timeout(timeoutMs)`; an attempt that outlives it fails as
 * `timeout` even if the inner provider ignores signals. Retryable failures (429, 5xx, connection,
 * timeout, garbled response — see `ProviderError.retryable`) are retried up to `maxAttempts`, waiting
 * the server's `Retry-After` or an exponential backoff with full jitter. Non-retryable failures, the
 * caller's abort and non-provider exceptions are thrown at once. Streaming: only the current
 * attempt's deltas reach `onToken` (a timed-out attempt that keeps talking is muted), and when a
 * failed attempt had already streamed, `onStreamRestart` is called before the retry streams the
 * answer again from its beginning.
 *
 * @param provider The provider to wrap.
 * @param options Attempts, delays, timeout, random source, sleep and retry callback.
 * @returns A provider with the same name and model.
 *
 * @example Retry a 500 once
 * ```ts
 * import { withRetry } from "./retry.ts";
 * import { ProviderError, type Provider } from "./types.ts";
 * let calls = 0;
 * const flaky: Provider = {
 *   name: "flaky", model: "m",
 *   chat() {
 *     calls++;
 *     if (calls === 1) return Promise.reject(new ProviderError("flaky", "server", "oops", { status: 500 }));
 *     return Promise.resolve({ text: "ok", model: "m", usage: { inputTokens: 0, outputTokens: 0 } });
 *   },
 * };
 * const p = withRetry(flaky, { baseDelayMs: 1 });
 * const res = await p.chat([{ role: "user", content: "hi" }]);
 * if (res.text !== "ok" || calls !== 2) throw new Error();
 * ```
 */
export function withRetry(provider: Provider, options: RetryOptions = {}): Provider {
  const maxAttempts = options.maxAttempts ?? 4;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`withRetry: maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  for (const key of ["baseDelayMs", "maxDelayMs", "maxRetryAfterMs", "timeoutMs"] as const) {
    const v = options[key];
    if (v !== undefined && (typeof v !== "number" || Number.isNaN(v) || v < 0)) {
      throw new RangeError(`withRetry: ${key} must be a non-negative number, got ${String(v)}`);
    }
  }
  const sleep = options.sleep ?? abortableSleep;

  return {
    name: provider.name,
    model: provider.model,
    async chat(messages: Message[], chatOptions: ChatOptions = {}): Promise<ChatResponse> {
      const timeoutMs = chatOptions.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const onToken = chatOptions.onToken;
      let current = 0; // the attempt whose deltas are forwarded
      let streamed = false; // whether the current attempt has forwarded any
      for (let attempt = 1;; attempt++) {
        const call = createCallSignal(chatOptions.signal, timeoutMs);
        const early = call.error(provider.name);
        if (early) throw early;
        if (streamed) chatOptions.onStreamRestart?.();
        current = attempt;
        streamed = false;
        const attemptOptions: ChatOptions = { ...chatOptions, signal: call.signal, timeoutMs };
        if (onToken) {
          attemptOptions.onToken = (delta) => {
            if (current !== attempt) return;
            streamed = true;
            onToken(delta);
          };
        }
        let error: ProviderError;
        try {
          return await raceSignal(provider.chat(messages, attemptOptions), call.signal);
        } catch (thrown) {
          current = 0;
          const why = call.error(provider.name, thrown);
          if (why) error = why;
          else if (thrown instanceof ProviderError) error = thrown;
          else throw thrown;
        }
        if (error.kind === "aborted" || !error.retryable || attempt >= maxAttempts) throw error;
        const delayMs = backoffDelay(attempt, error, options);
        options.onRetry?.({ attempt, error, delayMs });
        try {
          await sleep(delayMs, chatOptions.signal);
        } catch (cause) {
          throw new ProviderError(provider.name, "aborted", "aborted while waiting to retry", {
            cause,
          });
        }
      }
    },
  };
}

/** Rejects as soon as `signal` aborts, even if `promise` never settles. */
function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
