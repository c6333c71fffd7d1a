/**
 * The critique–revision loop for one item: the Student answers (round 0); then each round a
 * {@linkcode Critic} critiques the current answer, an optional Teacher gives direction, the Student
 * revises, and the revision is evaluated — by the configured {@linkcode Scorer} when there is one,
 * otherwise by the Judge's verdict (symmetric when the judge uses the student's model, asymmetric
 * otherwise). A ratchet (see `ratchet.ts`) keeps or reverts every candidate; the best-so-far is never
 * lost. Everything is recorded in a {@linkcode Trace} and streamed as typed events.
 *
 * Stop reasons: `passed` (the scorer passed the best candidate), `compliant` (the judge found the best
 * candidate compliant), `no_feedback` (the critic had nothing to say), `max_rounds`, `aborted`
 * (the signal fired) and `error` (an infrastructure failure; `trace.error` holds the message and
 * everything done before it is kept).
 *
 * @module
 */
import type { Item } from "../schemas/item.ts";
import type { Candidate, Critique, Trace } from "../schemas/trace.ts";
import type { EventSink } from "../schemas/events.ts";
import { type Provider, ProviderError } from "../providers/types.ts";
import type { Constitution } from "../constitution/constitution.ts";
import { type PrincipleSelection, selectPrinciples } from "../constitution/render_constitution.ts";
import { sha256Hex, stableStringify } from "../util/hash.ts";
import {
  checkRatchetPolicy,
  DEFAULT_RATCHET_POLICY,
  ratchetDecide,
  type RatchetPolicy,
} from "./ratchet.ts";
import type { Critic, Scorer } from "./types.ts";
import { LoopAborted, type LoopSession, openLoopSession } from "./loop_session.ts";
import { advise, answer, critique, evaluate, revise, stopRuleSays } from "./loop_steps.ts";

/** The LLM roles of the loop that take their own provider and sampling parameters. */
export type LoopRole = "student" | "critic" | "teacher" | "judge";

/** Sampling parameters of one role. */
export interface RoleParams {
  /** Sampling temperature. @default undefined (the provider's default) */
  temperature?: number;
  /** Output token limit. @default undefined */
  maxTokens?: number;
}

/** Configuration of {@linkcode critiqueRevisionLoop}. */
export interface LoopConfig {
  /** The Student's model, and the default model of every other role. */
  provider: Provider;
  /** Per-role models (e.g. a different judge for an asymmetric setup). @default {} */
  providers?: Partial<Record<LoopRole, Provider>>;
  /** The constitution the critic and judge apply. */
  constitution: Constitution;
  /** Only these principles are shown to the default critic and the judge. @default all */
  selection?: PrincipleSelection;
  /** The critic. @default llmCritic(providers.critic ?? provider, constitution) */
  critic?: Critic;
  /** When set, its score decides keep/revert and its `passed` stops the loop; the judge is not called. @default undefined */
  scorer?: Scorer;
  /**
   * No gate: nothing evaluates a candidate (no scorer, no judge call) and every revision replaces
   * the answer, so the final answer is the last revision — intrinsic self-correction as studied by
   * Huang et al. (2024). The trace is marked `keepsEveryRevision`. @default false
   */
  keepEveryRevision?: boolean;
  /**
   * A stop rule checked on every candidate (round 0 included): when it passes, the loop stops with
   * reason `stop:<name>`. It never decides keep/revert. An oracle stop (the gold answer or hidden
   * tests) makes the loop see the answer key — label such protocols. @default undefined
   */
  stopRule?: Scorer;
  /** Ask the Teacher for direction before each revision. @default false */
  teacher?: boolean;
  /** Revision rounds after the initial answer (0 = answer and evaluate only). @default 3 */
  maxRounds?: number;
  /** Keep/revert policy. @default { mode: "strict" } */
  ratchet?: RatchetPolicy;
  /** Stop as soon as the best candidate passes (scorer) or is compliant (judge). @default true */
  stopWhenPassed?: boolean;
  /** Run seed; every role call's seed derives from (seed, item id, round, role). @default 0 */
  seed?: number;
  /** Synthesizer memory shown to the Student. @default "" */
  memory?: string;
  /** Per-role sampling parameters. @default {} */
  roleParams?: Partial<Record<LoopRole, RoleParams>>;
  /** Stream: emit `token` events for every LLM role. @default false */
  stream?: boolean;
  /** Per-attempt provider timeout in milliseconds. @default undefined (the provider's default) */
  timeoutMs?: number;
  /** Abort the item; the trace is returned with stop reason `aborted`. @default undefined */
  signal?: AbortSignal;
  /** Receives every event. @default undefined */
  onEvent?: EventSink;
  /** Trace id. @default a hash of the seed, item and configuration */
  traceId?: string;
}

function critiqueKey(c: Critique): string {
  return stableStringify([c.principleId, c.quote, c.issue, c.fix, c.severity]);
}

function feedbackKey(text: string, critiques: readonly Critique[]): string {
  return critiques.length
    ? stableStringify(critiques.map(critiqueKey).sort())
    : text.toLowerCase().replace(/\s+/g, " ").trim();
}

function checkConfig(item: Item, config: LoopConfig): void {
  if (!item || typeof item.id !== "string" || item.id === "" || typeof item.prompt !== "string") {
    throw new TypeError(`critiqueRevisionLoop: item must have a non-empty id and a prompt`);
  }
  if (!config || typeof config.provider?.chat !== "function") {
    throw new TypeError("critiqueRevisionLoop: config.provider must implement chat()");
  }
  if (!config.constitution || !Array.isArray(config.constitution.principles)) {
    throw new TypeError("critiqueRevisionLoop: config.constitution must be a Constitution");
  }
  const maxRounds = config.maxRounds ?? 3;
  if (!Number.isInteger(maxRounds) || maxRounds < 0) {
    throw new RangeError(
      `critiqueRevisionLoop: maxRounds must be an integer >= 0, got ${maxRounds}`,
    );
  }
  if (config.seed !== undefined && !Number.isSafeInteger(config.seed)) {
    throw new RangeError(`critiqueRevisionLoop: seed must be an integer, got ${config.seed}`);
  }
  if (config.critic && typeof config.critic.critique !== "function") {
    throw new TypeError("critiqueRevisionLoop: config.critic must implement critique()");
  }
  for (const key of ["scorer", "stopRule"] as const) {
    if (config[key] && typeof config[key].score !== "function") {
      throw new TypeError(`critiqueRevisionLoop: config.${key} must implement score()`);
    }
  }
  for (const [role, p] of Object.entries(config.providers ?? {})) {
    if (p && typeof p.chat !== "function") {
      throw new TypeError(`critiqueRevisionLoop: providers.${role} must implement chat()`);
    }
  }
  if (config.ratchet) checkRatchetPolicy(config.ratchet);
  if (config.selection) selectPrinciples(config.constitution, config.selection);
}

/**
 * Runs the critique–revision loop on one item (behaviour in the module doc).
 *
 * @param item The dataset item.
 * @param config Providers, constitution, critic/scorer, ratchet, rounds, seed, events.
 * @returns The trace: every candidate with its critiques, verdict or score and ratchet decision,
 *   the chosen (best) and rejected (round 0) answers, calls, usage, parse failures, stop reason.
 *   Infrastructure errors and aborts end the item inside the trace instead of throwing.
 * @throws {TypeError | RangeError} for bad arguments, before any call is made.
 *
 * @example One round with scripted models
 * ```ts
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * import { critiqueRevisionLoop } from "./critique_revision_loop.ts";
 * const provider = createScriptedProvider({
 *   byRole: {
 *     student: ["about 3", "3.14159"],
 *     critic: '{"critiques": [{"principleId": "be-exact", "quote": "about 3", "issue": "rounded", "fix": "give digits", "severity": "high"}]}',
 *     judge: ['{"verdict": "needs_revision", "reasons": ["rounded"], "score": 0.2}', '{"verdict": "compliant", "reasons": [], "score": 0.9}'],
 *   },
 * });
 * const constitution = parseConstitution("## Be exact\n\nNo rounding.\n");
 * const trace = await critiqueRevisionLoop({ id: "pi", prompt: "What is pi?" }, { provider, constitution });
 * if (trace.chosen !== "3.14159" || trace.rejected !== "about 3" || trace.stopReason !== "compliant") {
 *   throw new Error(JSON.stringify(trace));
 * }
 * ```
 */
export async function critiqueRevisionLoop(item: Item, config: LoopConfig): Promise<Trace> {
  checkConfig(item, config);
  const startedAt = new Date().toISOString();
  const start = performance.now();
  const s = openLoopSession(item, config);
  const state: LoopState = {
    candidates: [],
    bestIndex: 0,
    currentIndex: 0,
    rounds: 0,
    stopReason: "max_rounds",
    seenFeedback: new Set(),
  };
  s.send({ type: "item_start", itemId: item.id, prompt: item.prompt });
  try {
    if (!(await firstRound(s, state))) {
      for (let round = 1; round <= (config.maxRounds ?? 3); round++) {
        if (await revisionRound(s, state, round)) break;
      }
    }
  } catch (caught) {
    const aborted = caught instanceof LoopAborted ||
      (caught instanceof ProviderError && caught.kind === "aborted") ||
      config.signal?.aborted === true;
    if (aborted) {
      state.stopReason = "aborted";
    } else {
      state.stopReason = "error";
      state.error = caught instanceof Error ? caught.message : String(caught);
      const role = s.calls.at(-1)?.error !== undefined ? s.calls.at(-1)?.role : undefined;
      s.send({ type: "error", itemId: item.id, message: state.error, ...(role ? { role } : {}) });
    }
    if (state.candidates.length === 0) state.candidates.push({ round: 0, text: "", critiques: [] });
  }
  return finishTrace(s, state, startedAt, performance.now() - start);
}

/** What the loop knows between steps. */
interface LoopState {
  candidates: Candidate[];
  /** The ratchet's best-so-far. */
  bestIndex: number;
  /** The answer the next round critiques (the best, or a kept lateral move). */
  currentIndex: number;
  rounds: number;
  stopReason: string;
  error?: string;
  /** Feedback seen so far (the tolerance ratchet keeps lateral moves only on new feedback). */
  seenFeedback: Set<string>;
}

/** Why the loop stops when the best answer passes its gate. */
function passedReason(config: LoopConfig): string {
  return config.scorer ? "passed" : "compliant";
}

/** Round 0: the first answer, evaluated by the gate. Returns true when the loop should stop. */
async function firstRound(s: LoopSession, state: LoopState): Promise<boolean> {
  const { config, item } = s;
  const keepAll = config.keepEveryRevision === true;
  s.send({ type: "round_start", itemId: item.id, round: 0 });
  state.candidates.push({ round: 0, text: await answer(s), critiques: [] });
  if (!keepAll) {
    const firstScore = await evaluate(s, state.candidates[0]);
    const initial = {
      decision: "keep" as const,
      reason: "initial answer",
      candidateScore: firstScore.score,
      bestScore: firstScore.score,
    };
    state.candidates[0].decision = initial;
    s.send({ type: "ratchet_decision", itemId: item.id, round: 0, decision: initial });
  }
  s.send({ type: "round_end", itemId: item.id, round: 0 });
  if (await stopRuleSays(s, state.candidates[0])) {
    state.stopReason = `stop:${config.stopRule!.name}`;
    return true;
  }
  if (!keepAll && (config.stopWhenPassed ?? true) && state.candidates[0].score?.passed) {
    state.stopReason = passedReason(config);
    return true;
  }
  return false;
}

/** One round: critique, advise, revise, then the ratchet. Returns true when the loop should stop. */
async function revisionRound(s: LoopSession, state: LoopState, round: number): Promise<boolean> {
  const { config, item } = s;
  s.send({ type: "round_start", itemId: item.id, round });
  const current = state.candidates[state.currentIndex];
  const feedback = await critique(s, round, current);
  const known = new Set(current.critiques.map(critiqueKey));
  for (const c of feedback.critiques) {
    if (!known.has(critiqueKey(c))) current.critiques.push(c);
  }
  current.feedback = feedback.text;
  s.send({ type: "critique", itemId: item.id, round, critiques: feedback.critiques });
  if (feedback.critiques.length === 0 && feedback.text.trim() === "") {
    state.stopReason = "no_feedback";
    s.send({ type: "round_end", itemId: item.id, round });
    return true;
  }
  const key = feedbackKey(feedback.text, feedback.critiques);
  const newFeedback = !state.seenFeedback.has(key);
  state.seenFeedback.add(key);
  let advice: string | undefined;
  if (config.teacher) {
    advice = await advise(s, round, current.text, feedback.text);
    current.teacherAdvice = advice;
  }
  const text = await revise(s, round, current.text, feedback.text, advice);
  const index = state.candidates.push({ round, text, critiques: [] }) - 1;
  state.rounds = round;
  if (config.keepEveryRevision) {
    state.currentIndex = state.bestIndex = index;
  } else {
    await ratchet(s, state, index, newFeedback);
  }
  s.send({ type: "round_end", itemId: item.id, round });
  if (await stopRuleSays(s, state.candidates[state.bestIndex])) {
    state.stopReason = `stop:${config.stopRule!.name}`;
    return true;
  }
  if (
    !config.keepEveryRevision && (config.stopWhenPassed ?? true) &&
    state.candidates[state.bestIndex].score?.passed
  ) {
    state.stopReason = passedReason(config);
    return true;
  }
  return false;
}

/** The gate scores a revision and the ratchet keeps or reverts it. */
async function ratchet(
  s: LoopSession,
  state: LoopState,
  index: number,
  newFeedback: boolean,
): Promise<void> {
  const score = await evaluate(s, state.candidates[index]);
  const bestScore = state.candidates[state.bestIndex].score?.score ?? 0;
  const decision = ratchetDecide(s.config.ratchet ?? DEFAULT_RATCHET_POLICY, {
    candidateScore: score.score,
    bestScore,
    newFeedback,
  });
  state.candidates[index].decision = decision;
  s.send({
    type: "ratchet_decision",
    itemId: s.item.id,
    round: state.candidates[index].round,
    decision,
  });
  if (decision.decision === "keep") {
    state.currentIndex = index;
    if (score.score > bestScore) state.bestIndex = index;
  } else {
    state.currentIndex = state.bestIndex;
  }
}

/** The trace of a finished (or failed) loop, announced with `item_end`. */
function finishTrace(s: LoopSession, state: LoopState, startedAt: string, ms: number): Trace {
  const { config, item } = s;
  const chosen = state.candidates[state.bestIndex];
  const trace: Trace = {
    traceId: config.traceId ?? traceIdFor(item, config, s.critic.name),
    itemId: item.id,
    prompt: item.prompt,
    candidates: state.candidates,
    chosenIndex: state.bestIndex,
    chosen: chosen.text,
    rejected: state.candidates[0].text,
    rounds: state.rounds,
    calls: s.calls,
    usage: s.usage,
    parseFailures: s.parseFailures,
    stopReason: state.stopReason,
    startedAt,
    ms,
  };
  if (state.error !== undefined) trace.error = state.error;
  if (config.keepEveryRevision) trace.keepsEveryRevision = true;
  s.send({
    type: "item_end",
    itemId: item.id,
    rounds: state.rounds,
    stopReason: state.stopReason,
    ...(chosen.score ? { chosenScore: chosen.score.score } : {}),
    ...(state.error !== undefined ? { error: state.error } : {}),
  });
  return trace;
}

function traceIdFor(item: Item, config: LoopConfig, criticName: string): string {
  const roles = Object.fromEntries(
    (["student", "critic", "teacher", "judge"] as const).map((role) => {
      const p = config.providers?.[role] ?? config.provider;
      return [role, `${p.name}/${p.model}`];
    }),
  );
  return sha256Hex(stableStringify({
    seed: config.seed ?? 0,
    itemId: item.id,
    prompt: item.prompt,
    constitution: config.constitution.hash,
    selection: config.selection,
    roles,
    critic: criticName,
    scorer: config.scorer?.name,
    ...(config.keepEveryRevision ? { keepEveryRevision: true } : {}),
    ...(config.stopRule ? { stopRule: config.stopRule.name } : {}),
    teacher: config.teacher ?? false,
    maxRounds: config.maxRounds ?? 3,
    policy: config.ratchet ?? DEFAULT_RATCHET_POLICY,
    memory: config.memory ?? "",
    roleParams: config.roleParams ?? {},
  })).slice(0, 24);
}
