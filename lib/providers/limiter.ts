/**
 * A global concurrency limiter (a counting semaphore) that several providers can share, so a run
 * never has more than `n` model calls in flight.
 *
 * @module
 */
import type { ChatResponse, Message } from "../schemas/chat.ts";
import { type ChatOptions, type Provider, ProviderError } from "./types.ts";

/** A counting semaphore. */
export interface Limiter {
  /** Maximum number of tasks running at once. */
  readonly size: number;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly pending: number;
  /**
   * Runs `task` when a slot is free (first come, first served) and frees the slot when it settles.
   * When `signal` aborts while the task waits, the task is dropped and the promise rejects with
   * the signal's reason.
   */
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/**
 * Creates a limiter allowing at most `n` tasks at once.
 *
 * @param n Slots (a positive integer).
 * @returns The limiter.
 *
 * @example Never more than one at a time
 * ```ts
 * import { createLimiter } from "./limiter.ts";
 * const limiter = createLimiter(1);
 * let inFlight = 0, peak = 0;
 * const task = async () => {
 *   inFlight++; peak = Math.max(peak, inFlight);
 *   await new Promise((r) => setTimeout(r, 2));
 *   inFlight--;
 * };
 * await Promise.all([limiter.run(task), limiter.run(task), limiter.run(task)]);
 * if (peak !== 1) throw new Error(`peak ${peak}`);
 * ```
 */
export function createLimiter(n: number): Limiter {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`createLimiter: n must be a positive integer, got ${String(n)}`);
  }
  let active = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    active--;
    const next = queue.shift();
    if (next) next();
  };
  return {
    size: n,
    get active() {
      return active;
    },
    get pending() {
      return queue.length;
    },
    run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const start = () => {
          signal?.removeEventListener("abort", onAbort);
          active++;
          let result: Promise<T>;
          try {
            result = task();
          } catch (error) {
            result = Promise.reject(error);
          }
          result.then(resolve, reject).finally(release);
        };
        const onAbort = () => {
          const i = queue.indexOf(start);
          if (i !== -1) queue.splice(i, 1);
          reject(signal?.reason);
        };
        if (signal?.aborted) return reject(signal.reason);
        if (active < n) return start();
        queue.push(start);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    },
  };
}

/**
 * Wraps a provider so each call takes a slot of `limiter` (share one limiter between providers to
 * bound all calls together). A call aborted while waiting fails as `aborted` without running.
 *
 * @param provider The provider to wrap.
 * @param limiter The shared limiter.
 * @returns A provider with the same name and model.
 *
 * @example Share one slot
 * ```ts
 * import { createLimiter, withLimiter } from "./limiter.ts";
 * import { createScriptedProvider } from "./scripted.ts";
 * const p = withLimiter(createScriptedProvider(), createLimiter(1));
 * const res = await p.chat([{ role: "user", content: "hi" }]);
 * if (!res.text.includes("hi")) throw new Error();
 * ```
 */
export function withLimiter(provider: Provider, limiter: Limiter): Provider {
  if (!limiter || typeof limiter.run !== "function") {
    throw new TypeError(
      `withLimiter: limiter must come from createLimiter, got ${String(limiter)}`,
    );
  }
  return {
    name: provider.name,
    model: provider.model,
    chat(messages: Message[], options: ChatOptions = {}): Promise<ChatResponse> {
      return limiter.run(() => provider.chat(messages, options), options.signal).catch((error) => {
        if (error instanceof ProviderError || !options.signal?.aborted) throw error;
        throw new ProviderError(provider.name, "aborted", "aborted while waiting for a slot", {
          cause: error,
        });
      });
    },
  };
}
