/**
 * Crash-safe file writes: write to a temporary file beside the target, then rename over it, so a
 * kill never leaves a half-written file.
 *
 * @module
 */
import { dirname } from "node:path";

/**
 * Writes text to `path` atomically (temp file + rename), creating parent directories.
 *
 * @param path Target file.
 * @param text Content.
 *
 * @example Write a file
 * ```ts
 * import { writeTextAtomic } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await writeTextAtomic(`${dir}/a/b.txt`, "hi");
 * if (await Deno.readTextFile(`${dir}/a/b.txt`) !== "hi") throw new Error();
 * ```
 */
export async function writeTextAtomic(path: string, text: string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeTextFile(tmp, text);
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}

/**
 * Writes a value as pretty JSON atomically.
 *
 * @param path Target file.
 * @param value Any JSON-compatible value.
 *
 * @example Write JSON
 * ```ts
 * import { writeJsonAtomic } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await writeJsonAtomic(`${dir}/x.json`, { a: 1 });
 * if (JSON.parse(await Deno.readTextFile(`${dir}/x.json`)).a !== 1) throw new Error();
 * ```
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await writeTextAtomic(path, JSON.stringify(value, null, 2) + "\n");
}

/**
 * Appends one JSON record as a single line. Each append is one `write` of a whole line, so an
 * interrupted run leaves at most one torn final line, which {@linkcode readJsonl} readers of
 * journals can skip with `allowTornTail`.
 *
 * @param path Journal file (created when missing).
 * @param record Any JSON-compatible value.
 *
 * @example Append two records
 * ```ts
 * import { appendJsonLine } from "./atomic.ts";
 * const dir = await Deno.makeTempDir();
 * await appendJsonLine(`${dir}/j.jsonl`, { a: 1 });
 * await appendJsonLine(`${dir}/j.jsonl`, { a: 2 });
 * if ((await Deno.readTextFile(`${dir}/j.jsonl`)).split("\n").length !== 3) throw new Error();
 * ```
 */
export async function appendJsonLine(path: string, record: unknown): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify(record) + "\n", { append: true });
}
