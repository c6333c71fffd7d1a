/**
 * The OpenAI-compatible provider, over the official `openai` client (`/chat/completions`): OpenAI,
 * Kimi/Moonshot, OpenRouter, vLLM, llama.cpp's server and any compatible base URL.
 *
 * @module
 */
import OpenAI from "openai";
import type { ChatResponse, Message, Usage } from "../schemas/chat.ts";
import { DEFAULT_TIMEOUT_MS, startCall } from "./call_signal.ts";
import { errorForException, errorForStatus } from "./http_errors.ts";
import { type ChatOptions, type Provider, ProviderError } from "./types.ts";

/** Options for {@linkcode createOpenAIProvider}. */
export interface OpenAIProviderOptions {
  /** Provider name reported in errors and records (the preset, e.g. "kimi"). @default "openai" */
  name?: string;
  /** Base URL including `/v1`. @default "https://api.openai.com/v1" */
  baseURL?: string;
  /**
   * API key sent as a bearer token. Servers without authentication (vLLM, llama.cpp) accept any
   * value. @default "not-needed"
   */
  apiKey?: string;
  /**
   * Send `strict: true` with structured output. When undefined, strict is used only for schemas
   * that meet OpenAI's strict rules (every object closed with all properties required).
   * @default undefined
   */
  strictJsonSchema?: boolean;
  /**
   * The request field that carries `maxTokens`. OpenAI's own API deprecated `max_tokens` and its
   * reasoning models (o1, o3, gpt-5…) reject it, so `max_completion_tokens` is the default for
   * `api.openai.com` and Azure OpenAI hosts; other servers (vLLM, llama.cpp, Kimi, OpenRouter)
   * get `max_tokens`, which they all accept.
   * @default by host, see above
   */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
  /** `fetch` implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * The request field for the token limit that a base URL's server expects: `max_completion_tokens`
 * for OpenAI's own API (`api.openai.com`) and Azure OpenAI (`*.openai.azure.com`), else
 * `max_tokens`.
 *
 * @param baseURL The provider's base URL.
 * @returns The field name.
 *
 * @example
 * ```ts
 * import { maxTokensFieldFor } from "./openai.ts";
 * if (maxTokensFieldFor("https://api.openai.com/v1") !== "max_completion_tokens") throw new Error();
 * if (maxTokensFieldFor("http://127.0.0.1:8000/v1") !== "max_tokens") throw new Error();
 * ```
 */
export function maxTokensFieldFor(baseURL: string): "max_tokens" | "max_completion_tokens" {
  let host: string;
  try {
    host = new URL(baseURL).hostname.toLowerCase();
  } catch {
    return "max_tokens";
  }
  return host === "api.openai.com" || host.endsWith(".openai.azure.com")
    ? "max_completion_tokens"
    : "max_tokens";
}

/**
 * Creates a provider for an OpenAI-compatible chat completions endpoint. Sends `temperature`, `seed`,
 * the token limit (`max_completion_tokens` to OpenAI's own API, `max_tokens` elsewhere: see
 * {@linkcode OpenAIProviderOptions.maxTokensField}), and structured output as `response_format: { type: "json_schema", json_schema: { name,
 * schema, strict } }`; streams with `stream_options: { include_usage: true }` when `onToken` is
 * given. The client's own retries are off (`maxRetries: 0`) — wrap with `withRetry`. Failures are
 * {@linkcode ProviderError}s: `APIError` statuses by class (with `Retry-After`),
 * `APIConnectionError` → `connection`, `APIConnectionTimeoutError` → `timeout`, garbled JSON or a
 * stream without a finish → `bad_response`, the caller's abort → `aborted`.
 *
 * @param model Model name, e.g. "gpt-4o-mini".
 * @param options Name, base URL, key, strictness and fetch.
 * @returns The provider.
 *
 * @example Create without network
 * ```ts
 * import { createOpenAIProvider } from "./openai.ts";
 * const p = createOpenAIProvider("moonshot-v1-8k", { name: "kimi", baseURL: "http://127.0.0.1:9/v1" });
 * if (p.name !== "kimi" || p.model !== "moonshot-v1-8k") throw new Error();
 * ```
 */
export function createOpenAIProvider(model: string, options: OpenAIProviderOptions = {}): Provider {
  if (typeof model !== "string" || model.trim() === "") {
    throw new TypeError(
      `createOpenAIProvider: model must be a non-empty string, got ${String(model)}`,
    );
  }
  const name = options.name ?? "openai";
  const baseURL = options.baseURL ?? "https://api.openai.com/v1";
  try {
    new URL(baseURL);
  } catch {
    throw new TypeError(`createOpenAIProvider: invalid baseURL "${baseURL}"`);
  }
  const maxTokensField = options.maxTokensField ?? maxTokensFieldFor(baseURL);
  const client = new OpenAI({
    apiKey: options.apiKey ?? "not-needed",
    baseURL,
    maxRetries: 0,
    timeout: DEFAULT_TIMEOUT_MS,
    logLevel: "off",
    fetch: options.fetch,
    organization: null,
    project: null,
    dangerouslyAllowBrowser: true,
  });

  return {
    name,
    model,
    async chat(messages: Message[], chatOptions: ChatOptions = {}): Promise<ChatResponse> {
      const timeoutMs = chatOptions.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const call = startCall(name, messages, chatOptions);
      const schema = chatOptions.jsonSchema;
      const body = {
        model,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        temperature: chatOptions.temperature,
        seed: chatOptions.seed,
        [maxTokensField]: chatOptions.maxTokens,
        response_format: schema
          ? {
            type: "json_schema" as const,
            json_schema: {
              name: schemaName(schema),
              schema,
              strict: options.strictJsonSchema ?? isStrictCompatible(schema),
            },
          }
          : undefined,
      };
      // The SDK timeout is a fallback; our combined signal enforces the per-attempt timeout.
      const requestOptions = { signal: call.signal, timeout: timeoutMs + 1000 };
      try {
        if (chatOptions.onToken) {
          const stream = await client.chat.completions.create(
            { ...body, stream: true, stream_options: { include_usage: true } },
            requestOptions,
          );
          let text = "";
          let finishReason: string | undefined;
          let usage: Usage | undefined;
          let responseModel: string | undefined;
          for await (const chunk of stream) {
            const choice = chunk.choices?.[0];
            const delta = choice?.delta?.content;
            if (typeof delta === "string" && delta !== "") {
              text += delta;
              chatOptions.onToken(delta);
            }
            if (choice?.finish_reason) finishReason = choice.finish_reason;
            if (chunk.usage) usage = toUsage(chunk.usage);
            if (chunk.model) responseModel = chunk.model;
          }
          // The SDK ends a stream quietly when its signal aborts: report why.
          const stopped = call.error(name);
          if (stopped) throw stopped;
          if (!finishReason) {
            throw new ProviderError(name, "bad_response", "stream ended without a finish_reason");
          }
          return {
            text,
            model: responseModel || model,
            usage: usage ?? { inputTokens: 0, outputTokens: 0 },
            finishReason,
          };
        }
        const res = await client.chat.completions.create(
          { ...body, stream: false },
          requestOptions,
        ) as unknown;
        const choice =
          (res as { choices?: { message?: { content?: unknown }; finish_reason?: unknown }[] })
            ?.choices?.[0];
        const content = choice?.message?.content;
        if (!choice || (typeof content !== "string" && content !== null)) {
          throw new ProviderError(
            name,
            "bad_response",
            "response has no choices[0].message.content",
          );
        }
        const r = res as { model?: unknown; usage?: unknown };
        return {
          text: content ?? "",
          model: typeof r.model === "string" && r.model ? r.model : model,
          usage: toUsage(r.usage),
          finishReason: typeof choice.finish_reason === "string" ? choice.finish_reason : undefined,
        };
      } catch (error) {
        throw mapOpenAIError(name, error, call.error(name, error));
      }
    },
  };
}

function toUsage(usage: unknown): Usage {
  const u = (usage ?? {}) as { prompt_tokens?: unknown; completion_tokens?: unknown };
  const count = (v: unknown): number =>
    typeof v === "number" && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0;
  return { inputTokens: count(u.prompt_tokens), outputTokens: count(u.completion_tokens) };
}

function schemaName(schema: Record<string, unknown>): string {
  const title = typeof schema.title === "string" ? schema.title : "response";
  const cleaned = title.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
  return cleaned || "response";
}

/**
 * True when a JSON schema meets OpenAI's strict structured-output rules: every object schema lists
 * all its properties as required and sets `additionalProperties: false`.
 *
 * @param schema A JSON schema.
 * @returns Whether `strict: true` can be sent.
 *
 * @example Closed and open objects
 * ```ts
 * import { isStrictCompatible } from "./openai.ts";
 * const closed = { type: "object", properties: { a: { type: "string" } }, required: ["a"], additionalProperties: false };
 * if (!isStrictCompatible(closed)) throw new Error("closed object is strict-compatible");
 * if (isStrictCompatible({ type: "object", properties: { a: { type: "string" } } })) throw new Error();
 * ```
 */
export function isStrictCompatible(schema: Record<string, unknown>): boolean {
  const visit = (node: unknown, depth: number): boolean => {
    if (depth > 50) return false;
    if (Array.isArray(node)) return node.every((n) => visit(n, depth + 1));
    if (!node || typeof node !== "object") return true;
    const s = node as Record<string, unknown>;
    const isObject = s.type === "object" || (Array.isArray(s.type) && s.type.includes("object")) ||
      (s.properties !== undefined && typeof s.properties === "object");
    if (isObject) {
      const keys = Object.keys((s.properties ?? {}) as Record<string, unknown>);
      const required = Array.isArray(s.required) ? s.required : [];
      if (s.additionalProperties !== false) return false;
      if (!keys.every((k) => required.includes(k))) return false;
    }
    for (const [key, value] of Object.entries(s)) {
      if (key === "properties" && value && typeof value === "object") {
        if (!Object.values(value).every((v) => visit(v, depth + 1))) return false;
      } else if (typeof value === "object" && value !== null && key !== "enum" && key !== "const") {
        if (!visit(value, depth + 1)) return false;
      }
    }
    return true;
  };
  return visit(schema, 0);
}

function mapOpenAIError(
  provider: string,
  error: unknown,
  aborted: ProviderError | undefined,
): ProviderError {
  if (aborted) return aborted;
  if (error instanceof ProviderError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new ProviderError(provider, "timeout", error.message, { cause: error });
  }
  if (error instanceof OpenAI.APIUserAbortError) {
    return new ProviderError(provider, "aborted", error.message, { cause: error });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : "";
    return new ProviderError(provider, "connection", `${error.message}${detail}`, { cause: error });
  }
  if (error instanceof OpenAI.APIError) {
    if (typeof error.status === "number") {
      const e = errorForStatus(provider, {
        status: error.status,
        message: apiErrorMessage(error),
        headers: error.headers,
      });
      return new ProviderError(provider, e.kind, apiErrorMessage(error), {
        status: e.status,
        retryAfterMs: e.retryAfterMs,
        cause: error,
      });
    }
    // An error object inside a stream.
    return new ProviderError(provider, "server", error.message, { cause: error });
  }
  return errorForException(provider, error);
}

function apiErrorMessage(error: InstanceType<typeof OpenAI.APIError>): string {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body.message === "string") return body.message;
  return error.message;
}
