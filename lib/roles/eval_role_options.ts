/**
 * The role options of an LLM call a critic or scorer makes on the loop's behalf: the seed derived
 * from the item's coordinates, streamed `token` events and counted `parse_failure` events.
 *
 * @module
 */
import type { Item } from "../schemas/item.ts";
import { emit } from "../schemas/events.ts";
import type { EvalContext } from "../schemas/eval_contracts.ts";
import { roleSeed } from "../util/derive_seed.ts";
import type { RoleOptions } from "./role_options.ts";
import type { Provider } from "../providers/types.ts";
import { withCallRecording } from "../providers/record.ts";

/** Options for {@linkcode evalRoleOptions}. */
export interface EvalRoleOptionsOptions {
  /**
   * The role the call is made as: the last seed coordinate and the `role` of its `token` and
   * `parse_failure` events (e.g. "critic", "judge"). Required.
   */
  role: string;
  /** Sampling temperature. @default undefined (the provider's default) */
  temperature?: number;
  /** Output token limit. @default undefined */
  maxTokens?: number;
  /** Emit `token` events while the model streams (only when the context has an event sink). @default false */
  stream?: boolean;
}

/** The role options of one call and the count of parse failures they have reported. */
export interface EvalRoleCall {
  /** Options to pass to a role function (`criticReview`, `judgeVerdict`, …). */
  options: RoleOptions;
  /** How many final parse failures the call has reported so far. */
  parseFailures(): number;
}

/**
 * Builds the role options of an LLM call made on the loop's behalf: the seed derived from
 * (context.seed, item id, round, role), the run's abort signal, the item id, `token` events when
 * streaming, and a `parse_failure` event (counted) for each final parse failure.
 *
 * @param item The item being critiqued or scored.
 * @param context The loop's context for this call (round, seed, signal, event sink).
 * @param options The role, sampling and streaming.
 * @returns The role options and a parse-failure counter.
 * @throws {TypeError} when the item has no string id or the role is not a non-empty string.
 *
 * @example A parse failure is counted and emitted under the role
 * ```ts
 * import type { Event } from "../schemas/events.ts";
 * import { deriveSeed } from "../util/derive_seed.ts";
 * import { evalRoleOptions } from "./eval_role_options.ts";
 * const events: Event[] = [];
 * const call = evalRoleOptions({ id: "q", prompt: "pi?" }, {
 *   round: 2,
 *   seed: 7,
 *   onEvent: (e) => events.push(e),
 * }, { role: "critic" });
 * if (call.options.seed !== deriveSeed(7, ["q", 2, "critic"])) throw new Error("seed");
 * call.options.onParseFailure?.("bad json");
 * if (call.parseFailures() !== 1 || events[0].type !== "parse_failure") throw new Error("count");
 * ```
 */
export function evalRoleOptions(
  item: Item,
  context: EvalContext,
  options: EvalRoleOptionsOptions,
): EvalRoleCall {
  if (!item || typeof item.id !== "string") {
    throw new TypeError(`evalRoleOptions: item must have a string id, got ${JSON.stringify(item)}`);
  }
  const role = options?.role;
  if (typeof role !== "string" || role === "") {
    throw new TypeError(`evalRoleOptions: options.role must be a non-empty string, got ${role}`);
  }
  const round = context.round;
  let parseFailures = 0;
  return {
    options: {
      seed: roleSeed(context.seed, item.id, round, role),
      temperature: options.temperature,
      maxTokens: options.maxTokens,
      signal: context.signal,
      itemId: item.id,
      onToken: options.stream && context.onEvent
        ? (text) => emit(context.onEvent, { type: "token", itemId: item.id, role, round, text })
        : undefined,
      onStreamRestart: options.stream && context.onEvent
        ? () =>
          emit(context.onEvent, {
            type: "token",
            itemId: item.id,
            role,
            round,
            text: "",
            restart: true,
          })
        : undefined,
      onParseFailure: (message) => {
        parseFailures++;
        emit(context.onEvent, { type: "parse_failure", itemId: item.id, role, round, message });
      },
    },
    parseFailures: () => parseFailures,
  };
}

/** An LLM call made on the loop's behalf: its model (recording calls) and role options. */
export interface EvalCall extends EvalRoleCall {
  /** The model, reporting each call to `context.onCall` when there is one. */
  model: Provider;
}

/**
 * {@linkcode evalRoleOptions} plus the model the call goes to, wrapped so that every call is
 * reported to the context's `onCall` — what an LLM critic or judge needs for one call.
 *
 * @param provider The model.
 * @param item The item.
 * @param context The loop's evaluation context.
 * @param options The role and its sampling parameters.
 * @returns The recorded model, role options and parse-failure counter.
 *
 * @example
 * ```ts
 * import { evalCall } from "./eval_role_options.ts";
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * const calls: unknown[] = [];
 * const call = evalCall(createScriptedProvider({ byRole: { critic: "ok" } }), { id: "q", prompt: "?" }, {
 *   round: 1, seed: 0, onCall: (c) => calls.push(c),
 * }, { role: "critic" });
 * await call.model.chat([{ role: "user", content: "hi" }], { role: "critic", seed: call.options.seed });
 * if (calls.length !== 1) throw new Error();
 * ```
 */
export function evalCall(
  provider: Provider,
  item: Item,
  context: EvalContext,
  options: EvalRoleOptionsOptions,
): EvalCall {
  const model = context.onCall ? withCallRecording(provider, context.onCall) : provider;
  return { model, ...evalRoleOptions(item, context, options) };
}
