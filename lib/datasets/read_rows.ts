/**
 * Reading a dataset file — JSONL, gzip-compressed `.jsonl.gz`, or Parquet (how Hugging Face
 * publishes datasets) — into parsed rows with their 1-based line (Parquet: row) numbers, the first
 * step of every loader; errors name the file and line.
 *
 * @module
 */
import { basename, extname } from "node:path";
import { InputError, readTextInput } from "../util/jsonl.ts";

/**
 * The text of a dataset file: read as is, or gunzipped when the name ends in `.gz` (Deno's
 * built-in `DecompressionStream`, no dependency).
 *
 * @param path The file.
 * @returns Its (decompressed) text.
 * @throws {InputError} "file not found", or "not a readable gzip file: …" for a corrupt `.gz`.
 *
 * @example A gzipped file reads like the plain one
 * ```ts
 * import { readDatasetText } from "./read_rows.ts";
 * const path = await Deno.makeTempFile({ suffix: ".jsonl.gz" });
 * const gz = new Blob(['{"a":1}\n']).stream().pipeThrough(new CompressionStream("gzip"));
 * await Deno.writeFile(path, new Uint8Array(await new Response(gz).arrayBuffer()));
 * if ((await readDatasetText(path)) !== '{"a":1}\n') throw new Error();
 * ```
 */
export async function readDatasetText(path: string): Promise<string> {
  if (!/\.gz$/i.test(path)) return await readTextInput(path);
  const bytes = await readInputBytes(path);
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return await new Response(stream).text();
  } catch (error) {
    throw new InputError(path, `not a readable gzip file: ${(error as Error).message}`);
  }
}

/**
 * The rows of a Parquet file as plain JSON values, numbered from 1 (the number stands in for the
 * line in errors). Read with the pure-JS `hyparquet` (snappy and uncompressed pages), imported only
 * when a Parquet file is read. A null cell is an absent field; 64-bit integers become numbers when
 * they are safe integers (else decimal strings); dates become ISO strings.
 *
 * @param path The `.parquet` file.
 * @returns The rows with their numbers.
 * @throws {InputError} "file not found", or "not a readable Parquet file: …" (corrupt, or a
 *   compression codec hyparquet does not decode).
 *
 * @example A missing file is named
 * ```ts
 * import { readParquetRows } from "./read_rows.ts";
 * const e = await readParquetRows("/nonexistent/d.parquet").catch((e) => e);
 * if (!String(e.message).includes("d.parquet: file not found")) throw e;
 * ```
 */
export async function readParquetRows(path: string): Promise<NumberedRow[]> {
  const bytes = await readInputBytes(path);
  let rows: Record<string, unknown>[];
  try {
    const { parquetReadObjects } = await import("hyparquet");
    rows = await parquetReadObjects({ file: bytes.buffer });
  } catch (error) {
    throw new InputError(path, `not a readable Parquet file: ${(error as Error).message}`);
  }
  return rows.map((row, i) => ({ row: plainJson(row), line: i + 1 }));
}

/** A Parquet cell as JSON: bigints to numbers (or strings), dates to ISO text, null fields dropped. */
function plainJson(value: unknown): unknown {
  if (typeof value === "bigint") {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plainJson);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).filter(([, v]) => v !== null && v !== undefined).map((
        [k, v],
      ) => [k, plainJson(v)]),
    );
  }
  return value;
}

/** The bytes of an input file; a missing file is an InputError naming it. */
async function readInputBytes(path: string): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new InputError(path, "file not found");
    throw error;
  }
}

/**
 * A dataset file's name without its directory and extensions (`.gz` first, then one more), so
 * `gsm8k.jsonl` and `gsm8k.jsonl.gz` share the stem `gsm8k` (and hence their derived item ids).
 *
 * @param path The file.
 * @returns The stem.
 *
 * @example
 * ```ts
 * import { datasetStem } from "./read_rows.ts";
 * if (datasetStem("/d/gsm8k.jsonl.gz") !== "gsm8k" || datasetStem("x.jsonl") !== "x") throw new Error();
 * ```
 */
export function datasetStem(path: string): string {
  const name = basename(path).replace(/\.gz$/i, "");
  return basename(name, extname(name));
}

/** One parsed row and the line it came from. */
export interface NumberedRow {
  /** The parsed JSON value. */
  row: unknown;
  /** 1-based line number in the file. */
  line: number;
}

/**
 * Reads the first `limit` non-blank lines of a JSONL (or `.jsonl.gz`) file as JSON, or the first
 * `limit` rows of a `.parquet` file (see {@linkcode readParquetRows}).
 *
 * @param path The file.
 * @param limit How many rows at most. @default Infinity
 * @returns The rows with their line numbers.
 * @throws {TypeError} when `path` is not a non-empty string.
 * @throws {RangeError} when `limit` is negative.
 * @throws {InputError} for a missing file or a line that is not JSON (file and line named).
 *
 * @example
 * ```ts
 * import { readNumberedRows } from "./read_rows.ts";
 * const path = await Deno.makeTempFile({ suffix: ".jsonl" });
 * await Deno.writeTextFile(path, '{"a":1}\n\n{"a":2}\n');
 * const rows = await readNumberedRows(path);
 * if (rows.length !== 2 || rows[1].line !== 3) throw new Error();
 * ```
 */
export async function readNumberedRows(path: string, limit = Infinity): Promise<NumberedRow[]> {
  if (typeof path !== "string" || path === "") {
    throw new TypeError(
      `Cannot load a dataset from path: current value is ${JSON.stringify(path)}`,
    );
  }
  if (!(limit >= 0)) throw new RangeError(`Cannot load with limit >= 0: current value is ${limit}`);
  if (/\.parquet$/i.test(path)) return (await readParquetRows(path)).slice(0, limit);
  const text = await readDatasetText(path);
  const rows: NumberedRow[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length && rows.length < limit; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    try {
      rows.push({ row: JSON.parse(line), line: i + 1 });
    } catch (error) {
      throw new InputError(path, `invalid JSON: ${(error as Error).message}`, { line: i + 1 });
    }
  }
  return rows;
}

/**
 * Remembers an item id and the line it is on, refusing a duplicate.
 *
 * @param seen Ids seen so far, with their lines (updated).
 * @param id The item's id.
 * @param file The file, for the error.
 * @param line The item's 1-based line.
 * @throws {InputError} naming the line of both occurrences when the id was seen before.
 *
 * @example
 * ```ts
 * import { claimId } from "./read_rows.ts";
 * const seen = new Map<string, number>();
 * claimId(seen, "a", "d.jsonl", 1);
 * let threw = false;
 * try { claimId(seen, "a", "d.jsonl", 4); } catch { threw = true; }
 * if (!threw) throw new Error();
 * ```
 */
export function claimId(seen: Map<string, number>, id: string, file: string, line: number): void {
  const first = seen.get(id);
  if (first !== undefined) {
    throw new InputError(file, `duplicate id "${id}" (first on line ${first})`, {
      line,
      field: "id",
    });
  }
  seen.set(id, line);
}
