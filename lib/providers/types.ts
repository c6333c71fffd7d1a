/**
 * The one small interface every provider implements, and the typed errors they throw.
 *
 * @module
 */
import type { ChatParams, ChatResponse, Message } from "../schemas/chat.ts";

/** Per-call options: the sampling parameters plus transport controls. */
export interface ChatOptions extends ChatParams {
  /** Abort the call (and any retry wait). */
  signal?: AbortSignal;
  /** Per-attempt timeout in milliseconds. @default 120000 */
  timeoutMs?: number;
  /** When given, the provider streams and calls this with each text delta. */
  onToken?: (delta: string) => void;
  /**
   * Called when a retry discards tokens a failed attempt already streamed: the deltas that follow
   * start the answer again from its beginning (see `withRetry`).
   */
  onStreamRestart?: () => void;
  /** Item id, used by providers that answer per item (`answers:`, `scripted`). */
  itemId?: string;
  /** Role name, used by providers that answer per role (`scripted`) and by call records. */
  role?: string;
}

/** A chat model behind some transport. */
export interface Provider {
  /** Provider kind, e.g. "ollama", "openai", "anthropic", "scripted". */
  readonly name: string;
  /** Model name as the backend knows it. */
  readonly model: string;
  /**
   * Sends one chat call. Implementations throw {@linkcode ProviderError} on failure.
   */
  chat(messages: Message[], options?: ChatOptions): Promise<ChatResponse>;
}

/** Why a provider call failed. */
export type ProviderErrorKind =
  | "rate_limited"
  | "server"
  | "connection"
  | "timeout"
  | "aborted"
  | "bad_response"
  | "auth"
  | "not_found"
  | "bad_request"
  | "replay_miss";

/** A failed provider call, carrying the provider's own message. */
export class ProviderError extends Error {
  /** Failure class; decides whether a retry makes sense. */
  readonly kind: ProviderErrorKind;
  /** Provider name. */
  readonly provider: string;
  /** HTTP status, when there was one. */
  readonly status?: number;
  /** Server-requested wait in milliseconds (from `Retry-After`). */
  readonly retryAfterMs?: number;
  /**
   * Creates a provider error.
   *
   * @param provider Provider name.
   * @param kind Failure class.
   * @param message The provider's message.
   * @param options HTTP status, Retry-After, cause.
   */
  constructor(
    provider: string,
    kind: ProviderErrorKind,
    message: string,
    options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(`${provider}: ${kind}${options.status ? ` (HTTP ${options.status})` : ""}: ${message}`, {
      cause: options.cause,
    });
    this.name = "ProviderError";
    this.kind = kind;
    this.provider = provider;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** True for failures worth retrying (429, 5xx, connection, timeout, garbled response). */
  get retryable(): boolean {
    return ["rate_limited", "server", "connection", "timeout", "bad_response"].includes(this.kind);
  }
}

/**
 * Refuses an empty or non-array conversation before any request is made.
 *
 * @param provider The provider's name (for the error).
 * @param messages The conversation.
 * @throws {ProviderError} of kind `bad_request` when it is not a non-empty array.
 *
 * @example
 * ```ts
 * import { checkMessages, ProviderError } from "./types.ts";
 * let kind = "";
 * try { checkMessages("x", []); } catch (e) { kind = (e as ProviderError).kind; }
 * if (kind !== "bad_request") throw new Error();
 * ```
 */
export function checkMessages(provider: string, messages: readonly unknown[]): void {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new ProviderError(provider, "bad_request", "messages must be a non-empty array");
  }
}
