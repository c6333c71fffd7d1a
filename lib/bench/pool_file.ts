/**
 * Reading a pool back: `pool.jsonl` (every row validated; a bad row is an `InputError` naming the
 * file, line and field) and what `pool.manifest.json` says the pool is.
 *
 * @module
 */
import { z } from "zod";
import { InputError, readJsonInput, readJsonl } from "../util/jsonl.ts";
import { type PoolRow, PoolRowSchema } from "./pool_row.ts";
import { POOL_GATES, type PoolInfo } from "./pool.ts";

/**
 * Reads and validates `pool.jsonl`; repeated (id, seed, sample) rows are refused.
 *
 * @param path The file.
 * @returns The rows, in file order.
 * @throws {InputError} naming the file, line and field of the first bad row.
 *
 * @example
 * ```ts
 * import { readPoolFile } from "./pool_file.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/pool.jsonl`, '{"id": "q", "seed": 0}\n');
 * const error = await readPoolFile(`${dir}/pool.jsonl`).catch((e) => e);
 * if (!String(error.message).includes("pool.jsonl:1")) throw new Error(error.message);
 * ```
 */
export async function readPoolFile(path: string): Promise<PoolRow[]> {
  const rows = await readJsonl(path, PoolRowSchema);
  const seen = new Map<string, number>();
  // Blank lines are skipped by the reader, so line numbers are recovered from the text.
  const text = await Deno.readTextFile(path);
  const lines = text.split("\n").map((l, i) => ({ l, i })).filter((x) => x.l.trim() !== "");
  rows.forEach((r, k) => {
    const key = `${r.id}\u0000${r.seed}\u0000${r.sample}`;
    if (seen.has(key)) {
      throw new InputError(
        path,
        `repeats id "${r.id}", seed ${r.seed}, sample ${r.sample} (first at line ${seen.get(key)})`,
        { line: lines[k].i + 1, field: "sample" },
      );
    }
    seen.set(key, lines[k].i + 1);
  });
  return rows;
}

const infoObject = z.object({
  run: z.string(),
  task: z.string(),
  dataset: z.string(),
  items: z.number().int().min(0),
  seeds: z.array(z.number().int()),
  initial: z.number().int().positive(),
  repairs: z.number().int().min(0),
  critic: z.string(),
  gate: z.enum(POOL_GATES as [PoolInfo["gate"], ...PoolInfo["gate"][]]),
  student: z.string(),
  criticModel: z.string().nullable(),
  simulated: z.boolean(),
  answerKey: z.array(z.string()),
  scoreTests: z.enum(["hidden", "all"]).optional(),
});

/**
 * Reads what `pool.manifest.json` says the pool is.
 *
 * @param path The manifest.
 * @returns The pool's description.
 * @throws {InputError} naming the file and field.
 *
 * @example
 * ```ts
 * import { readPoolInfo } from "./pool_file.ts";
 * const error = await readPoolInfo("/nonexistent/pool.manifest.json").catch((e) => e);
 * if (!String(error.message).includes("file not found")) throw new Error();
 * ```
 */
export async function readPoolInfo(path: string): Promise<PoolInfo> {
  const parsed = infoObject.safeParse(await readJsonInput(path));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(path, issue.message, { field: issue.path.join(".") || undefined });
  }
  return parsed.data;
}
