/**
 * The run viewer served on 127.0.0.1: the same page as {@linkcode viewRun}, without the traces
 * inline; the page fetches an item's trace when it is opened and polls for records a running
 * benchmark appends to its journal.
 *
 * Endpoints: `/` (the page), `/run.json?run=i`, `/records.json?run=i&from=n`,
 * `/trace.json?run=i&id=…`, `/traces.json?run=i`.
 *
 * @module
 */
import { readViewRun, type ViewRun } from "./view_data.ts";
import { traceData, viewerData, type ViewRunOptions } from "./view_run.ts";
import { GATE_CANDIDATES_FILE } from "../bench/gate_candidates.ts";
import { viewerPage } from "./view_page.ts";

/** Options of {@linkcode serveViewer}. */
export interface ServeViewerOptions extends ViewRunOptions {
  /** Port on 127.0.0.1. @default 0 (a free port) */
  port?: number;
  /** Stops the server. @default undefined */
  signal?: AbortSignal;
}

/** A running viewer server. */
export interface ViewerServer {
  /** `http://127.0.0.1:<port>/`. */
  url: string;
  /** Stops the server. */
  close(): Promise<void>;
  /** Settles when the server has stopped. */
  finished: Promise<void>;
}

const WATCHED = [
  "items.jsonl",
  "journal.jsonl",
  "traces.jsonl",
  "summary.json",
  "gate_audit.json",
  GATE_CANDIDATES_FILE,
];

async function stamp(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const name of WATCHED) {
    try {
      const s = await Deno.stat(`${dir}/${name}`);
      parts.push(`${name}:${s.size}:${s.mtime?.getTime()}`);
    } catch {
      parts.push(`${name}:-`);
    }
  }
  return parts.join("|");
}

/** Re-reads a run directory when one of its files changed (checked at most every 500 ms). */
function cachedRun(dir: string): () => Promise<ViewRun> {
  let run: Promise<ViewRun> | undefined;
  let seen = "";
  let checked = 0;
  return async () => {
    if (run && Date.now() - checked < 500) return run;
    checked = Date.now();
    const now = await stamp(dir);
    if (!run || now !== seen) {
      seen = now;
      run = readViewRun(dir);
    }
    return run;
  };
}

/**
 * Serves the viewer of one run (or two) on 127.0.0.1 until closed or aborted.
 *
 * @param dirs One run directory, or two to compare.
 * @param options Port, abort signal, and the page options of {@linkcode viewRun}.
 * @returns The URL and a way to stop.
 * @throws {Error} when a directory has no manifest.
 *
 * @example
 * ```ts ignore
 * import { serveViewer } from "./serve_viewer.ts";
 * const server = await serveViewer(["runs/demo"]);
 * console.log(server.url);
 * await server.close();
 * ```
 */
export async function serveViewer(
  dirs: readonly string[],
  options: ServeViewerOptions = {},
): Promise<ViewerServer> {
  if (dirs.length < 1 || dirs.length > 2) {
    throw new RangeError(`Cannot serve ${dirs.length} runs: give one run, or two to compare`);
  }
  const runs = dirs.map(cachedRun);
  const first = await Promise.all(runs.map((r) => r()));
  const { data } = await viewerData(first, options, true);
  const { html, csp } = await viewerPage({
    data,
    title: `Run viewer — ${first.map((r) => r.name).join(" vs ")}`,
  });
  const headers = {
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
  };
  const json = (value: unknown, status = 200) =>
    new Response(JSON.stringify(value), {
      status,
      headers: { ...headers, "content-type": "application/json; charset=utf-8" },
    });
  const controller = new AbortController();
  options.signal?.addEventListener("abort", () => controller.abort(), { once: true });
  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    if (request.method !== "GET" && request.method !== "HEAD") {
      return json({ error: "method not allowed" }, 405);
    }
    if (url.pathname === "/" || url.pathname === "/index.html") {
      return new Response(html, {
        headers: { ...headers, "content-type": "text/html; charset=utf-8" },
      });
    }
    const index = Number(url.searchParams.get("run") ?? "0");
    if (!Number.isInteger(index) || index < 0 || index >= runs.length) {
      return json({ error: "no such run" }, 404);
    }
    const run = await runs[index]();
    switch (url.pathname) {
      case "/records.json": {
        const from = Math.max(0, Number(url.searchParams.get("from") ?? "0") || 0);
        const total = run.records.length;
        return json({
          total,
          complete: run.complete,
          records: from > total ? run.records : run.records.slice(from),
        });
      }
      case "/run.json": {
        const { data } = await viewerData([run], options, true);
        return json(data.runs[0]);
      }
      case "/trace.json": {
        const id = url.searchParams.get("id") ?? "";
        return json({
          trace: run.traces?.[id],
          pair: run.pairs?.[id],
          gate: run.gateCandidates?.[id],
        });
      }
      case "/traces.json":
        return json(traceData(run));
      default:
        return json({ error: "not found" }, 404);
    }
  };
  const { promise: ready, resolve } = Promise.withResolvers<number>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
    signal: controller.signal,
    onListen: ({ port }) => resolve(port),
  }, handler);
  const port = await ready;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      controller.abort();
      await server.finished;
    },
    finished: server.finished,
  };
}
