/**
 * The research society's model calls: proposers (several models or temperatures) propose
 * structured ideas, a critic reviews them before any compute is spent (and may veto), a judge
 * ranks the survivors, the built-in coder turns instruction-only ideas into edits, and a synthesizer
 * rewrites the bounded memory. Every call is structured output (`generateStructured`), emits
 * `role_start` / `role_end` events with `round` = iteration, and reports token usage.
 *
 * @module
 */
import type { Provider } from "../providers/types.ts";
import { generateStructured } from "../roles/structured.ts";
import type { Message, Usage } from "../schemas/chat.ts";
import { emit, type EventSink } from "../schemas/events.ts";
import {
  renderContext,
  RESEARCH_CODER_PROMPT,
  RESEARCH_CRITIC_PROMPT,
  RESEARCH_JUDGE_PROMPT,
  RESEARCH_PROPOSER_PROMPT,
  RESEARCH_SYNTHESIZER_PROMPT,
  type ResearchContext,
} from "./prompts.ts";
import type { Edit, Idea, JudgeRanking, ResearchMemory, Review } from "./schemas.ts";
import { CoderEditsSchema, IdeaSchema, JudgeRankingSchema } from "./schemas.ts";
import { ResearchMemorySchema, ReviewListSchema } from "./schemas.ts";
import type { Schema } from "../schemas/schema.ts";

/** A provider bound to a role, with its sampling settings. */
export interface RoleModel {
  /** The provider. */
  provider: Provider;
  /** Sampling temperature. @default provider default */
  temperature?: number;
  /** Sampling seed. @default undefined */
  seed?: number;
  /** Output token limit. @default undefined */
  maxTokens?: number;
}

/** Per-call options shared by the society functions. */
export interface SocietyOptions {
  /** Iteration number (events' `round`; scripted providers see `itemId` = `iter-<n>`). */
  iteration: number;
  /** Abort signal. @default undefined */
  signal?: AbortSignal;
  /** Event sink. @default undefined */
  onEvent?: EventSink;
  /** Receives the usage of every call. @default undefined */
  onUsage?: (usage: Usage) => void;
  /** Characters of each edit shown to the critic and judge. @default 6000 */
  maxEditChars?: number;
}

/** Society options plus the shared context (critic and judge). */
export interface ContextOptions extends SocietyOptions {
  /** The shared context every role sees. */
  context: ResearchContext;
}

function requireContext(options: ContextOptions, where: string): ResearchContext {
  if (!options?.context || typeof options.context.objective !== "string") {
    throw new TypeError(`${where}: options.context must be a ResearchContext`);
  }
  return options.context;
}

/** One proposer's output in an iteration. */
export interface Proposal {
  /** "P1", "P2", … in proposer order. */
  id: string;
  /** "provider/model". */
  proposer: string;
  /** The temperature used. */
  temperature?: number;
  /** The idea, when the proposer produced a valid one. */
  idea?: Idea;
  /** Why there is no idea. */
  error?: string;
}

/**
 * A label for a provider: `provider/model`.
 *
 * @param provider The provider.
 * @returns The label.
 *
 * @example Label a provider
 * ```ts
 * import { providerLabel } from "./society.ts";
 * if (providerLabel({ name: "ollama", model: "qwen", chat: () => Promise.reject() }) !== "ollama/qwen") {
 *   throw new Error();
 * }
 * ```
 */
export function providerLabel(provider: Provider): string {
  return `${provider.name}/${provider.model}`;
}

async function callRole<T>(
  role: string,
  model: RoleModel,
  messages: Message[],
  schema: Schema<T>,
  options: SocietyOptions,
  temperature = model.temperature,
): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  const round = options.iteration;
  emit(options.onEvent, { type: "role_start", role, round });
  const started = performance.now();
  try {
    const result = await generateStructured(model.provider, messages, schema, {
      temperature,
      seed: model.seed,
      maxTokens: model.maxTokens,
      signal: options.signal,
      role,
      itemId: `iter-${round}`,
      onParseFailure: (message) =>
        emit(options.onEvent, { type: "parse_failure", role, round, message }),
    });
    if (result.response) options.onUsage?.(result.response.usage);
    emit(options.onEvent, {
      type: "role_end",
      role,
      round,
      text: result.raw,
      usage: result.response?.usage,
      ms: performance.now() - started,
    });
    return result.ok ? { ok: true, value: result.value } : { ok: false, error: result.error };
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const message = (error as Error).message ?? String(error);
    emit(options.onEvent, { type: "error", role, message });
    return { ok: false, error: `provider error: ${message}` };
  }
}

/**
 * Asks every proposer (concurrently) for one idea.
 *
 * @param models The proposers; `temperature` is their base temperature.
 * @param context The shared context.
 * @param options Iteration, events, usage, plus a temperature boost from the gate.
 * @returns One proposal per proposer, in order (invalid answers carry `error`).
 *
 * @example A scripted proposer's idea is parsed
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { proposeIdeas } from "./society.ts";
 * const idea = {
 *   title: "t", hypothesis: "h", rationale: "r", alternatives: [], expectedDelta: -1, risk: "low",
 *   edits: [{ file: "a.txt", format: "full", content: "x" }],
 * };
 * const provider = createScriptedProvider({ byRole: { proposer: JSON.stringify(idea) } });
 * const [p] = await proposeIdeas([{ provider }], {
 *   objective: "o", metric: { name: "m", direction: "minimize" }, files: [], readonly: [],
 *   baseline: 1, incumbent: 1, history: [], memory: { worked: [], failed: [], notes: [] }, iteration: 1,
 * }, { iteration: 1 });
 * if (p.idea?.title !== "t") throw new Error(p.error);
 * ```
 */
export async function proposeIdeas(
  models: readonly RoleModel[],
  context: ResearchContext,
  options: SocietyOptions & {
    /** Added to each proposer's temperature. @default 0 */
    temperatureBoost?: number;
    /** Cap on the boosted temperature. @default 2 */
    maxTemperature?: number;
  },
): Promise<Proposal[]> {
  if (!Array.isArray(models) || models.length === 0) {
    throw new TypeError("proposeIdeas: models must be a non-empty array");
  }
  const user = `${
    renderContext(context)
  }\n\n# Task\nPropose one idea for iteration ${context.iteration}. Answer with the JSON object only.`;
  const messages: Message[] = [
    { role: "system", content: RESEARCH_PROPOSER_PROMPT },
    { role: "user", content: user },
  ];
  return await Promise.all(models.map(async (model, i): Promise<Proposal> => {
    const boost = options.temperatureBoost ?? 0;
    const base = model.temperature ?? 0.7;
    const temperature = boost > 0
      ? Math.min(base + boost, options.maxTemperature ?? 2)
      : model.temperature;
    const r = await callRole("proposer", model, messages, IdeaSchema, options, temperature);
    const id = `P${i + 1}`;
    const proposer = providerLabel(model.provider);
    return r.ok
      ? { id, proposer, temperature, idea: r.value }
      : { id, proposer, temperature, error: r.error };
  }));
}

/**
 * Renders proposals (ids, ideas, truncated edits) for the critic and the judge.
 *
 * @param proposals Proposals with ideas.
 * @param maxEditChars Characters kept per edit.
 * @returns Markdown.
 *
 * @example Ids appear
 * ```ts
 * import { renderProposals } from "./society.ts";
 * const text = renderProposals([{ id: "P1", proposer: "x/y", idea: {
 *   title: "t", hypothesis: "h", rationale: "r", alternatives: [], expectedDelta: 0, risk: "low",
 *   edits: [], instructions: "do it",
 * } }]);
 * if (!text.includes("## P1")) throw new Error();
 * ```
 */
export function renderProposals(proposals: readonly Proposal[], maxEditChars = 6000): string {
  return proposals.filter((p) => p.idea).map((p) => {
    const idea = p.idea!;
    const edits = idea.edits.map((e) => ({
      ...e,
      content: e.content.length > maxEditChars
        ? `${e.content.slice(0, maxEditChars)}\n… (${e.content.length - maxEditChars} more chars)`
        : e.content,
    }));
    return `## ${p.id} (from ${p.proposer})\n${JSON.stringify({ ...idea, edits }, null, 2)}`;
  }).join("\n\n");
}

/**
 * The critic reviews every proposal before any compute is spent. A failed critic call vetoes
 * nothing (measurement still decides), and is reported through the returned `error`.
 *
 * @param model The critic.
 * @param proposals Proposals with ideas.
 * @param options The shared context, iteration, events, usage.
 * @returns The reviews (unknown ids dropped) and an error when the call failed.
 *
 * @example A scripted veto
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { reviewProposals } from "./society.ts";
 * const provider = createScriptedProvider({
 *   respond: () => JSON.stringify({ reviews: [{ id: "P1", veto: true, reason: "games the metric", principles: [] }] }),
 * });
 * const idea = { title: "t", hypothesis: "h", rationale: "r", alternatives: [], expectedDelta: 0,
 *   risk: "low" as const, edits: [], instructions: "x" };
 * const context = {
 *   objective: "o", metric: { name: "m", direction: "minimize" as const }, files: [], readonly: [],
 *   baseline: 1, incumbent: 1, history: [], memory: { worked: [], failed: [], notes: [] }, iteration: 1,
 * };
 * const r = await reviewProposals({ provider }, [{ id: "P1", proposer: "s/s", idea }], {
 *   iteration: 1, context,
 * });
 * if (!r.reviews[0].veto) throw new Error("expected a veto");
 * ```
 */
export async function reviewProposals(
  model: RoleModel,
  proposals: readonly Proposal[],
  options: ContextOptions,
): Promise<{ reviews: Review[]; error?: string }> {
  const context = requireContext(options, "reviewProposals");
  const ids = new Set(proposals.filter((p) => p.idea).map((p) => p.id));
  const messages: Message[] = [
    { role: "system", content: RESEARCH_CRITIC_PROMPT },
    {
      role: "user",
      content: `${renderContext(context)}\n\n# Proposals\n${
        renderProposals(proposals, options.maxEditChars)
      }\n\n# Task\nReview each proposal (${[...ids].join(", ")}). Answer with JSON only.`,
    },
  ];
  const r = await callRole("critic", model, messages, ReviewListSchema, options);
  if (!r.ok) return { reviews: [], error: r.error };
  return { reviews: r.value.reviews.filter((rev) => ids.has(rev.id)) };
}

/**
 * The judge ranks the surviving proposals. Unknown ids are dropped; a failed call returns
 * `undefined` (the caller falls back to proposal order).
 *
 * @param model The judge.
 * @param proposals The surviving proposals.
 * @param options The shared context, iteration, events, usage.
 * @returns The ranking (known ids only, each once) with the judge's reason, or undefined.
 *
 * @example The judge prefers P2
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { rankProposals } from "./society.ts";
 * const provider = createScriptedProvider({
 *   respond: () => JSON.stringify({ ranking: ["P2", "P9", "P1"], reason: "bigger gain" }),
 * });
 * const idea = { title: "t", hypothesis: "h", rationale: "r", alternatives: [], expectedDelta: 0,
 *   risk: "low" as const, edits: [], instructions: "x" };
 * const context = {
 *   objective: "o", metric: { name: "m", direction: "minimize" as const }, files: [], readonly: [],
 *   baseline: 1, incumbent: 1, history: [], memory: { worked: [], failed: [], notes: [] }, iteration: 1,
 * };
 * const proposals = [{ id: "P1", proposer: "s/s", idea }, { id: "P2", proposer: "s/s", idea }];
 * const r = await rankProposals({ provider }, proposals, { iteration: 1, context });
 * if (r?.ranking.join() !== "P2,P1") throw new Error(String(r?.ranking));
 * ```
 */
export async function rankProposals(
  model: RoleModel,
  proposals: readonly Proposal[],
  options: ContextOptions,
): Promise<JudgeRanking | undefined> {
  const context = requireContext(options, "rankProposals");
  const ids = proposals.filter((p) => p.idea).map((p) => p.id);
  const messages: Message[] = [
    { role: "system", content: RESEARCH_JUDGE_PROMPT },
    {
      role: "user",
      content: `${renderContext(context)}\n\n# Proposals\n${
        renderProposals(proposals, options.maxEditChars)
      }\n\n# Task\nRank ${ids.join(", ")}, best first. Answer with JSON only.`,
    },
  ];
  const r = await callRole("judge", model, messages, JudgeRankingSchema, options);
  if (!r.ok) return undefined;
  const seen = new Set<string>();
  const ranking = r.value.ranking.filter((id) => ids.includes(id) && !seen.has(id) && seen.add(id));
  return { ranking, reason: r.value.reason };
}

/**
 * The built-in coder: asks a model to turn an idea (instructions, or edits that failed to apply)
 * into concrete edits of the mutable files.
 *
 * @param model The coder model.
 * @param idea The idea.
 * @param options Current mutable files, the previous failure to fix, iteration, events, usage.
 * @returns The edits, or an error.
 *
 * @example The coder returns a full file
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { codeIdea } from "./society.ts";
 * const provider = createScriptedProvider({
 *   respond: () => JSON.stringify({ edits: [{ file: "a.txt", format: "full", content: "new" }] }),
 * });
 * const r = await codeIdea({ provider }, {
 *   title: "t", hypothesis: "h", rationale: "r", alternatives: [], expectedDelta: 0, risk: "low",
 *   edits: [], instructions: "write new",
 * }, { iteration: 1, files: [{ path: "a.txt", content: "old" }] });
 * if (!r.ok || r.edits[0].content !== "new") throw new Error();
 * ```
 */
export async function codeIdea(
  model: RoleModel,
  idea: Idea,
  options: SocietyOptions & {
    /** Current mutable files (paths relative to problem.yaml). */
    files: readonly { path: string; content: string }[];
    /** Why the previous edit failed (e.g. a mismatched hunk). @default undefined */
    previousError?: string;
  },
): Promise<{ ok: true; edits: Edit[] } | { ok: false; error: string }> {
  if (!Array.isArray(options?.files)) {
    throw new TypeError("codeIdea: options.files must be an array of { path, content }");
  }
  const fence = "```";
  const fileText = options.files.map((f) => `## ${f.path}\n${fence}\n${f.content}\n${fence}`).join(
    "\n\n",
  );
  const retry = options.previousError
    ? `\n\nThe proposed edit could not be applied: ${options.previousError}\nReturn full file contents.`
    : "";
  const messages: Message[] = [
    { role: "system", content: RESEARCH_CODER_PROMPT },
    {
      role: "user",
      content: `# Idea\n${JSON.stringify(idea, null, 2)}\n\n# Mutable files\n${fileText}${retry}`,
    },
  ];
  const r = await callRole("coder", model, messages, CoderEditsSchema, options);
  return r.ok ? { ok: true, edits: r.value.edits } : { ok: false, error: r.error };
}

/**
 * The LLM synthesizer: rewrites the memory given the latest iteration. Returns `undefined` when the
 * call fails (the caller keeps the deterministic memory).
 *
 * @param model The synthesizer.
 * @param memory The memory after the deterministic update.
 * @param options What happened in the iteration (rendered), iteration, events, usage.
 * @returns The new memory (unbounded; bound it with `boundResearchMemory`), or undefined.
 *
 * @example A scripted synthesizer
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { synthesizeResearchMemory } from "./society.ts";
 * const provider = createScriptedProvider({
 *   respond: () => JSON.stringify({ worked: ["2-opt helps"], failed: [], notes: [] }),
 * });
 * const m = await synthesizeResearchMemory({ provider }, { worked: [], failed: [], notes: [] }, {
 *   iteration: 1, iterationText: "kept 2-opt",
 * });
 * if (m?.worked[0] !== "2-opt helps") throw new Error();
 * ```
 */
export async function synthesizeResearchMemory(
  model: RoleModel,
  memory: ResearchMemory,
  options: SocietyOptions & {
    /** What happened in the latest iteration (rendered text). */
    iterationText: string;
  },
): Promise<ResearchMemory | undefined> {
  const iterationText = options?.iterationText;
  if (typeof iterationText !== "string") {
    throw new TypeError("synthesizeResearchMemory: options.iterationText must be a string");
  }
  const messages: Message[] = [
    { role: "system", content: RESEARCH_SYNTHESIZER_PROMPT },
    {
      role: "user",
      content: `# Current memory\n${
        JSON.stringify(memory, null, 2)
      }\n\n# Latest iteration\n${iterationText}\n\n# Task\nReturn the updated memory as JSON only.`,
    },
  ];
  const r = await callRole("synthesizer", model, messages, ResearchMemorySchema, options);
  return r.ok ? r.value : undefined;
}
