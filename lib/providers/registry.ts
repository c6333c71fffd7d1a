/**
 * The provider registry: the table of provider kinds ({@linkcode PROVIDER_TABLE}, each spec prefix
 * once with its metadata) and one spec string (`ollama:llama3.2`, `kimi:moonshot-v1-8k`,
 * `answers:out.jsonl`, `scripted`, …) → a ready provider wrapped with limiter, retries, cache and
 * call recording. An explicitly requested provider that cannot be used is an error, never a silent
 * swap to another.
 *
 * @module
 */
import type { CallRecord } from "../schemas/trace.ts";
import { createAnswersProvider } from "./answers.ts";
import { createAnthropicProvider, DEFAULT_ANTHROPIC_BASE_URL } from "./anthropic.ts";
import { type CacheOptions, withCache } from "./cache.ts";
import { type Env, readEnv } from "./env.ts";
import { type Limiter, withLimiter } from "./limiter.ts";
import { createOllamaProvider } from "./ollama.ts";
import { createOpenAIProvider } from "./openai.ts";
import { resolveOpenAIPreset } from "./presets.ts";
import { providerKinds } from "./kinds.ts";
import { withCallRecording } from "./record.ts";
import { type RetryOptions, withRetry } from "./retry.ts";
import type { LlamaCppProviderOptions } from "./llamacpp.ts";
import type { ScriptedProviderOptions } from "./scripted.ts";
import { type Provider, ProviderError } from "./types.ts";

export {
  autoPickOrder,
  PROVIDER_TABLE,
  type ProviderKindInfo,
  providerKindInfo,
  providerKinds,
} from "./kinds.ts";

/** Every spec prefix {@linkcode createProvider} understands (the kinds of {@linkcode PROVIDER_TABLE}). */
export const PROVIDER_KINDS: readonly string[] = Object.freeze(providerKinds());

/** A parsed provider spec. */
export interface ProviderSpec {
  /** The prefix, e.g. "ollama", "kimi", "answers". */
  kind: string;
  /** Everything after the first colon (model name, or file for `answers`); "" when absent. */
  model: string;
}

/**
 * Splits a spec at its first colon (`ollama:qwen2.5:7b` → kind "ollama", model "qwen2.5:7b").
 *
 * @param spec A spec such as "openai:gpt-4o-mini".
 * @returns Kind and model.
 * @throws {TypeError} for an empty spec or an unknown kind (listing the known ones).
 *
 * @example Model names may contain colons
 * ```ts
 * import { parseProviderSpec } from "./registry.ts";
 * const s = parseProviderSpec("ollama:qwen2.5:7b");
 * if (s.kind !== "ollama" || s.model !== "qwen2.5:7b") throw new Error();
 * ```
 */
export function parseProviderSpec(spec: string): ProviderSpec {
  if (typeof spec !== "string" || spec.trim() === "") {
    throw new TypeError(`provider spec must be a non-empty string, got ${JSON.stringify(spec)}`);
  }
  const colon = spec.indexOf(":");
  const kind = (colon === -1 ? spec : spec.slice(0, colon)).trim();
  const model = colon === -1 ? "" : spec.slice(colon + 1).trim();
  if (!PROVIDER_KINDS.includes(kind)) {
    throw new TypeError(
      `unknown provider "${kind}" in spec "${spec}" (known: ${PROVIDER_KINDS.join(", ")})`,
    );
  }
  return { kind, model };
}

/** Options for {@linkcode createProvider}. */
export interface CreateProviderOptions {
  /** Environment for keys and base URLs. @default the process environment */
  env?: Env;
  /** API key (wins over the provider's variable). @default undefined */
  apiKey?: string;
  /**
   * Base URL (wins over variables): with `/v1` for OpenAI-compatible specs, without it for
   * `anthropic`, the host for `ollama`. Required for `openai-compatible`. @default undefined
   */
  baseURL?: string;
  /** `fetch` implementation for HTTP providers. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Retry and timeout options, or `false` for a bare provider. @default {} (retries on) */
  retry?: RetryOptions | false;
  /** A limiter shared across providers (one slot per attempt). @default undefined */
  limiter?: Limiter;
  /** Record/replay cache. @default undefined (no cache) */
  cache?: CacheOptions;
  /** Receives a call record for every call (outermost wrapper). @default undefined */
  onCall?: (record: CallRecord) => void;
  /** Options for the `scripted` provider. @default {} */
  scripted?: ScriptedProviderOptions;
  /** Anthropic `max_tokens` when a call sets none. @default 1024 */
  anthropicMaxTokens?: number;
  /**
   * Token-limit field for OpenAI-compatible specs.
   * @default by host: `max_completion_tokens` for OpenAI's own API and Azure, else `max_tokens`
   */
  openaiMaxTokensField?: "max_tokens" | "max_completion_tokens";
  /** Options for the embedded `llamacpp` provider (the model comes from the spec). @default {} */
  llamacpp?: Omit<LlamaCppProviderOptions, "model" | "env">;
}

/** A provider from {@linkcode createProvider}: the wrapped provider plus a way to free resources. */
export interface RegistryProvider extends Provider, AsyncDisposable {
  /**
   * Frees what the base provider holds (the embedded llama.cpp model and context); a no-op for
   * HTTP, answers and scripted providers. Idempotent.
   */
  dispose(): Promise<void>;
}

/**
 * Creates a provider from a spec: `ollama:<model>`, `openai:<model>`, `kimi:<model>` /
 * `moonshot:<model>`, `openrouter:<model>`, `vllm:<model>`, `llamacpp-server:<model>`,
 * `openai-compatible:<model>` (with `baseURL`), `anthropic:<model>`, `answers:<file.jsonl>`,
 * `scripted[:<model>]`, `llamacpp[:<model.gguf | hf:user/repo/file.gguf>]` (in-process, needs the
 * opt-in engine; without a model it reads `AUTOCONSTITUTION_GGUF`). The base provider is wrapped, inside out, with the limiter (per attempt),
 * retries with timeout, the cache, then call recording.
 *
 * @param spec The spec string.
 * @param options Keys, base URL, wrappers and scripted options.
 * @returns The provider, with `dispose()` to free an embedded model.
 * @throws {ProviderError} kind `auth` when a required key is missing ("set MOONSHOT_API_KEY").
 * @throws {ProviderError} kind `not_found` for `llamacpp` without a model or with a missing file.
 * @throws {TypeError} for unknown kinds, a missing model or base URL.
 * @throws {InputError} for an unreadable or malformed answers file.
 *
 * @example A scripted provider with call records
 * ```ts
 * import { createProvider } from "./registry.ts";
 * const seen: string[] = [];
 * const p = await createProvider("scripted", {
 *   scripted: { defaultText: "hello" },
 *   onCall: (r) => seen.push(r.role),
 * });
 * const res = await p.chat([{ role: "user", content: "hi" }], { role: "student" });
 * if (res.text !== "hello" || seen[0] !== "student") throw new Error();
 * ```
 */
export async function createProvider(
  spec: string,
  options: CreateProviderOptions = {},
): Promise<RegistryProvider> {
  const base = await createBaseProvider(spec, options);
  let provider: Provider = base;
  if (options.limiter) provider = withLimiter(provider, options.limiter);
  if (options.retry !== false) provider = withRetry(provider, options.retry ?? {});
  if (options.cache) provider = withCache(provider, options.cache);
  if (options.onCall) provider = withCallRecording(provider, options.onCall);
  const free = (base as Partial<{ dispose: () => Promise<void> }>).dispose;
  const dispose = (): Promise<void> =>
    typeof free === "function" ? free.call(base) : Promise.resolve();
  const wrapped = provider;
  // An answers file's recorded trajectories stay reachable (the bench's `trajectory` arm reads them).
  const attempts = (base as Partial<{ attempts: (id: string) => readonly string[] | undefined }>)
    .attempts;
  return {
    name: wrapped.name,
    model: wrapped.model,
    chat: (messages, chatOptions) => wrapped.chat(messages, chatOptions),
    ...(typeof attempts === "function"
      ? { attempts: (id: string) => attempts.call(base, id) }
      : {}),
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}

async function createBaseProvider(spec: string, options: CreateProviderOptions): Promise<Provider> {
  const { kind, model } = parseProviderSpec(spec);
  const needModel = (what = "a model") => {
    if (!model) {
      throw new TypeError(
        `spec "${spec}" needs ${what}: "${kind}:<${what === "a model" ? "model" : "file"}>"`,
      );
    }
  };
  switch (kind) {
    case "scripted": {
      const { createScriptedProvider } = await import("./scripted.ts");
      return createScriptedProvider({ ...options.scripted, ...(model ? { model } : {}) });
    }
    case "answers":
      needModel("a file");
      return await createAnswersProvider(model);
    case "ollama":
      needModel();
      return createOllamaProvider(model, {
        host: options.baseURL,
        env: options.env,
        fetch: options.fetch,
      });
    case "anthropic": {
      needModel();
      const apiKey = options.apiKey ?? readEnv("ANTHROPIC_API_KEY", options.env);
      if (!apiKey) {
        throw new ProviderError("anthropic", "auth", "no API key: set ANTHROPIC_API_KEY");
      }
      return createAnthropicProvider(model, {
        apiKey,
        baseURL: options.baseURL ?? readEnv("ANTHROPIC_BASE_URL", options.env) ??
          DEFAULT_ANTHROPIC_BASE_URL,
        defaultMaxTokens: options.anthropicMaxTokens,
        fetch: options.fetch,
      });
    }
    case "llamacpp": {
      const { createLlamaCppProvider } = await import("./llamacpp.ts");
      return createLlamaCppProvider({
        ...options.llamacpp,
        model: model || undefined,
        env: options.env,
      });
    }
    default: {
      needModel();
      const { baseURL, apiKey } = resolveOpenAIPreset(kind, {
        env: options.env,
        apiKey: options.apiKey,
        baseURL: options.baseURL,
      });
      return createOpenAIProvider(model, {
        name: kind,
        baseURL,
        apiKey,
        fetch: options.fetch,
        maxTokensField: options.openaiMaxTokensField,
      });
    }
  }
}
