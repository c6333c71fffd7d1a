/**
 * The Ollama provider, over the official `ollama` client (`/api/chat`), with streaming, structured
 * output (`format` = JSON schema), seeds and typed errors.
 *
 * @module
 */
import { Ollama } from "ollama";
import type { ChatResponse, Message } from "../schemas/chat.ts";
import { startCall } from "./call_signal.ts";
import { type Env, readEnv } from "./env.ts";
import { errorForException, errorForStatus, errorMessageFromBody } from "./http_errors.ts";
import { type ChatOptions, type Provider, ProviderError } from "./types.ts";

/** Default Ollama address when neither the `host` option nor `OLLAMA_HOST` is set. */
export const DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434";

/** Options for {@linkcode createOllamaProvider}. */
export interface OllamaProviderOptions {
  /** Server address. @default the `OLLAMA_HOST` variable, else "http://127.0.0.1:11434" */
  host?: string;
  /** Environment to read `OLLAMA_HOST` from. @default the process environment */
  env?: Env;
  /** `fetch` implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * Resolves the Ollama base URL: explicit host, else `OLLAMA_HOST`, else the default. Hosts without a
 * scheme get `http://`; hosts without a port get 11434.
 *
 * @param host Explicit host, if any.
 * @param env Environment to read `OLLAMA_HOST` from. @default the process environment
 * @returns A base URL without trailing slash.
 *
 * @example Normalise a bare host
 * ```ts
 * import { resolveOllamaHost } from "./ollama.ts";
 * if (resolveOllamaHost("localhost") !== "http://localhost:11434") throw new Error();
 * if (resolveOllamaHost(undefined, {}) !== "http://127.0.0.1:11434") throw new Error();
 * ```
 */
export function resolveOllamaHost(host?: string, env?: Env): string {
  const raw = host ?? readEnv("OLLAMA_HOST", env) ?? DEFAULT_OLLAMA_HOST;
  const withScheme = raw.includes("://")
    ? raw
    : `http://${raw.startsWith(":") ? "127.0.0.1" : ""}${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TypeError(`invalid Ollama host "${raw}"`);
  }
  if (!url.port && !raw.includes("://")) url.port = "11434";
  return url.toString().replace(/\/+$/, "");
}

/**
 * Creates a provider for one Ollama model. Streams (NDJSON) when `onToken` is given; sends
 * `options.jsonSchema` as `format`, and `temperature`, `seed`, `maxTokens` as
 * `options: { temperature, seed, num_predict }`. Usage comes from `prompt_eval_count`/`eval_count`.
 * Failures are {@linkcode ProviderError}s: HTTP statuses by class (with `Retry-After`), refused or cut
 * connections → `connection`, garbled bodies or streams → `bad_response`, the caller's abort →
 * `aborted`, the per-attempt timeout → `timeout`.
 *
 * @param model Model name, e.g. "llama3.2".
 * @param options Host, environment and fetch.
 * @returns The provider.
 *
 * @example Create without network
 * ```ts
 * import { createOllamaProvider } from "./ollama.ts";
 * const p = createOllamaProvider("llama3.2", { host: "http://127.0.0.1:9" });
 * if (p.name !== "ollama" || p.model !== "llama3.2") throw new Error();
 * ```
 */
export function createOllamaProvider(model: string, options: OllamaProviderOptions = {}): Provider {
  if (typeof model !== "string" || model.trim() === "") {
    throw new TypeError(
      `createOllamaProvider: model must be a non-empty string, got ${String(model)}`,
    );
  }
  const name = "ollama";
  const host = resolveOllamaHost(options.host, options.env);
  const baseFetch = options.fetch ?? globalThis.fetch;

  return {
    name,
    model,
    async chat(messages: Message[], chatOptions: ChatOptions = {}): Promise<ChatResponse> {
      const call = startCall(name, messages, chatOptions);
      let failure: ProviderError | undefined;
      const client = new Ollama({
        host,
        fetch: guardFetch(baseFetch, call.signal, (error) => (failure = error)),
      });
      const request = {
        model,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        format: chatOptions.jsonSchema,
        options: {
          temperature: chatOptions.temperature,
          seed: chatOptions.seed,
          num_predict: chatOptions.maxTokens,
        },
      };
      try {
        if (chatOptions.onToken) {
          const stream = await client.chat({ ...request, stream: true });
          let text = "";
          let last: Record<string, unknown> | undefined;
          for await (const part of stream) {
            const delta = part.message?.content;
            if (typeof delta === "string" && delta !== "") {
              text += delta;
              chatOptions.onToken(delta);
            }
            last = part as unknown as Record<string, unknown>;
          }
          if (!last?.done) throw new ProviderError(name, "bad_response", "stream ended early");
          return toResponse(last, text, model);
        }
        const res = await client.chat({ ...request, stream: false }) as unknown;
        const message = (res as { message?: { content?: unknown } } | null)?.message;
        if (typeof message?.content !== "string") {
          throw new ProviderError(name, "bad_response", "response has no message.content");
        }
        return toResponse(res as Record<string, unknown>, message.content, model);
      } catch (error) {
        throw mapOllamaError(name, error, call.error(name, error) ?? failure);
      }
    },
  };
}

function toResponse(res: Record<string, unknown>, text: string, model: string): ChatResponse {
  const count = (v: unknown): number =>
    typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0;
  return {
    text,
    model: typeof res.model === "string" && res.model ? res.model : model,
    usage: { inputTokens: count(res.prompt_eval_count), outputTokens: count(res.eval_count) },
    finishReason: typeof res.done_reason === "string" ? res.done_reason : undefined,
  };
}

function mapOllamaError(
  provider: string,
  error: unknown,
  known: ProviderError | undefined,
): ProviderError {
  if (known) return known;
  if (error instanceof ProviderError) return error;
  const e = error as { name?: string; status_code?: unknown; message?: string };
  if (e?.name === "ResponseError" && typeof e.status_code === "number") {
    return errorForStatus(provider, { status: e.status_code, message: e.message ?? "" });
  }
  if (error instanceof Error && error.constructor === Error) {
    // The client's own errors: an `{"error": ...}` object inside a stream, or a stream without `done`.
    const kind = /did not receive done/i.test(error.message) ? "bad_response" : "server";
    return new ProviderError(provider, kind, error.message, { cause: error });
  }
  return errorForException(provider, error);
}

/**
 * Wraps `fetch` for the ollama client: adds our abort signal to every request, turns non-JSON error
 * bodies into `{"error": text}` (so the client does not log), remembers failures with their
 * `Retry-After`, and validates NDJSON stream lines (a garbled line fails the stream as `bad_response`
 * instead of being logged and skipped).
 */
function guardFetch(
  baseFetch: typeof fetch,
  signal: AbortSignal,
  onFailure: (error: ProviderError) => void,
): typeof fetch {
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const combined = init?.signal ? AbortSignal.any([init.signal, signal]) : signal;
    const res = await baseFetch(input, { ...init, signal: combined });
    if (!res.ok) {
      const text = await res.text();
      const failure = errorForStatus("ollama", {
        status: res.status,
        message: errorMessageFromBody(text),
        headers: res.headers,
      });
      onFailure(failure);
      return new Response(JSON.stringify({ error: failure.message }), {
        status: res.status,
        headers: { "content-type": "application/json" },
      });
    }
    const type = res.headers.get("content-type") ?? "";
    if (!res.body || !type.includes("ndjson")) return res;
    return new Response(res.body.pipeThrough(ndjsonGuard(onFailure)), {
      status: res.status,
      headers: res.headers,
    });
  };
}

function ndjsonGuard(
  onFailure: (error: ProviderError) => void,
): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let buffer = "";
  const check = (line: string, controller: TransformStreamDefaultController<Uint8Array>): void => {
    if (line.trim() === "") return;
    try {
      JSON.parse(line);
    } catch {
      const failure = new ProviderError(
        "ollama",
        "bad_response",
        `malformed stream line: ${line.slice(0, 200)}`,
      );
      onFailure(failure);
      throw failure;
    }
    controller.enqueue(encoder.encode(line + "\n"));
  };
  return new TransformStream({
    transform(chunk, controller) {
      buffer += decoder.decode(chunk, { stream: true });
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) check(line, controller);
    },
    flush(controller) {
      buffer += decoder.decode();
      check(buffer, controller);
    },
  });
}
