/**
 * The embedded local engine: llama.cpp in-process through `node-llama-cpp`, an opt-in install (see
 * `scripts/install_llamacpp.ts`) that is never part of the default module graph. Chat templates come
 * from the GGUF, tokens stream through `onToken`, JSON-schema requests are decoded under a grammar so
 * a small local judge always answers with parseable JSON, and `dispose()` frees the model.
 *
 * @module
 */
import { z } from "zod";
import type { ChatResponse, Message } from "../schemas/chat.ts";
import { emit, type EventSink } from "../schemas/events.ts";
import { stableStringify } from "../util/hash.ts";
import { createCallSignal } from "./call_signal.ts";
import type { Env } from "./env.ts";
import type { DownloadProgress } from "./llamacpp_download.ts";
import {
  autoconstitutionCacheDir,
  findLlamaCppEngine,
  LLAMACPP_ENGINE_VERSION,
  LLAMACPP_INSTALL_HINT,
  type LlamaCppEngine,
  loadLlamaCppEngine,
  onLlamaCppLog,
} from "./llamacpp_engine.ts";
import {
  type GgufLocation,
  ggufModelHelp,
  locateGgufModel,
  type ResolvedGgufModel,
  resolveGgufModel,
} from "./llamacpp_model.ts";
import { toGbnfJsonSchema } from "./llamacpp_schema.ts";
import { defaultLlamaCppThreads } from "./llamacpp_threads.ts";
import { type ChatOptions, type Provider, ProviderError } from "./types.ts";
import type { Schema } from "../schemas/schema.ts";

const NAME = "llamacpp";

/** Options for {@linkcode createLlamaCppProvider}. */
export interface LlamaCppProviderOptions {
  /**
   * The GGUF model: a path, `"hf:<user>/<repo>/<file>.gguf"` (downloaded once into the cache), or,
   * when undefined, the value of `AUTOCONSTITUTION_GGUF`. @default $AUTOCONSTITUTION_GGUF
   */
  model?: string;
  /** CPU threads. @default 1 for models under 100 MiB, else min(physical cores, 4) */
  threads?: number;
  /** Context size in tokens (capped at the model's training context). @default 4096 */
  contextSize?: number;
  /** Output cap for calls that do not set `maxTokens`. @default 512 */
  maxTokens?: number;
  /**
   * Chat template: `"auto"` reads it from the GGUF (its Jinja template or a known family), or a
   * node-llama-cpp wrapper name such as `"chatML"`, `"llama3"`, `"general"`. @default "auto"
   */
  chatWrapper?: string;
  /** Expected SHA-256 of an `hf:` download. @default the server's announced checksum */
  sha256?: string;
  /** Cache root for downloaded models. @default autoconstitutionCacheDir() */
  cacheDir?: string;
  /** Engine directory. @default llamaCppEngineDir() */
  engineDir?: string;
  /** Hugging Face endpoint for `hf:` models. @default $HF_ENDPOINT or "https://huggingface.co" */
  hfEndpoint?: string;
  /** Injected environment. @default Deno.env */
  env?: Env;
  /** Download progress of an `hf:` model. @default undefined */
  onProgress?: (progress: DownloadProgress) => void;
  /** Receives `log` events (model loaded, threads, llama.cpp warnings). @default undefined */
  onEvent?: EventSink;
}

/** What a loaded llama.cpp provider runs. */
export interface LlamaCppInfo {
  /** Model name as recorded (file name or `hf:` spec). */
  model: string;
  /** Absolute path of the GGUF file. */
  path: string;
  /** Size of the GGUF file in bytes. */
  bytes: number;
  /** CPU threads used. */
  threads: number;
  /** Context size in tokens. */
  contextSize: number;
  /** The model's training context size. */
  trainContextSize: number;
  /** Resolved chat wrapper (template) name. */
  chatWrapper: string;
  /** node-llama-cpp version. */
  engineVersion: string;
  /** Milliseconds spent resolving and loading the model. */
  loadMs: number;
}

/**
 * Schema of {@linkcode LlamaCppInfo}.
 *
 * @example Validate an info record
 * ```ts
 * import { LlamaCppInfoSchema } from "./llamacpp.ts";
 * const ok = LlamaCppInfoSchema.safeParse({
 *   model: "m.gguf", path: "/m.gguf", bytes: 1, threads: 1, contextSize: 512,
 *   trainContextSize: 512, chatWrapper: "ChatML", engineVersion: "3.21.1", loadMs: 3,
 * });
 * if (!ok.success) throw new Error();
 * ```
 */
export const LlamaCppInfoSchema: Schema<LlamaCppInfo> = z.object({
  model: z.string(),
  path: z.string(),
  bytes: z.number().int().nonnegative(),
  threads: z.number().int().positive(),
  contextSize: z.number().int().positive(),
  trainContextSize: z.number().int().nonnegative(),
  chatWrapper: z.string(),
  engineVersion: z.string(),
  loadMs: z.number().nonnegative(),
});

/** The llama.cpp {@linkcode Provider}, with explicit loading and disposal. */
export interface LlamaCppProvider extends Provider {
  /** Loads the engine and the model now (otherwise the first `chat` does). */
  load(options?: { signal?: AbortSignal }): Promise<LlamaCppInfo>;
  /** What is loaded, or undefined before loading. */
  info(): LlamaCppInfo | undefined;
  /** The thread count (known once the model file is; undefined before an `hf:` download). */
  readonly threads: number | undefined;
  /** Aborts calls in flight and frees the context and model. Idempotent. */
  dispose(): Promise<void>;
  /** Same as `dispose()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The result of {@linkcode checkLlamaCpp}. */
export interface LlamaCppCheck {
  /** `ready`, `unreachable` (engine not installed), `no_model`, or `error` (broken install). */
  status: "ready" | "unreachable" | "no_model" | "error";
  /** Human-readable explanation (what is installed where, or what to do). */
  reason: string;
  /** Model name when one was resolved. */
  model?: string;
  /** When ready: a registry spec for it, `llamacpp:<path or hf: spec>`. */
  spec?: string;
}

/**
 * Schema of {@linkcode LlamaCppCheck}.
 *
 * @example Validate a check result
 * ```ts
 * import { LlamaCppCheckSchema } from "./llamacpp.ts";
 * if (!LlamaCppCheckSchema.safeParse({ status: "no_model", reason: "none" }).success) throw new Error();
 * ```
 */
export const LlamaCppCheckSchema: Schema<LlamaCppCheck> = z.object({
  status: z.enum(["ready", "unreachable", "no_model", "error"]),
  reason: z.string(),
  model: z.string().optional(),
  spec: z.string().optional(),
});

interface NativeTokenizer {
  readonly __tokenizer?: never;
}
interface NativeModel {
  readonly trainContextSize: number;
  readonly tokenizer: NativeTokenizer;
  createContext(options: Record<string, unknown>): Promise<NativeContext>;
  dispose(): Promise<void>;
}
interface NativeContext {
  readonly contextSize: number;
  getSequence(): unknown;
  dispose(): Promise<void>;
}
interface NativeChatWrapper {
  readonly wrapperName: string;
  generateContextState(options: { chatHistory: HistoryItem[] }): {
    contextText: { tokenize(tokenizer: NativeTokenizer): unknown[] };
  };
}
interface NativeChat {
  readonly chatWrapper: NativeChatWrapper;
  generateResponse(history: HistoryItem[], options: Record<string, unknown>): Promise<{
    response: string;
    metadata: { stopReason: string };
  }>;
  dispose(): void;
}
type HistoryItem =
  | { type: "system"; text: string }
  | { type: "user"; text: string }
  | { type: "model"; response: string[] };

interface Loaded {
  engine: LlamaCppEngine;
  model: NativeModel;
  context: NativeContext;
  chat: NativeChat;
  info: LlamaCppInfo;
}

function positiveInt(name: string, value: unknown, min = 1): void {
  if (value !== undefined && (!Number.isInteger(value) || (value as number) < min)) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}

function toHistory(messages: Message[]): HistoryItem[] {
  const history: HistoryItem[] = messages.map((m) =>
    m.role === "assistant"
      ? { type: "model", response: [m.content] }
      : { type: m.role, text: m.content }
  );
  if (history[history.length - 1].type !== "model") history.push({ type: "model", response: [] });
  return history;
}

function finishReason(stopReason: string): string {
  if (stopReason === "maxTokens") return "length";
  if (stopReason === "abort") return "aborted";
  return "stop";
}

/**
 * Creates the in-process llama.cpp provider. Nothing heavy happens here: the engine is imported and
 * the model loaded on the first call (or `load()`); the process shares one `getLlama()`. Calls on one
 * provider run one at a time on one context (the KV cache of a shared prompt prefix is reused).
 * Sampling: `temperature` (node-llama-cpp's default 0 = greedy when unset), `seed`, `maxTokens`
 * (clamped to what fits in the context); `jsonSchema` constrains decoding with a grammar (see
 * `toGbnfJsonSchema`: bounded numbers become evenly spaced enums). `timeoutMs` bounds the generation
 * of one call, starting when it gets the context: neither waiting behind other calls nor loading the
 * model (or a first `hf:` download) counts; the caller's `signal` and `dispose()` abort all of it.
 *
 * @param options Model, threads, context size, caches and callbacks.
 * @returns A provider named `"llamacpp"`; call `dispose()` when done.
 * @throws ProviderError `not_found` listing the three ways to give a model when there is no model
 *   spec or a model path does not exist; RangeError/TypeError for bad options.
 *
 * @example No model gives a clear error
 * ```ts
 * import { createLlamaCppProvider } from "./llamacpp.ts";
 * let message = "";
 * try {
 *   createLlamaCppProvider({ env: {} });
 * } catch (error) {
 *   message = String(error);
 * }
 * if (!message.includes("hf:") || !message.includes("AUTOCONSTITUTION_GGUF")) throw new Error(message);
 * ```
 */
export function createLlamaCppProvider(options: LlamaCppProviderOptions = {}): LlamaCppProvider {
  const { cacheDir, location } = checkProviderOptions(options);
  const sink = options.onEvent;
  const st: ProviderState = {
    options,
    cacheDir,
    sink,
    defaultMaxTokens: options.maxTokens ?? 512,
    disposeController: new AbortController(),
    tail: Promise.resolve(),
    loaded: undefined,
    disposed: false,
    threads: options.threads ??
      (location.exists ? defaultLlamaCppThreads(Deno.statSync(location.path).size) : undefined),
    grammars: new Map<string, Promise<unknown>>(),
    offLog: sink
      ? onLlamaCppLog((line) =>
        emit(sink, { type: "log", level: line.level, message: `llama.cpp: ${line.message}` })
      )
      : () => {},
  };
  const provider: LlamaCppProvider = {
    name: NAME,
    model: location.displayName,
    get threads(): number | undefined {
      return st.threads;
    },
    info(): LlamaCppInfo | undefined {
      return st.loaded?.info;
    },
    load(loadOptions: { signal?: AbortSignal } = {}): Promise<LlamaCppInfo> {
      return serial(st, () => doLoad(st, loadOptions.signal)).then((state) => state.info);
    },
    chat(messages: Message[], callOptions: ChatOptions = {}): Promise<ChatResponse> {
      return chatCall(st, messages, callOptions);
    },
    dispose(): Promise<void> {
      return disposeProvider(st);
    },
    [Symbol.asyncDispose](): Promise<void> {
      return provider.dispose();
    },
  };
  return provider;
}

/** The mutable state of one llama.cpp provider, shared by its methods. */
interface ProviderState {
  options: LlamaCppProviderOptions;
  cacheDir: string;
  sink: EventSink | undefined;
  defaultMaxTokens: number;
  /** Aborted by `dispose()`: ends every queued and running call. */
  disposeController: AbortController;
  /** The end of the queue of serial tasks (never rejects). */
  tail: Promise<unknown>;
  loaded: Loaded | undefined;
  disposed: boolean;
  threads: number | undefined;
  /** Compiled grammars by their converted JSON schema. */
  grammars: Map<string, Promise<unknown>>;
  /** Stops forwarding llama.cpp's log lines. */
  offLog: () => void;
}

/**
 * Checks the options of {@linkcode createLlamaCppProvider} (shape, numbers, chat wrapper, sha256)
 * and locates the model, throwing `not_found` when there is none or its path does not exist.
 */
function checkProviderOptions(
  options: LlamaCppProviderOptions,
): { cacheDir: string; location: GgufLocation } {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`options must be an object, got ${String(options)}`);
  }
  positiveInt("threads", options.threads);
  positiveInt("contextSize", options.contextSize, 16);
  positiveInt("maxTokens", options.maxTokens);
  if (options.chatWrapper !== undefined && typeof options.chatWrapper !== "string") {
    throw new TypeError(`chatWrapper must be a string, got ${String(options.chatWrapper)}`);
  }
  if (options.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(String(options.sha256))) {
    throw new TypeError(`sha256 must be 64 hex digits, got ${String(options.sha256)}`);
  }
  const cacheDir = options.cacheDir ?? autoconstitutionCacheDir(options.env);
  const location = locateGgufModel(options.model, { ...options, cacheDir });
  if (!location) {
    throw new ProviderError(NAME, "not_found", `no GGUF model given; ${ggufModelHelp(cacheDir)}`);
  }
  if (location.kind === "path" && !location.exists) {
    throw new ProviderError(
      NAME,
      "not_found",
      `model file ${location.path} does not exist; ${ggufModelHelp(cacheDir)}`,
    );
  }
  return { cacheDir, location };
}

/** Runs `task` after every task queued before it (whether they succeeded or not). */
function serial<T>(st: ProviderState, task: () => Promise<T>): Promise<T> {
  const run = st.tail.then(task, task);
  st.tail = run.catch(() => {});
  return run;
}

/**
 * Loads the engine and the model once (downloading an `hf:` model first), sets the thread count
 * from the model's size, and sets up the context and chat; later calls return what was loaded.
 */
async function doLoad(st: ProviderState, signal: AbortSignal | undefined): Promise<Loaded> {
  const { options } = st;
  if (st.loaded) return st.loaded;
  if (st.disposed) throw new ProviderError(NAME, "bad_request", "the provider was disposed");
  const started = performance.now();
  let engine: LlamaCppEngine;
  try {
    engine = await loadLlamaCppEngine({ engineDir: options.engineDir, env: options.env });
  } catch (error) {
    throw new ProviderError(NAME, "not_found", (error as Error).message, { cause: error });
  }
  const file = await resolveGgufModel(options.model, {
    cacheDir: st.cacheDir,
    env: options.env,
    hfEndpoint: options.hfEndpoint,
    sha256: options.sha256,
    onProgress: options.onProgress,
    signal,
  });
  const bytes = Deno.statSync(file.path).size;
  st.threads = options.threads ?? defaultLlamaCppThreads(bytes);
  if (st.disposed) throw new ProviderError(NAME, "aborted", "the provider was disposed");
  let model: NativeModel;
  try {
    model = await engine.llama.loadModel({
      modelPath: file.path,
      gpuLayers: 0,
      loadSignal: signal,
    }) as NativeModel;
  } catch (error) {
    throw new ProviderError(NAME, "bad_request", `cannot load ${file.path}: ${error}`, {
      cause: error,
    });
  }
  return await setUpChat(st, engine, model, file, bytes, started);
}

/**
 * Creates the context and the chat of a loaded model, records and announces what was loaded, and
 * disposes of both on failure.
 */
async function setUpChat(
  st: ProviderState,
  engine: LlamaCppEngine,
  model: NativeModel,
  file: ResolvedGgufModel,
  bytes: number,
  started: number,
): Promise<Loaded> {
  const { options } = st;
  const threads = st.threads;
  let context: NativeContext | undefined;
  try {
    const contextSize = Math.min(options.contextSize ?? 4096, model.trainContextSize || 4096);
    context = await model.createContext({ contextSize, threads, sequences: 1 });
    const chatWrapper = engine.module.resolveChatWrapper(model, {
      type: options.chatWrapper ?? "auto",
      warningLogs: false,
    });
    const chat = new engine.module.LlamaChat({
      contextSequence: context.getSequence(),
      chatWrapper,
      autoDisposeSequence: true,
    }) as NativeChat;
    const info: LlamaCppInfo = {
      model: file.displayName,
      path: file.path,
      bytes,
      threads: threads!,
      contextSize: context.contextSize,
      trainContextSize: model.trainContextSize,
      chatWrapper: chat.chatWrapper.wrapperName,
      engineVersion: LLAMACPP_ENGINE_VERSION,
      loadMs: Math.round(performance.now() - started),
    };
    const loaded = { engine, model, context, chat, info };
    st.loaded = loaded;
    emit(st.sink, {
      type: "log",
      level: "info",
      message: `llamacpp: loaded ${info.model} (${threads} thread${threads === 1 ? "" : "s"}, ` +
        `context ${info.contextSize}, chat template ${info.chatWrapper}) in ${info.loadMs} ms`,
    });
    return loaded;
  } catch (error) {
    await context?.dispose().catch(() => {});
    await model.dispose().catch(() => {});
    throw new ProviderError(NAME, "bad_request", `cannot set up ${file.path}: ${error}`, {
      cause: error,
    });
  }
}

/** The grammar for a call's `jsonSchema`, compiled once per distinct (converted) schema. */
function grammarFor(
  st: ProviderState,
  state: Loaded,
  schema: Record<string, unknown>,
): Promise<unknown> {
  const { grammars } = st;
  let converted: Record<string, unknown>;
  try {
    converted = toGbnfJsonSchema(schema);
  } catch (error) {
    throw new ProviderError(NAME, "bad_request", `unsupported jsonSchema: ${error}`, {
      cause: error,
    });
  }
  const key = stableStringify(converted);
  let grammar = grammars.get(key);
  if (!grammar) {
    grammar = state.engine.llama.createGrammarForJsonSchema(converted);
    grammars.set(key, grammar);
    grammar.catch(() => grammars.delete(key));
  }
  return grammar.catch((error) => {
    throw new ProviderError(
      NAME,
      "bad_request",
      `cannot compile the jsonSchema grammar: ${error}`,
      {
        cause: error,
      },
    );
  });
}

/**
 * Generates one answer on the loaded chat: counts the prompt's tokens, clamps `maxTokens` to the
 * room left in the context, and applies the schema grammar, temperature, seed and token callback.
 */
async function generate(
  st: ProviderState,
  state: Loaded,
  messages: Message[],
  callOptions: ChatOptions,
  signal: AbortSignal,
): Promise<ChatResponse> {
  const history = toHistory(messages);
  const inputTokens = state.chat.chatWrapper.generateContextState({ chatHistory: history })
    .contextText.tokenize(state.model.tokenizer).length;
  const room = state.info.contextSize - inputTokens;
  if (room <= 0) {
    throw new ProviderError(
      NAME,
      "bad_request",
      `the prompt has ${inputTokens} tokens but the context holds ${state.info.contextSize}; ` +
        `raise contextSize or shorten the prompt`,
    );
  }
  const grammar = callOptions.jsonSchema
    ? await grammarFor(st, state, callOptions.jsonSchema)
    : undefined;
  let outputTokens = 0;
  const onToken = callOptions.onToken;
  const result = await state.chat.generateResponse(history, {
    maxTokens: Math.min(callOptions.maxTokens ?? st.defaultMaxTokens, room),
    temperature: callOptions.temperature,
    seed: callOptions.seed,
    grammar,
    signal,
    stopOnAbortSignal: false,
    onToken: (tokens: unknown[]) => {
      outputTokens += tokens.length;
    },
    onTextChunk: onToken ? (text: string) => onToken(text) : undefined,
  });
  return {
    text: result.response,
    model: state.info.model,
    usage: { inputTokens, outputTokens },
    finishReason: finishReason(result.metadata.stopReason),
  };
}

/**
 * One `chat()` call: checks its arguments, then, in turn behind earlier calls, loads the model and
 * generates under the call's timeout, mapping aborts, timeouts and engine failures to ProviderErrors.
 */
function chatCall(
  st: ProviderState,
  messages: Message[],
  callOptions: ChatOptions,
): Promise<ChatResponse> {
  if (!Array.isArray(messages) || messages.length === 0) {
    return Promise.reject(
      new TypeError(`messages must be a non-empty array, got ${JSON.stringify(messages)}`),
    );
  }
  if (st.disposed) {
    return Promise.reject(new ProviderError(NAME, "bad_request", "the provider was disposed"));
  }
  const timeoutMs = callOptions.timeoutMs;
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs) || timeoutMs <= 0)
  ) {
    return Promise.reject(
      new RangeError(`timeoutMs must be a positive number, got ${String(timeoutMs)}`),
    );
  }
  const { disposeController } = st;
  const outer = callOptions.signal
    ? AbortSignal.any([callOptions.signal, disposeController.signal])
    : disposeController.signal;
  const abortedError = (cause?: unknown): ProviderError =>
    new ProviderError(
      NAME,
      "aborted",
      disposeController.signal.aborted && !callOptions.signal?.aborted
        ? "the provider was disposed"
        : "the call was aborted",
      { cause },
    );
  return serial(st, async () => {
    if (outer.aborted) throw abortedError();
    // Loading (and a first-time hf: download) is not bounded by the per-call timeout, only by
    // the caller's signal and disposal; the timeout starts when this call starts generating.
    let state: Loaded;
    try {
      state = await doLoad(st, outer);
    } catch (error) {
      if (outer.aborted) throw abortedError(error);
      throw error;
    }
    const call = createCallSignal(outer, timeoutMs);
    try {
      return await generate(st, state, messages, callOptions, call.signal);
    } catch (error) {
      const aborted = call.why() === "timeout" ? call.error(NAME, error) : undefined;
      if (aborted) throw aborted;
      if (outer.aborted) throw abortedError(error);
      if (error instanceof ProviderError) throw error;
      throw new ProviderError(NAME, "server", `llama.cpp failed: ${error}`, { cause: error });
    }
  });
}

/** Disposes once: aborts every call, waits for the queue, stops the log and frees the model. */
async function disposeProvider(st: ProviderState): Promise<void> {
  if (st.disposed) return;
  st.disposed = true;
  st.disposeController.abort();
  await st.tail;
  st.offLog();
  const state = st.loaded;
  st.loaded = undefined;
  st.grammars.clear();
  if (!state) return;
  state.chat.dispose();
  await state.context.dispose().catch(() => {});
  await state.model.dispose().catch(() => {});
  // node-llama-cpp frees its reserved threads on a 0 ms timer after each batch, and dispose()
  // does not cancel it; let it fire so no timer outlives the provider.
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Options for {@linkcode checkLlamaCpp}. */
export type CheckLlamaCppOptions = Pick<
  LlamaCppProviderOptions,
  "model" | "engineDir" | "cacheDir" | "env" | "hfEndpoint"
>;

/**
 * Cheaply tells whether the llama.cpp provider can run: the engine is installed (marker, entry module
 * and binary package present — nothing is imported) and the model resolves to a local file (an `hf:`
 * model counts only once downloaded; nothing is fetched). Never throws.
 *
 * @param options Model spec, engine and cache directories, environment.
 * @returns `ready` with the model name; `unreachable` when the engine is not installed; `no_model`
 *   when no model is given or its file is missing; `error` when the install is broken (bad marker,
 *   missing files) or anything unexpected happens.
 *
 * @example Without an engine the status is unreachable
 * ```ts
 * import { checkLlamaCpp } from "./llamacpp.ts";
 * const check = await checkLlamaCpp({ engineDir: await Deno.makeTempDir(), env: {} });
 * if (check.status !== "unreachable" || !check.reason.includes("install_llamacpp")) throw new Error();
 * ```
 */
export async function checkLlamaCpp(options: CheckLlamaCppOptions = {}): Promise<LlamaCppCheck> {
  try {
    const engine = await findLlamaCppEngine({ engineDir: options.engineDir, env: options.env });
    if (!engine.ok) {
      return {
        status: engine.state === "missing" ? "unreachable" : "error",
        reason: engine.reason,
      };
    }
    const cacheDir = options.cacheDir ?? autoconstitutionCacheDir(options.env);
    let location;
    try {
      location = locateGgufModel(options.model, { ...options, cacheDir });
    } catch (error) {
      return { status: "no_model", reason: (error as Error).message };
    }
    if (!location) {
      return { status: "no_model", reason: `no GGUF model given; ${ggufModelHelp(cacheDir)}` };
    }
    if (!location.exists) {
      const reason = location.kind === "hf"
        ? `${location.spec} is not downloaded yet (the first load fetches it into ${location.path})`
        : `model file ${location.path} does not exist; ${ggufModelHelp(cacheDir)}`;
      return { status: "no_model", reason, model: location.displayName };
    }
    return {
      status: "ready",
      reason:
        `node-llama-cpp ${engine.marker.version} (${engine.marker.platform}) in ${engine.dir}; ` +
        `model ${location.path}`,
      model: location.displayName,
      spec: `llamacpp:${location.spec}`,
    };
  } catch (error) {
    return {
      status: "error",
      reason: `cannot check llama.cpp: ${error} (install with \`${LLAMACPP_INSTALL_HINT}\`)`,
    };
  }
}
