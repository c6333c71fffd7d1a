/**
 * Strict input reading: JSONL where every bad line is reported with its file, line number and the
 * failing field, and the text and JSON file readers whose errors name the file.
 *
 * @module
 */
import type { Schema } from "../schemas/schema.ts";

/** An input file problem that names the file, line and field. Callers (the CLI) map it to exit 2. */
export class InputError extends Error {
  /** File the problem is in. */
  readonly file: string;
  /** 1-based line number, when known. */
  readonly line?: number;
  /** Dotted path of the failing field, when known. */
  readonly field?: string;
  /**
   * Creates an input error whose message starts with `file:line`.
   *
   * @param file File the problem is in.
   * @param message What is wrong.
   * @param options Line and field.
   */
  constructor(file: string, message: string, options: { line?: number; field?: string } = {}) {
    const where = `${file}${options.line !== undefined ? `:${options.line}` : ""}`;
    const field = options.field ? ` (field "${options.field}")` : "";
    super(`${where}: ${message}${field}`);
    this.name = "InputError";
    this.file = file;
    this.line = options.line;
    this.field = options.field;
  }
}

/** Options for {@linkcode parseJsonl}. */
export interface ParseJsonlOptions {
  /** Name used in error messages. @default "<input>" */
  file?: string;
  /** Skip an unparseable *last* line (a journal torn by a kill). @default false */
  allowTornTail?: boolean;
}

/**
 * Parses JSONL text and validates each row with a zod schema. Blank lines are skipped.
 *
 * @param text The JSONL content.
 * @param schema Row schema.
 * @param options File name for errors; torn-tail tolerance.
 * @returns The parsed rows.
 * @throws {InputError} naming the line and field of the first bad row.
 *
 * @example Parse rows
 * ```ts
 * import { z } from "zod";
 * import { parseJsonl } from "./jsonl.ts";
 * const rows = parseJsonl('{"a":1}\n{"a":2}\n', z.object({ a: z.number() }));
 * if (rows.length !== 2) throw new Error();
 * ```
 */
export function parseJsonl<T>(
  text: string,
  schema: Schema<T>,
  options: ParseJsonlOptions = {},
): T[] {
  const file = options.file ?? "<input>";
  const lines = text.split("\n");
  let last = lines.length - 1;
  while (last >= 0 && lines[last].trim() === "") last--;
  const rows: T[] = [];
  for (let i = 0; i <= last; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      if (options.allowTornTail && i === last) break;
      throw new InputError(file, `invalid JSON: ${(error as Error).message}`, { line: i + 1 });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(file, issue.message, {
        line: i + 1,
        field: issue.path.map(String).join(".") || undefined,
      });
    }
    rows.push(parsed.data);
  }
  return rows;
}

/**
 * Reads and validates a JSONL file.
 *
 * @param path File to read.
 * @param schema Row schema.
 * @param options Torn-tail tolerance.
 * @returns The parsed rows.
 * @throws {InputError} when the file is missing or a row is bad.
 *
 * @example Read a file
 * ```ts
 * import { z } from "zod";
 * import { readJsonl } from "./jsonl.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/x.jsonl`, '{"a":1}\n');
 * const rows = await readJsonl(`${dir}/x.jsonl`, z.object({ a: z.number() }));
 * if (rows[0].a !== 1) throw new Error();
 * ```
 */
export async function readJsonl<T>(
  path: string,
  schema: Schema<T>,
  options: Omit<ParseJsonlOptions, "file"> = {},
): Promise<T[]> {
  return parseJsonl(await readTextInput(path), schema, { ...options, file: path });
}

/**
 * Reads an input text file; a missing file is an {@linkcode InputError} naming it.
 *
 * @param path File to read.
 * @returns Its text.
 * @throws {InputError} "file not found" for a missing file (other I/O errors are rethrown).
 *
 * @example
 * ```ts
 * import { readTextInput } from "./jsonl.ts";
 * const error = await readTextInput("/nonexistent/x.txt").catch((e) => e);
 * if (error.message !== "/nonexistent/x.txt: file not found") throw new Error(error.message);
 * ```
 */
export async function readTextInput(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new InputError(path, "file not found");
    throw error;
  }
}

/**
 * Reads and parses an input JSON file; every failure is an {@linkcode InputError} naming it.
 *
 * @param path File to read.
 * @returns The parsed value (unvalidated).
 * @throws {InputError} "file not found", "unreadable: …" or "invalid JSON: …".
 *
 * @example
 * ```ts
 * import { readJsonInput } from "./jsonl.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/bad.json`, "{nope");
 * const error = await readJsonInput(`${dir}/bad.json`).then(() => new Error("parsed"), (e: Error) => e);
 * if (!error.message.includes("bad.json: invalid JSON")) throw new Error(error.message);
 * ```
 */
export async function readJsonInput(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readTextInput(path);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(path, `unreadable: ${error}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(path, `invalid JSON: ${(error as Error).message}`);
  }
}

/**
 * Reads a text file that may not exist yet (a journal, an earlier run's output).
 *
 * @param path File to read.
 * @returns Its text, or undefined when there is no such file (other I/O errors are rethrown).
 *
 * @example
 * ```ts
 * import { readTextIfExists } from "./jsonl.ts";
 * if (await readTextIfExists("/nonexistent/journal.jsonl") !== undefined) throw new Error();
 * ```
 */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
