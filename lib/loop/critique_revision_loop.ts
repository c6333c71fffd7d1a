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
import type { Usage } from "../schemas/chat.ts";
import {
  type CallRecord,
  type Candidate,
  type Critique,
  type Score,
  ScoreSchema,
  type Trace,
} from "../schemas/trace.ts";
import { emit, type EventInput, type EventSink } from "../schemas/events.ts";
import { type Provider, ProviderError } from "../providers/types.ts";
import { withCallRecording } from "../providers/record.ts";
import type { Constitution } from "../constitution/constitution.ts";
import { type PrincipleSelection, selectPrinciples } from "../constitution/render_constitution.ts";
import { studentAnswer, studentRevise } from "../roles/student.ts";
import { teacherAdvise } from "../roles/teacher.ts";
import { judgeVerdict } from "../roles/judge.ts";
import type { RoleOptions } from "../roles/role_options.ts";
import { sha256Hex, stableStringify } from "../util/hash.ts";
import {
  checkRatchetPolicy,
  DEFAULT_RATCHET_POLICY,
  ratchetDecide,
  type RatchetPolicy,
} from "./ratchet.ts";
import { deriveSeed } from "./derive_seed.ts";
import { llmCritic } from "./llm_critic.ts";
import { UNPARSEABLE_JUDGE_SCORE, verdictToScore } from "./judge_scorer.ts";
import type { Critic, EvalContext, Scorer } from "./types.ts";

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

class Aborted extends Error {}

function addUsage(total: Usage, usage: Usage): void {
  total.inputTokens += usage.inputTokens;
  total.outputTokens += usage.outputTokens;
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
  const maxRounds = config.maxRounds ?? 3;
  const seed = config.seed ?? 0;
  const policy = config.ratchet ?? DEFAULT_RATCHET_POLICY;
  const stopWhenPassed = config.stopWhenPassed ?? true;
  const { constitution, signal } = config;
  const itemId = item.id;
  const startedAt = new Date().toISOString();
  const start = performance.now();

  const calls: CallRecord[] = [];
  const usage: Usage = { inputTokens: 0, outputTokens: 0 };
  const send = (event: EventInput): void => emit(config.onEvent, event);
  const onCall = (call: CallRecord): void => {
    calls.push(call);
    addUsage(usage, call.usage);
    send({ type: "call", itemId, ...call });
  };
  const providerFor = (role: LoopRole): Provider =>
    withCallRecording(config.providers?.[role] ?? config.provider, onCall, { defaultRole: role });
  const student = providerFor("student");
  const teacher = providerFor("teacher");
  const judge = providerFor("judge");
  const critic = config.critic ??
    llmCritic(config.providers?.critic ?? config.provider, constitution, {
      selection: config.selection,
      stream: config.stream,
      ...config.roleParams?.critic,
    });

  let parseFailures = 0;
  const roleOptions = (role: LoopRole, round: number): RoleOptions => ({
    ...config.roleParams?.[role],
    seed: deriveSeed(seed, [itemId, round, role]),
    signal,
    timeoutMs: config.timeoutMs,
    itemId,
    onToken: config.stream
      ? (text) => send({ type: "token", itemId, role, round, text })
      : undefined,
    onStreamRestart: config.stream
      ? () => send({ type: "token", itemId, role, round, text: "", restart: true })
      : undefined,
    onParseFailure: (message) => {
      parseFailures++;
      send({ type: "parse_failure", itemId, role, round, message });
    },
  });
  const context = (round: number): EvalContext => ({
    round,
    seed,
    signal,
    onEvent: config.onEvent,
    onCall,
  });
  const checkAbort = (): void => {
    if (signal?.aborted) throw new Aborted("aborted");
  };
  /** Runs one role step between role_start and role_end events. */
  const step = async <T>(
    role: string,
    round: number,
    run: () => Promise<T>,
    describe: (value: T) => string,
  ): Promise<T> => {
    checkAbort();
    send({ type: "role_start", itemId, role, round });
    const t0 = performance.now();
    const before = { ...usage };
    const value = await run();
    send({
      type: "role_end",
      itemId,
      role,
      round,
      text: describe(value),
      usage: {
        inputTokens: usage.inputTokens - before.inputTokens,
        outputTokens: usage.outputTokens - before.outputTokens,
      },
      ms: performance.now() - t0,
    });
    return value;
  };

  const candidates: Candidate[] = [];
  let bestIndex = 0;
  let currentIndex = 0;
  let rounds = 0;
  let stopReason = "max_rounds";
  let error: string | undefined;
  const seenFeedback = new Set<string>();

  const keepAll = config.keepEveryRevision === true;
  /** Runs the stop rule on a candidate; true when it says stop. */
  const stopRuleSays = async (index: number): Promise<boolean> => {
    const rule = config.stopRule;
    if (!rule) return false;
    const round = candidates[index].round;
    const s = await step(
      "stop_rule",
      round,
      () => rule.score(item, candidates[index].text, context(round)),
      (r) => `${rule.name}: ${r.passed ? "stop" : "continue"}`,
    );
    return s.passed === true;
  };
  const evaluate = async (index: number): Promise<Score> => {
    const candidate = candidates[index];
    const round = candidate.round;
    let score: Score;
    if (config.scorer) {
      const scorer = config.scorer;
      score = await step(
        "scorer",
        round,
        () => scorer.score(item, candidate.text, context(round)),
        (s) => `${s?.score}${s?.detail ? ` (${s.detail})` : ""}`,
      );
      const valid = ScoreSchema.safeParse(score);
      if (!valid.success) {
        throw new Error(
          `scorer "${scorer.name}" returned an invalid score ${JSON.stringify(score)}: ${
            valid.error.issues[0].message
          }`,
        );
      }
    } else {
      const result = await step(
        "judge",
        round,
        () =>
          judgeVerdict(
            judge,
            {
              prompt: item.prompt,
              answer: candidate.text,
              constitution,
              selection: config.selection,
            },
            roleOptions("judge", round),
          ),
        (r) => r.raw,
      );
      if (result.ok) {
        candidate.verdict = result.value;
        send({ type: "verdict", itemId, round, verdict: result.value });
        score = verdictToScore(result.value);
      } else {
        score = { ...UNPARSEABLE_JUDGE_SCORE };
      }
    }
    candidate.score = score;
    send({ type: "score", itemId, round, score });
    return score;
  };
  const bestPassed = (): boolean => candidates[bestIndex].score?.passed === true;

  send({ type: "item_start", itemId, prompt: item.prompt });
  try {
    // Round 0: the initial answer.
    send({ type: "round_start", itemId, round: 0 });
    const first = await step(
      "student",
      0,
      () =>
        studentAnswer(
          student,
          { prompt: item.prompt, memory: config.memory },
          roleOptions("student", 0),
        ),
      (r) => r.text,
    );
    candidates.push({ round: 0, text: first.text, critiques: [] });
    if (!keepAll) {
      const firstScore = await evaluate(0);
      const initial = {
        decision: "keep" as const,
        reason: "initial answer",
        candidateScore: firstScore.score,
        bestScore: firstScore.score,
      };
      candidates[0].decision = initial;
      send({ type: "ratchet_decision", itemId, round: 0, decision: initial });
    }
    send({ type: "round_end", itemId, round: 0 });

    if (await stopRuleSays(0)) {
      stopReason = `stop:${config.stopRule!.name}`;
    } else if (!keepAll && stopWhenPassed && bestPassed()) {
      stopReason = config.scorer ? "passed" : "compliant";
    } else {
      for (let round = 1; round <= maxRounds; round++) {
        send({ type: "round_start", itemId, round });
        const current = candidates[currentIndex];
        const feedback = await step(
          "critic",
          round,
          () => critic.critique(item, current.text, context(round)),
          (f) => f.text,
        );
        parseFailures += feedback.parseFailures ?? 0;
        const known = new Set(current.critiques.map(critiqueKey));
        for (const c of feedback.critiques) {
          if (!known.has(critiqueKey(c))) current.critiques.push(c);
        }
        current.feedback = feedback.text;
        send({ type: "critique", itemId, round, critiques: feedback.critiques });
        if (feedback.critiques.length === 0 && feedback.text.trim() === "") {
          stopReason = "no_feedback";
          send({ type: "round_end", itemId, round });
          break;
        }
        const key = feedbackKey(feedback.text, feedback.critiques);
        const newFeedback = !seenFeedback.has(key);
        seenFeedback.add(key);

        let advice: string | undefined;
        if (config.teacher) {
          const advised = await step(
            "teacher",
            round,
            () =>
              teacherAdvise(
                teacher,
                { prompt: item.prompt, answer: current.text, feedback: feedback.text },
                roleOptions("teacher", round),
              ),
            (r) => r.text,
          );
          advice = advised.text;
          current.teacherAdvice = advice;
        }

        const revised = await step(
          "student",
          round,
          () =>
            studentRevise(
              student,
              {
                prompt: item.prompt,
                answer: current.text,
                feedback: feedback.text,
                advice,
                memory: config.memory,
              },
              roleOptions("student", round),
            ),
          (r) => r.text,
        );
        send({ type: "revision", itemId, round, text: revised.text });
        const index = candidates.push({ round, text: revised.text, critiques: [] }) - 1;
        rounds = round;
        if (keepAll) {
          currentIndex = bestIndex = index;
          send({ type: "round_end", itemId, round });
          if (await stopRuleSays(index)) {
            stopReason = `stop:${config.stopRule!.name}`;
            break;
          }
          continue;
        }

        const score = await evaluate(index);
        const bestScore = candidates[bestIndex].score?.score ?? 0;
        const decision = ratchetDecide(policy, {
          candidateScore: score.score,
          bestScore,
          newFeedback,
        });
        candidates[index].decision = decision;
        send({ type: "ratchet_decision", itemId, round, decision });
        if (decision.decision === "keep") {
          currentIndex = index;
          if (score.score > bestScore) bestIndex = index;
        } else {
          currentIndex = bestIndex;
        }
        send({ type: "round_end", itemId, round });
        if (await stopRuleSays(bestIndex)) {
          stopReason = `stop:${config.stopRule!.name}`;
          break;
        }
        if (stopWhenPassed && bestPassed()) {
          stopReason = config.scorer ? "passed" : "compliant";
          break;
        }
      }
    }
  } catch (caught) {
    const aborted = caught instanceof Aborted ||
      (caught instanceof ProviderError && caught.kind === "aborted") ||
      signal?.aborted === true;
    if (aborted) {
      stopReason = "aborted";
    } else {
      stopReason = "error";
      error = caught instanceof Error ? caught.message : String(caught);
      const role = calls.at(-1)?.error !== undefined ? calls.at(-1)?.role : undefined;
      send({ type: "error", itemId, message: error, ...(role ? { role } : {}) });
    }
    if (candidates.length === 0) candidates.push({ round: 0, text: "", critiques: [] });
  }

  const chosen = candidates[bestIndex];
  const trace: Trace = {
    traceId: config.traceId ?? traceIdFor(item, config, seed, maxRounds, policy, critic.name),
    itemId,
    prompt: item.prompt,
    candidates,
    chosenIndex: bestIndex,
    chosen: chosen.text,
    rejected: candidates[0].text,
    rounds,
    calls,
    usage,
    parseFailures,
    stopReason,
    startedAt,
    ms: performance.now() - start,
  };
  if (error !== undefined) trace.error = error;
  if (keepAll) trace.keepsEveryRevision = true;
  send({
    type: "item_end",
    itemId,
    rounds,
    stopReason,
    ...(chosen.score ? { chosenScore: chosen.score.score } : {}),
    ...(error !== undefined ? { error } : {}),
  });
  return trace;
}

function traceIdFor(
  item: Item,
  config: LoopConfig,
  seed: number,
  maxRounds: number,
  policy: RatchetPolicy,
  criticName: string,
): string {
  const roles = Object.fromEntries(
    (["student", "critic", "teacher", "judge"] as const).map((role) => {
      const p = config.providers?.[role] ?? config.provider;
      return [role, `${p.name}/${p.model}`];
    }),
  );
  return sha256Hex(stableStringify({
    seed,
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
    maxRounds,
    policy,
    memory: config.memory ?? "",
    roleParams: config.roleParams ?? {},
  })).slice(0, 24);
}
