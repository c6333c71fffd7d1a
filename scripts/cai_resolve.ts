/**
 * Which provider a command uses: an explicitly requested one is checked (a quick probe) and is an
 * error when unavailable — never silently swapped; without a request the first ready provider of the
 * probe is picked (Ollama → Kimi → Anthropic → OpenAI → embedded llama.cpp).
 *
 * @module
 */
import {
  AUTO_ORDER,
  checkLlamaCpp,
  createProvider,
  type Env,
  parseProviderSpec,
  pickProvider,
  probeProviders,
  type Provider,
  providerKinds,
  type ProviderProbe,
} from "../lib/providers/mod.ts";
import { UnavailableError, UsageError } from "./_cli.ts";

/** Provider kinds the probe can check before a run. */
const PROBED: readonly string[] = providerKinds((k) => k.probed);

/** Kinds that run without a model name in the spec. */
const MODEL_OPTIONAL: readonly string[] = providerKinds((k) => k.modelOptional);

/** Options for {@linkcode probeAll} and {@linkcode resolveProviderSpec}. */
export interface ResolveOptions {
  /** Probe timeout per provider in milliseconds. @default 2000 */
  timeoutMs?: number;
  /** Environment (keys, hosts). @default the process environment */
  env?: Env;
  /** Skip every network check (replay runs): the spec must then be complete. @default false */
  offline?: boolean;
  /** The flag names used in messages. @default { provider: "--provider", model: "--model" } */
  flags?: { provider: string; model: string };
}

/**
 * Probes every auto-pick provider, the embedded llama.cpp engine included (via `checkLlamaCpp`).
 *
 * @param options Timeout, environment, preferred model for every provider.
 * @returns One probe per provider of `AUTO_ORDER`.
 *
 * @example Without keys the hosted providers say which variable to set
 * ```ts
 * import { probeAll } from "./cai_resolve.ts";
 * const probes = await probeAll({ env: { OLLAMA_HOST: "http://127.0.0.1:9" }, timeoutMs: 500 });
 * if (probes.find((p) => p.provider === "kimi")?.status !== "no_key") throw new Error();
 * ```
 */
export async function probeAll(
  options: ResolveOptions & { model?: string } = {},
): Promise<ProviderProbe[]> {
  const models = options.model
    ? Object.fromEntries(AUTO_ORDER.map((p) => [p, options.model as string]))
    : undefined;
  return await probeProviders({
    providers: AUTO_ORDER,
    env: options.env,
    timeoutMs: options.timeoutMs ?? 2000,
    models,
    llamacppCheck: () => checkLlamaCpp({ env: options.env, model: options.model }),
  });
}

/** A resolved provider spec and how it was chosen. */
export interface ResolvedSpec {
  /** Spec for `createProvider`, e.g. "ollama:llama3.2". */
  spec: string;
  /** `explicit` (requested by flag) or `auto` (picked from the probe). */
  how: "explicit" | "auto";
  /** The probe that approved it, when one ran. */
  probe?: ProviderProbe;
}

/**
 * Resolves `--provider` / `--model` into a spec. An explicit provider is probed (unless offline or
 * not probe-able, like `scripted` and `answers:`) and must be ready; its model name is kept exactly
 * as given so record and replay key the same calls. Without `--provider` the first ready provider
 * of the probe is picked.
 *
 * @param provider The `--provider` value (a spec such as "ollama" or "kimi:moonshot-v1-8k").
 * @param options Model, timeout, environment, offline mode, flag names.
 * @returns The spec and how it was chosen.
 * @throws {UsageError} for an unknown provider, conflicting models, or an incomplete spec offline.
 * @throws {UnavailableError} when the requested provider — or, without a request, every provider —
 *   is unavailable, with the probe's reason.
 *
 * @example A scripted provider needs no probe
 * ```ts
 * import { resolveProviderSpec } from "./cai_resolve.ts";
 * const r = await resolveProviderSpec("scripted");
 * if (r.spec !== "scripted" || r.how !== "explicit") throw new Error();
 * ```
 */
export async function resolveProviderSpec(
  provider: string | undefined,
  options: ResolveOptions & { model?: string } = {},
): Promise<ResolvedSpec> {
  const flags = options.flags ?? { provider: "--provider", model: "--model" };
  if (provider === undefined) {
    if (options.offline) {
      throw new UsageError(
        `${flags.provider} <kind:model> is required here (no probing without network)`,
      );
    }
    const probes = await probeAll(options);
    const pick = pickProvider(probes);
    if (!pick?.spec) {
      throw new UnavailableError(
        `no provider is ready (${
          probes.map((p) => `${p.provider}: ${p.reason}`).join("; ")
        }); see \`deno task cai providers\``,
      );
    }
    return { spec: pick.spec, how: "auto", probe: pick };
  }
  let kind: string, model: string;
  try {
    ({ kind, model } = parseProviderSpec(provider));
  } catch (error) {
    throw new UsageError(`${flags.provider}: ${(error as Error).message}`);
  }
  if (options.model !== undefined && model !== "" && options.model !== model) {
    throw new UsageError(
      `${flags.provider} ${provider} names model "${model}" but ${flags.model} says "${options.model}"`,
    );
  }
  model = model || options.model || "";
  if (kind === "answers" && model === "") {
    throw new UsageError(`${flags.provider} answers needs a file: answers:<file.jsonl>`);
  }
  if (options.offline || !PROBED.includes(kind)) {
    if (model === "" && !MODEL_OPTIONAL.includes(kind)) {
      throw new UsageError(
        `${flags.provider} ${provider} needs a model here: ${kind}:<model> or ${flags.model}`,
      );
    }
    return { spec: model ? `${kind}:${model}` : kind, how: "explicit" };
  }
  const [probe] = await probeProviders({
    providers: [kind],
    env: options.env,
    timeoutMs: options.timeoutMs ?? 2000,
    models: model ? { [kind]: model } : undefined,
    llamacppCheck: () => checkLlamaCpp({ env: options.env, model: model || undefined }),
  });
  if (probe.status !== "ready") {
    throw new UnavailableError(
      `${flags.provider} ${provider} is unavailable (${probe.status}): ${probe.reason}`,
    );
  }
  if (model !== "" && kind !== "llamacpp") {
    return { spec: `${kind}:${model}`, how: "explicit", probe };
  }
  return { spec: probe.spec ?? `${kind}:${probe.model ?? model}`, how: "explicit", probe };
}

/**
 * Resolves a `--provider`/`--model` pair and creates the provider with retries (the bench CLIs).
 *
 * @param spec The provider spec.
 * @param model The model flag, if given.
 * @param offline No probing (replay runs).
 * @returns The provider.
 */
export async function providerFromFlags(
  spec: string,
  model: string | undefined,
  offline: boolean,
): Promise<Provider> {
  const resolved = await resolveProviderSpec(spec, { model, offline });
  return await createProvider(resolved.spec, { retry: {} });
}
