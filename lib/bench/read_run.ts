/**
 * Reading a finished benchmark run directory back: its manifest and records.
 *
 * @module
 */
import { InputError, readJsonl } from "../util/jsonl.ts";
import { type ItemResult, ItemResultSchema } from "./records.ts";

/** What a run directory holds that its readers need. */
export interface RunFiles {
  /** The directory's last path segment. */
  name: string;
  /** `manifest.json`, parsed. */
  manifest: Record<string, unknown>;
  /** `items.jsonl`, validated. */
  records: ItemResult[];
}

/**
 * Reads `manifest.json` and `items.jsonl` of a benchmark run directory.
 *
 * @param dir The run's output directory.
 * @returns Its name, manifest and records.
 * @throws {InputError} naming the missing or malformed file (and line, for records).
 *
 * @example A directory without a run is an input error naming the manifest
 * ```ts
 * import { readRunFiles } from "./read_run.ts";
 * const error = await readRunFiles(await Deno.makeTempDir()).catch((e) => e);
 * if (!String(error.message).includes("manifest.json: file not found")) throw new Error();
 * ```
 */
export async function readRunFiles(dir: string): Promise<RunFiles> {
  const manifestPath = `${dir}/manifest.json`;
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(await Deno.readTextFile(manifestPath));
  } catch (error) {
    throw new InputError(
      manifestPath,
      error instanceof Deno.errors.NotFound ? "file not found" : `unreadable: ${error}`,
    );
  }
  const records = await readJsonl(`${dir}/items.jsonl`, ItemResultSchema);
  return { name: dir.replace(/\/+$/, "").split("/").pop() || dir, manifest, records };
}
