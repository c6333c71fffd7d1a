/**
 * Provider probing: which backends can be used right now (in parallel, with a timeout), and which
 * one an automatic run should pick.
 *
 * @module
 */
import { z } from "zod";
import { ANTHROPIC_VERSION, DEFAULT_ANTHROPIC_BASE_URL } from "./anthropic.ts";
import { type Env, readEnv } from "./env.ts";
import { errorMessageFromBody } from "./http_errors.ts";
import { resolveOllamaHost } from "./ollama.ts";
import { OPENAI_PRESETS } from "./presets.ts";
import { autoPickOrder, providerKindInfo, providerKinds } from "./kinds.ts";
import type { Schema } from "../schemas/schema.ts";
import { zodOf } from "../schemas/zod_of.ts";

/** A probe outcome. */
export type ProbeStatus = "ready" | "no_key" | "unreachable" | "no_model" | "error";

/** Schema of a probe outcome. */
export const ProbeStatusSchema: Schema<ProbeStatus> = z.enum(
  ["ready", "no_key", "unreachable", "no_model", "error"] as const,
);

/** The probe result of one provider. */
export interface ProviderProbe {
  /** Provider kind, e.g. "ollama", "kimi", "llamacpp". */
  provider: string;
  /** The outcome. */
  status: ProbeStatus;
  /** One line saying why. */
  reason: string;
  /** The model the provider would use, when known. */
  model?: string;
  /** A spec for `createProvider`, when the provider is ready. */
  spec?: string;
}

/** Schema of the probe result of one provider. */
export const ProviderProbeSchema: Schema<ProviderProbe> = z.object({
  provider: z.string(),
  status: zodOf(ProbeStatusSchema),
  reason: z.string(),
  model: z.string().optional(),
  spec: z.string().optional(),
});

/** The order in which {@linkcode pickProvider} prefers ready providers (the table's `autoRank`). */
export const AUTO_ORDER: readonly string[] = Object.freeze(autoPickOrder());

/** Options for {@linkcode probeProviders}. */
export interface ProbeOptions {
  /** Providers to probe (any of {@linkcode AUTO_ORDER}, "openrouter", "vllm", "llamacpp-server"). @default AUTO_ORDER */
  providers?: readonly string[];
  /** Environment for keys, `OLLAMA_HOST` and base-URL variables. @default the process environment */
  env?: Env;
  /**
   * Base URL per provider, winning over variables and defaults (the host for ollama, with `/v1`
   * for OpenAI-compatible providers, without it for anthropic). @default {}
   */
  baseURLs?: Readonly<Record<string, string>>;
  /** Preferred model per provider. @default each preset's default, or the first model listed */
  models?: Readonly<Record<string, string>>;
  /** Timeout of each probe request in milliseconds. @default 3000 */
  timeoutMs?: number;
  /** `fetch` implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * Checks the embedded llama.cpp engine.
   * @default a checker answering `unreachable` "no GGUF model configured"
   */
  llamacppCheck?: () => Promise<Omit<ProviderProbe, "provider">>;
}

type HttpResult =
  | { ok: true; status: number; body: string }
  | { ok: false; status?: number; body?: string; error?: string };

async function get(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  doFetch: typeof fetch,
): Promise<HttpResult> {
  try {
    const res = await doFetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text();
    return res.ok
      ? { ok: true, status: res.status, body }
      : { ok: false, status: res.status, body };
  } catch (error) {
    const e = error as Error;
    const timedOut = e?.name === "TimeoutError" || e?.name === "AbortError";
    return {
      ok: false,
      error: timedOut ? `no answer within ${timeoutMs} ms` : oneLine(e?.message ?? String(error)),
    };
  }
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

function httpFailure(
  provider: string,
  url: string,
  r: Exclude<HttpResult, { ok: true }>,
): ProviderProbe {
  if (r.status === undefined) {
    return { provider, status: "unreachable", reason: `cannot reach ${url}: ${r.error}` };
  }
  const message = errorMessageFromBody(r.body ?? "");
  if (r.status === 401 || r.status === 403) {
    return { provider, status: "error", reason: `key rejected (HTTP ${r.status}): ${message}` };
  }
  return { provider, status: "error", reason: `HTTP ${r.status} from ${url}: ${message}` };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function chooseModel(
  provider: string,
  listed: string[],
  preferred: string | undefined,
  checkListed: boolean,
  listedWhat: string,
): ProviderProbe {
  if (listed.length === 0) {
    const hint = provider === "ollama" ? " (run `ollama pull llama3.2`)" : "";
    return { provider, status: "no_model", reason: `no models ${listedWhat}${hint}` };
  }
  const model = preferred || listed[0];
  if (checkListed && preferred && !listed.includes(preferred)) {
    return {
      provider,
      status: "no_model",
      reason: `model "${preferred}" is not ${listedWhat}; available: ${
        listed.slice(0, 5).join(", ")
      }`,
      model: preferred,
    };
  }
  return {
    provider,
    status: "ready",
    reason: `${listed.length} model${listed.length === 1 ? "" : "s"} ${listedWhat}; using ${model}`,
    model,
    spec: `${provider}:${model}`,
  };
}

async function probeOllama(
  o: Required<Pick<ProbeOptions, "timeoutMs" | "fetch">> & ProbeOptions,
): Promise<ProviderProbe> {
  const host = resolveOllamaHost(o.baseURLs?.ollama, o.env);
  const url = `${host}/api/tags`;
  const r = await get(url, {}, o.timeoutMs, o.fetch);
  if (!r.ok) return httpFailure("ollama", url, r);
  const models =
    (parseJson(r.body) as { models?: { name?: unknown; model?: unknown }[] } | undefined)?.models;
  if (!Array.isArray(models)) {
    return { provider: "ollama", status: "error", reason: `unexpected answer from ${url}` };
  }
  const names = models.map((m) => String(m?.name ?? m?.model ?? "")).filter((n) => n !== "");
  const preferred = o.models?.ollama;
  const matched = preferred && !names.includes(preferred) && names.includes(`${preferred}:latest`)
    ? `${preferred}:latest`
    : preferred;
  return chooseModel("ollama", names, matched, true, "pulled");
}

async function probeOpenAICompatible(
  provider: string,
  o: Required<Pick<ProbeOptions, "timeoutMs" | "fetch">> & ProbeOptions,
): Promise<ProviderProbe> {
  const preset = OPENAI_PRESETS[provider];
  const key = readEnv(preset.keyEnv, o.env);
  if (preset.keyRequired && !key) {
    return {
      provider,
      status: "no_key",
      reason: `set ${preset.keyEnv}`,
      model: o.models?.[provider] || preset.defaultModel,
    };
  }
  const base = (o.baseURLs?.[provider] ??
    (preset.baseURLEnv ? readEnv(preset.baseURLEnv, o.env) : undefined) ??
    preset.defaultBaseURL).replace(/\/+$/, "");
  if (!base) return { provider, status: "error", reason: `no base URL configured` };
  const url = `${base}/models`;
  const r = await get(url, key ? { authorization: `Bearer ${key}` } : {}, o.timeoutMs, o.fetch);
  if (!r.ok) return httpFailure(provider, url, r);
  const data = (parseJson(r.body) as { data?: { id?: unknown }[] } | undefined)?.data;
  if (!Array.isArray(data)) {
    return { provider, status: "error", reason: `unexpected answer from ${url}` };
  }
  const ids = data.map((m) => String(m?.id ?? "")).filter((id) => id !== "");
  const preferred = o.models?.[provider] || preset.defaultModel || undefined;
  return chooseModel(provider, ids, preferred, true, "listed");
}

async function probeAnthropic(
  o: Required<Pick<ProbeOptions, "timeoutMs" | "fetch">> & ProbeOptions,
): Promise<ProviderProbe> {
  const model = o.models?.anthropic || providerKindInfo("anthropic")?.defaultModel || "";
  const key = readEnv("ANTHROPIC_API_KEY", o.env);
  if (!key) {
    return { provider: "anthropic", status: "no_key", reason: "set ANTHROPIC_API_KEY", model };
  }
  const base =
    (o.baseURLs?.anthropic ?? readEnv("ANTHROPIC_BASE_URL", o.env) ?? DEFAULT_ANTHROPIC_BASE_URL)
      .replace(/\/+$/, "");
  const url = `${base}/v1/models`;
  const r = await get(
    url,
    { "x-api-key": key, "anthropic-version": ANTHROPIC_VERSION },
    o.timeoutMs,
    o.fetch,
  );
  if (!r.ok) return httpFailure("anthropic", url, r);
  return {
    provider: "anthropic",
    status: "ready",
    reason: "key accepted",
    model,
    spec: `anthropic:${model}`,
  };
}

/**
 * Probes providers in parallel, each with a timeout: Ollama via `/api/tags` (`no_model` when nothing
 * is pulled), OpenAI-compatible services via `/v1/models` (`no_key` when their key variable is
 * unset), Anthropic by key presence plus `GET /v1/models`, and the embedded llama.cpp engine via an
 * injected checker. Never throws for an unavailable provider: each gets a status and a one-line
 * reason, and the model it would use.
 *
 * @param options Which providers, environment, base URLs, models, timeout, fetch, llama.cpp checker.
 * @returns One probe per requested provider, in the requested order.
 *
 * @example Nothing configured
 * ```ts
 * import { probeProviders } from "./probe.ts";
 * const probes = await probeProviders({
 *   providers: ["kimi", "llamacpp"],
 *   env: {},
 * });
 * if (probes[0].status !== "no_key" || !probes[0].reason.includes("MOONSHOT_API_KEY")) throw new Error();
 * if (probes[1].status !== "unreachable") throw new Error();
 * ```
 */
export async function probeProviders(options: ProbeOptions = {}): Promise<ProviderProbe[]> {
  const timeoutMs = options.timeoutMs ?? 3000;
  if (typeof timeoutMs !== "number" || !(timeoutMs > 0)) {
    throw new RangeError(
      `probeProviders: timeoutMs must be a positive number, got ${String(timeoutMs)}`,
    );
  }
  const providers = options.providers ?? AUTO_ORDER;
  const known = providerKinds((k) => k.probed);
  for (const p of providers) {
    if (!known.includes(p)) {
      throw new TypeError(`probeProviders: unknown provider "${p}" (known: ${known.join(", ")})`);
    }
  }
  const o = { ...options, timeoutMs, fetch: options.fetch ?? globalThis.fetch };
  const llamacppCheck = options.llamacppCheck ??
    (() => Promise.resolve({ status: "unreachable" as const, reason: "no GGUF model configured" }));
  return await Promise.all(providers.map(async (provider): Promise<ProviderProbe> => {
    try {
      if (provider === "ollama") return await probeOllama(o);
      if (provider === "anthropic") return await probeAnthropic(o);
      if (provider === "llamacpp") return { ...(await llamacppCheck()), provider: "llamacpp" };
      return await probeOpenAICompatible(provider, o);
    } catch (error) {
      return {
        provider,
        status: "error",
        reason: oneLine(error instanceof Error ? error.message : String(error)),
      };
    }
  }));
}

/**
 * Picks the first ready provider in {@linkcode AUTO_ORDER} (Ollama → Kimi → Anthropic → OpenAI →
 * embedded llama.cpp), whatever order the probes are in.
 *
 * @param probes Results of {@linkcode probeProviders}.
 * @returns The chosen probe, or undefined when none is ready.
 *
 * @example Kimi wins over OpenAI
 * ```ts
 * import { pickProvider } from "./probe.ts";
 * const pick = pickProvider([
 *   { provider: "openai", status: "ready", reason: "", model: "gpt-4o-mini" },
 *   { provider: "ollama", status: "unreachable", reason: "" },
 *   { provider: "kimi", status: "ready", reason: "", model: "moonshot-v1-8k" },
 * ]);
 * if (pick?.provider !== "kimi") throw new Error();
 * ```
 */
export function pickProvider(probes: readonly ProviderProbe[]): ProviderProbe | undefined {
  if (!Array.isArray(probes)) {
    throw new TypeError(`pickProvider: probes must be an array, got ${String(probes)}`);
  }
  for (const provider of AUTO_ORDER) {
    const probe = probes.find((p) => p.provider === provider && p.status === "ready");
    if (probe) return probe;
  }
  return undefined;
}
