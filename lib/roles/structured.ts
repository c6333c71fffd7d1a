/**
 * Structured output for every role: send a JSON schema derived from a zod schema, parse the answer
 * with zod, repair messy answers (code fences, prose around the JSON, trailing commas), re-ask once
 * with the validation error, and report a final failure as a typed result instead of throwing.
 *
 * @module
 */
import { z } from "zod";
import type { ChatResponse, Message } from "../schemas/chat.ts";
import type { ChatOptions, Provider } from "../providers/types.ts";
import type { Schema } from "../schemas/schema.ts";
import { zodOf } from "../schemas/zod_of.ts";

/** The outcome of {@linkcode generateStructured}: a parsed value, or a typed failure with the raw text. */
export type StructuredResult<T> =
  | { ok: true; value: T; response: ChatResponse; raw: string }
  | { ok: false; error: string; raw: string; response?: ChatResponse };

/** Options for {@linkcode generateStructured}: chat options plus a parse-failure callback. */
export type GenerateStructuredOptions = ChatOptions & {
  /**
   * Called once, with the validation error, when the answer is still invalid after the re-ask
   * (the final failure). @default undefined
   */
  onParseFailure?: (message: string) => void;
};

const jsonSchemaCache = new WeakMap<z.ZodType, Record<string, unknown>>();

/**
 * The JSON schema sent to providers for a zod schema (`z.toJSONSchema`, unrepresentable parts as
 * "any"), cached per schema object.
 *
 * @param schema A zod schema.
 * @returns A JSON schema object.
 *
 * @example Derive a JSON schema
 * ```ts
 * import { z } from "zod";
 * import { jsonSchemaFor } from "./structured.ts";
 * const js = jsonSchemaFor(z.object({ a: z.number() }));
 * if (js.type !== "object") throw new Error("expected an object schema");
 * ```
 */
export function jsonSchemaFor(schema: Schema<unknown>): Record<string, unknown> {
  const zod = zodOf(schema);
  let js = jsonSchemaCache.get(zod);
  if (!js) {
    js = z.toJSONSchema(zod, { unrepresentable: "any" }) as Record<string, unknown>;
    jsonSchemaCache.set(zod, js);
  }
  return js;
}

/**
 * Extracts a JSON value from messy model output. Tries, in order: the whole text; the contents of
 * each Markdown code fence; each balanced `{…}` / `[…]` span from left to right. Each attempt is
 * retried with trailing commas removed (outside strings).
 *
 * @param text Model output.
 * @returns The first value that parses, or `undefined` when there is none.
 *
 * @example Fenced JSON with prose and a trailing comma
 * ```ts
 * import { extractJson } from "./structured.ts";
 * const fence = "`".repeat(3);
 * const v = extractJson(`Sure! Here it is:\n${fence}json\n{"a": [1, 2,],}\n${fence}\nHope it helps.`);
 * if (JSON.stringify(v) !== '{"a":[1,2]}') throw new Error("extraction failed");
 * if (extractJson("no json here") !== undefined) throw new Error("expected undefined");
 * ```
 */
export function extractJson(text: string): unknown | undefined {
  if (typeof text !== "string") return undefined;
  const attempts: string[] = [text.trim()];
  for (const m of text.matchAll(/```[a-zA-Z0-9_-]*[ \t]*\r?\n?([\s\S]*?)```/g)) {
    attempts.push(m[1].trim());
  }
  for (const attempt of attempts) {
    const value = tryParse(attempt);
    if (value !== undefined) return value;
  }
  for (const span of balancedSpans(text)) {
    const value = tryParse(span);
    if (value !== undefined) return value;
  }
  return undefined;
}

function tryParse(text: string): unknown | undefined {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // fall through to the repaired form
  }
  const repaired = removeTrailingCommas(text);
  if (repaired === text) return undefined;
  try {
    return JSON.parse(repaired);
  } catch {
    return undefined;
  }
}

/** Removes commas that directly precede `}` or `]` (ignoring whitespace), outside string literals. */
function removeTrailingCommas(text: string): string {
  let out = "";
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      out += c;
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    if (c === ",") {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j])) j++;
      if (text[j] === "}" || text[j] === "]") continue;
    }
    out += c;
  }
  return out;
}

/** Yields every balanced `{…}` or `[…]` span (string-aware), outermost first, left to right. */
function* balancedSpans(text: string): Generator<string> {
  for (let start = 0; start < text.length; start++) {
    const open = text[start];
    if (open !== "{" && open !== "[") continue;
    const end = matchClose(text, start);
    if (end !== -1) yield text.slice(start, end + 1);
  }
}

function matchClose(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  let escaped = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === "\\") escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{" || c === "[") stack.push(c === "{" ? "}" : "]");
    else if (c === "}" || c === "]") {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** Formats a zod error compactly: `path: message; …`. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 8)
    .map((i) => `${i.path.length ? i.path.map(String).join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}

function parseWith<T>(
  schema: z.ZodType<T>,
  raw: string,
): { ok: true; value: T } | { ok: false; error: string } {
  const json = extractJson(raw);
  if (json === undefined) return { ok: false, error: "no JSON value found in the answer" };
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    error: `the JSON does not match the schema: ${describeIssues(parsed.error)}`,
  };
}

/**
 * Asks a provider for structured output and parses it with a zod schema. Sends
 * `options.jsonSchema = z.toJSONSchema(schema)`, extracts JSON from messy text ({@linkcode extractJson}),
 * and when the answer is still invalid re-asks once, showing the bad answer and the validation
 * error. The returned `response` is the last one, with `usage` summed over both attempts. Provider
 * errors (infrastructure) propagate; invalid output never throws: it yields `{ ok: false }` and one
 * `onParseFailure` call.
 *
 * @param provider The model to ask.
 * @param messages The conversation.
 * @param schema The zod schema the answer must satisfy.
 * @param options Chat options and `onParseFailure`.
 * @returns The parsed value, or a typed failure with the raw text.
 *
 * @example A fenced answer parses
 * ```ts
 * import { z } from "zod";
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * import { generateStructured } from "./structured.ts";
 * const fence = "`".repeat(3);
 * const p = createScriptedProvider({ respond: () => `Here:\n${fence}json\n{"n": 3}\n${fence}` });
 * const r = await generateStructured(p, [{ role: "user", content: "n?" }], z.object({ n: z.number() }));
 * if (!r.ok || r.value.n !== 3) throw new Error("expected n = 3");
 * ```
 */
export async function generateStructured<T>(
  provider: Provider,
  messages: Message[],
  schema: Schema<T>,
  options: GenerateStructuredOptions = {},
): Promise<StructuredResult<T>> {
  if (!provider || typeof provider.chat !== "function") {
    throw new TypeError(`generateStructured: provider must implement chat(), got ${provider}`);
  }
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new TypeError("generateStructured: messages must be a non-empty array");
  }
  if (!(schema instanceof z.ZodType)) {
    throw new TypeError("generateStructured: schema must be a zod schema");
  }
  const zod = zodOf<T>(schema);
  const { onParseFailure, ...chatOptions } = options;
  const jsonSchema = jsonSchemaFor(zod);
  const first = await provider.chat(messages, { ...chatOptions, jsonSchema });
  const firstParse = parseWith<T>(zod, first.text);
  if (firstParse.ok) return { ok: true, value: firstParse.value, response: first, raw: first.text };

  const reask: Message[] = [
    ...messages,
    { role: "assistant", content: first.text },
    {
      role: "user",
      content: `Your previous answer could not be used: ${firstParse.error}.\n` +
        `Reply again with only a JSON value that matches this JSON schema, with no prose and no code fences:\n` +
        JSON.stringify(jsonSchema),
    },
  ];
  // The re-asked answer replaces the streamed one.
  if (chatOptions.onToken && first.text !== "") chatOptions.onStreamRestart?.();
  const second = await provider.chat(reask, { ...chatOptions, jsonSchema });
  const response: ChatResponse = {
    ...second,
    usage: {
      inputTokens: first.usage.inputTokens + second.usage.inputTokens,
      outputTokens: first.usage.outputTokens + second.usage.outputTokens,
    },
  };
  const secondParse = parseWith<T>(zod, second.text);
  if (secondParse.ok) return { ok: true, value: secondParse.value, response, raw: second.text };
  const error = `after one re-ask: ${secondParse.error}`;
  onParseFailure?.(error);
  return { ok: false, error, raw: second.text, response };
}
