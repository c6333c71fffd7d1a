/**
 * Turning `problem.yaml`'s role specs into providers. The factory is supplied by the caller (the
 * CLI knows the provider registry); the specs' sampling settings become each role's settings.
 *
 * @module
 */
import type { Provider } from "../providers/types.ts";
import type { RoleProviderSpec, Roles } from "./problem.ts";
import type { RoleModel } from "./society.ts";

/** The models of the society. */
export interface ResearchProviders {
  /** One or more proposers (different models or temperatures). */
  proposers: RoleModel[];
  /** Reviews proposals before compute is spent (optional: no vetoes). */
  critic?: RoleModel;
  /** Ranks surviving proposals (optional: proposal order). */
  judge?: RoleModel;
  /** Built-in coder for instruction-only ideas and failed diffs (optional). */
  coder?: RoleModel;
  /** Rewrites the memory (optional: deterministic memory). */
  synthesizer?: RoleModel;
}

/** Builds a provider from a spec; `role` is "proposer", "critic", "judge", "coder" or "synthesizer". */
export type ProviderFactory = (
  spec: RoleProviderSpec,
  role: string,
) => Provider | Promise<Provider>;

/**
 * Builds the society's models from role specs with a provider factory.
 *
 * @param roles The `roles` section of problem.yaml.
 * @param factory Builds one provider from one spec.
 * @returns The models, with temperature, seed and max tokens taken from each spec.
 *
 * @example Two proposers at different temperatures
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { resolveRoles } from "./roles.ts";
 * const r = await resolveRoles({
 *   proposers: [{ provider: "scripted", temperature: 0.2 }, { provider: "scripted", temperature: 1 }],
 *   coder: { kind: "builtin" },
 * }, () => createScriptedProvider());
 * if (r.proposers.map((p) => p.temperature).join() !== "0.2,1") throw new Error();
 * ```
 */
export async function resolveRoles(
  roles: Roles,
  factory: ProviderFactory,
): Promise<ResearchProviders> {
  if (typeof factory !== "function") {
    throw new TypeError(`resolveRoles: factory must be a function, got ${typeof factory}`);
  }
  const model = async (spec: RoleProviderSpec, role: string): Promise<RoleModel> => {
    const provider = await factory(spec, role);
    if (typeof spec === "string") return { provider };
    return {
      provider,
      temperature: spec.temperature,
      seed: spec.seed,
      maxTokens: spec.max_tokens,
    };
  };
  const out: ResearchProviders = {
    proposers: await Promise.all(roles.proposers.map((s) => model(s, "proposer"))),
  };
  if (roles.critic) out.critic = await model(roles.critic, "critic");
  if (roles.judge) out.judge = await model(roles.judge, "judge");
  if (roles.coder.kind === "builtin" && roles.coder.provider) {
    out.coder = await model(roles.coder.provider, "coder");
  }
  if (roles.synthesizer) out.synthesizer = await model(roles.synthesizer, "synthesizer");
  return out;
}
