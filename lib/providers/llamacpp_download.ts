/**
 * Downloading a model file once: streamed to a temporary file beside the target while its SHA-256 is
 * computed, checked against the expected checksum (given, or announced by the server as Hugging
 * Face's `X-Linked-Etag`), then renamed into place, so the cache never holds a partial or corrupt file.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { dirname } from "node:path";
import { ProviderError } from "./types.ts";

/** Progress of one download. */
export interface DownloadProgress {
  /** The URL requested. */
  url: string;
  /** Bytes received so far. */
  receivedBytes: number;
  /** Total size when the server announced it. */
  totalBytes?: number;
}

/** Options for {@linkcode downloadWithChecksum}. */
export interface DownloadOptions {
  /** Expected SHA-256 (64 hex digits); wins over the server's announcement. @default undefined */
  sha256?: string;
  /** Called as bytes arrive (at most once per MiB, and once at the end). @default undefined */
  onProgress?: (progress: DownloadProgress) => void;
  /** Aborts the download; the temporary file is removed. @default undefined */
  signal?: AbortSignal;
  /** Extra request headers (e.g. `Authorization`). @default {} */
  headers?: Record<string, string>;
  /** Provider name used in errors. @default "llamacpp" */
  provider?: string;
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
}

const HEX64 = /^[0-9a-f]{64}$/;

function announcedSha256(headers: Headers): string | undefined {
  for (const name of ["x-linked-etag", "etag"]) {
    const raw = headers.get(name);
    if (!raw) continue;
    const value = raw.replace(/^W\//, "").replaceAll('"', "").trim().toLowerCase();
    if (HEX64.test(value)) return value;
  }
  return undefined;
}

/**
 * Downloads `url` to `dest` atomically, verifying its SHA-256. Redirects are followed by hand (at most
 * 10) so a checksum announced on a redirect hop (Hugging Face's `X-Linked-Etag`) is not lost.
 *
 * @param url An `http:` or `https:` URL.
 * @param dest Target file path (parent directories are created).
 * @param options Expected checksum, progress callback, signal and headers.
 * @returns The path, checksum, size and where the verified checksum came from.
 * @throws ProviderError `not_found` for 404, `auth` for 401/403, `connection` when unreachable,
 *   `bad_response` on a checksum mismatch (nothing is left at `dest`), `aborted` when aborted.
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

  let current = url;
  let announced: string | undefined;
  let response: Response | undefined;
  for (let hop = 0; hop <= 10; hop++) {
    try {
      response = await fetch(current, {
        redirect: "manual",
        signal: options.signal,
        headers: options.headers,
      });
    } catch (error) {
      if (options.signal?.aborted) {
        throw new ProviderError(provider, "aborted", `download of ${url} was aborted`, {
          cause: error,
        });
      }
      throw new ProviderError(provider, "connection", `cannot download ${current}: ${error}`, {
        cause: error,
      });
    }
    announced ??= announcedSha256(response.headers);
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      current = new URL(location, current).href;
      continue;
    }
    break;
  }
  if (!response || (response.status >= 300 && response.status < 400)) {
    await response?.body?.cancel();
    throw new ProviderError(provider, "bad_response", `too many redirects downloading ${url}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    const status = response.status;
    const kind = status === 404
      ? "not_found"
      : status === 401 || status === 403
      ? "auth"
      : status === 429
      ? "rate_limited"
      : status >= 500
      ? "server"
      : "bad_request";
    throw new ProviderError(provider, kind, `cannot download ${current}`, { status });
  }

  const lengthHeader = response.headers.get("content-length");
  const totalBytes = lengthHeader && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
  await Deno.mkdir(dirname(dest), { recursive: true });
  const tmp = `${dest}.part-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const hash = createHash("sha256");
  let receivedBytes = 0;
  let reportedAt = 0;
  const file = await Deno.open(tmp, { write: true, createNew: true });
  let closed = false;
  try {
    for await (const chunk of response.body) {
      hash.update(chunk);
      let written = 0;
      while (written < chunk.length) written += await file.write(chunk.subarray(written));
      receivedBytes += chunk.length;
      if (options.onProgress && receivedBytes - reportedAt >= 1 << 20) {
        reportedAt = receivedBytes;
        options.onProgress({ url, receivedBytes, totalBytes });
      }
    }
    file.close();
    closed = true;
    if (totalBytes !== undefined && receivedBytes !== totalBytes) {
      throw new ProviderError(
        provider,
        "bad_response",
        `download of ${url} ended after ${receivedBytes} of ${totalBytes} bytes`,
      );
    }
    const sha256 = hash.digest("hex");
    const expected = expectedOption ?? announced;
    if (expected !== undefined && expected !== sha256) {
      throw new ProviderError(
        provider,
        "bad_response",
        `sha256 mismatch for ${url}: expected ${expected}, got ${sha256}; the download was discarded`,
      );
    }
    options.onProgress?.({ url, receivedBytes, totalBytes });
    await Deno.rename(tmp, dest);
    return {
      path: dest,
      sha256,
      bytes: receivedBytes,
      verifiedAgainst: expectedOption ? "option" : announced ? "server" : "none",
    };
  } catch (error) {
    if (!closed) file.close();
    await Deno.remove(tmp).catch(() => {});
    if (error instanceof ProviderError) throw error;
    if (options.signal?.aborted) {
      throw new ProviderError(provider, "aborted", `download of ${url} was aborted`, {
        cause: error,
      });
    }
    throw new ProviderError(provider, "connection", `download of ${url} failed: ${error}`, {
      cause: error,
    });
  }
}
