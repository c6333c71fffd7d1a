/**
 * Where the opt-in llama.cpp engine (`node-llama-cpp`) lives and how it is loaded: found through a
 * marker file written by `scripts/install_llamacpp.ts`, imported lazily from a computed `file:` URL
 * (never part of the static module graph, `deno.json` or `deno.lock`), with one `getLlama()` per
 * process whose log lines are routed to registered listeners instead of the console.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { type Env, readEnv } from "./env.ts";
import type { Schema } from "../schemas/schema.ts";

/** The pinned `node-llama-cpp` version (3.22.x does not resolve under Deno; 3.21.1 does). */
export const LLAMACPP_ENGINE_VERSION = "3.21.1";

/** Name of the marker file the installer writes last, so only complete installs are found. */
export const LLAMACPP_ENGINE_MARKER = "autoconstitution-engine.json";

/** The marker file written by the installer into the engine directory. */
export interface LlamaCppEngineMarker {
  /** Installed `node-llama-cpp` version. */
  version: string;
  /** The `@node-llama-cpp/<platform>` binary package installed, e.g. `linux-x64`. */
  platform: string;
  /** Entry module relative to the engine directory. */
  entry: string;
  /** ISO time of the install. */
  installedAt: string;
  /** SHA-256 of the committed `package-lock.json` the install used (absent: resolved by npm). */
  lockSha256?: string;
}

/**
 * Schema of {@linkcode LlamaCppEngineMarker}.
 *
 * @example Validate a marker
 * ```ts
 * import { LlamaCppEngineMarkerSchema } from "./llamacpp_engine.ts";
 * const marker = { version: "3.21.1", platform: "linux-x64", entry: "x.js", installedAt: "now" };
 * if (!LlamaCppEngineMarkerSchema.safeParse(marker).success) throw new Error();
 * ```
 */
export const LlamaCppEngineMarkerSchema: Schema<LlamaCppEngineMarker> = z.object({
  version: z.string(),
  platform: z.string(),
  entry: z.string(),
  installedAt: z.string(),
  lockSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});

/**
 * The cache root of autoconstitution: `$AUTOCONSTITUTION_CACHE`, else `$XDG_CACHE_HOME/autoconstitution`,
 * else `~/.cache/autoconstitution`.
 *
 * @param env Injected environment; the process environment when undefined.
 * @returns An absolute directory path (not created).
 *
 * @example An explicit cache root wins
 * ```ts
 * import { autoconstitutionCacheDir } from "./llamacpp_engine.ts";
 * if (autoconstitutionCacheDir({ AUTOCONSTITUTION_CACHE: "/tmp/ac" }) !== "/tmp/ac") throw new Error();
 * ```
 */
export function autoconstitutionCacheDir(env?: Env): string {
  const explicit = readEnv("AUTOCONSTITUTION_CACHE", env);
  if (explicit) return resolve(explicit);
  const xdg = readEnv("XDG_CACHE_HOME", env);
  if (xdg) return join(resolve(xdg), "autoconstitution");
  const home = readEnv("HOME", env) ?? readEnv("USERPROFILE", env) ?? homedir();
  return join(home, ".cache", "autoconstitution");
}

/** Options for {@linkcode llamaCppEngineDir}. */
export interface LlamaCppEngineDirOptions {
  /** Explicit engine directory; wins over everything. @default undefined */
  engineDir?: string;
  /** Injected environment (reads `AUTOCONSTITUTION_LLAMACPP_DIR`, then the cache root). @default Deno.env */
  env?: Env;
}

/**
 * The directory the engine is (or would be) installed in: `options.engineDir`, else
 * `$AUTOCONSTITUTION_LLAMACPP_DIR`, else `<cache root>/llamacpp/node-llama-cpp@<version>`.
 *
 * @param options Explicit directory and environment.
 * @returns An absolute directory path.
 *
 * @example The default sits under the cache root, named by version
 * ```ts
 * import { LLAMACPP_ENGINE_VERSION, llamaCppEngineDir } from "./llamacpp_engine.ts";
 * const dir = llamaCppEngineDir({ env: { AUTOCONSTITUTION_CACHE: "/tmp/ac" } });
 * if (dir !== `/tmp/ac/llamacpp/node-llama-cpp@${LLAMACPP_ENGINE_VERSION}`) throw new Error(dir);
 * ```
 */
export function llamaCppEngineDir(options: LlamaCppEngineDirOptions = {}): string {
  if (options.engineDir !== undefined) {
    if (typeof options.engineDir !== "string" || options.engineDir === "") {
      throw new TypeError(`engineDir must be a non-empty string, got ${String(options.engineDir)}`);
    }
    return resolve(options.engineDir);
  }
  const fromEnv = readEnv("AUTOCONSTITUTION_LLAMACPP_DIR", options.env);
  if (fromEnv) return resolve(fromEnv);
  return join(
    autoconstitutionCacheDir(options.env),
    "llamacpp",
    `node-llama-cpp@${LLAMACPP_ENGINE_VERSION}`,
  );
}

/**
 * The `@node-llama-cpp/<name>` CPU binary package for an OS and architecture (GPU builds are not
 * installed: they are hundreds of megabytes).
 *
 * @param os `Deno.build.os`.
 * @param arch `Deno.build.arch`.
 * @returns The package suffix, or undefined for unsupported platforms.
 *
 * @example Linux on x86-64
 * ```ts
 * import { llamaCppPlatformPackage } from "./llamacpp_engine.ts";
 * if (llamaCppPlatformPackage("linux", "x86_64") !== "linux-x64") throw new Error();
 * if (llamaCppPlatformPackage("plan9", "x86_64") !== undefined) throw new Error();
 * ```
 */
export function llamaCppPlatformPackage(os: string, arch: string): string | undefined {
  const table: Record<string, string> = {
    "linux/x86_64": "linux-x64",
    "linux/aarch64": "linux-arm64",
    "darwin/aarch64": "mac-arm64-metal",
    "darwin/x86_64": "mac-x64",
    "windows/x86_64": "win-x64",
    "windows/aarch64": "win-arm64",
  };
  return table[`${os}/${arch}`];
}

/** What {@linkcode findLlamaCppEngine} found. */
export type LlamaCppEngineLocation =
  | { ok: true; dir: string; entryUrl: string; marker: LlamaCppEngineMarker }
  | { ok: false; dir: string; state: "missing" | "broken"; reason: string };

/** The command that installs the engine, quoted in every "not installed" message. */
export const LLAMACPP_INSTALL_HINT = "deno run -A scripts/install_llamacpp.ts";

/**
 * Looks for an installed engine without importing it: reads the marker and checks that the entry
 * module and the platform binary package exist. Never throws.
 *
 * @param options Explicit directory and environment.
 * @returns The location and entry URL, or why there is no usable engine.
 *
 * @example An empty directory holds no engine
 * ```ts
 * import { findLlamaCppEngine } from "./llamacpp_engine.ts";
 * const found = await findLlamaCppEngine({ engineDir: await Deno.makeTempDir() });
 * if (found.ok || !found.reason.includes("install_llamacpp")) throw new Error("expected a hint");
 * ```
 */
export async function findLlamaCppEngine(
  options: LlamaCppEngineDirOptions = {},
): Promise<LlamaCppEngineLocation> {
  let dir = "";
  try {
    dir = llamaCppEngineDir(options);
    const markerPath = join(dir, LLAMACPP_ENGINE_MARKER);
    if (!existsSync(markerPath)) {
      return {
        ok: false,
        dir,
        state: "missing",
        reason:
          `node-llama-cpp is not installed in ${dir} (opt-in: run \`${LLAMACPP_INSTALL_HINT}\`)`,
      };
    }
    const parsed = LlamaCppEngineMarkerSchema.safeParse(
      JSON.parse(await readFile(markerPath, "utf8")),
    );
    if (!parsed.success) {
      return {
        ok: false,
        dir,
        state: "broken",
        reason:
          `${markerPath} is not a valid engine marker (${parsed.error.issues[0]?.message}); ` +
          `reinstall with \`${LLAMACPP_INSTALL_HINT}\``,
      };
    }
    const marker = parsed.data;
    const entry = join(dir, marker.entry);
    const binaries = join(dir, "node_modules", "@node-llama-cpp", marker.platform);
    for (const path of [entry, binaries]) {
      if (!existsSync(path)) {
        return {
          ok: false,
          dir,
          state: "broken",
          reason: `the engine in ${dir} is incomplete (${path} is missing); ` +
            `reinstall with \`${LLAMACPP_INSTALL_HINT}\``,
        };
      }
    }
    return { ok: true, dir, entryUrl: pathToFileURL(entry).href, marker };
  } catch (error) {
    return {
      ok: false,
      dir,
      state: "broken",
      reason: `cannot read the engine in ${dir}: ${String(error)}; ` +
        `reinstall with \`${LLAMACPP_INSTALL_HINT}\``,
    };
  }
}

/** A log line from llama.cpp / node-llama-cpp. */
export interface LlamaCppLogLine {
  /** `warn` for warnings and errors, `info` otherwise. */
  level: "info" | "warn";
  /** The message, trimmed. */
  message: string;
}

/** The subset of `node-llama-cpp`'s module that this library uses (it is typed structurally). */
export interface LlamaCppModule {
  /** `getLlama(options)` from node-llama-cpp. */
  getLlama(options: Record<string, unknown>): Promise<LlamaCppLlama>;
  /** The `LlamaChat` class from node-llama-cpp. */
  LlamaChat: new (options: Record<string, unknown>) => unknown;
  /** `resolveChatWrapper(model, { type })` from node-llama-cpp. */
  resolveChatWrapper(model: unknown, options: Record<string, unknown>): unknown;
}

/** The subset of node-llama-cpp's `Llama` that this library uses. */
export interface LlamaCppLlama {
  /** Loads a GGUF model. */
  loadModel(options: Record<string, unknown>): Promise<unknown>;
  /** Compiles a JSON-schema grammar. */
  createGrammarForJsonSchema(schema: unknown): Promise<unknown>;
  /** Frees the native backend. */
  dispose(): Promise<void>;
  /** True after `dispose()`. */
  readonly disposed: boolean;
}

/** The loaded engine: the module and the process-wide `Llama`. */
export interface LlamaCppEngine {
  /** The imported node-llama-cpp module. */
  module: LlamaCppModule;
  /** The one `Llama` of this process. */
  llama: LlamaCppLlama;
  /** Where it was loaded from. */
  dir: string;
}

const logListeners = new Set<(line: LlamaCppLogLine) => void>();
let enginePromise: Promise<LlamaCppEngine> | undefined;

/**
 * Registers a receiver of llama.cpp log lines (the engine is process-wide, so every listener sees every
 * line).
 *
 * @param listener Receives each log line.
 * @returns A function that unregisters the listener.
 *
 * @example Register and unregister
 * ```ts
 * import { onLlamaCppLog } from "./llamacpp_engine.ts";
 * const off = onLlamaCppLog(() => {});
 * off();
 * ```
 */
export function onLlamaCppLog(listener: (line: LlamaCppLogLine) => void): () => void {
  if (typeof listener !== "function") {
    throw new TypeError(`listener must be a function, got ${typeof listener}`);
  }
  logListeners.add(listener);
  return () => void logListeners.delete(listener);
}

function dispatchLog(level: string, message: string): void {
  const line: LlamaCppLogLine = {
    level: ["warn", "error", "fatal"].includes(level) ? "warn" : "info",
    message: String(message).trim(),
  };
  if (line.message === "") return;
  for (const listener of logListeners) {
    try {
      listener(line);
    } catch {
      // a listener's failure must not break the engine
    }
  }
}

/** Options for {@linkcode loadLlamaCppEngine}. */
export interface LoadLlamaCppEngineOptions extends LlamaCppEngineDirOptions {
  /** llama.cpp log level forwarded to listeners. @default "warn" */
  logLevel?: "error" | "warn" | "info" | "debug";
}

/**
 * Imports the installed engine (lazily, from a computed `file:` URL) and calls `getLlama()` once per
 * process (CPU backend, never building from source). Later calls return the same engine, whatever
 * their options. A failure is not cached, so a later call can retry after an install.
 *
 * @param options Engine directory, environment and log level.
 * @returns The module and the process-wide `Llama`.
 * @throws Error naming the directory and the install command when no engine is installed.
 *
 * @example Without an installed engine the error says how to install it
 * ```ts
 * import { loadLlamaCppEngine } from "./llamacpp_engine.ts";
 * const dir = await Deno.makeTempDir();
 * const error = await loadLlamaCppEngine({ engineDir: dir }).catch((e) => e);
 * if (!String(error).includes("install_llamacpp")) throw new Error("expected the install hint");
 * ```
 */
export function loadLlamaCppEngine(
  options: LoadLlamaCppEngineOptions = {},
): Promise<LlamaCppEngine> {
  if (enginePromise) return enginePromise;
  const promise = (async (): Promise<LlamaCppEngine> => {
    const found = await findLlamaCppEngine(options);
    if (!found.ok) throw new Error(found.reason);
    const specifier = found.entryUrl;
    const module = await import(specifier) as LlamaCppModule;
    if (typeof module.getLlama !== "function") {
      throw new Error(
        `${specifier} does not export getLlama; reinstall with \`${LLAMACPP_INSTALL_HINT}\``,
      );
    }
    const llama = await module.getLlama({
      gpu: false,
      build: "never",
      usePrebuiltBinaries: true,
      skipDownload: true,
      progressLogs: false,
      logLevel: options.logLevel ?? "warn",
      logger: dispatchLog,
    });
    return { module, llama, dir: found.dir };
  })();
  enginePromise = promise;
  promise.catch(() => {
    if (enginePromise === promise) enginePromise = undefined;
  });
  return promise;
}

/**
 * Frees the process-wide `Llama` (after every provider was disposed). The next
 * {@linkcode loadLlamaCppEngine} loads it again.
 *
 * @returns Resolves when the native backend is freed (immediately when it was never loaded).
 *
 * @example Safe to call when nothing was loaded
 * ```ts
 * import { disposeLlamaCppEngine } from "./llamacpp_engine.ts";
 * await disposeLlamaCppEngine();
 * ```
 */
export async function disposeLlamaCppEngine(): Promise<void> {
  const promise = enginePromise;
  enginePromise = undefined;
  if (!promise) return;
  const engine = await promise.catch(() => undefined);
  if (engine && !engine.llama.disposed) await engine.llama.dispose();
}
