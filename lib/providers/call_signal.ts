/**
 * One abort signal per provider attempt: the caller's signal combined with a per-attempt timeout,
 * remembering which of the two fired so failures can be reported as `aborted` or `timeout`.
 *
 * @module
 */
import { type ChatOptions, checkMessages, ProviderError } from "./types.ts";

/** Default per-attempt timeout in milliseconds (see `ChatOptions.timeoutMs`). */
export const DEFAULT_TIMEOUT_MS = 120_000;

/** The combined signal of one attempt. */
export interface CallSignal {
  /** Aborts when the caller aborts or the timeout elapses. */
  readonly signal: AbortSignal;
  /** Why the signal fired, or undefined while it has not. The caller's abort wins over a timeout. */
  why(): "aborted" | "timeout" | undefined;
  /**
   * A {@linkcode ProviderError} describing the abort (`aborted` or `timeout`), or undefined when the
   * signal has not fired.
   */
  error(provider: string, cause?: unknown): ProviderError | undefined;
}

/**
 * Combines the caller's signal with a per-attempt timeout (`AbortSignal.timeout`).
 *
 * @param signal The caller's signal, if any.
 * @param timeoutMs Per-attempt timeout in milliseconds; `Infinity` disables it.
 * @returns The combined signal and a way to tell which side fired.
 *
 * @example A timeout is reported as such
 * ```ts
 * import { createCallSignal } from "./call_signal.ts";
 * const call = createCallSignal(undefined, 5);
 * await new Promise((r) => setTimeout(r, 30));
 * if (call.why() !== "timeout") throw new Error("expected timeout");
 * if (call.error("x")?.kind !== "timeout") throw new Error("expected a timeout error");
 * ```
 */
export function createCallSignal(
  signal: AbortSignal | undefined,
  timeoutMs: number = DEFAULT_TIMEOUT_MS,
): CallSignal {
  if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(`timeoutMs must be a positive number, got ${String(timeoutMs)}`);
  }
  const signals: AbortSignal[] = [];
  if (signal) signals.push(signal);
  const timeout = Number.isFinite(timeoutMs) ? AbortSignal.timeout(timeoutMs) : undefined;
  if (timeout) signals.push(timeout);
  const combined = signals.length === 0 ? new AbortController().signal : AbortSignal.any(signals);
  const why = (): "aborted" | "timeout" | undefined => {
    if (signal?.aborted) return "aborted";
    if (timeout?.aborted) return "timeout";
    return undefined;
  };
  return {
    signal: combined,
    why,
    error(provider: string, cause?: unknown): ProviderError | undefined {
      const reason = why();
      if (reason === "aborted") {
        return new ProviderError(provider, "aborted", "the call was aborted", { cause });
      }
      if (reason === "timeout") {
        return new ProviderError(provider, "timeout", `no complete answer within ${timeoutMs} ms`, {
          cause,
        });
      }
      return undefined;
    },
  };
}

/**
 * Starts one chat call of an HTTP provider: refuses an empty conversation, combines the caller's
 * signal with the timeout, and throws at once if the caller has already aborted.
 *
 * @param provider The provider's name (for errors).
 * @param messages The conversation.
 * @param options The call's options (signal, timeout).
 * @returns The attempt's combined signal.
 * @throws {ProviderError} `bad_request` for an empty conversation, `aborted` when already aborted.
 *
 * @example
 * ```ts
 * import { startCall } from "./call_signal.ts";
 * const call = startCall("x", [{ role: "user", content: "hi" }], { timeoutMs: 1000 });
 * if (call.signal.aborted) throw new Error();

 * ```
 */
export function startCall(
  provider: string,
  messages: readonly unknown[],
  options: Pick<ChatOptions, "signal" | "timeoutMs">,
): CallSignal {
  checkMessages(provider, messages);
  const call = createCallSignal(options.signal, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const aborted = call.error(provider);
  if (aborted) throw aborted;
  return call;
}
