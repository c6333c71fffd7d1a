/**
 * Downloading a model file once, resumably: bytes go to `<dest>.part` while their SHA-256 is computed;
 * a cut transfer leaves the `.part` file, and the next attempt (automatic, up to `retries` times, or a
 * later run) asks only for the rest with an HTTP `Range` request. The whole file is checked against
 * the expected size and checksum (given, or announced by the server as Hugging Face's
 * `X-Linked-Size` / `X-Linked-Etag`) before it is renamed into place; a mismatch discards it, so the
 * cache never holds a partial or corrupt model.
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import { dirname } from "node:path";
import { abortableSleep } from "./retry.ts";
import { ProviderError, type ProviderErrorKind } from "./types.ts";

/** Progress of one download. */
export interface DownloadProgress {
  /** The URL requested. */
  url: string;
  /** Bytes of the file on disk so far (resumed bytes included). */
  receivedBytes: number;
  /** Total size when known (expected, or announced by the server). */
  totalBytes?: number;
  /** Bytes already on disk from an earlier, interrupted attempt when this attempt started. @default 0 */
  resumedFrom?: number;
  /** Milliseconds since this attempt started (for a rate and an ETA). */
  elapsedMs?: number;
  /** True on the last event, once the file is verified and in place. */
  done?: boolean;
}

/** Options for {@linkcode downloadWithChecksum}. */
export interface DownloadOptions {
  /** Expected SHA-256 (64 hex digits); wins over the server's announcement. @default undefined */
  sha256?: string;
  /** Expected size in bytes; wins over the server's announcement. @default undefined */
  size?: number;
  /**
   * Called as bytes arrive (at most once per MiB or per 250 ms, and once at the end with `done`).
   * @default undefined
   */
  onProgress?: (progress: DownloadProgress) => void;
  /** Aborts the download; the `.part` file is kept for a later resume. @default undefined */
  signal?: AbortSignal;
  /** Extra request headers; `Authorization` is sent to the first origin only. @default {} */
  headers?: Record<string, string>;
  /** Provider name used in errors. @default "llamacpp" */
  provider?: string;
  /** Automatic resumes after a cut transfer, with backoff. @default 3 */
  retries?: number;
  /** First backoff delay before a resume, doubled each time. @default 500 */
  retryDelayMs?: number;
  /** Continue from an existing `<dest>.part` (false: start over). @default true */
  resume?: boolean;
}

/** What {@linkcode downloadWithChecksum} wrote. */
export interface DownloadResult {
  /** The target path. */
  path: string;
  /** SHA-256 of the bytes written. */
  sha256: string;
  /** Bytes written. */
  bytes: number;
  /** Where the checksum that was verified came from; `none` when nothing announced one. */
  verifiedAgainst: "option" | "server" | "none";
  /** Bytes that came from an earlier interrupted attempt (0 when the download started fresh). */
  resumedBytes: number;
  /** HTTP attempts made (1 when nothing was cut). */
  attempts: number;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * The SHA-256 a response announces: Hugging Face's `X-Linked-Etag` (the LFS object id, which is
 * the file's SHA-256), else an `ETag` that is 64 hex digits.
 *
 * @param headers Response headers.
 * @returns The checksum in lower case, or undefined.
 *
 * @example
 * ```ts
 * import { announcedSha256 } from "./llamacpp_download.ts";
 * const h = new Headers({ "x-linked-etag": `"${"a".repeat(64)}"` });
 * if (announcedSha256(h) !== "a".repeat(64)) throw new Error();
 * if (announcedSha256(new Headers({ etag: '"abc"' })) !== undefined) throw new Error();
 * ```
 */
export function announcedSha256(headers: Headers): string | undefined {
  for (const name of ["x-linked-etag", "etag"]) {
    const raw = headers.get(name);
    if (!raw) continue;
    const value = raw.replace(/^W\//, "").replaceAll('"', "").trim().toLowerCase();
    if (HEX64.test(value)) return value;
  }
  return undefined;
}

function intHeader(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  return raw && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : undefined;
}

function kindForStatus(status: number): ProviderErrorKind {
  return status === 404
    ? "not_found"
    : status === 401 || status === 403
    ? "auth"
    : status === 429
    ? "rate_limited"
    : status >= 500
    ? "server"
    : "bad_request";
}

/** A transfer that ended early: worth resuming. */
class CutError extends Error {}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    const info = await Deno.stat(path);
    return info.isFile ? info.size : undefined;
  } catch {
    return undefined;
  }
}

async function hashFile(path: string, hash: Hash): Promise<void> {
  const file = await Deno.open(path, { read: true });
  for await (const chunk of file.readable) hash.update(chunk);
}

/**
 * Downloads `url` to `dest` atomically and resumably, verifying size and SHA-256. Redirects are
 * followed by hand (at most 10) so a checksum or size announced on a redirect hop (Hugging Face's
 * `X-Linked-Etag` / `X-Linked-Size`) is not lost; a `Range` request is repeated on every hop.
 *
 * @param url An `http:` or `https:` URL.
 * @param dest Target file path (parent directories are created).
 * @param options Expected checksum and size, progress callback, signal, headers, retries.
 * @returns The path, checksum, size, where the verified checksum came from and resume details.
 * @throws ProviderError `not_found` for 404, `auth` for 401/403, `connection` when unreachable or
 *   when a transfer is cut more often than `retries` allows (the `.part` file is kept),
 *   `bad_response` on a size or checksum mismatch (the bytes are discarded), `aborted` when aborted.
 *
 * @example Download from a local server
 * ```ts
 * import { downloadWithChecksum } from "./llamacpp_download.ts";
 * const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () => new Response("hi"));
 * const dir = await Deno.makeTempDir();
 * const url = `http://127.0.0.1:${server.addr.port}/f`;
 * const result = await downloadWithChecksum(url, `${dir}/f.bin`);
 * await server.shutdown();
 * if (result.bytes !== 2 || (await Deno.readTextFile(`${dir}/f.bin`)) !== "hi") throw new Error();
 * ```
 */
export async function downloadWithChecksum(
  url: string,
  dest: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const provider = options.provider ?? "llamacpp";
  const { expectedOption, retries } = checkDownloadArguments(url, dest, options);
  const retryDelayMs = options.retryDelayMs ?? 500;
  const part = `${dest}.part`;
  await Deno.mkdir(dirname(dest), { recursive: true });
  if (options.resume === false) await Deno.remove(part).catch(() => {});
  const d: Download = { url, dest, part, provider, origin: new URL(url).origin, options };

  let resumedBytes: number | undefined;
  for (let attempt = 1;; attempt++) {
    if (options.signal?.aborted) throw aborted(d, options.signal.reason);
    let offset = (await fileSize(part)) ?? 0;
    const knownSize = options.size ?? d.announcedSize;
    if (knownSize !== undefined && offset > knownSize) {
      await Deno.remove(part).catch(() => {});
      offset = 0;
    }
    resumedBytes ??= offset;
    const started = performance.now();
    try {
      let totalBytes = knownSize;
      if (knownSize === undefined || offset < knownSize) {
        const transfer = await startTransfer(d, offset, knownSize);
        totalBytes = transfer.totalBytes;
        if (transfer.start === 0) {
          offset = 0;
          if (attempt === 1) resumedBytes = 0;
        }
        await receive(d, transfer.body, offset, totalBytes, started);
      }
      return await verifyAndPlace(d, expectedOption, totalBytes, {
        resumedBytes,
        attempts: attempt,
        started,
      });
    } catch (error) {
      if (options.signal?.aborted) throw aborted(d, error);
      if (error instanceof ProviderError) throw error;
      if (attempt > retries) {
        const have = (await fileSize(part)) ?? 0;
        throw new ProviderError(
          provider,
          "connection",
          `download of ${url} failed after ${attempt} attempt(s): ${
            (error as Error).message ?? error
          }` + (have > 0 ? ` (${have} bytes kept in ${part}; run again to resume)` : ""),
          { cause: error },
        );
      }
      try {
        await abortableSleep(retryDelayMs * 2 ** (attempt - 1), options.signal);
      } catch (cause) {
        throw aborted(d, cause);
      }
    }
  }
}

/** One download in progress: its arguments and what the server announced along the way. */
interface Download {
  url: string;
  dest: string;
  /** `<dest>.part`, where the bytes go until verified. */
  part: string;
  provider: string;
  /** Origin of `url` (the only one that gets `Authorization`). */
  origin: string;
  options: DownloadOptions;
  /** SHA-256 announced by a response (first one wins). */
  announced?: string;
  /** Size announced by a response (first one wins). */
  announcedSize?: number;
}

/**
 * Checks the arguments of {@linkcode downloadWithChecksum} in order (url, dest, sha256, size,
 * retries), throwing a TypeError or RangeError for the first bad one; returns the lower-cased
 * expected checksum and the retry count.
 */
function checkDownloadArguments(
  url: string,
  dest: string,
  options: DownloadOptions,
): { expectedOption: string | undefined; retries: number } {
  if (typeof url !== "string" || !/^https?:\/\//.test(url)) {
    throw new TypeError(`url must be an http(s) URL, got ${String(url)}`);
  }
  if (typeof dest !== "string" || dest === "") {
    throw new TypeError(`dest must be a non-empty path, got ${String(dest)}`);
  }
  const expectedOption = options.sha256?.toLowerCase();
  if (expectedOption !== undefined && !HEX64.test(expectedOption)) {
    throw new TypeError(`sha256 must be 64 hex digits, got ${String(options.sha256)}`);
  }
  if (options.size !== undefined && (!Number.isInteger(options.size) || options.size < 0)) {
    throw new RangeError(`size must be a non-negative integer, got ${String(options.size)}`);
  }
  const retries = options.retries ?? 3;
  if (!Number.isInteger(retries) || retries < 0) {
    throw new RangeError(`retries must be a non-negative integer, got ${String(options.retries)}`);
  }
  return { expectedOption, retries };
}

/** The `aborted` error of a download. */
function aborted(d: Download, cause?: unknown): ProviderError {
  return new ProviderError(d.provider, "aborted", `download of ${d.url} was aborted`, { cause });
}

/**
 * Requests the bytes from `offset` on and checks the response: a refused range or a resume at the
 * wrong offset discards the part (CutError, worth retrying), an HTTP error throws a ProviderError.
 * Returns the body, where it starts (0: from scratch) and the total size when now known.
 */
async function startTransfer(
  d: Download,
  offset: number,
  knownSize: number | undefined,
): Promise<{ body: ReadableStream<Uint8Array>; start: number; totalBytes: number | undefined }> {
  let totalBytes = knownSize;
  const response = await request(d, offset);
  if (response.status === 416) {
    // The part is not a prefix the server can continue: start over.
    await response.body?.cancel();
    await Deno.remove(d.part).catch(() => {});
    throw new CutError("the server refused the range; starting over");
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    throw new ProviderError(
      d.provider,
      kindForStatus(response.status),
      `cannot download ${d.url}`,
      {
        status: response.status,
      },
    );
  }
  let start = 0;
  if (response.status === 206) {
    const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(
      response.headers.get("content-range") ?? "",
    );
    start = range ? Number(range[1]) : -1;
    if (start !== offset) {
      await response.body.cancel();
      await Deno.remove(d.part).catch(() => {});
      throw new CutError(`the server resumed at ${start} instead of ${offset}`);
    }
    if (range && range[2] !== "*") totalBytes ??= Number(range[2]);
  } else {
    const length = intHeader(response.headers, "content-length");
    if (length !== undefined) totalBytes ??= length;
  }
  totalBytes ??= d.announcedSize;
  return { body: response.body, start, totalBytes };
}

/**
 * Checks the finished part's size and SHA-256 against what was expected (discarding it on a
 * mismatch; too short is a CutError), renames it into place, reports `done` and returns the result.
 */
async function verifyAndPlace(
  d: Download,
  expectedOption: string | undefined,
  totalBytes: number | undefined,
  attempt: { resumedBytes: number; attempts: number; started: number },
): Promise<DownloadResult> {
  const { url, part, provider, options } = d;
  const onDisk = (await fileSize(part)) ?? 0;
  const wantedSize = options.size ?? d.announcedSize ?? totalBytes;
  if (wantedSize !== undefined && onDisk < wantedSize) {
    throw new CutError(`the transfer ended after ${onDisk} of ${wantedSize} bytes`);
  }
  if (wantedSize !== undefined && onDisk > wantedSize) {
    await Deno.remove(part).catch(() => {});
    throw new ProviderError(
      provider,
      "bad_response",
      `size mismatch for ${url}: expected ${wantedSize} bytes, got ${onDisk}; the download was discarded`,
    );
  }
  const hash = createHash("sha256");
  await hashFile(part, hash);
  const sha256 = hash.digest("hex");
  const expected = expectedOption ?? d.announced;
  if (expected !== undefined && expected !== sha256) {
    await Deno.remove(part).catch(() => {});
    throw new ProviderError(
      provider,
      "bad_response",
      `sha256 mismatch for ${url}: expected ${expected}, got ${sha256}; the download was discarded`,
    );
  }
  await Deno.rename(part, d.dest);
  options.onProgress?.({
    url,
    receivedBytes: onDisk,
    totalBytes: onDisk,
    resumedFrom: attempt.resumedBytes,
    elapsedMs: performance.now() - attempt.started,
    done: true,
  });
  return {
    path: d.dest,
    sha256,
    bytes: onDisk,
    verifiedAgainst: expectedOption ? "option" : d.announced ? "server" : "none",
    resumedBytes: attempt.resumedBytes,
    attempts: attempt.attempts,
  };
}

/**
 * Fetches `url` (from `offset` with a Range header), following at most 10 redirects by hand so
 * the checksum and size announced on any hop are remembered; `Authorization` goes to the first
 * origin only.
 */
async function request(d: Download, offset: number): Promise<Response> {
  const { url, provider, options } = d;
  let current = url;
  for (let hop = 0; hop <= 10; hop++) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (name.toLowerCase() === "authorization" && new URL(current).origin !== d.origin) continue;
      headers[name] = value;
    }
    if (offset > 0) headers["range"] = `bytes=${offset}-`;
    let response: Response;
    try {
      response = await fetch(current, { redirect: "manual", signal: options.signal, headers });
    } catch (error) {
      if (options.signal?.aborted) throw aborted(d, error);
      throw new ProviderError(provider, "connection", `cannot download ${current}: ${error}`, {
        cause: error,
      });
    }
    d.announced ??= announcedSha256(response.headers);
    d.announcedSize ??= intHeader(response.headers, "x-linked-size");
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      current = new URL(location, current).href;
      continue;
    }
    return response;
  }
  throw new ProviderError(provider, "bad_response", `too many redirects downloading ${url}`);
}

/**
 * Appends the body to the part file (truncating it first when `offset` is 0), reporting progress
 * at most once per MiB or 250 ms; a broken stream becomes a CutError.
 */
async function receive(
  d: Download,
  body: ReadableStream<Uint8Array>,
  offset: number,
  totalBytes: number | undefined,
  started: number,
): Promise<void> {
  const { url, options } = d;
  const file = await Deno.open(
    d.part,
    offset > 0 ? { write: true, append: true } : { write: true, create: true, truncate: true },
  );
  let receivedBytes = offset;
  let reportedBytes = offset;
  let reportedAt = 0;
  const report = () => {
    reportedBytes = receivedBytes;
    reportedAt = performance.now();
    options.onProgress?.({
      url,
      receivedBytes,
      totalBytes,
      resumedFrom: offset,
      elapsedMs: reportedAt - started,
    });
  };
  try {
    for await (const chunk of body) {
      let written = 0;
      while (written < chunk.length) written += await file.write(chunk.subarray(written));
      receivedBytes += chunk.length;
      if (
        options.onProgress &&
        (receivedBytes - reportedBytes >= 1 << 20 || performance.now() - reportedAt >= 250)
      ) report();
    }
  } catch (error) {
    if (options.signal?.aborted) throw aborted(d, error);
    throw new CutError(`the transfer was cut after ${receivedBytes} bytes: ${error}`);
  } finally {
    file.close();
  }
}
