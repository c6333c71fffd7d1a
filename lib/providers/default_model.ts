/**
 * The one place the embedded engine's default model is named: a small instruct model for code and
 * short critiques on a CPU, by Hugging Face repository, file and revision. Its size and SHA-256 are
 * not written here: they come from the hub's own file metadata at the first download and are then
 * pinned in a lock file (`models.lock.json`, see `ensureHfModel`).
 *
 * @module
 */

/** A model file on the Hugging Face hub. */
export interface DefaultGgufModel {
  /** Repository, `<owner>/<name>`. */
  repo: string;
  /** File path inside the repository. */
  file: string;
  /** Git revision (branch, tag or commit); the lock file records the commit it resolved to. */
  revision: string;
  /** SPDX licence of the weights. */
  licence: string;
  /** Rough size for the download prompt (the exact size comes from the hub). */
  approxBytes: number;
  /** Context size the demo asks for (tokens; the model was trained on more). */
  contextSize: number;
}

/**
 * The default model of `deno task demo --local`: Qwen2.5-Coder-1.5B-Instruct, 4-bit (Q4_K_M), from
 * Qwen's own GGUF repository. Apache-2.0 (commercial use and redistribution allowed), trained for code,
 * and small enough for a laptop CPU.
 */
export const DEFAULT_GGUF_MODEL: DefaultGgufModel = Object.freeze({
  repo: "Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF",
  file: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
  revision: "main",
  licence: "Apache-2.0",
  approxBytes: 1_000_000_000,
  contextSize: 4096,
});

/**
 * The `hf:` spec of a hub model file, `hf:<owner>/<name>@<revision>/<file>`.
 *
 * @param model The model. @default DEFAULT_GGUF_MODEL
 * @returns The spec, accepted wherever a llama.cpp model is.
 *
 * @example
 * ```ts
 * import { defaultGgufSpec } from "./default_model.ts";
 * const spec = defaultGgufSpec({ repo: "u/r", file: "m.gguf", revision: "v1" });
 * if (spec !== "hf:u/r@v1/m.gguf") throw new Error(spec);
 * ```
 */
export function defaultGgufSpec(
  model: Pick<DefaultGgufModel, "repo" | "file" | "revision"> = DEFAULT_GGUF_MODEL,
): string {
  return `hf:${model.repo}@${model.revision}/${model.file}`;
}
