/**
 * Record/replay cache: a wrapper storing each successful response in a content-addressed directory,
 * so runs can be repeated with zero network and identical answers.
 *
 * @module
 */
import { join } from "node:path";
import { z } from "zod";
import {
  type ChatRequest,
  ChatRequestSchema,
  type ChatResponse,
  ChatResponseSchema,
  type Message,
} from "../schemas/chat.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import { sha256Hex } from "../util/hash.ts";
import { type ChatOptions, type Provider, ProviderError } from "./types.ts";
import type { Schema } from "../schemas/schema.ts";

/** One cache file: the request that was made and the response it got (never credentials). */
export interface CacheEntry {
  /** The cache key (`sha256Hex` of `request`). */
  key: string;
  /** What was asked. */
  request: ChatRequest;
  /** What came back. */
  response: ChatResponse;
  /** ISO time of recording. */
  recordedAt: string;
}

/** Schema of one cache file. */
export const CacheEntrySchema: Schema<CacheEntry> = z.object({
  key: z.string().regex(/^[0-9a-f]{64}$/),
  request: ChatRequestSchema,
  response: ChatResponseSchema,
  recordedAt: z.string(),
});

/** How the cache is used: `record` (call + store), `replay` (cache only), `auto` (cache, else call + store). */
export type CacheMode = "record" | "replay" | "auto";

/** Options for {@linkcode withCache}. */
export interface CacheOptions {
  /** Cache directory (created as needed). */
  dir: string;
  /** Cache mode. @default "auto" */
  mode?: CacheMode;
}

/**
 * The request a call is keyed by: provider, model, messages and the answer-changing parameters
 * (temperature, seed, max tokens, JSON schema). Transport fields (signal, timeout, callbacks, ids)
 * and credentials are not part of it.
 *
 * @param target Provider and model names (a {@linkcode Provider} fits).
 * @param messages The messages.
 * @param options The call options (only the parameters are kept).
 * @returns The request record.
 *
 * @example Transport fields are dropped
 * ```ts
 * import { cacheRequest } from "./cache.ts";
 * const target = { name: "ollama", model: "m" };
 * const r = cacheRequest(target, [{ role: "user", content: "hi" }], { seed: 1, timeoutMs: 5 });
 * if (r.params.seed !== 1 || "timeoutMs" in r.params) throw new Error();
 * ```
 */
export function cacheRequest(
  target: { name: string; model: string },
  messages: Message[],
  options: ChatOptions = {},
): ChatRequest {
  if (!target || typeof target.name !== "string" || typeof target.model !== "string") {
    throw new TypeError(
      `cacheRequest: target must have string name and model, got ${String(target)}`,
    );
  }
  if (!Array.isArray(messages)) {
    throw new TypeError(`cacheRequest: messages must be an array, got ${String(messages)}`);
  }
  return {
    provider: target.name,
    model: target.model,
    messages: messages.map((m) => ({ role: m.role, content: m.content })),
    params: {
      temperature: options.temperature,
      seed: options.seed,
      maxTokens: options.maxTokens,
      jsonSchema: options.jsonSchema,
    },
  };
}

/**
 * The cache key of a request: `sha256Hex` of its canonical JSON.
 *
 * @param request The request record (see {@linkcode cacheRequest}).
 * @returns 64 hex characters.
 *
 * @example The seed changes the key
 * ```ts
 * import { cacheKey, cacheRequest } from "./cache.ts";
 * const msgs = [{ role: "user" as const, content: "hi" }];
 * const p = { name: "ollama", model: "m" };
 * if (cacheKey(cacheRequest(p, msgs, { seed: 1 })) === cacheKey(cacheRequest(p, msgs, { seed: 2 }))) {
 *   throw new Error("seed must matter");
 * }
 * ```
 */
export function cacheKey(request: ChatRequest): string {
  return sha256Hex(request);
}

/**
 * The file a key is stored in: `<dir>/<key[0..2]>/<key>.json`.
 *
 * @param dir Cache directory.
 * @param key A cache key.
 * @returns The file path.
 *
 * @example Sharded by the first two characters
 * ```ts
 * import { cachePath } from "./cache.ts";
 * const key = "ab" + "0".repeat(62);
 * if (!cachePath("/c", key).endsWith(`/ab/${key}.json`)) throw new Error();
 * ```
 */
export function cachePath(dir: string, key: string): string {
  if (!/^[0-9a-f]{64}$/.test(key)) throw new TypeError(`cachePath: invalid key "${key}"`);
  return join(dir, key.slice(0, 2), `${key}.json`);
}

async function readEntry(path: string): Promise<CacheEntry | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  try {
    const parsed = CacheEntrySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Wraps a provider with a record/replay cache. Successful responses are written atomically to
 * `<dir>/<key[0..2]>/<key>.json` with the request; errors are never cached. In `replay` mode no call
 * is ever made and a miss throws a {@linkcode ProviderError} of kind `replay_miss` naming the key,
 * role and item. Cached responses come back with `cached: true`; when the call streams, the whole
 * cached text is sent through `onToken` once. Unreadable cache files count as misses.
 *
 * @param provider The provider to wrap.
 * @param options Directory and mode.
 * @returns A provider with the same name and model.
 *
 * @example Record, then replay without the provider
 * ```ts
 * import { withCache } from "./cache.ts";
 * import { createScriptedProvider } from "./scripted.ts";
 * const dir = await Deno.makeTempDir();
 * const msgs = [{ role: "user" as const, content: "hi" }];
 * const first = await withCache(createScriptedProvider(), { dir, mode: "record" }).chat(msgs);
 * const again = await withCache(createScriptedProvider({ defaultText: "other" }), { dir, mode: "replay" }).chat(msgs);
 * if (again.text !== first.text || again.cached !== true) throw new Error();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function withCache(provider: Provider, options: CacheOptions): Provider {
  if (!options || typeof options.dir !== "string" || options.dir === "") {
    throw new TypeError(
      `withCache: options.dir must be a non-empty string, got ${String(options?.dir)}`,
    );
  }
  const mode = options.mode ?? "auto";
  if (!["record", "replay", "auto"].includes(mode)) {
    throw new TypeError(`withCache: mode must be "record", "replay" or "auto", got "${mode}"`);
  }
  const dir = options.dir;
  return {
    name: provider.name,
    model: provider.model,
    async chat(messages: Message[], chatOptions: ChatOptions = {}): Promise<ChatResponse> {
      const request = cacheRequest(provider, messages, chatOptions);
      const key = cacheKey(request);
      const path = cachePath(dir, key);
      if (mode !== "record") {
        const entry = await readEntry(path);
        if (entry) {
          if (chatOptions.signal?.aborted) {
            throw new ProviderError(provider.name, "aborted", "the call was aborted");
          }
          if (chatOptions.onToken && entry.response.text !== "") {
            chatOptions.onToken(entry.response.text);
          }
          return { ...entry.response, cached: true };
        }
        if (mode === "replay") {
          const who = [
            chatOptions.role !== undefined ? `role "${chatOptions.role}"` : undefined,
            chatOptions.itemId !== undefined ? `item "${chatOptions.itemId}"` : undefined,
          ].filter(Boolean).join(", ");
          throw new ProviderError(
            provider.name,
            "replay_miss",
            `no cached response for key ${key}${who ? ` (${who})` : ""} in ${dir}`,
          );
        }
      }
      const response = await provider.chat(messages, chatOptions);
      const { cached: _cached, ...fresh } = response;
      const entry: CacheEntry = {
        key,
        request,
        response: fresh,
        recordedAt: new Date().toISOString(),
      };
      await writeJsonAtomic(path, entry);
      return response;
    },
  };
}
