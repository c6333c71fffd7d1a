/**
 * How many CPU threads llama.cpp gets by default. llama.cpp's worker threads spin while they wait, so
 * extra threads on a tiny model or a busy machine cost far more than they give: on a 2-core machine the
 * 1.2 MB stories260K model generated ~330–440 tokens/s with 1 thread and 17–82 tokens/s with 2.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";

/** Models smaller than this (bytes) get one thread: synchronisation dominates their tiny matmuls. */
export const TINY_MODEL_BYTES = 100 * 1024 * 1024;

/** Upper bound of the default thread count. */
export const MAX_DEFAULT_THREADS = 4;

let cachedPhysical: number | undefined;

/**
 * Physical CPU cores: distinct (physical id, core id) pairs in `/proc/cpuinfo` on Linux, else the
 * logical core count.
 *
 * @returns At least 1.
 *
 * @example Always a positive integer
 * ```ts
 * import { physicalCoreCount } from "./llamacpp_threads.ts";
 * const n = physicalCoreCount();
 * if (!Number.isInteger(n) || n < 1) throw new Error(String(n));
 * ```
 */
export function physicalCoreCount(): number {
  if (cachedPhysical !== undefined) return cachedPhysical;
  let logical = 1;
  try {
    logical = Math.max(1, availableParallelism());
  } catch {
    logical = Math.max(1, navigator.hardwareConcurrency ?? 1);
  }
  let physical = logical;
  try {
    const info = readFileSync("/proc/cpuinfo", "utf8");
    const cores = new Set<string>();
    for (const block of info.split(/\n\s*\n/)) {
      const pid = /^physical id\s*:\s*(\d+)/m.exec(block)?.[1];
      const cid = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
      if (pid !== undefined && cid !== undefined) cores.add(`${pid}:${cid}`);
    }
    if (cores.size > 0) physical = Math.min(logical, cores.size);
  } catch {
    // not Linux, or no permission: keep the logical count
  }
  cachedPhysical = physical;
  return physical;
}

/**
 * The default thread count for a model: 1 below {@linkcode TINY_MODEL_BYTES}, else
 * `min(physical cores, 4)`.
 *
 * @param modelBytes Size of the GGUF file.
 * @param cores Physical core count. @default physicalCoreCount()
 * @returns A thread count of at least 1.
 *
 * @example Tiny models get one thread, big ones up to four
 * ```ts
 * import { defaultLlamaCppThreads } from "./llamacpp_threads.ts";
 * if (defaultLlamaCppThreads(1_200_000, 16) !== 1) throw new Error();
 * if (defaultLlamaCppThreads(4e9, 16) !== 4) throw new Error();
 * if (defaultLlamaCppThreads(4e9, 2) !== 2) throw new Error();
 * ```
 */
export function defaultLlamaCppThreads(
  modelBytes: number,
  cores: number = physicalCoreCount(),
): number {
  if (typeof modelBytes !== "number" || !(modelBytes >= 0)) {
    throw new RangeError(`modelBytes must be a non-negative number, got ${String(modelBytes)}`);
  }
  if (!Number.isInteger(cores) || cores < 1) {
    throw new RangeError(`cores must be a positive integer, got ${String(cores)}`);
  }
  if (modelBytes < TINY_MODEL_BYTES) return 1;
  return Math.max(1, Math.min(MAX_DEFAULT_THREADS, cores));
}
