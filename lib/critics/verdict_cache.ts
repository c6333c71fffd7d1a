/**
 * A cache of sandbox verdicts keyed by (code hash, tests hash, runner version, limits), in memory and
 * optionally on disk (one JSON file per verdict, written atomically).
 *
 * @module
 */
import { join } from "node:path";
import { sha256Hex } from "../util/hash.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import type { SandboxJob } from "../sandbox/sandbox_job.ts";
import { type SandboxResult, SandboxResultSchema } from "../sandbox/sandbox_result.ts";
import { RUNNER_VERSION, type SandboxOptions } from "../sandbox/sandbox_options.ts";

/**
 * The cache key of a verdict: a hash of the program, of the tests (with entry point, setup, imports
 * and language), of the runner version, and of the limits that can change a verdict.
 *
 * @param job The sandbox job.
 * @param options The sandbox options the verdict was produced with.
 * @returns 64 hex characters.
 *
 * @example Same code and tests, same key; different code, different key
 * ```ts
 * import { verdictKey } from "./verdict_cache.ts";
 * const tests = [{ name: "t", code: "assert.ok(f());" }];
 * const a = verdictKey({ program: "const f = () => true;", entryPoint: "f", tests });
 * const b = verdictKey({ program: "const f = () => true;", entryPoint: "f", tests });
 * const c = verdictKey({ program: "const f = () => false;", entryPoint: "f", tests });
 * if (a !== b || a === c) throw new Error();
 * ```
 */
export function verdictKey(job: SandboxJob, options: SandboxOptions = {}): string {
  const code = sha256Hex(job.program);
  const tests = sha256Hex({
    tests: job.tests,
    entryPoint: job.entryPoint,
    setup: job.setup,
    imports: job.imports,
    language: job.language ?? "typescript",
  });
  const limits = {
    timeoutMs: options.timeoutMs ?? 10_000,
    memoryMb: options.memoryMb ?? 512,
    typeCheck: options.typeCheck ?? "off",
  };
  return sha256Hex({ code, tests, runner: RUNNER_VERSION, limits });
}

/** Options for {@linkcode VerdictCache}. */
export interface VerdictCacheOptions {
  /** Directory for on-disk verdicts; in memory only when absent. @default undefined */
  dir?: string;
  /** Most verdicts kept in memory (oldest dropped first). @default 10000 */
  maxEntries?: number;
}

/**
 * Remembers sandbox verdicts. Only verdicts about the code are cached: `sandbox_error` results (an
 * infrastructure failure) are never stored. Disk entries are validated on read; a corrupt entry is a
 * miss.
 *
 * @example Store and find a verdict
 * ```ts
 * import { VerdictCache } from "./verdict_cache.ts";
 * import { RUNNER_VERSION } from "../sandbox/sandbox_options.ts";
 * const cache = new VerdictCache({ dir: await Deno.makeTempDir() });
 * const result = {
 *   status: "passed" as const, reason: "ok", tests: [], expectedTests: 0, reportedTests: 0, passedTests: 0,
 *   failedTests: 0, typeErrors: [], stdout: "", stderr: "", outputBytes: 0, outputTruncated: false,
 *   exitCode: 0, signal: null, durationMs: 1, isolation: "bwrap" as const, warnings: [], runnerVersion: RUNNER_VERSION,
 * };
 * await cache.set("k".repeat(64), result);
 * const fresh = new VerdictCache({ dir: cache.dir });
 * if ((await fresh.get("k".repeat(64)))?.status !== "passed") throw new Error();
 * ```
 */
export class VerdictCache {
  /** On-disk directory, when any. */
  readonly dir?: string;
  readonly #max: number;
  readonly #memory = new Map<string, SandboxResult>();
  /** Lookups answered from the cache. */
  hits = 0;
  /** Lookups that missed. */
  misses = 0;

  /**
   * Creates a cache.
   *
   * @param options Disk directory and memory bound.
   */
  constructor(options: VerdictCacheOptions = {}) {
    const max = options.maxEntries ?? 10_000;
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`Cannot bound the cache to maxEntries >= 1: current value is ${max}`);
    }
    this.dir = options.dir;
    this.#max = max;
  }

  /**
   * Finds a verdict.
   *
   * @param key A {@linkcode verdictKey}.
   * @returns The verdict, or undefined.
   */
  async get(key: string): Promise<SandboxResult | undefined> {
    const inMemory = this.#memory.get(key);
    if (inMemory) {
      this.hits++;
      return inMemory;
    }
    if (this.dir) {
      try {
        const parsed = SandboxResultSchema.safeParse(
          JSON.parse(await Deno.readTextFile(this.#path(key))),
        );
        if (parsed.success && parsed.data.runnerVersion === RUNNER_VERSION) {
          this.#remember(key, parsed.data);
          this.hits++;
          return parsed.data;
        }
      } catch {
        // missing or unreadable: a miss
      }
    }
    this.misses++;
    return undefined;
  }

  /**
   * Stores a verdict (ignored for `sandbox_error`).
   *
   * @param key A {@linkcode verdictKey}.
   * @param result The verdict.
   */
  async set(key: string, result: SandboxResult): Promise<void> {
    if (!/^[0-9a-z]{64}$/.test(key)) {
      throw new TypeError(
        `Cannot cache under a key that is not 64 hex characters: current value is ${key}`,
      );
    }
    if (result.status === "sandbox_error") return;
    this.#remember(key, result);
    if (this.dir) await writeJsonAtomic(this.#path(key), result);
  }

  #remember(key: string, result: SandboxResult): void {
    this.#memory.delete(key);
    this.#memory.set(key, result);
    while (this.#memory.size > this.#max) this.#memory.delete(this.#memory.keys().next().value!);
  }

  #path(key: string): string {
    return join(this.dir!, key.slice(0, 2), `${key}.json`);
  }
}
