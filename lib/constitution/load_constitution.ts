/**
 * Loads constitutions from files: a base plus overlays, or the shipped default `constitution.md`.
 *
 * @module
 */
import type { Constitution } from "./constitution.ts";
import { ConstitutionError } from "./constitution.ts";
import { mergeConstitutions } from "./merge_constitutions.ts";
import { parseConstitution } from "./parse_constitution.ts";

/** Where the shipped default constitution lives (the package's `constitution.md`). */
export const DEFAULT_CONSTITUTION_URL: URL = new URL("../../constitution.md", import.meta.url);

/** Options for {@linkcode loadConstitution}. */
export interface LoadConstitutionOptions {
  /**
   * Use the shipped default constitution as the base and treat every given path as an overlay.
   * @default false
   */
  defaultBase?: boolean;
}

async function readSource(source: string | URL): Promise<string> {
  const name = source instanceof URL ? source.href : source;
  try {
    if (source instanceof URL && source.protocol !== "file:") {
      const response = await fetch(source);
      if (!response.ok) {
        await response.body?.cancel();
        throw new ConstitutionError(name, `cannot fetch (HTTP ${response.status})`);
      }
      return await response.text();
    }
    return await Deno.readTextFile(source);
  } catch (error) {
    if (error instanceof ConstitutionError) throw error;
    if (error instanceof Deno.errors.NotFound) {
      throw new ConstitutionError(name, "constitution file not found");
    }
    if (error instanceof Deno.errors.IsADirectory) {
      throw new ConstitutionError(name, "is a directory, not a constitution file");
    }
    throw error;
  }
}

function displayName(source: string | URL): string {
  if (typeof source === "string") return source;
  return source.protocol === "file:" ? decodeURIComponent(source.pathname) : source.href;
}

/**
 * Loads a constitution. With no paths, the shipped default (`constitution.md`) is loaded. Otherwise
 * the first path is the base and the others are overlays merged in order (see
 * `mergeConstitutions`); with `defaultBase` every path is an overlay on the default. A path that
 * does not exist is an error — there is never a silent fallback to the default.
 *
 * @param paths One path, or a list (base first). @default []
 * @param options Whether the default is the base.
 * @returns The merged constitution with its content hash.
 * @throws {ConstitutionError} for missing files and any parse or merge problem.
 *
 * @example Load a base and an overlay
 * ```ts
 * import { loadConstitution } from "./load_constitution.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/base.md`, "## Clarity\n\nBe clear.\n");
 * await Deno.writeTextFile(`${dir}/extra.md`, "## Risk\n\nState risks.\n");
 * const c = await loadConstitution([`${dir}/base.md`, `${dir}/extra.md`]);
 * if (c.principles.length !== 2 || c.sources.length !== 2) throw new Error();
 * ```
 */
export async function loadConstitution(
  paths: string | readonly string[] = [],
  options: LoadConstitutionOptions = {},
): Promise<Constitution> {
  const list = typeof paths === "string" ? [paths] : paths;
  if (!Array.isArray(list)) {
    throw new TypeError(
      `loadConstitution: paths must be a string or an array, got ${typeof paths}`,
    );
  }
  for (const p of list) {
    if (typeof p !== "string" || p.trim() === "") {
      throw new TypeError(
        `loadConstitution: every path must be a non-empty string, got ${String(p)}`,
      );
    }
  }
  const sources: (string | URL)[] = options.defaultBase || list.length === 0
    ? [DEFAULT_CONSTITUTION_URL, ...list]
    : [...list];
  const parsed: Constitution[] = [];
  for (const source of sources) {
    const text = await readSource(source);
    parsed.push(parseConstitution(text, { file: displayName(source) }));
  }
  return parsed.length === 1 ? parsed[0] : mergeConstitutions(parsed[0], parsed.slice(1));
}
