/**
 * `deno task demo --local`: a real model on a fresh laptop in one command. Installs the embedded
 * llama.cpp engine when it is missing (`deno task install:llamacpp`), downloads the default model
 * (`DEFAULT_GGUF_MODEL`, or `--model` / `AUTOCONSTITUTION_GGUF`) once — resumable, verified against
 * the hub's size and SHA-256 and pinned in `models.lock.json` — then fits the live demo to the model's
 * context (`planForContext`). Every failure is a clear message and a fallback to the offline demo.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { basename } from "node:path";
import type { Constitution } from "../lib/constitution/constitution.ts";
import { restrictConstitution } from "../lib/constitution/restrict_constitution.ts";
import { type Env, readEnv } from "../lib/providers/env.ts";
import { findLlamaCppEngine } from "../lib/providers/llamacpp_engine.ts";
import { GGUF_ENV_VAR, locateGgufModel } from "../lib/providers/llamacpp_model.ts";
import type { DownloadProgress } from "../lib/providers/llamacpp_download.ts";
import { ensureHfModel } from "../lib/providers/hf_hub.ts";
import { DEFAULT_GGUF_MODEL, defaultGgufSpec } from "../lib/providers/default_model.ts";
import { type ContextPlan, planForContext } from "../lib/providers/context_plan.ts";
import { createLlamaCppProvider, type LlamaCppProvider } from "../lib/providers/llamacpp.ts";
import type { CliOutput } from "./cai_output.ts";

/** The lock file pinning downloaded models (`$AUTOCONSTITUTION_MODELS_LOCK` overrides it). */
export const MODELS_LOCK: string = fileURLToPath(new URL("../models.lock.json", import.meta.url));

/** The environment variable naming another lock file (tests use a temporary one). */
export const MODELS_LOCK_ENV_VAR = "AUTOCONSTITUTION_MODELS_LOCK";

/** The command that runs the demo on a real local model. */
export const LOCAL_DEMO_COMMAND = "deno task demo --local";

const INSTALLER = fileURLToPath(new URL("./install_llamacpp.ts", import.meta.url));

/**
 * The model `--local` uses: `--model`, else `$AUTOCONSTITUTION_GGUF`, else the built-in default.
 *
 * @param flag The `--model` flag.
 * @param env Environment.
 * @returns The spec (a path or an `hf:` spec) and whether it is the built-in default.
 *
 * @example
 * ```ts
 * import { localModelSpec } from "./cai_demo_local.ts";
 * if (!localModelSpec(undefined, {}).isDefault) throw new Error();
 * if (localModelSpec("m.gguf", {}).spec !== "m.gguf") throw new Error();
 * ```
 */
export function localModelSpec(
  flag: string | undefined,
  env?: Env,
): { spec: string; isDefault: boolean } {
  const chosen = flag ?? readEnv(GGUF_ENV_VAR, env);
  return chosen ? { spec: chosen, isDefault: false } : { spec: defaultGgufSpec(), isDefault: true };
}

/**
 * A short human size: `1.1 GB`, `1.2 MB`, `512 B`.
 *
 * @param bytes Bytes.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { humanBytes } from "./cai_demo_local.ts";
 * if (humanBytes(1_185_376) !== "1.2 MB") throw new Error(humanBytes(1_185_376));
 * ```
 */
export function humanBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

function humanSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  if (s < 60) return `${Math.ceil(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.ceil(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/**
 * One line describing download progress: percent, bytes, rate and ETA (a bar when `width` > 0).
 *
 * @param p The progress.
 * @param width Bar width in characters (0: no bar).
 * @returns The line.
 *
 * @example
 * ```ts
 * import { progressLine } from "./cai_demo_local.ts";
 * const line = progressLine({ url: "u", receivedBytes: 5e6, totalBytes: 1e7, elapsedMs: 1000 }, 10);
 * if (!line.includes("50%") || !line.includes("5.0 MB/s") || !line.includes("ETA 1s")) throw new Error(line);
 * ```
 */
export function progressLine(p: DownloadProgress, width: number): string {
  const total = p.totalBytes;
  const fresh = p.receivedBytes - (p.resumedFrom ?? 0);
  const seconds = (p.elapsedMs ?? 0) / 1000;
  const rate = seconds > 0 ? fresh / seconds : 0;
  const eta = total !== undefined && rate > 0 ? (total - p.receivedBytes) / rate : NaN;
  const fraction = total ? Math.min(1, p.receivedBytes / total) : 0;
  const bar = width > 0 && total
    ? `[${"█".repeat(Math.round(fraction * width)).padEnd(width, "░")}] `
    : "";
  const percent = total ? `${Math.floor(fraction * 100)}% ` : "";
  return `${bar}${percent}${humanBytes(p.receivedBytes)}${total ? ` / ${humanBytes(total)}` : ""}` +
    ` · ${humanBytes(rate)}/s` + (p.done ? " · done" : ` · ETA ${humanSeconds(eta)}`) +
    (p.resumedFrom ? ` · resumed at ${humanBytes(p.resumedFrom)}` : "");
}

/** Where the pre-loop steps report (messages, download progress). */
export interface LocalDemoConsole {
  /** The concrete output mode. */
  mode: "live" | "plain" | "json";
  /** The output channel for messages and events. */
  out: CliOutput;
  /** Raw writes to the terminal (the progress bar in live mode). */
  write: (text: string) => void;
}

function progressReporter(con: LocalDemoConsole, file: string): (p: DownloadProgress) => void {
  let lastPlain = -1;
  let lastPlainAt = 0;
  return (p) => {
    if (con.mode === "json") {
      con.out.onEvent({
        type: "progress",
        t: Date.now(),
        done: p.receivedBytes,
        total: p.totalBytes ?? p.receivedBytes,
        label: `download ${file} (bytes)`,
      });
    } else if (con.mode === "live") {
      con.write(`\r\x1b[2K${progressLine(p, 30)}${p.done ? "\n" : ""}`);
    } else {
      // Plain: a line per tenth, or every five seconds, and the last one.
      const tenth = p.totalBytes ? Math.floor((p.receivedBytes / p.totalBytes) * 10) : -1;
      const now = Date.now();
      if (p.done || tenth > lastPlain || now - lastPlainAt > 5000) {
        lastPlain = tenth;
        lastPlainAt = now;
        con.write(`[download] ${progressLine(p, 0)}\n`);
      }
    }
  };
}

/** Installs the engine with `scripts/install_llamacpp.ts`, relaying its output. */
async function installEngine(con: LocalDemoConsole, signal: AbortSignal): Promise<boolean> {
  con.out.info(
    "the llama.cpp engine is not installed: installing it now (deno task install:llamacpp, ~65 MB)",
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", INSTALLER],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal,
  }).spawn();
  const relay = async (stream: ReadableStream<Uint8Array>) => {
    let rest = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) con.out.info(`install: ${line.trim()}`);
    }
    if (rest.trim()) con.out.info(`install: ${rest.trim()}`);
  };
  const [status] = await Promise.all([child.status, relay(child.stdout), relay(child.stderr)]);
  return status.success;
}

/** A local model ready to run, or why not. */
export type LocalModelSetup =
  | {
    ok: true;
    provider: LlamaCppProvider;
    label: string;
    plan: ContextPlan;
    constitution: Constitution;
  }
  | { ok: false; reason: string };

/** Options for {@linkcode prepareLocalDemo}. */
export interface PrepareLocalDemoOptions {
  /** `--model`. @default $AUTOCONSTITUTION_GGUF, else the default model */
  model?: string;
  /** `--threads`. @default the engine's default for the model size */
  threads?: number;
  /** Environment. @default Deno.env */
  env?: Env;
  /** Stops the download or install. */
  signal: AbortSignal;
}

/**
 * Gets everything `--local` needs: the engine (installed when missing), the model file (downloaded
 * once, verified, pinned), the loaded provider and the plan that fits the demo into its context.
 *
 * @param constitution The constitution (already restricted by `--principles`, if given).
 * @param con Where messages and download progress go.
 * @param options Model, threads, environment, signal.
 * @returns The provider, label, plan and fitted constitution; or the reason it cannot run.
 */
export async function prepareLocalDemo(
  constitution: Constitution,
  con: LocalDemoConsole,
  options: PrepareLocalDemoOptions,
): Promise<LocalModelSetup> {
  const env = options.env;
  let engine = await findLlamaCppEngine({ env });
  if (!engine.ok && engine.state === "missing") {
    if (!(await installEngine(con, options.signal))) {
      return { ok: false, reason: "installing the llama.cpp engine failed (see above)" };
    }
    engine = await findLlamaCppEngine({ env });
  }
  if (!engine.ok) return { ok: false, reason: engine.reason };

  const { spec, isDefault } = localModelSpec(options.model, env);
  let path: string;
  if (spec.startsWith("hf:")) {
    const lockPath = readEnv(MODELS_LOCK_ENV_VAR, env) ?? MODELS_LOCK;
    const file = basename(spec);
    const where = locateGgufModel(spec, { env });
    if (!where?.exists) {
      con.out.info(
        `model ${spec}${
          isDefault
            ? ` (the default: ${DEFAULT_GGUF_MODEL.licence}, about ${
              humanBytes(DEFAULT_GGUF_MODEL.approxBytes)
            })`
            : ""
        }: downloading once into ${where?.path ?? "the cache"}`,
      );
    }
    try {
      const got = await ensureHfModel(spec, {
        env,
        lockPath,
        signal: options.signal,
        onProgress: progressReporter(con, file),
      });
      path = got.path;
      con.out.info(
        got.downloaded
          ? `downloaded ${got.spec}: ${humanBytes(got.bytes)}, sha256 ${got.sha256} verified` +
            (got.resumedBytes ? ` (resumed at ${humanBytes(got.resumedBytes)})` : "") +
            (got.pinned ? `; pinned in ${lockPath}` : "")
          : `model ${got.spec} is already downloaded (${
            humanBytes(got.bytes)
          }, sha256 ${got.sha256})`,
      );
    } catch (error) {
      return { ok: false, reason: `cannot get the model ${spec}: ${(error as Error).message}` };
    }
  } else {
    const where = locateGgufModel(spec, { env });
    if (!where?.exists) {
      return { ok: false, reason: `model file ${where?.path ?? spec} does not exist` };
    }
    path = where.path;
  }

  const provider = createLlamaCppProvider({
    model: path,
    threads: options.threads,
    contextSize: isDefault ? DEFAULT_GGUF_MODEL.contextSize : undefined,
    env,
  });
  let contextSize: number;
  try {
    contextSize = (await provider.load({ signal: options.signal })).contextSize;
  } catch (error) {
    await provider.dispose();
    return { ok: false, reason: `cannot load ${path}: ${(error as Error).message}` };
  }
  const plan = planForContext(contextSize, constitution.principles);
  const fitted = restrictConstitution(constitution, { ids: plan.principleIds });
  if (plan.droppedIds.length) con.out.warn(`fitting the demo to the model: ${plan.note}`);
  else con.out.info(`fitting the demo to the model: ${plan.note}`);
  return { ok: true, provider, label: `llamacpp:${spec}`, plan, constitution: fitted };
}
