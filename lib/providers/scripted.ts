/**
 * A deterministic, offline provider for tests, demos and notebooks. It answers by rules — a function,
 * per-item queues or per-role queues — and otherwise with a default that is valid structured output
 * whenever a JSON schema is requested, so every role and the whole loop run out of the box.
 *
 * @module
 */
import type { ChatResponse, Message } from "../schemas/chat.ts";
import { type ChatOptions, checkMessages, type Provider, ProviderError } from "./types.ts";

/** A scripted answer rule: return the answer text, or `undefined` to fall through to the next rule. */
export type ScriptRule = (
  messages: Message[],
  options: ChatOptions,
) => string | undefined | Promise<string | undefined>;

/** One call the scripted provider received (transport callbacks and the signal dropped). */
export interface ScriptedCall {
  /** The messages sent. */
  messages: Message[];
  /** The options sent, without `signal`, `onToken` and `onStreamRestart`. */
  options: Omit<ChatOptions, "signal" | "onToken" | "onStreamRestart">;
  /** The answer given. */
  text: string;
}

/** Options for {@linkcode createScriptedProvider}. Rules are tried in the order `respond`, `byItem`, `byRole`, default. */
export interface ScriptedProviderOptions {
  /** Provider name reported in responses and call records. @default "scripted" */
  name?: string;
  /** Model name reported in responses. @default "scripted" */
  model?: string;
  /**
   * A function deciding the answer; may throw (e.g. a {@linkcode ProviderError}) to simulate failures.
   * Returning `undefined` falls through to the queues and the default. @default undefined
   */
  respond?: ScriptRule;
  /**
   * Answers per item id (`options.itemId`): a string, or a queue consumed one call at a time whose last
   * answer repeats. @default {}
   */
  byItem?: Record<string, string | string[]>;
  /**
   * Answers per role (`options.role`): a string, or a queue consumed one call at a time whose last
   * answer repeats. @default {}
   */
  byRole?: Record<string, string | string[]>;
  /**
   * Answer when no rule matches and no JSON schema is requested. When undefined, the answer is
   * `"Scripted answer: <first line of the last user message>"`. @default undefined
   */
  defaultText?: string;
}

/** A {@linkcode Provider} that also exposes the calls it received. */
export interface ScriptedProvider extends Provider {
  /** Every call received so far, in order. */
  readonly calls: ScriptedCall[];
}

/**
 * Counts whitespace-separated tokens (the scripted provider's usage measure).
 *
 * @param text Any text.
 * @returns The number of non-empty whitespace-separated words.
 *
 * @example Count tokens
 * ```ts
 * import { countWhitespaceTokens } from "./scripted.ts";
 * if (countWhitespaceTokens("  a b\n c ") !== 3) throw new Error("expected 3");
 * ```
 */
export function countWhitespaceTokens(text: string): number {
  const trimmed = text.trim();
  return trimmed === "" ? 0 : trimmed.split(/\s+/).length;
}

/**
 * Builds the smallest value that satisfies a (simple) JSON schema: objects get their required
 * properties, enums their first value, `const` its value, numbers their maximum (else minimum, else 0),
 * integers likewise, strings `""` (or `minLength` `x`s), arrays `minItems` copies of their item default,
 * booleans `false`. So a Verdict defaults to `compliant` with score 1 and a CritiqueList to no critiques.
 *
 * @param schema A JSON schema object.
 * @returns A JSON value conforming to common simple schemas.
 *
 * @example Default for an object schema
 * ```ts
 * import { defaultForJsonSchema } from "./scripted.ts";
 * const v = defaultForJsonSchema({
 *   type: "object",
 *   properties: { verdict: { enum: ["compliant", "needs_revision"] }, score: { type: "number", maximum: 1 } },
 *   required: ["verdict", "score"],
 * }) as { verdict: string; score: number };
 * if (v.verdict !== "compliant" || v.score !== 1) throw new Error("unexpected default");
 * ```
 */
export function defaultForJsonSchema(schema: Record<string, unknown>): unknown {
  return defaultFor(schema, schema, 0);
}

function defaultFor(schema: unknown, root: Record<string, unknown>, depth: number): unknown {
  if (depth > 20 || !schema || typeof schema !== "object") return null;
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === "string") {
    const target = resolveRef(root, s.$ref);
    return target ? defaultFor(target, root, depth + 1) : null;
  }
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if ("default" in s) return s.default;
  for (const key of ["anyOf", "oneOf", "allOf"]) {
    const list = s[key];
    if (Array.isArray(list) && list.length > 0) return defaultFor(list[0], root, depth + 1);
  }
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      const props = (s.properties ?? {}) as Record<string, unknown>;
      const required = Array.isArray(s.required) ? (s.required as string[]) : [];
      for (const key of required) out[key] = defaultFor(props[key], root, depth + 1);
      return out;
    }
    case "array": {
      const n = typeof s.minItems === "number" ? s.minItems : 0;
      return Array.from({ length: n }, () => defaultFor(s.items, root, depth + 1));
    }
    case "number":
    case "integer": {
      if (typeof s.maximum === "number") return s.maximum;
      if (typeof s.minimum === "number") return s.minimum;
      return 0;
    }
    case "string":
      return typeof s.minLength === "number" ? "x".repeat(s.minLength) : "";
    case "boolean":
      return false;
    case "null":
      return null;
    default:
      return s.properties ? defaultFor({ ...s, type: "object" }, root, depth + 1) : null;
  }
}

function resolveRef(root: Record<string, unknown>, ref: string): unknown {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(1).split("/").filter((p) => p !== "")) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part.replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  return node;
}

/**
 * Creates a deterministic offline provider. Rules are tried in order: `respond` (a function),
 * `byItem` (queue per `options.itemId`), `byRole` (queue per `options.role`), then the default:
 * with `options.jsonSchema` the smallest valid value (see {@linkcode defaultForJsonSchema}) as JSON,
 * otherwise `defaultText`. Queues advance one entry per call and repeat their last entry.
 * Streaming calls `onToken` with word chunks that concatenate to the answer. Usage counts whitespace
 * tokens. An aborted signal throws a {@linkcode ProviderError} of kind `aborted`.
 *
 * @param options Rules, names and default text.
 * @returns A provider whose `calls` array records every call.
 *
 * @example Per-role queue with the last answer repeating
 * ```ts
 * import { createScriptedProvider } from "./scripted.ts";
 * const p = createScriptedProvider({ byRole: { student: ["first", "second"] } });
 * const msgs = [{ role: "user" as const, content: "hi" }];
 * const a = await p.chat(msgs, { role: "student" });
 * const b = await p.chat(msgs, { role: "student" });
 * const c = await p.chat(msgs, { role: "student" });
 * if (a.text !== "first" || b.text !== "second" || c.text !== "second") throw new Error("queue");
 * if (p.calls.length !== 3) throw new Error("calls not recorded");
 * ```
 */
export function createScriptedProvider(options: ScriptedProviderOptions = {}): ScriptedProvider {
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `createScriptedProvider: options must be an object, got ${String(options)}`,
    );
  }
  if (options.respond !== undefined && typeof options.respond !== "function") {
    throw new TypeError(
      `createScriptedProvider: respond must be a function, got ${typeof options.respond}`,
    );
  }
  const name = options.name ?? "scripted";
  const model = options.model ?? "scripted";
  const byItem = checkQueues("byItem", options.byItem ?? {});
  const byRole = checkQueues("byRole", options.byRole ?? {});
  const itemCursor = new Map<string, number>();
  const roleCursor = new Map<string, number>();
  const calls: ScriptedCall[] = [];

  const take = (
    queues: Record<string, string[]>,
    cursor: Map<string, number>,
    key: string | undefined,
  ): string | undefined => {
    if (key === undefined || !Object.hasOwn(queues, key)) return undefined;
    const queue = queues[key];
    const i = cursor.get(key) ?? 0;
    cursor.set(key, i + 1);
    return queue[Math.min(i, queue.length - 1)];
  };

  const checkAbort = (signal: AbortSignal | undefined): void => {
    if (signal?.aborted) throw new ProviderError(name, "aborted", "the call was aborted");
  };

  return {
    name,
    model,
    calls,
    async chat(messages: Message[], chatOptions: ChatOptions = {}): Promise<ChatResponse> {
      checkMessages(name, messages);
      checkAbort(chatOptions.signal);
      let text = options.respond ? await options.respond(messages, chatOptions) : undefined;
      text ??= take(byItem, itemCursor, chatOptions.itemId);
      text ??= take(byRole, roleCursor, chatOptions.role);
      if (text === undefined) {
        if (chatOptions.jsonSchema) {
          text = JSON.stringify(defaultForJsonSchema(chatOptions.jsonSchema));
        } else {
          text = options.defaultText ?? `Scripted answer: ${firstLine(lastUser(messages))}`;
        }
      }
      checkAbort(chatOptions.signal);
      if (chatOptions.onToken) {
        for (const chunk of text.match(/\s*\S+\s*/g) ?? [text]) {
          checkAbort(chatOptions.signal);
          chatOptions.onToken(chunk);
        }
      }
      const { signal: _s, onToken: _t, onStreamRestart: _r, ...recorded } = chatOptions;
      calls.push({ messages: structuredClone(messages), options: structuredClone(recorded), text });
      return {
        text,
        model,
        usage: {
          inputTokens: messages.reduce((n, m) => n + countWhitespaceTokens(m.content), 0),
          outputTokens: countWhitespaceTokens(text),
        },
        finishReason: "stop",
      };
    },
  };
}

function checkQueues(
  field: string,
  queues: Record<string, string | string[]>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(queues)) {
    const queue = typeof value === "string" ? [value] : value;
    if (!Array.isArray(queue) || queue.length === 0 || queue.some((v) => typeof v !== "string")) {
      throw new TypeError(
        `createScriptedProvider: ${field}["${key}"] must be a string or a non-empty string array`,
      );
    }
    out[key] = [...queue];
  }
  return out;
}

function lastUser(messages: Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === "user") return messages[i].content;
  }
  return messages[messages.length - 1].content;
}

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
