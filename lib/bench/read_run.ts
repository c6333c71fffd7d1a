/**
 * Reading a finished benchmark run directory back: its manifest and records.
 *
 * @module
 */
import { basename } from "node:path";
import { InputError, readJsonInput, readJsonl } from "../util/jsonl.ts";
import { type ItemResult, ItemResultSchema } from "./records.ts";

/** What a run directory holds that its readers need. */
export interface RunFiles {
  /** The run directory, as given. */
  dir: string;
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
  const manifest = await readJsonInput(manifestPath);
  if (manifest === null || typeof manifest !== "object" || Array.isArray(manifest)) {
    throw new InputError(manifestPath, "not a JSON object");
  }
  const records = await readJsonl(`${dir}/items.jsonl`, ItemResultSchema);
  return {
    dir,
    name: basename(dir) || dir,
    manifest: manifest as Record<string, unknown>,
    records,
  };
}
