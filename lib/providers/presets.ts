/**
 * Presets of OpenAI-compatible services (key variable, base URL, default model) and the rule that
 * resolves a preset's key and base URL, failing with a "set XYZ_API_KEY" hint when a key is missing.
 *
 * @module
 */
import { type Env, readEnv } from "./env.ts";
import { ProviderError } from "./types.ts";
import { PROVIDER_TABLE, type ProviderKindInfo } from "./kinds.ts";

/** One OpenAI-compatible service. */
export interface OpenAIPreset {
  /** Variable holding the API key. */
  keyEnv: string;
  /** Whether calls need a key (hosted services) or not (local servers). */
  keyRequired: boolean;
  /** Variable that can override the base URL, if any. */
  baseURLEnv?: string;
  /** Base URL (including `/v1`) when neither option nor variable gives one. Empty: must be given. */
  defaultBaseURL: string;
  /** Model used when a probe or auto-pick needs one. Empty: whatever the server lists first. */
  defaultModel: string;
}

/** The OpenAI-compatible presets, by spec prefix (the `api: "openai"` rows of the kinds table). */
export const OPENAI_PRESETS: Readonly<Record<string, OpenAIPreset>> = Object.freeze(
  Object.fromEntries(
    PROVIDER_TABLE.filter((k) => k.api === "openai").map((k) => [k.kind, openAIPreset(k)]),
  ),
);

function openAIPreset(k: Readonly<ProviderKindInfo>): OpenAIPreset {
  return {
    keyEnv: k.keyEnv ?? "",
    keyRequired: k.keyRequired,
    ...(k.baseURLEnv ? { baseURLEnv: k.baseURLEnv } : {}),
    defaultBaseURL: k.defaultBaseURL ?? "",
    defaultModel: k.defaultModel ?? "",
  };
}

/** A preset's resolved connection settings. */
export interface ResolvedPreset {
  /** Base URL including `/v1`, without trailing slash. */
  baseURL: string;
  /** The key, when one is set. */
  apiKey?: string;
}

/** Overrides for {@linkcode resolveOpenAIPreset}. */
export interface ResolvePresetOptions {
  /** Environment to read variables from. @default the process environment */
  env?: Env;
  /** Explicit key (wins over the variable). @default undefined */
  apiKey?: string;
  /** Explicit base URL (wins over the variable). @default undefined */
  baseURL?: string;
}

/**
 * Resolves a preset's base URL (option, else variable, else default) and key (option, else variable).
 *
 * @param preset Preset name, a key of {@linkcode OPENAI_PRESETS}.
 * @param options Environment and explicit overrides.
 * @returns Base URL and key.
 * @throws {ProviderError} kind `auth` when a required key is missing (with a "set XYZ_API_KEY" hint).
 * @throws {TypeError} for an unknown preset or a missing base URL.
 *
 * @example A missing key names the variable
 * ```ts
 * import { resolveOpenAIPreset } from "./presets.ts";
 * try {
 *   resolveOpenAIPreset("kimi", { env: {} });
 *   throw new Error("should have thrown");
 * } catch (e) {
 *   if (!(e as Error).message.includes("set MOONSHOT_API_KEY")) throw e;
 * }
 * ```
 */
export function resolveOpenAIPreset(
  preset: string,
  options: ResolvePresetOptions = {},
): ResolvedPreset {
  const p = Object.hasOwn(OPENAI_PRESETS, preset) ? OPENAI_PRESETS[preset] : undefined;
  if (!p) {
    throw new TypeError(
      `unknown OpenAI-compatible preset "${preset}" (known: ${
        Object.keys(OPENAI_PRESETS).join(", ")
      })`,
    );
  }
  const baseURL = options.baseURL ??
    (p.baseURLEnv ? readEnv(p.baseURLEnv, options.env) : undefined) ??
    p.defaultBaseURL;
  if (!baseURL) {
    throw new TypeError(
      `${preset} needs a base URL: pass the baseURL option${
        p.baseURLEnv ? ` or set ${p.baseURLEnv}` : ""
      }`,
    );
  }
  const apiKey = options.apiKey ?? readEnv(p.keyEnv, options.env);
  if (p.keyRequired && !apiKey) {
    throw new ProviderError(preset, "auth", `no API key: set ${p.keyEnv}`);
  }
  return { baseURL: baseURL.replace(/\/+$/, ""), apiKey };
}
