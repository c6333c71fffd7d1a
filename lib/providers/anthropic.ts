/**
 * The Anthropic Messages API provider over plain `fetch` (`POST {base}/v1/messages`), with SSE
 * streaming and structured output by instruction.
 *
 * @module
 */
import type { ChatResponse, Message } from "../schemas/chat.ts";
import { startCall } from "./call_signal.ts";
import { errorForException, errorForStatus, errorMessageFromBody } from "./http_errors.ts";
import { readSse } from "./sse.ts";
import { type ChatOptions, type Provider, ProviderError, type ProviderErrorKind } from "./types.ts";

/** Default Anthropic API base URL (without `/v1`). */
export const DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com";
/** The `anthropic-version` header sent with every request. */
export const ANTHROPIC_VERSION = "2023-06-01";

/** Options for {@linkcode createAnthropicProvider}. */
export interface AnthropicProviderOptions {
  /** API key sent as `x-api-key`. Required by the real API. */
  apiKey?: string;
  /** Base URL without `/v1`. @default "https://api.anthropic.com" */
  baseURL?: string;
  /** `max_tokens` when the call does not set `maxTokens` (the API requires one). @default 1024 */
  defaultMaxTokens?: number;
  /** `fetch` implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * Creates a provider for the Anthropic Messages API. System messages become the `system` field;
 * `temperature` and `max_tokens` are sent (the API has no seed). Structured output is requested by
 * instruction: the JSON schema is appended to the system prompt (callers parse and repair the
 * answer). Streams server-sent events (`message_start`, `content_block_delta` with `text_delta`,
 * `message_delta` with usage, `message_stop`) when `onToken` is given; a stream without
 * `message_stop` is a `bad_response`.
 *
 * @param model Model name, e.g. "claude-3-5-haiku-latest".
 * @param options Key, base URL, default max tokens and fetch.
 * @returns The provider.
 *
 * @example Create without network
 * ```ts
 * import { createAnthropicProvider } from "./anthropic.ts";
 * const p = createAnthropicProvider("claude-3-5-haiku-latest", { apiKey: "k" });
 * if (p.name !== "anthropic" || p.model !== "claude-3-5-haiku-latest") throw new Error();
 * ```
 */
export function createAnthropicProvider(
  model: string,
  options: AnthropicProviderOptions = {},
): Provider {
  if (typeof model !== "string" || model.trim() === "") {
    throw new TypeError(
      `createAnthropicProvider: model must be a non-empty string, got ${String(model)}`,
    );
  }
  const maxDefault = options.defaultMaxTokens ?? 1024;
  if (!Number.isInteger(maxDefault) || maxDefault <= 0) {
    throw new RangeError(
      `createAnthropicProvider: defaultMaxTokens must be a positive integer, got ${maxDefault}`,
    );
  }
  const name = "anthropic";
  const base = (options.baseURL ?? DEFAULT_ANTHROPIC_BASE_URL).replace(/\/+$/, "");
  const url = `${base}/v1/messages`;
  try {
    new URL(url);
  } catch {
    throw new TypeError(`createAnthropicProvider: invalid baseURL "${options.baseURL}"`);
  }
  const doFetch = options.fetch ?? globalThis.fetch;

  return {
    name,
    model,
    async chat(messages: Message[], chatOptions: ChatOptions = {}): Promise<ChatResponse> {
      const call = startCall(name, messages, chatOptions);
      const stream = chatOptions.onToken !== undefined;
      const body = {
        model,
        max_tokens: chatOptions.maxTokens ?? maxDefault,
        system: systemPrompt(messages, chatOptions.jsonSchema),
        messages: messages.filter((m) => m.role !== "system").map((m) => ({
          role: m.role,
          content: m.content,
        })),
        temperature: chatOptions.temperature,
        stream: stream || undefined,
      };
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "anthropic-version": ANTHROPIC_VERSION,
      };
      if (options.apiKey) headers["x-api-key"] = options.apiKey;
      try {
        const res = await doFetch(url, {
          method: "POST",
          headers,
          body: JSON.stringify(body),
          signal: call.signal,
        });
        if (!res.ok) {
          const text = await res.text();
          throw errorForStatus(name, {
            status: res.status,
            message: errorMessageFromBody(text),
            headers: res.headers,
          });
        }
        if (!res.body) throw new ProviderError(name, "bad_response", "response has no body");
        if (!stream) return parseMessage(name, await res.text(), model);
        return await readStream(name, res.body, model, chatOptions.onToken!);
      } catch (error) {
        throw call.error(name, error) ?? errorForException(name, error);
      }
    },
  };
}

function systemPrompt(
  messages: Message[],
  schema: Record<string, unknown> | undefined,
): string | undefined {
  const parts = messages.filter((m) => m.role === "system").map((m) => m.content);
  if (schema) {
    parts.push(
      "Respond with only a JSON object (no prose, no code fences) that conforms to this JSON Schema:\n" +
        JSON.stringify(schema),
    );
  }
  return parts.length > 0 ? parts.join("\n\n") : undefined;
}

function count(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0;
}

function parseMessage(provider: string, text: string, model: string): ChatResponse {
  const msg = JSON.parse(text) as {
    content?: { type?: string; text?: unknown }[];
    model?: unknown;
    stop_reason?: unknown;
    usage?: { input_tokens?: unknown; output_tokens?: unknown };
  };
  if (!msg || !Array.isArray(msg.content)) {
    throw new ProviderError(provider, "bad_response", "response has no content array");
  }
  return {
    text: msg.content.filter((b) => b?.type === "text" && typeof b.text === "string")
      .map((b) => b.text as string).join(""),
    model: typeof msg.model === "string" && msg.model ? msg.model : model,
    usage: {
      inputTokens: count(msg.usage?.input_tokens),
      outputTokens: count(msg.usage?.output_tokens),
    },
    finishReason: typeof msg.stop_reason === "string" ? msg.stop_reason : undefined,
  };
}

const STREAM_ERROR_KINDS: Record<string, ProviderErrorKind> = {
  overloaded_error: "server",
  api_error: "server",
  rate_limit_error: "rate_limited",
  authentication_error: "auth",
  permission_error: "auth",
  not_found_error: "not_found",
  invalid_request_error: "bad_request",
  request_too_large: "bad_request",
};

async function readStream(
  provider: string,
  body: ReadableStream<Uint8Array>,
  model: string,
  onToken: (delta: string) => void,
): Promise<ChatResponse> {
  let text = "";
  let inputTokens = 0;
  let outputTokens = 0;
  let responseModel = model;
  let finishReason: string | undefined;
  let stopped = false;
  for await (const sse of readSse(body)) {
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(sse.data);
    } catch {
      throw new ProviderError(
        provider,
        "bad_response",
        `malformed stream event: ${sse.data.slice(0, 200)}`,
      );
    }
    const type = typeof data.type === "string" ? data.type : sse.event;
    if (type === "message_start") {
      const message = data.message as
        | { model?: unknown; usage?: Record<string, unknown> }
        | undefined;
      if (typeof message?.model === "string" && message.model) responseModel = message.model;
      inputTokens = count(message?.usage?.input_tokens);
      outputTokens = count(message?.usage?.output_tokens);
    } else if (type === "content_block_delta") {
      const delta = data.delta as { type?: unknown; text?: unknown } | undefined;
      if (delta?.type === "text_delta" && typeof delta.text === "string" && delta.text !== "") {
        text += delta.text;
        onToken(delta.text);
      }
    } else if (type === "message_delta") {
      const delta = data.delta as { stop_reason?: unknown } | undefined;
      if (typeof delta?.stop_reason === "string") finishReason = delta.stop_reason;
      const usage = data.usage as Record<string, unknown> | undefined;
      if (usage?.output_tokens !== undefined) outputTokens = count(usage.output_tokens);
      if (usage?.input_tokens !== undefined) inputTokens = count(usage.input_tokens);
    } else if (type === "message_stop") {
      stopped = true;
      break;
    } else if (type === "error") {
      const error = data.error as { type?: unknown; message?: unknown } | undefined;
      const kind = STREAM_ERROR_KINDS[String(error?.type)] ?? "server";
      throw new ProviderError(provider, kind, String(error?.message ?? "error event in stream"));
    }
  }
  if (!stopped) {
    throw new ProviderError(provider, "bad_response", "stream ended without message_stop");
  }
  return { text, model: responseModel, usage: { inputTokens, outputTokens }, finishReason };
}
