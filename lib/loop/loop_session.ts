/**
 * The bookkeeping of one critique–revision loop: every model call recorded (calls, usage, `call`
 * events), role options with the loop's one seed rule (`deriveSeed(seed, [item id, round, role])`,
 * shared with `evalRoleOptions`), parse failures counted, and each role step wrapped in
 * `role_start` / `role_end` events. The loop's steps (`loop_steps.ts`) read and write only this.
 *
 * @module
 */
import type { Item } from "../schemas/item.ts";
import type { Usage } from "../schemas/chat.ts";
import type { CallRecord } from "../schemas/trace.ts";
import { emit, type EventInput } from "../schemas/events.ts";
import type { Provider } from "../providers/types.ts";
import { withCallRecording } from "../providers/record.ts";
import { evalRoleOptions } from "../roles/eval_role_options.ts";
import type { RoleOptions } from "../roles/role_options.ts";
import { llmCritic } from "./llm_critic.ts";
import type { Critic, EvalContext } from "./types.ts";
import type { LoopConfig, LoopRole } from "./critique_revision_loop.ts";

/** Thrown by a step when the loop's signal has fired. */
export class LoopAborted extends Error {}

/** One loop's recording and role plumbing. */
export interface LoopSession {
  /** The item. */
  readonly item: Item;
  /** The configuration. */
  readonly config: LoopConfig;
  /** The run seed. */
  readonly seed: number;
  /** Every call, in order. */
  readonly calls: CallRecord[];
  /** Total usage. */
  readonly usage: Usage;
  /** Structured-output parse failures so far. */
  parseFailures: number;
  /** The Student, Teacher and Judge models, recording every call. */
  readonly models: Readonly<Record<"student" | "teacher" | "judge", Provider>>;
  /** The critic. */
  readonly critic: Critic;
  /** Emits an event. */
  send(event: EventInput): void;
  /** Options of a role call in a round. */
  roleOptions(role: LoopRole, round: number): RoleOptions;
  /** The evaluation context critics and scorers get in a round. */
  context(round: number): EvalContext;
  /** Runs one role step between `role_start` and `role_end` events. */
  step<T>(
    role: string,
    round: number,
    run: () => Promise<T>,
    describe: (value: T) => string,
  ): Promise<T>;
}

/**
 * Opens a loop session.
 *
 * @param item The item.
 * @param config The loop configuration (already checked).
 * @returns The session.
 *
 * @example Role options carry the loop's seed rule
 * ```ts
 * import { openLoopSession } from "./loop_session.ts";
 * import { deriveSeed } from "../util/derive_seed.ts";
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * const session = openLoopSession({ id: "q", prompt: "?" }, {
 *   provider: createScriptedProvider(), constitution: parseConstitution("## A\n\nB.\n"), seed: 4,
 * });
 * if (session.roleOptions("judge", 2).seed !== deriveSeed(4, ["q", 2, "judge"])) throw new Error();
 * ```
 */
export function openLoopSession(item: Item, config: LoopConfig): LoopSession {
  const seed = config.seed ?? 0;
  const itemId = item.id;
  const calls: CallRecord[] = [];
  const usage: Usage = { inputTokens: 0, outputTokens: 0 };
  const send = (event: EventInput): void => emit(config.onEvent, event);
  const onCall = (call: CallRecord): void => {
    calls.push(call);
    usage.inputTokens += call.usage.inputTokens;
    usage.outputTokens += call.usage.outputTokens;
    send({ type: "call", itemId, ...call });
  };
  const model = (role: LoopRole): Provider =>
    withCallRecording(config.providers?.[role] ?? config.provider, onCall, { defaultRole: role });
  const context = (round: number): EvalContext => ({
    round,
    seed,
    signal: config.signal,
    onEvent: config.onEvent,
    onCall,
  });
  const session: LoopSession = {
    item,
    config,
    seed,
    calls,
    usage,
    parseFailures: 0,
    models: { student: model("student"), teacher: model("teacher"), judge: model("judge") },
    critic: config.critic ??
      llmCritic(config.providers?.critic ?? config.provider, config.constitution, {
        selection: config.selection,
        stream: config.stream,
        ...config.roleParams?.critic,
      }),
    send,
    context,
    roleOptions(role, round) {
      const { options } = evalRoleOptions(item, context(round), {
        role,
        ...config.roleParams?.[role],
        stream: config.stream,
      });
      return {
        ...options,
        timeoutMs: config.timeoutMs,
        onParseFailure: (message) => {
          session.parseFailures++;
          options.onParseFailure?.(message);
        },
      };
    },
    async step(role, round, run, describe) {
      if (config.signal?.aborted) throw new LoopAborted("aborted");
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
    },
  };
  return session;
}
