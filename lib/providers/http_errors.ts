/**
 * Mapping HTTP failures to {@linkcode ProviderError}s: status → kind, `Retry-After` → milliseconds,
 * and network-level exceptions → `connection`.
 *
 * @module
 */
import { ProviderError, type ProviderErrorKind } from "./types.ts";

/**
 * Classifies an HTTP status: 429 → `rate_limited`, 401/403 → `auth`, 404 → `not_found`,
 * 408 → `timeout`, other 4xx → `bad_request`, 5xx (and anything else) → `server`.
 *
 * @param status HTTP status code.
 * @returns The failure kind.
 *
 * @example Classify statuses
 * ```ts
 * import { kindForStatus } from "./http_errors.ts";
 * if (kindForStatus(429) !== "rate_limited" || kindForStatus(503) !== "server") throw new Error();
 * ```
 */
export function kindForStatus(status: number): ProviderErrorKind {
  if (status === 429) return "rate_limited";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 408) return "timeout";
  if (status >= 400 && status < 500) return "bad_request";
  return "server";
}

/**
 * Parses a `Retry-After` header: delay seconds (`"2"`, `"1.5"`) or an HTTP date.
 *
 * @param value The header value (null/undefined when absent).
 * @param now Current time in milliseconds since the epoch. @default Date.now()
 * @returns The wait in milliseconds (never negative), or undefined when absent or unparseable.
 *
 * @example Seconds and dates
 * ```ts
 * import { parseRetryAfter } from "./http_errors.ts";
 * if (parseRetryAfter("2") !== 2000) throw new Error("seconds");
 * const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
 * if (parseRetryAfter("Wed, 21 Oct 2015 07:28:03 GMT", now) !== 3000) throw new Error("date");
 * ```
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** A failed HTTP response, as {@linkcode errorForStatus} needs it. */
export interface HttpFailure {
  /** HTTP status. */
  status: number;
  /** The provider's own message (from its error body). */
  message: string;
  /** Response headers, when available (for `retry-after-ms` / `Retry-After`). */
  headers?: Headers | null;
}

/**
 * Builds the error for a failed HTTP response, reading `retry-after-ms` or `Retry-After`.
 *
 * @param provider Provider name.
 * @param failure Status, message and headers of the response.
 * @returns A typed error carrying status and Retry-After.
 *
 * @example A 429 with Retry-After
 * ```ts
 * import { errorForStatus } from "./http_errors.ts";
 * const e = errorForStatus("openai", {
 *   status: 429,
 *   message: "slow down",
 *   headers: new Headers({ "retry-after": "3" }),
 * });
 * if (e.kind !== "rate_limited" || e.retryAfterMs !== 3000 || !e.message.includes("slow down")) {
 *   throw new Error("unexpected");
 * }
 * ```
 */
export function errorForStatus(provider: string, failure: HttpFailure): ProviderError {
  const { status, message, headers } = failure;
  if (!Number.isInteger(status)) {
    throw new TypeError(`errorForStatus: status must be an integer, got ${String(status)}`);
  }
  const ms = headers?.get("retry-after-ms");
  const retryAfterMs = ms && /^\d+(\.\d+)?$/.test(ms.trim())
    ? Math.round(Number(ms))
    : parseRetryAfter(headers?.get("retry-after"));
  return new ProviderError(provider, kindForStatus(status), message || `HTTP ${status}`, {
    status,
    retryAfterMs,
  });
}

/**
 * Extracts the human message from a JSON error body in any of the common shapes
 * (`{error: {message}}`, `{error: "..."}`, `{message}`), falling back to the raw text.
 *
 * @param body The raw response text.
 * @returns A one-line message (at most 500 characters).
 *
 * @example OpenAI and Ollama shapes
 * ```ts
 * import { errorMessageFromBody } from "./http_errors.ts";
 * if (errorMessageFromBody('{"error":{"message":"bad key"}}') !== "bad key") throw new Error();
 * if (errorMessageFromBody('{"error":"no model"}') !== "no model") throw new Error();
 * ```
 */
export function errorMessageFromBody(body: string): string {
  let message = body;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const error = parsed?.error;
    if (typeof error === "string") message = error;
    else if (
      error && typeof error === "object" &&
      typeof (error as { message?: unknown }).message === "string"
    ) {
      message = (error as { message: string }).message;
    } else if (typeof parsed?.message === "string") message = parsed.message;
  } catch {
    // not JSON: keep the raw text
  }
  const line = message.replace(/\s+/g, " ").trim();
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}

/**
 * Maps an exception thrown by `fetch` or by reading a body: `TypeError`s (refused connection, reset,
 * body cut off) → `connection`, `SyntaxError`s (unparseable JSON) → `bad_response`, existing
 * {@linkcode ProviderError}s unchanged, anything else → `bad_response`.
 *
 * @param provider Provider name.
 * @param error What was thrown.
 * @returns A typed error carrying the original message and cause.
 *
 * @example A refused connection
 * ```ts
 * import { errorForException } from "./http_errors.ts";
 * const e = errorForException("ollama", new TypeError("error sending request: connection refused"));
 * if (e.kind !== "connection") throw new Error("expected connection");
 * ```
 */
export function errorForException(provider: string, error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof TypeError) {
    return new ProviderError(provider, "connection", message, { cause: error });
  }
  if (error instanceof SyntaxError) {
    return new ProviderError(provider, "bad_response", `malformed response: ${message}`, {
      cause: error,
    });
  }
  return new ProviderError(provider, "bad_response", message, { cause: error });
}
