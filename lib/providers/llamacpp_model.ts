/**
 * Which GGUF file a local model spec names, and getting it onto disk: a path (`"models/x.gguf"`), a
 * Hugging Face file (`"hf:<user>/<repo>/<file>.gguf"`, downloaded once into the cache with a checksum
 * check), or the default from `AUTOCONSTITUTION_GGUF`.
 *
 * @module
 */
import { statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Env, readEnv } from "./env.ts";
import { autoconstitutionCacheDir } from "./llamacpp_engine.ts";
import { type DownloadProgress, downloadWithChecksum } from "./llamacpp_download.ts";
import { ProviderError } from "./types.ts";

/** The environment variable naming the default model (a path or an `hf:` spec). */
export const GGUF_ENV_VAR = "AUTOCONSTITUTION_GGUF";

/** A parsed `hf:<user>/<repo>[@revision]/<file>` spec. */
export interface HfModelSpec {
  /** Repository owner. */
  user: string;
  /** Repository name. */
  repo: string;
  /** Git revision (branch, tag or commit). */
  revision: string;
  /** File path inside the repository. */
  file: string;
}

/**
 * Parses `hf:<user>/<repo>[@revision]/<path/to/file.gguf>`.
 *
 * @param spec The spec.
 * @returns The parts; `revision` defaults to `main`.
 * @throws TypeError naming the spec when it is malformed.
 *
 * @example With and without a revision
 * ```ts
 * import { parseHfModelSpec } from "./llamacpp_model.ts";
 * const a = parseHfModelSpec("hf:karpathy/tinyllamas/stories260K/stories260K.gguf");
 * if (a.repo !== "tinyllamas" || a.revision !== "main" || a.file !== "stories260K/stories260K.gguf") {
 *   throw new Error();
 * }
 * if (parseHfModelSpec("hf:u/r@v1/m.gguf").revision !== "v1") throw new Error();
 * ```
 */
export function parseHfModelSpec(spec: string): HfModelSpec {
  const match = typeof spec === "string"
    ? /^hf:([A-Za-z0-9][\w.-]*)\/([\w.-]+?)(?:@([\w.\/-]+?))?\/(.+)$/.exec(spec)
    : null;
  if (!match || match[4].split("/").some((part) => part === "" || part === "." || part === "..")) {
    throw new TypeError(
      `model spec ${
        JSON.stringify(spec)
      } is not of the form "hf:<user>/<repo>[@revision]/<file>.gguf"`,
    );
  }
  return { user: match[1], repo: match[2], revision: match[3] ?? "main", file: match[4] };
}

/** Options shared by {@linkcode locateGgufModel} and {@linkcode resolveGgufModel}. */
export interface GgufModelOptions {
  /** Cache root; models go to `<cacheDir>/models/hf/...`. @default autoconstitutionCacheDir() */
  cacheDir?: string;
  /** Injected environment (`AUTOCONSTITUTION_GGUF`, `HF_ENDPOINT`, `HF_TOKEN`). @default Deno.env */
  env?: Env;
  /** Hugging Face endpoint. @default $HF_ENDPOINT or "https://huggingface.co" */
  hfEndpoint?: string;
}

/** Where a model spec points on disk. */
export interface GgufLocation {
  /** The spec that was used (given, or from `AUTOCONSTITUTION_GGUF`). */
  spec: string;
  /** `path` for a local file, `hf` for a Hugging Face file. */
  kind: "path" | "hf";
  /** Whether the spec came from the option or the environment. */
  from: "option" | "env";
  /** Absolute local path (for `hf`, the cache path). */
  path: string;
  /** True when `path` is an existing file. */
  exists: boolean;
  /** Download URL (for `hf`). */
  url?: string;
  /** A short name for records: the file name, or the `hf:` spec. */
  displayName: string;
}

/**
 * The help text listing the three ways to give a model.
 *
 * @param cacheDir The cache root shown in the text.
 * @returns A one-paragraph message.
 *
 * @example Mentions all three options
 * ```ts
 * import { ggufModelHelp } from "./llamacpp_model.ts";
 * const text = ggufModelHelp("/c");
 * if (!text.includes(".gguf") || !text.includes("hf:") || !text.includes("AUTOCONSTITUTION_GGUF")) {
 *   throw new Error(text);
 * }
 * ```
 */
export function ggufModelHelp(cacheDir: string): string {
  return `give a model in one of three ways: (1) model: "path/to/model.gguf" (a local GGUF file); ` +
    `(2) model: "hf:<user>/<repo>/<file>.gguf" (downloaded once into ${cacheDir}/models, ` +
    `needs network the first time); (3) set ${GGUF_ENV_VAR} to either of those`;
}

/**
 * The error to throw when fetching a model failed: a connection failure gains the ways to give a
 * model without network ({@linkcode ggufModelHelp}); anything else is returned unchanged.
 *
 * @param error What the fetch threw.
 * @param cacheDir The cache root shown in the help.
 * @returns The error to throw.
 *
 * @example A connection error gains the offline help
 * ```ts
 * import { withOfflineHelp } from "./llamacpp_model.ts";
 * import { ProviderError } from "./types.ts";
 * const e = withOfflineHelp(new ProviderError("llamacpp", "connection", "down"), "/c");
 * if (!(e instanceof ProviderError) || !e.message.includes("without network")) throw e;
 * ```
 */
export function withOfflineHelp(error: unknown, cacheDir: string): unknown {
  if (!(error instanceof ProviderError) || error.kind !== "connection") return error;
  return new ProviderError(
    "llamacpp",
    "connection",
    `${error.message.replace(/^llamacpp: connection: /, "")}; without network, ${
      ggufModelHelp(cacheDir)
    }`,
    { cause: error },
  );
}

/**
 * Works out where a model spec points, without any network access. Never downloads.
 *
 * @param spec A path or `hf:` spec; when undefined, `AUTOCONSTITUTION_GGUF` is used.
 * @param options Cache root, environment and endpoint.
 * @returns The location, or undefined when neither the spec nor the environment names a model.
 * @throws TypeError for a malformed `hf:` spec or a non-string spec.
 *
 * @example An hf: spec maps to a cache path
 * ```ts
 * import { locateGgufModel } from "./llamacpp_model.ts";
 * const loc = locateGgufModel("hf:u/r/m.gguf", { cacheDir: "/c", env: {} });
 * if (loc?.path !== "/c/models/hf/u/r/main/m.gguf" || loc.exists) throw new Error();
 * if (loc.url !== "https://huggingface.co/u/r/resolve/main/m.gguf") throw new Error(loc.url);
 * if (locateGgufModel(undefined, { env: {} }) !== undefined) throw new Error();
 * ```
 */
export function locateGgufModel(
  spec: string | undefined,
  options: GgufModelOptions = {},
): GgufLocation | undefined {
  if (spec !== undefined && (typeof spec !== "string" || spec.trim() === "")) {
    throw new TypeError(`model must be a non-empty string, got ${JSON.stringify(spec)}`);
  }
  const from = spec === undefined ? "env" : "option";
  const chosen = spec ?? readEnv(GGUF_ENV_VAR, options.env);
  if (chosen === undefined) return undefined;
  if (chosen.startsWith("hf:")) {
    const hf = parseHfModelSpec(chosen);
    const cacheDir = resolve(options.cacheDir ?? autoconstitutionCacheDir(options.env));
    const endpoint = (options.hfEndpoint ?? readEnv("HF_ENDPOINT", options.env) ??
      "https://huggingface.co").replace(/\/+$/, "");
    const path = join(
      cacheDir,
      "models",
      "hf",
      hf.user,
      hf.repo,
      hf.revision,
      ...hf.file.split("/"),
    );
    const fileUrl = hf.file.split("/").map(encodeURIComponent).join("/");
    return {
      spec: chosen,
      kind: "hf",
      from,
      path,
      exists: isFile(path),
      url: `${endpoint}/${hf.user}/${hf.repo}/resolve/${
        encodeURIComponent(hf.revision)
      }/${fileUrl}`,
      displayName: chosen,
    };
  }
  const path = resolve(chosen.startsWith("file://") ? fileURLToPath(chosen) : chosen);
  return {
    spec: chosen,
    kind: "path",
    from,
    path,
    exists: isFile(path),
    displayName: basename(path),
  };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Options for {@linkcode resolveGgufModel}. */
export interface ResolveGgufModelOptions extends GgufModelOptions {
  /** Expected SHA-256 of an `hf:` download. @default the server's X-Linked-Etag */
  sha256?: string;
  /** Download progress. @default undefined */
  onProgress?: (progress: DownloadProgress) => void;
  /** Aborts a download. @default undefined */
  signal?: AbortSignal;
}

/** A model file ready on disk. */
export interface ResolvedGgufModel extends GgufLocation {
  /** True when this call downloaded it. */
  downloaded: boolean;
  /** SHA-256 when known (recorded at download time). */
  sha256?: string;
}

/**
 * Finds the model file, downloading an `hf:` file once into the cache (with a checksum check and an
 * atomic rename; a `<file>.sha256` sidecar records the checksum).
 *
 * @param spec A path or `hf:` spec; when undefined, `AUTOCONSTITUTION_GGUF` is used.
 * @param options Cache root, environment, endpoint, checksum, progress and signal.
 * @returns The local file.
 * @throws ProviderError `not_found` listing the three ways to give a model when there is none or a path
 *   does not exist; download errors (`connection`, `bad_response` on checksum mismatch, …) otherwise.
 *
 * @example No model anywhere gives the three options
 * ```ts
 * import { resolveGgufModel } from "./llamacpp_model.ts";
 * const error = await resolveGgufModel(undefined, { env: {} }).catch((e) => e);
 * if (error.kind !== "not_found" || !String(error).includes("AUTOCONSTITUTION_GGUF")) throw error;
 * ```
 */
export async function resolveGgufModel(
  spec: string | undefined,
  options: ResolveGgufModelOptions = {},
): Promise<ResolvedGgufModel> {
  const cacheDir = resolve(options.cacheDir ?? autoconstitutionCacheDir(options.env));
  const location = locateGgufModel(spec, { ...options, cacheDir });
  if (!location) {
    throw new ProviderError(
      "llamacpp",
      "not_found",
      `no GGUF model given; ${ggufModelHelp(cacheDir)}`,
    );
  }
  if (location.kind === "path") {
    if (!location.exists) {
      throw new ProviderError(
        "llamacpp",
        "not_found",
        `model file ${location.path} does not exist (from ${
          location.from === "env" ? GGUF_ENV_VAR : "the model option"
        }); ${ggufModelHelp(cacheDir)}`,
      );
    }
    return { ...location, downloaded: false };
  }
  const sidecar = `${location.path}.sha256`;
  const recorded = await Deno.readTextFile(sidecar).then((t) => t.trim(), () => undefined);
  const wanted = options.sha256?.toLowerCase();
  if (location.exists && (wanted === undefined || wanted === recorded)) {
    return { ...location, downloaded: false, sha256: recorded };
  }
  const token = readEnv("HF_TOKEN", options.env);
  try {
    const result = await downloadWithChecksum(location.url!, location.path, {
      sha256: options.sha256,
      onProgress: options.onProgress,
      signal: options.signal,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    await Deno.writeTextFile(sidecar, result.sha256 + "\n");
    return { ...location, exists: true, downloaded: true, sha256: result.sha256 };
  } catch (error) {
    throw withOfflineHelp(error, cacheDir);
  }
}
