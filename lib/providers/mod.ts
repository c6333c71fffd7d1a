/**
 * Model providers behind one small interface ({@linkcode Provider}): Ollama, OpenAI-compatible
 * services (OpenAI, Kimi/Moonshot, OpenRouter, vLLM, llama.cpp server, any base URL), the Anthropic
 * Messages API, answers files and a deterministic scripted provider — plus composable wrappers for
 * retries with timeouts, a shared concurrency limiter, a record/replay cache and call recording, a
 * spec registry (`createProvider("kimi:moonshot-v1-8k")`) and a parallel probe of what is available.
 *
 * @example Offline: a scripted provider through the registry, with call records
 * ```ts
 * import { createProvider } from "./mod.ts";
 * import type { CallRecord } from "../schemas/trace.ts";
 * const records: CallRecord[] = [];
 * const p = await createProvider("scripted", { onCall: (r) => records.push(r) });
 * const res = await p.chat([{ role: "user", content: "Name a colour." }], { role: "student" });
 * if (!res.text.includes("Name a colour.") || records.length !== 1) throw new Error();
 * ```
 *
 * @module
 */
export {
  type ChatOptions,
  checkMessages,
  type Provider,
  ProviderError,
  type ProviderErrorKind,
} from "./types.ts";
export { type Env, readEnv } from "./env.ts";
export { type CallSignal, createCallSignal, DEFAULT_TIMEOUT_MS } from "./call_signal.ts";
export {
  errorForException,
  errorForStatus,
  errorMessageFromBody,
  type HttpFailure,
  kindForStatus,
  parseRetryAfter,
} from "./http_errors.ts";
export { readSse, type SseEvent } from "./sse.ts";
export {
  createOllamaProvider,
  DEFAULT_OLLAMA_HOST,
  type OllamaProviderOptions,
  resolveOllamaHost,
} from "./ollama.ts";
export {
  createOpenAIProvider,
  isStrictCompatible,
  maxTokensFieldFor,
  type OpenAIProviderOptions,
} from "./openai.ts";
export {
  OPENAI_PRESETS,
  type OpenAIPreset,
  type ResolvedPreset,
  resolveOpenAIPreset,
  type ResolvePresetOptions,
} from "./presets.ts";
export {
  ANTHROPIC_VERSION,
  type AnthropicProviderOptions,
  createAnthropicProvider,
  DEFAULT_ANTHROPIC_BASE_URL,
} from "./anthropic.ts";
export {
  type AnswerRow,
  AnswerRowSchema,
  type AnswersProvider,
  createAnswersProvider,
} from "./answers.ts";
export {
  countWhitespaceTokens,
  createScriptedProvider,
  defaultForJsonSchema,
  type ScriptedCall,
  type ScriptedProvider,
  type ScriptedProviderOptions,
  type ScriptRule,
} from "./scripted.ts";
export {
  abortableSleep,
  backoffDelay,
  type RetryInfo,
  type RetryOptions,
  withRetry,
} from "./retry.ts";
export { createLimiter, type Limiter, withLimiter } from "./limiter.ts";
export {
  type CacheEntry,
  CacheEntrySchema,
  cacheKey,
  type CacheMode,
  type CacheOptions,
  cachePath,
  cacheRequest,
  withCache,
} from "./cache.ts";
export { type CallRecordingOptions, withCallRecording } from "./record.ts";
export {
  autoPickOrder,
  createProvider,
  type CreateProviderOptions,
  parseProviderSpec,
  PROVIDER_KINDS,
  PROVIDER_TABLE,
  type ProviderKindInfo,
  providerKindInfo,
  providerKinds,
  type ProviderSpec,
  type RegistryProvider,
} from "./registry.ts";
export {
  checkLlamaCpp,
  type CheckLlamaCppOptions,
  createLlamaCppProvider,
  type LlamaCppCheck,
  LlamaCppCheckSchema,
  type LlamaCppInfo,
  LlamaCppInfoSchema,
  type LlamaCppProvider,
  type LlamaCppProviderOptions,
} from "./llamacpp.ts";
export {
  type DownloadOptions,
  type DownloadProgress,
  type DownloadResult,
  downloadWithChecksum,
} from "./llamacpp_download.ts";
export {
  type EnsuredHfModel,
  ensureHfModel,
  type EnsureHfModelOptions,
  fetchHfFileMetadata,
  HF_DEFAULT_ENDPOINT,
  hfEndpoint,
  type HfFileMetadata,
  type HfHubOptions,
  type ModelLock,
  type ModelLockEntry,
  modelLockKey,
  readModelLock,
} from "./hf_hub.ts";
export { DEFAULT_GGUF_MODEL, type DefaultGgufModel, defaultGgufSpec } from "./default_model.ts";
export {
  type ContextPlan,
  type ContextPlanOptions,
  planForContext,
  type PlanPrinciple,
  type RoleTokenCaps,
} from "./context_plan.ts";
export {
  AUTO_ORDER,
  pickProvider,
  type ProbeOptions,
  probeProviders,
  type ProbeStatus,
  ProbeStatusSchema,
  type ProviderProbe,
  ProviderProbeSchema,
} from "./probe.ts";
export {
  type CallsCost,
  callsCost,
  loadPriceTable,
  LOCAL_PRICES,
  type ModelPrice,
  priceFor,
  type PriceTable,
  PriceTableSchema,
  unpricedModels,
} from "./pricing.ts";
