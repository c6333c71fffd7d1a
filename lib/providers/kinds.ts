/**
 * The table of provider kinds: every spec prefix the registry (`createProvider`) understands,
 * listed once with what the rest of the library needs to know about it — which client serves it,
 * whether it runs locally (and so costs nothing), its key and base-URL variables, its default
 * model, and whether the probe checks it, `cai providers` lists it and automatic runs may pick it.
 * The spec prefixes, the OpenAI-compatible presets, the probe's known kinds and auto-pick order,
 * and the free local prices are all derived from this table.
 *
 * It is a data-only module (no provider clients are imported), so that the probe and the price
 * tables can read it without loading any SDK.
 *
 * @module
 */

/** One provider kind (a spec prefix) and its metadata. */
export interface ProviderKindInfo {
  /** The spec prefix, e.g. "ollama", "kimi", "answers". */
  kind: string;
  /** The client that serves it; "openai" for every OpenAI-compatible service. */
  api: "ollama" | "openai" | "anthropic" | "answers" | "scripted" | "llamacpp";
  /** Runs on this machine or offline, so its calls cost nothing (false: hosted, or unknown). */
  local: boolean;
  /** Variable holding the API key; absent when the kind never takes one. */
  keyEnv?: string;
  /** Calls need a key (hosted services). */
  keyRequired: boolean;
  /** Variable that can override the base URL, if any. */
  baseURLEnv?: string;
  /**
   * Base URL (with `/v1` for OpenAI-compatible kinds); "" when it must be given. Absent: the
   * client's own default.
   */
  defaultBaseURL?: string;
  /** Model used when a probe or auto-pick needs one; "" for whatever the server lists first. */
  defaultModel?: string;
  /** A spec without a model (`scripted`, `llamacpp`) is complete. */
  modelOptional: boolean;
  /** `probeProviders` can check it before a run. */
  probed: boolean;
  /** `cai providers` lists it. */
  listed: boolean;
  /** Rank in automatic picking, lowest first; absent when it is never picked automatically. */
  autoRank?: number;
  /** The kind this prefix is another name for ("kimi" for "moonshot"); absent on a kind's own row. */
  aliasOf?: string;
}

/** A row as written: a kind and the other spec prefixes that name the same service. */
interface KindRow extends ProviderKindInfo {
  /** Other prefixes for the same service: same metadata, not listed, never auto-picked. */
  aliases?: readonly string[];
}

/** A row followed by one row per alias (right after it, so alias order follows the table). */
function expandAliases({ aliases = [], ...info }: KindRow): ProviderKindInfo[] {
  const { autoRank: _autoRank, ...unranked } = info;
  return [
    info,
    ...aliases.map((kind) => ({ ...unranked, kind, listed: false, aliasOf: info.kind })),
  ];
}

/**
 * Every provider kind, in the order error messages list them (an alias right after its kind).
 *
 * @example The kinds an automatic run may pick, in order
 * ```ts
 * import { PROVIDER_TABLE } from "./kinds.ts";
 * const auto = PROVIDER_TABLE.filter((k) => k.autoRank !== undefined)
 *   .sort((a, b) => a.autoRank! - b.autoRank!)
 *   .map((k) => k.kind);
 * if (auto.join() !== "ollama,kimi,anthropic,openai,llamacpp") throw new Error(auto.join());
 * ```
 */
export const PROVIDER_TABLE: readonly Readonly<ProviderKindInfo>[] = Object.freeze(
  ([
    {
      kind: "ollama",
      api: "ollama",
      local: true,
      keyRequired: false,
      defaultModel: "",
      modelOptional: false,
      probed: true,
      listed: true,
      autoRank: 0,
    },
    {
      kind: "openai",
      api: "openai",
      local: false,
      keyEnv: "OPENAI_API_KEY",
      keyRequired: true,
      baseURLEnv: "OPENAI_BASE_URL",
      defaultBaseURL: "https://api.openai.com/v1",
      defaultModel: "gpt-4o-mini",
      modelOptional: false,
      probed: true,
      listed: true,
      autoRank: 3,
    },
    {
      kind: "kimi",
      api: "openai",
      local: false,
      keyEnv: "MOONSHOT_API_KEY",
      keyRequired: true,
      defaultBaseURL: "https://api.moonshot.ai/v1",
      defaultModel: "moonshot-v1-8k",
      modelOptional: false,
      probed: true,
      listed: true,
      autoRank: 1,
      aliases: ["moonshot"],
    },
    {
      kind: "openrouter",
      api: "openai",
      local: false,
      keyEnv: "OPENROUTER_API_KEY",
      keyRequired: true,
      defaultBaseURL: "https://openrouter.ai/api/v1",
      defaultModel: "openai/gpt-4o-mini",
      modelOptional: false,
      probed: true,
      listed: true,
    },
    {
      kind: "vllm",
      api: "openai",
      local: true,
      keyEnv: "VLLM_API_KEY",
      keyRequired: false,
      baseURLEnv: "VLLM_BASE_URL",
      defaultBaseURL: "http://127.0.0.1:8000/v1",
      defaultModel: "",
      modelOptional: false,
      probed: true,
      listed: true,
    },
    {
      kind: "llamacpp-server",
      api: "openai",
      local: true,
      keyEnv: "LLAMACPP_API_KEY",
      keyRequired: false,
      baseURLEnv: "LLAMACPP_BASE_URL",
      defaultBaseURL: "http://127.0.0.1:8080/v1",
      defaultModel: "",
      modelOptional: false,
      probed: true,
      listed: true,
    },
    {
      kind: "openai-compatible",
      api: "openai",
      local: false,
      keyEnv: "OPENAI_COMPATIBLE_API_KEY",
      keyRequired: false,
      baseURLEnv: "OPENAI_COMPATIBLE_BASE_URL",
      defaultBaseURL: "",
      defaultModel: "",
      modelOptional: false,
      probed: true,
      listed: false,
    },
    {
      kind: "anthropic",
      api: "anthropic",
      local: false,
      keyEnv: "ANTHROPIC_API_KEY",
      keyRequired: true,
      baseURLEnv: "ANTHROPIC_BASE_URL",
      defaultModel: "claude-3-5-haiku-latest",
      modelOptional: false,
      probed: true,
      listed: true,
      autoRank: 2,
    },
    {
      kind: "answers",
      api: "answers",
      local: true,
      keyRequired: false,
      modelOptional: false,
      probed: false,
      listed: false,
    },
    {
      kind: "scripted",
      api: "scripted",
      local: true,
      keyRequired: false,
      modelOptional: true,
      probed: false,
      listed: false,
    },
    {
      kind: "llamacpp",
      api: "llamacpp",
      local: true,
      keyRequired: false,
      modelOptional: true,
      probed: true,
      listed: true,
      autoRank: 4,
    },
  ] satisfies KindRow[]).flatMap(expandAliases),
);

/**
 * The kinds whose entry passes a test, in table order.
 *
 * @param test Which entries to keep. @default every entry
 * @returns Their spec prefixes.
 *
 * @example Local kinds
 * ```ts
 * import { providerKinds } from "./kinds.ts";
 * const local = providerKinds((k) => k.local);
 * if (!local.includes("ollama") || local.includes("openai")) throw new Error(local.join());
 * ```
 */
export function providerKinds(test: (info: ProviderKindInfo) => boolean = () => true): string[] {
  return PROVIDER_TABLE.filter(test).map((k) => k.kind);
}

/**
 * The kinds an automatic run may pick, in the order it prefers them.
 *
 * @returns Spec prefixes, by `autoRank`.
 *
 * @example Ollama first
 * ```ts
 * import { autoPickOrder } from "./kinds.ts";
 * if (autoPickOrder()[0] !== "ollama") throw new Error();
 * ```
 */
export function autoPickOrder(): string[] {
  return PROVIDER_TABLE.filter((k) => k.autoRank !== undefined)
    .sort((a, b) => a.autoRank! - b.autoRank!)
    .map((k) => k.kind);
}

/**
 * The table entry of a kind.
 *
 * @param kind A spec prefix.
 * @returns Its entry, or undefined for an unknown kind.
 *
 * @example
 * ```ts
 * import { providerKindInfo } from "./kinds.ts";
 * if (providerKindInfo("anthropic")?.keyEnv !== "ANTHROPIC_API_KEY") throw new Error();
 * if (providerKindInfo("gemini") !== undefined) throw new Error();
 * ```
 */
export function providerKindInfo(kind: string): Readonly<ProviderKindInfo> | undefined {
  return PROVIDER_TABLE.find((k) => k.kind === kind);
}
