/**
 * Prompt input of `cai run`: `-p/--prompt` values and `-f/--prompts-file`, a text file with one
 * prompt per line or JSONL rows `{"prompt": …}` / `{"id": …, "prompt": …}` (detected from the first
 * non-blank line). Errors name the file, line and field.
 *
 * @module
 */
import { z } from "zod";
import type { Item } from "../lib/schemas/item.ts";
import { InputError } from "../lib/util/jsonl.ts";
import { UsageError } from "./_cli.ts";

/** One JSONL row of a prompts file. */
export const PromptRowSchema = z.object({
  id: z.string().min(1, "must be a non-empty string").optional(),
  prompt: z.string().refine((s) => s.trim() !== "", "must be a non-empty string"),
}).strict();
/** One JSONL row of a prompts file. */
export type PromptRow = z.infer<typeof PromptRowSchema>;

/** Options for {@linkcode parsePromptsFile}. */
export interface ParsePromptsOptions {
  /** File name used in error messages. @default "<prompts>" */
  file?: string;
}

/**
 * Parses the text of a prompts file. When the first non-blank line starts with `{` the file is
 * JSONL (every non-blank line an object with a non-empty `prompt` and an optional `id`); otherwise
 * every non-blank line is one prompt. Rows without an id get `line-<n>` (their 1-based line).
 *
 * @param text The file content.
 * @param options File name for error messages.
 * @returns The items, in file order.
 * @throws {InputError} naming the file, line and field of the first bad row, or a duplicate id.
 *
 * @example Text and JSONL
 * ```ts
 * import { parsePromptsFile } from "./cai_prompts.ts";
 * const text = parsePromptsFile("What is DNS?\n\nExplain TCP.\n");
 * if (text.length !== 2 || text[1].id !== "line-3") throw new Error();
 * const jsonl = parsePromptsFile('{"id": "q1", "prompt": "Hi?"}\n{"prompt": "Bye?"}\n');
 * if (jsonl[0].id !== "q1" || jsonl[1].id !== "line-2") throw new Error();
 * ```
 */
export function parsePromptsFile(text: string, options: ParsePromptsOptions = {}): Item[] {
  if (typeof text !== "string") {
    throw new TypeError(`parsePromptsFile: text must be a string, got ${typeof text}`);
  }
  const file = options.file ?? "<prompts>";
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const first = lines.find((l) => l.trim() !== "");
  if (first === undefined) throw new InputError(file, "no prompts in the file");
  const jsonl = first.trimStart().startsWith("{");
  const items: Item[] = [];
  const seen = new Map<string, number>();
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    let item: Item;
    if (!jsonl) {
      item = { id: `line-${line}`, prompt: raw.trim() };
    } else {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch (error) {
        throw new InputError(file, `invalid JSON: ${(error as Error).message}`, { line });
      }
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new InputError(file, `expected a JSON object like {"prompt": "…"}`, { line });
      }
      const parsed = PromptRowSchema.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue.code === "unrecognized_keys"
          ? issue.keys[0]
          : issue.path.map(String).join(".") || "prompt";
        const message = issue.code === "unrecognized_keys"
          ? `unknown field (rows have "prompt" and optional "id")`
          : issue.code === "invalid_type" && !Object.hasOwn(value, field)
          ? "missing required field"
          : issue.message;
        throw new InputError(file, message, { line, field });
      }
      item = { id: parsed.data.id ?? `line-${line}`, prompt: parsed.data.prompt };
    }
    const previous = seen.get(item.id);
    if (previous !== undefined) {
      throw new InputError(file, `duplicate id "${item.id}" (first on line ${previous})`, {
        line,
        field: "id",
      });
    }
    seen.set(item.id, line);
    items.push(item);
  });
  return items;
}

/** Options for {@linkcode collectPrompts}. */
export interface CollectPromptsOptions {
  /** Prompts given on the command line (`-p`, repeatable). @default [] */
  prompts?: readonly string[];
  /** A prompts file (`-f`). @default undefined */
  file?: string;
}

/**
 * Gathers the items of a run: command-line prompts first (ids `prompt-1`, `prompt-2`, …), then the
 * prompts file.
 *
 * @param options Command-line prompts and the prompts file.
 * @returns The items (at least one).
 * @throws {InputError} for an unreadable or malformed file.
 * @throws {UsageError} for an empty `--prompt` or no prompts at all.
 *
 * @example Command-line prompts
 * ```ts
 * import { collectPrompts } from "./cai_prompts.ts";
 * const items = await collectPrompts({ prompts: ["Name a prime."] });
 * if (items[0].id !== "prompt-1") throw new Error();
 * ```
 */
export async function collectPrompts(options: CollectPromptsOptions = {}): Promise<Item[]> {
  const items: Item[] = [];
  (options.prompts ?? []).forEach((prompt, i) => {
    if (typeof prompt !== "string" || prompt.trim() === "") {
      throw new UsageError(`--prompt ${i + 1} is empty`);
    }
    items.push({ id: `prompt-${i + 1}`, prompt });
  });
  if (options.file !== undefined) {
    let text: string;
    try {
      text = await Deno.readTextFile(options.file);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) {
        throw new InputError(options.file, "file not found");
      }
      if (error instanceof Deno.errors.IsADirectory) {
        throw new InputError(options.file, "is a directory, not a prompts file");
      }
      throw new InputError(options.file, `cannot read: ${(error as Error).message}`);
    }
    const fromFile = parsePromptsFile(text, { file: options.file });
    const ids = new Set(items.map((i) => i.id));
    for (const item of fromFile) {
      if (ids.has(item.id)) {
        throw new InputError(options.file, `id "${item.id}" is also a --prompt id`, {
          field: "id",
        });
      }
      items.push(item);
    }
  }
  if (items.length === 0) {
    throw new UsageError("no prompts: give -p/--prompt or -f/--prompts-file");
  }
  return items;
}
