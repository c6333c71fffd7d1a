/**
 * Builds the run manifest ({@linkcode Manifest}) and describes a loop configuration for it.
 *
 * @module
 */
import type { Provider } from "../providers/types.ts";
import type { Constitution } from "../constitution/constitution.ts";
import { type Manifest, type ManifestRole, ManifestSchema } from "../schemas/manifest.ts";
import { sha256Hex } from "../util/hash.ts";
import { LIBRARY_VERSION } from "../util/version.ts";
import { DEFAULT_RATCHET_POLICY } from "./ratchet.ts";
import type { LoopConfig, LoopRole } from "./critique_revision_loop.ts";

export { LIBRARY_VERSION };

/** What {@linkcode buildManifest} records. */
export interface ManifestInput {
  /** Provider/model per role: a provider or an explicit `{ provider, model }`. */
  roles: Record<string, Provider | ManifestRole>;
  /** Parameters that change results. @default {} */
  parameters?: Record<string, unknown>;
  /** The run seed or seeds. */
  seeds: number | readonly number[];
  /** The constitution (its hash and sources are recorded) or its hash. */
  constitution: Constitution | string;
  /** The dataset items (hashed as canonical JSON), or a precomputed hash. @default undefined */
  dataset?: readonly unknown[] | { hash: string; items?: number };
  /** Run id. @default undefined */
  runId?: string;
}

/** Options for {@linkcode buildManifest}. */
export interface BuildManifestOptions {
  /** Directory whose git commit is recorded. @default Deno.cwd() */
  cwd?: string;
  /** Clock. @default () => new Date() */
  now?: () => Date;
  /** Look up the git commit (needs permission to run `git`). @default true */
  git?: boolean;
}

async function git(args: string[], cwd: string): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("git", {
      args,
      cwd,
      stdout: "piped",
      stderr: "null",
      stdin: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout) : undefined;
  } catch {
    return undefined; // git missing, no permission, or cwd gone: no commit recorded
  }
}

/**
 * Reads the git commit of a directory and whether tracked files have uncommitted changes.
 *
 * @param cwd The directory.
 * @returns `{ commit, dirty }`, or `{}` when the directory is not in a git repository (or git is unavailable).
 *
 * @example Outside a repository there is no commit
 * ```ts
 * import { gitState } from "./manifest.ts";
 * const dir = await Deno.makeTempDir();
 * const state = await gitState(dir);
 * if (state.commit !== undefined) throw new Error("a temp dir is not a repository");
 * ```
 */
export async function gitState(cwd: string): Promise<{ commit?: string; dirty?: boolean }> {
  const head = (await git(["rev-parse", "HEAD"], cwd))?.trim();
  if (!head || !/^[0-9a-f]{40,64}$/.test(head)) return {};
  const status = await git(["status", "--porcelain", "--untracked-files=no"], cwd);
  return status === undefined ? { commit: head } : { commit: head, dirty: status.trim() !== "" };
}

function roleModel(role: string, value: Provider | ManifestRole): ManifestRole {
  if (value && "chat" in value) return { provider: value.name, model: value.model };
  if (!value || typeof value.provider !== "string" || typeof value.model !== "string") {
    throw new TypeError(`buildManifest: roles.${role} must be a Provider or { provider, model }`);
  }
  return { provider: value.provider, model: value.model };
}

/**
 * Builds and validates a run manifest: library, Deno and TypeScript versions, provider/model per
 * role, parameters, seeds, constitution hash (and sources), dataset hash and size, git commit and
 * dirty flag of `cwd` (absent when it is not a repository), and the creation time.
 *
 * @param input Roles, parameters, seeds, constitution, dataset, run id.
 * @param options Directory, clock, whether to ask git.
 * @returns A manifest that validates under {@linkcode ManifestSchema}.
 *
 * @example Build a manifest
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { buildManifest } from "./manifest.ts";
 * const m = await buildManifest({
 *   roles: { student: createScriptedProvider() },
 *   seeds: 1,
 *   constitution: parseConstitution("## Be exact\n\nNo rounding.\n"),
 *   dataset: [{ id: "q", prompt: "p" }],
 * }, { git: false });
 * if (m.roles.student.provider !== "scripted" || m.datasetItems !== 1 || m.seeds[0] !== 1) throw new Error();
 * ```
 */
export async function buildManifest(
  input: ManifestInput,
  options: BuildManifestOptions = {},
): Promise<Manifest> {
  if (!input || typeof input.roles !== "object" || input.roles === null) {
    throw new TypeError("buildManifest: input.roles must be an object");
  }
  const seeds = typeof input.seeds === "number" ? [input.seeds] : [...(input.seeds ?? [])];
  if (seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s))) {
    throw new RangeError(`buildManifest: seeds must be one or more integers, got ${input.seeds}`);
  }
  const constitutionHash = typeof input.constitution === "string"
    ? input.constitution
    : input.constitution?.hash;
  if (typeof constitutionHash !== "string" || !/^[0-9a-f]{64}$/.test(constitutionHash)) {
    throw new TypeError("buildManifest: constitution must be a Constitution or its sha256 hash");
  }
  const manifest: Manifest = {
    manifestVersion: 1,
    createdAt: (options.now ?? (() => new Date()))().toISOString(),
    libraryVersion: LIBRARY_VERSION,
    denoVersion: Deno.version.deno,
    typescriptVersion: Deno.version.typescript,
    roles: Object.fromEntries(
      Object.entries(input.roles).map(([role, value]) => [role, roleModel(role, value)]),
    ),
    parameters: structuredClone(input.parameters ?? {}),
    seeds,
    constitutionHash,
  };
  if (input.runId !== undefined) manifest.runId = input.runId;
  if (typeof input.constitution !== "string") {
    manifest.constitutionSources = [...input.constitution.sources];
    manifest.constitutionPrinciples = input.constitution.principles.map((p) => p.id);
  }
  if (Array.isArray(input.dataset)) {
    manifest.datasetHash = sha256Hex(input.dataset);
    manifest.datasetItems = input.dataset.length;
  } else if (input.dataset) {
    const dataset = input.dataset as { hash: string; items?: number };
    manifest.datasetHash = dataset.hash;
    if (dataset.items !== undefined) manifest.datasetItems = dataset.items;
  }
  if (options.git ?? true) {
    const state = await gitState(options.cwd ?? Deno.cwd());
    if (state.commit) manifest.gitCommit = state.commit;
    if (state.dirty !== undefined) manifest.gitDirty = state.dirty;
  }
  const parsed = ManifestSchema.safeParse(manifest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`buildManifest: ${issue.path.join(".")}: ${issue.message}`);
  }
  return manifest;
}

/**
 * Describes a loop configuration for a manifest: provider/model per role and every result-changing
 * parameter (rounds, ratchet policy, teacher, critic and scorer names, judge symmetry, principle
 * selection, per-role sampling, early stopping, memory hash).
 *
 * @param config A loop configuration.
 * @returns `roles` and `parameters` ready for {@linkcode buildManifest}.
 *
 * @example A different judge model makes the judge asymmetric
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { describeLoopConfig } from "./manifest.ts";
 * const d = describeLoopConfig({
 *   provider: createScriptedProvider({ model: "small" }),
 *   providers: { judge: createScriptedProvider({ model: "big" }) },
 *   constitution: parseConstitution("## Be exact\n\nNo rounding.\n"),
 * });
 * if (d.parameters.judge !== "asymmetric" || d.roles.judge.model !== "big") throw new Error();
 * ```
 */
export function describeLoopConfig(
  config: LoopConfig,
): { roles: Record<string, ManifestRole>; parameters: Record<string, unknown> } {
  const roles: Record<string, ManifestRole> = {};
  const loopRoles: LoopRole[] = ["student", "critic", "judge"];
  if (config.teacher) loopRoles.push("teacher");
  for (const role of loopRoles) {
    const p = config.providers?.[role] ?? config.provider;
    roles[role] = { provider: p.name, model: p.model };
  }
  const judgeProvider = config.providers?.judge ?? config.provider;
  const symmetric = judgeProvider.name === config.provider.name &&
    judgeProvider.model === config.provider.model;
  const parameters: Record<string, unknown> = {
    maxRounds: config.maxRounds ?? 3,
    ratchet: config.ratchet ?? DEFAULT_RATCHET_POLICY,
    stopWhenPassed: config.stopWhenPassed ?? true,
    teacher: config.teacher ?? false,
    critic: config.critic?.name ?? "llm",
    evaluation: config.scorer ? `scorer:${config.scorer.name}` : "judge",
    judge: config.scorer ? "none" : symmetric ? "symmetric" : "asymmetric",
    roleParams: config.roleParams ?? {},
  };
  if (config.selection) parameters.selection = config.selection;
  if (config.memory) parameters.memoryHash = sha256Hex(config.memory);
  if (config.timeoutMs !== undefined) parameters.timeoutMs = config.timeoutMs;
  return { roles, parameters };
}
