/**
 * A local stand-in for the Hugging Face hub, over real HTTP on 127.0.0.1 (a free port): the API's
 * `/api/models/<repo>/revision/<rev>?blobs=true`, the resolve endpoint (a 302 carrying
 * `X-Linked-Size`, `X-Linked-Etag` and `X-Repo-Commit`, like huggingface.co) and a "CDN" that honours
 * `Range`. Fault modes: cut the first transfers after some bytes, announce a wrong checksum, hide the
 * API, require a token.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** One served file. */
export interface HubFile {
  /** `<user>/<repo>`. */
  repo: string;
  /** Path inside the repository. */
  file: string;
  /** Content. */
  bytes: Uint8Array;
}

/** Options of {@linkcode startHubDouble}. */
export interface HubDoubleOptions {
  /** The files served. */
  files: HubFile[];
  /** Commit every revision resolves to. @default "c0ffee" + 34 zeros */
  commit?: string;
  /** Announce this SHA-256 instead of the real one (API and headers). @default the real one */
  announceSha256?: string;
  /** Cut this many transfers of the CDN (counted from the first). @default 0 */
  cuts?: number;
  /** Bytes sent before a cut. @default half the file */
  cutAfter?: number;
  /** The API answers 404 (clients must fall back to the resolve headers). @default false */
  noApi?: boolean;
  /** Require `Authorization: Bearer <token>` on the API and resolve endpoints. @default undefined */
  token?: string;
  /** Send the body in chunks of this many bytes with a pause between them. @default undefined */
  chunkBytes?: number;
}

/** One request the double saw. */
export interface HubRequest {
  method: string;
  path: string;
  range?: string;
  authorization?: string;
}

/** A running hub double. */
export interface HubDouble {
  /** Base URL (use as `HF_ENDPOINT`). */
  endpoint: string;
  /** Every request, in order. */
  requests: HubRequest[];
  /** CDN transfers started (GETs of a blob). */
  transfers(): number;
  /** Stops the server. */
  close(): Promise<void>;
}

/** SHA-256 of bytes, hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * Starts the hub double.
 *
 * @param options Files and fault modes.
 * @returns The endpoint, request log and `close()`.
 */
export function startHubDouble(options: HubDoubleOptions): HubDouble {
  const commit = options.commit ?? "c0ffee" + "0".repeat(34);
  const requests: HubRequest[] = [];
  let transfers = 0;
  let cutsLeft = options.cuts ?? 0;
  const blobs = new Map<string, HubFile & { sha: string }>();
  for (const f of options.files) blobs.set(sha256Hex(f.bytes), { ...f, sha: sha256Hex(f.bytes) });
  const announced = (sha: string) => options.announceSha256 ?? sha;
  const authorized = (req: Request) =>
    !options.token || req.headers.get("authorization") === `Bearer ${options.token}`;

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const url = new URL(req.url);
    const path = decodeURIComponent(url.pathname);
    requests.push({
      method: req.method,
      path: path + url.search,
      range: req.headers.get("range") ?? undefined,
      authorization: req.headers.get("authorization") ?? undefined,
    });
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(path);
    if (api) {
      if (!authorized(req)) return new Response("unauthorized", { status: 401 });
      const files = options.files.filter((f) => f.repo === api[1]);
      if (options.noApi || files.length === 0) {
        return Response.json({ error: "nope" }, { status: 404 });
      }
      return Response.json({
        id: api[1],
        sha: commit,
        siblings: files.map((f) => ({
          rfilename: f.file,
          size: f.bytes.length,
          blobId: "b".repeat(40),
          lfs: { sha256: announced(sha256Hex(f.bytes)), size: f.bytes.length, pointerSize: 135 },
        })),
      });
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (resolve) {
      if (!authorized(req)) return new Response("unauthorized", { status: 401 });
      const f = options.files.find((f) => f.repo === resolve[1] && f.file === resolve[3]);
      if (!f || !["main", commit].includes(resolve[2])) {
        return new Response("Entry not found", { status: 404 });
      }
      const sha = sha256Hex(f.bytes);
      return new Response(null, {
        status: 302,
        headers: {
          location: `/cdn/${sha}`,
          "x-linked-size": String(f.bytes.length),
          "x-linked-etag": `"${announced(sha)}"`,
          "x-repo-commit": commit,
          etag: `"${announced(sha)}"`,
        },
      });
    }
    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(path);
    const blob = cdn ? blobs.get(cdn[1]) : undefined;
    if (blob && req.method === "GET") {
      transfers++;
      const size = blob.bytes.length;
      let start = 0;
      const range = /^bytes=(\d+)-$/.exec(req.headers.get("range") ?? "");
      if (range) {
        start = Number(range[1]);
        if (start >= size) {
          return new Response(null, {
            status: 416,
            headers: { "content-range": `bytes */${size}` },
          });
        }
      }
      const body = blob.bytes.subarray(start);
      const cut = cutsLeft > 0 ? (cutsLeft--, options.cutAfter ?? Math.floor(size / 2)) : undefined;
      const chunk = options.chunkBytes ?? 64 * 1024;
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          for (let at = 0; at < body.length; at += chunk) {
            const end = Math.min(body.length, at + chunk);
            if (cut !== undefined && start + end > cut) {
              // Send what fits before the cut, then end the body early: the declared
              // content-length is not met, so the connection is dropped mid-transfer.
              controller.enqueue(body.subarray(at, Math.max(at, cut - start)));
              await new Promise((r) => setTimeout(r, 50));
              controller.close();
              return;
            }
            controller.enqueue(body.subarray(at, end));
            if (options.chunkBytes) await new Promise((r) => setTimeout(r, 5));
          }
          controller.close();
        },
      });
      const headers: Record<string, string> = {
        "content-length": String(body.length),
        "accept-ranges": "bytes",
      };
      if (range) headers["content-range"] = `bytes ${start}-${size - 1}/${size}`;
      return new Response(stream, { status: range ? 206 : 200, headers });
    }
    return new Response("not found", { status: 404 });
  });
  return {
    endpoint: `http://127.0.0.1:${server.addr.port}`,
    requests,
    transfers: () => transfers,
    close: () => server.shutdown(),
  };
}
