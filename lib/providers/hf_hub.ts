/**
 * Hugging Face hub files for the embedded engine: the hub's own file metadata (size and SHA-256, from
 * `/api/models/<repo>/revision/<rev>?blobs=true` or the resolve endpoint's `X-Linked-Size` /
 * `X-Linked-Etag` headers), a small lock file that pins them after the first download, and
 * {@linkcode ensureHfModel}, which downloads a model once (resumable, verified) and then never again.
 * `HF_ENDPOINT` (a mirror) and `HF_TOKEN` (sent as `Authorization: Bearer`) are honoured.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import { dirname } from "node:path";
import { type Env, readEnv } from "./env.ts";
import { autoconstitutionCacheDir } from "./llamacpp_engine.ts";
import { type DownloadProgress, downloadWithChecksum } from "./llamacpp_download.ts";
import { locateGgufModel, parseHfModelSpec, withOfflineHelp } from "./llamacpp_model.ts";
import { ProviderError } from "./types.ts";
import { writeJsonAtomic } from "../util/atomic.ts";

/** The default hub. */
export const HF_DEFAULT_ENDPOINT = "https://huggingface.co";

/** What the hub says about one file at one revision. */
export interface HfFileMetadata {
  /** Size in bytes. */
  size: number;
  /** SHA-256 of the content (an LFS file's oid); undefined for a small non-LFS file. */
  sha256?: string;
  /** The commit the revision resolved to, when the hub said. */
  commit?: string;
  /** Which endpoint answered. */
  source: "api" | "resolve";
}

/** Options of the hub functions. */
export interface HfHubOptions {
  /** Hub endpoint. @default $HF_ENDPOINT or "https://huggingface.co" */
  endpoint?: string;
  /** Access token. @default $HF_TOKEN */
  token?: string;
  /** Injected environment. @default Deno.env */
  env?: Env;
  /** Aborts the requests. @default undefined */
  signal?: AbortSignal;
}

/**
 * The hub endpoint: the option, else `$HF_ENDPOINT`, else huggingface.co, without a trailing slash.
 *
 * @param options Endpoint and environment.
 * @returns The base URL.
 *
 * @example
 * ```ts
 * import { hfEndpoint } from "./hf_hub.ts";
 * if (hfEndpoint({ env: { HF_ENDPOINT: "http://127.0.0.1:1/" } }) !== "http://127.0.0.1:1") throw new Error();
 * if (hfEndpoint({ env: {} }) !== "https://huggingface.co") throw new Error();
 * ```
 */
export function hfEndpoint(options: Pick<HfHubOptions, "endpoint" | "env"> = {}): string {
  return (options.endpoint ?? readEnv("HF_ENDPOINT", options.env) ?? HF_DEFAULT_ENDPOINT)
    .replace(/\/+$/, "");
}

function authHeaders(options: HfHubOptions): Record<string, string> {
  const token = options.token ?? readEnv("HF_TOKEN", options.env);
  return token ? { authorization: `Bearer ${token}` } : {};
}

const HEX64 = /^[0-9a-f]{64}$/;

function cleanEtag(raw: string | null): string | undefined {
  const value = raw?.replace(/^W\//, "").replaceAll('"', "").trim().toLowerCase();
  return value && HEX64.test(value) ? value : undefined;
}

/**
 * Asks the hub for a file's size and SHA-256: first the API (`/api/models/<repo>/revision/<rev>
 * ?blobs=true`, whose `siblings[].lfs` carries both), then, when the API does not answer usefully,
 * a `HEAD` of the resolve URL (`X-Linked-Size`, `X-Linked-Etag`, `X-Repo-Commit`).
 *
 * @param spec An `hf:<user>/<repo>[@revision]/<file>` spec.
 * @param options Endpoint, token, environment, signal.
 * @returns Size, checksum (when the file is in LFS) and commit.
 * @throws ProviderError `connection` when the hub is unreachable, `not_found` when the file is not
 *   there, `auth` for 401/403, `bad_response` when neither endpoint gives a size.
 *
 * @example Unreachable hub
 * ```ts
 * import { fetchHfFileMetadata } from "./hf_hub.ts";
 * const e = await fetchHfFileMetadata("hf:u/r/m.gguf", { endpoint: "http://127.0.0.1:9", env: {} })
 *   .catch((e) => e);
 * if (e.kind !== "connection") throw e;
 * ```
 */
export async function fetchHfFileMetadata(
  spec: string,
  options: HfHubOptions = {},
): Promise<HfFileMetadata> {
  const hf = parseHfModelSpec(spec);
  const base = hfEndpoint(options);
  const headers = authHeaders(options);
  const repo = `${hf.user}/${hf.repo}`;
  const get = async (url: string, init: RequestInit): Promise<Response> => {
    try {
      return await fetch(url, { ...init, headers, signal: options.signal });
    } catch (error) {
      if (options.signal?.aborted) {
        throw new ProviderError("llamacpp", "aborted", `asking ${base} was aborted`, {
          cause: error,
        });
      }
      throw new ProviderError("llamacpp", "connection", `cannot reach ${base}: ${error}`, {
        cause: error,
      });
    }
  };
  const apiUrl = `${base}/api/models/${repo}/revision/${
    encodeURIComponent(hf.revision)
  }?blobs=true`;
  const api = await get(apiUrl, {});
  if (api.status === 401 || api.status === 403) {
    await api.body?.cancel();
    throw new ProviderError("llamacpp", "auth", `${base} refused ${repo} (set HF_TOKEN?)`, {
      status: api.status,
    });
  }
  if (api.ok) {
    const body = await api.json().catch(() => undefined) as {
      sha?: string;
      siblings?: { rfilename?: string; size?: number; lfs?: { sha256?: string; size?: number } }[];
    } | undefined;
    const sibling = body?.siblings?.find((s) => s.rfilename === hf.file);
    if (body && !sibling && Array.isArray(body.siblings)) {
      throw new ProviderError(
        "llamacpp",
        "not_found",
        `${repo}@${hf.revision} has no file ${hf.file}`,
      );
    }
    const size = sibling?.lfs?.size ?? sibling?.size;
    if (sibling && typeof size === "number") {
      const sha256 = sibling.lfs?.sha256?.toLowerCase();
      return {
        size,
        sha256: sha256 && HEX64.test(sha256) ? sha256 : undefined,
        commit: typeof body?.sha === "string" ? body.sha : undefined,
        source: "api",
      };
    }
  } else await api.body?.cancel();
  const fileUrl = hf.file.split("/").map(encodeURIComponent).join("/");
  const resolveUrl = `${base}/${repo}/resolve/${encodeURIComponent(hf.revision)}/${fileUrl}`;
  const head = await get(resolveUrl, { method: "HEAD", redirect: "manual" });
  await head.body?.cancel();
  if (head.status === 404) {
    throw new ProviderError(
      "llamacpp",
      "not_found",
      `${base} has no ${repo}@${hf.revision}/${hf.file}`,
    );
  }
  if (head.status === 401 || head.status === 403) {
    throw new ProviderError("llamacpp", "auth", `${base} refused ${repo} (set HF_TOKEN?)`, {
      status: head.status,
    });
  }
  const linked = head.headers.get("x-linked-size") ?? head.headers.get("content-length");
  if (!linked || !/^\d+$/.test(linked)) {
    throw new ProviderError(
      "llamacpp",
      "bad_response",
      `${base} gave no size for ${repo}@${hf.revision}/${hf.file} (HTTP ${head.status})`,
    );
  }
  return {
    size: Number(linked),
    sha256: cleanEtag(head.headers.get("x-linked-etag")),
    commit: head.headers.get("x-repo-commit") ?? undefined,
    source: "resolve",
  };
}

/** One pinned model file. */
export interface ModelLockEntry {
  /** Size in bytes, from the hub at the first download. */
  size: number;
  /** SHA-256, from the hub (or of the verified bytes when the hub gave none). */
  sha256: string;
  /** The commit the revision resolved to, when the hub said. */
  commit?: string;
  /** ISO time of pinning. */
  lockedAt: string;
}

/** The lock file: pinned model files by canonical `hf:` spec. */
export interface ModelLock {
  /** Format version. */
  version: 1;
  /** Entries by `hf:<user>/<repo>@<revision>/<file>`. */
  models: Record<string, ModelLockEntry>;
}

/**
 * Reads a model lock file; a missing file is an empty lock.
 *
 * @param path The lock file.
 * @returns The lock.
 * @throws TypeError when the file exists but is not a model lock.
 *
 * @example Missing file
 * ```ts
 * import { readModelLock } from "./hf_hub.ts";
 * const lock = await readModelLock("/nonexistent/models.lock.json");
 * if (lock.version !== 1 || Object.keys(lock.models).length !== 0) throw new Error();
 * ```
 */
export async function readModelLock(path: string): Promise<ModelLock> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { version: 1, models: {} };
    throw error;
  }
  const parsed = JSON.parse(text) as ModelLock;
  if (parsed?.version !== 1 || typeof parsed.models !== "object" || parsed.models === null) {
    throw new TypeError(
      `Cannot read ${path} as a model lock: expected {"version": 1, "models": {}}`,
    );
  }
  return parsed;
}

/**
 * The canonical lock key of an `hf:` spec (revision always written).
 *
 * @param spec An `hf:` spec.
 * @returns `hf:<user>/<repo>@<revision>/<file>`.
 *
 * @example
 * ```ts
 * import { modelLockKey } from "./hf_hub.ts";
 * if (modelLockKey("hf:u/r/m.gguf") !== "hf:u/r@main/m.gguf") throw new Error();
 * ```
 */
export function modelLockKey(spec: string): string {
  const hf = parseHfModelSpec(spec);
  return `hf:${hf.user}/${hf.repo}@${hf.revision}/${hf.file}`;
}

/** Options for {@linkcode ensureHfModel}. */
export interface EnsureHfModelOptions extends HfHubOptions {
  /** Cache root; files go to `<cacheDir>/models/hf/...`. @default autoconstitutionCacheDir() */
  cacheDir?: string;
  /** Lock file pinning size and SHA-256; none when undefined. @default undefined */
  lockPath?: string;
  /** Download progress. @default undefined */
  onProgress?: (progress: DownloadProgress) => void;
  /** Automatic resumes of a cut transfer. @default 3 */
  retries?: number;
  /** First backoff delay before a resume (ms). @default 500 */
  retryDelayMs?: number;
}

/** A hub model file on disk. */
export interface EnsuredHfModel {
  /** The canonical spec (lock key). */
  spec: string;
  /** Local path in the cache. */
  path: string;
  /** Size in bytes. */
  bytes: number;
  /** SHA-256 of the file. */
  sha256: string;
  /** True when this call downloaded (part of) it. */
  downloaded: boolean;
  /** Bytes reused from an earlier interrupted download. */
  resumedBytes: number;
  /** True when this call added the entry to the lock file. */
  pinned: boolean;
  /** The commit pinned in the lock, when known. */
  commit?: string;
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  const file = await Deno.open(path, { read: true });
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

function sizeOf(path: string): number | undefined {
  try {
    const info = statSync(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure a hub model file is in the cache, verified. With a lock entry and a cached file of the
 * pinned size and checksum, nothing touches the network. Otherwise the hub's metadata gives the size
 * and SHA-256 (a lock entry wins; the hub disagreeing with it is an error), the file is downloaded
 * resumably into `<file>.part`, verified and renamed, and the lock gains an entry. A cached file that
 * does not match its lock entry is discarded and fetched again.
 *
 * @param spec An `hf:<user>/<repo>[@revision]/<file>` spec.
 * @param options Cache root, lock file, endpoint, token, progress, retries, signal.
 * @returns The local file and what happened.
 * @throws ProviderError `connection` (with the ways to give a model) when the hub is unreachable,
 *   `bad_response` when the hub's file no longer matches the lock or the bytes fail verification,
 *   `not_found` / `auth` from the hub.
 *
 * @example Without network and without a cached file
 * ```ts
 * import { ensureHfModel } from "./hf_hub.ts";
 * const cacheDir = await Deno.makeTempDir();
 * const e = await ensureHfModel("hf:u/r/m.gguf", { cacheDir, endpoint: "http://127.0.0.1:9", env: {} })
 *   .catch((e) => e);
 * await Deno.remove(cacheDir, { recursive: true });
 * if (e.kind !== "connection" || !e.message.includes("without network")) throw e;
 * ```
 */
export async function ensureHfModel(
  spec: string,
  options: EnsureHfModelOptions = {},
): Promise<EnsuredHfModel> {
  const key = modelLockKey(spec);
  const cacheDir = options.cacheDir ?? autoconstitutionCacheDir(options.env);
  const endpoint = hfEndpoint(options);
  const location = locateGgufModel(key, { cacheDir, env: options.env, hfEndpoint: endpoint })!;
  // One process at a time per file: a second `demo --local` waits, then finds the file verified.
  await Deno.mkdir(dirname(location.path), { recursive: true });
  const guard = await Deno.open(`${location.path}.lock`, { create: true, write: true });
  try {
    await guard.lock(true);
    return await ensureLocked(key, location.path, endpoint, cacheDir, options);
  } finally {
    await guard.unlock().catch(() => {});
    guard.close();
  }
}

async function ensureLocked(
  key: string,
  path: string,
  endpoint: string,
  cacheDir: string,
  options: EnsureHfModelOptions,
): Promise<EnsuredHfModel> {
  const location = { path };
  const sidecar = `${location.path}.sha256`;
  const lock = options.lockPath ? await readModelLock(options.lockPath) : undefined;
  const pinned = lock?.models[key];
  let recorded = await Deno.readTextFile(sidecar).then((t) => t.trim(), () => undefined);
  const cachedSize = sizeOf(location.path);
  let meta: HfFileMetadata | undefined;
  if (cachedSize !== undefined && recorded === undefined) {
    // A file put there by hand (or by an older version): trusted once it matches the lock or the hub.
    const actual = await sha256OfFile(location.path);
    const expected = pinned ?? (meta = await metadata());
    if (expected.size === cachedSize && expected.sha256 === actual) {
      await Deno.writeTextFile(sidecar, actual + "\n");
      recorded = actual;
    }
  }
  if (cachedSize !== undefined && recorded !== undefined) {
    if (!pinned || (pinned.size === cachedSize && pinned.sha256 === recorded)) {
      let newlyPinned = false;
      if (lock && !pinned) {
        await pin(lock, { size: cachedSize, sha256: recorded, lockedAt: new Date().toISOString() });
        newlyPinned = true;
      }
      return {
        spec: key,
        path: location.path,
        bytes: cachedSize,
        sha256: recorded,
        downloaded: false,
        resumedBytes: 0,
        pinned: newlyPinned,
        commit: pinned?.commit,
      };
    }
  }
  if (cachedSize !== undefined) {
    // A file without its checksum record, or one that disagrees with the lock: not trusted.
    await Deno.remove(location.path).catch(() => {});
    await Deno.remove(sidecar).catch(() => {});
  }
  meta ??= await metadata();
  if (pinned && (meta.size !== pinned.size || (meta.sha256 && meta.sha256 !== pinned.sha256))) {
    throw new ProviderError(
      "llamacpp",
      "bad_response",
      `${endpoint} now serves ${key} as ${meta.size} bytes, sha256 ${
        meta.sha256 ?? "unknown"
      }, but ` +
        `${options.lockPath} pins ${pinned.size} bytes, sha256 ${pinned.sha256}; nothing was downloaded ` +
        `(remove the entry from the lock file to accept the new file)`,
    );
  }
  const hf = parseHfModelSpec(key);
  const revision = pinned?.commit ?? meta.commit ?? hf.revision;
  const fileUrl = hf.file.split("/").map(encodeURIComponent).join("/");
  const url = `${endpoint}/${hf.user}/${hf.repo}/resolve/${
    encodeURIComponent(revision)
  }/${fileUrl}`;
  const result = await downloadWithChecksum(url, location.path, {
    sha256: pinned?.sha256 ?? meta.sha256,
    size: pinned?.size ?? meta.size,
    headers: authHeaders(options),
    onProgress: options.onProgress,
    signal: options.signal,
    retries: options.retries,
    retryDelayMs: options.retryDelayMs,
  });
  await Deno.writeTextFile(sidecar, result.sha256 + "\n");
  let newlyPinned = false;
  if (lock && !pinned) {
    await pin(lock, {
      size: result.bytes,
      sha256: result.sha256,
      ...(meta.commit ? { commit: meta.commit } : {}),
      lockedAt: new Date().toISOString(),
    });
    newlyPinned = true;
  }
  return {
    spec: key,
    path: location.path,
    bytes: result.bytes,
    sha256: result.sha256,
    downloaded: true,
    resumedBytes: result.resumedBytes,
    pinned: newlyPinned,
    commit: pinned?.commit ?? meta.commit,
  };

  async function metadata(): Promise<HfFileMetadata> {
    try {
      return await fetchHfFileMetadata(key, { ...options, endpoint });
    } catch (error) {
      throw withOfflineHelp(error, cacheDir);
    }
  }

  async function pin(current: ModelLock, entry: ModelLockEntry): Promise<void> {
    // Re-read so entries written meanwhile (another model) are kept.
    const fresh = await readModelLock(options.lockPath!).catch(() => current);
    fresh.models[key] = entry;
    const sorted = Object.fromEntries(
      Object.entries(fresh.models).sort(([a], [b]) => a < b ? -1 : 1),
    );
    await writeJsonAtomic(options.lockPath!, { version: 1, models: sorted });
  }
}
