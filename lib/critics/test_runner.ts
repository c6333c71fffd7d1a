/**
 * The shared piece behind the test scorer and the test critics: answer → program → sandbox verdict,
 * with a verdict cache and a bound on how many sandboxes run at once.
 *
 * @module
 */
import { type CodingItem, CodingItemSchema, type TestCase } from "../schemas/coding.ts";
import type { Item } from "../schemas/item.ts";
import { type AnswerShape, assembleProgram } from "../sandbox/assemble_program.ts";
import { codingJob, type TestSet } from "../sandbox/coding_job.ts";
import { runTests } from "../sandbox/run_tests.ts";
import type { SandboxOptions } from "../sandbox/sandbox_options.ts";
import type { SandboxResult } from "../sandbox/sandbox_result.ts";
import { VerdictCache, verdictKey } from "./verdict_cache.ts";

/** Options for {@linkcode TestRunner}. */
export interface TestRunnerOptions {
  /** Sandbox limits, isolation and type-check policy (the abort signal comes from each call). */
  sandbox?: Omit<SandboxOptions, "signal">;
  /** Verdict cache; pass one to share it between scorers and critics. @default a new in-memory cache */
  cache?: VerdictCache;
  /** Sandboxes running at once through this runner. @default 2 */
  concurrency?: number;
}

/** One verdict with what produced it. */
export interface TestRun {
  /** The verdict. */
  result: SandboxResult;
  /** Whether the answer was a whole program or a body completing the prompt. */
  shape: AnswerShape;
  /** The program that ran. */
  program: string;
  /** Whether the verdict came from the cache. */
  cached: boolean;
}

/**
 * Parses an item as a {@linkcode CodingItem}, naming the failing field.
 *
 * @param item Any item.
 * @returns The coding item.
 * @throws {TypeError} when it is not a coding item.
 *
 * @example A plain item is rejected
 * ```ts
 * import { asCodingItem } from "./test_runner.ts";
 * let threw = false;
 * try { asCodingItem({ id: "a", prompt: "p" }); } catch { threw = true; }
 * if (!threw) throw new Error();
 * ```
 */
export function asCodingItem(item: Item): CodingItem {
  const parsed = CodingItemSchema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(
      `Cannot run tests for item "${item?.id}": it is not a coding item (field "${
        issue.path.map(String).join(".")
      }": ${issue.message})`,
    );
  }
  return parsed.data;
}

/**
 * The tests of a coding item a scorer or critic runs: its `hidden` half, its `visible` half, or
 * `all` (visible then hidden).
 *
 * @param item The coding item.
 * @param which Which tests.
 * @returns The test sources.
 *
 * @example
 * ```ts
 * import { selectTests } from "./test_runner.ts";
 * const item = { visibleTests: ["a"], hiddenTests: ["b"] } as never;
 * if (selectTests(item, "all").length !== 2 || selectTests(item, "hidden")[0] !== ("b" as never)) {
 *   throw new Error();
 * }
 * ```
 */
export function selectTests(item: CodingItem, which: "hidden" | "visible" | "all"): TestCase[] {
  if (which === "hidden") return item.hiddenTests;
  if (which === "visible") return item.visibleTests;
  return [...item.visibleTests, ...item.hiddenTests];
}

/**
 * Runs answers against an item's tests in the sandbox, caching verdicts and bounding concurrency.
 *
 * @example Score the same answer twice; the second verdict is cached
 * ```ts
 * import { TestRunner } from "./test_runner.ts";
 * const item = {
 *   id: "inc", prompt: "Write inc.", language: "typescript" as const, entryPoint: "inc",
 *   reference: "const inc = (x: number) => x + 1;",
 *   visibleTests: [{ name: "one", code: "assert.strictEqual(inc(1), 2);" }],
 *   hiddenTests: [{ name: "two", code: "assert.strictEqual(inc(2), 3);" }],
 * };
 * const runner = new TestRunner();
 * const first = await runner.run(item, "const inc = (x: number) => x + 1;", "hidden");
 * const second = await runner.run(item, "const inc = (x: number) => x + 1;", "hidden");
 * if (first.result.status !== "passed" || !second.cached) throw new Error();
 * ```
 */
export class TestRunner {
  /** The verdict cache. */
  readonly cache: VerdictCache;
  readonly #sandbox: Omit<SandboxOptions, "signal">;
  readonly #limit: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  /**
   * Creates a runner.
   *
   * @param options Sandbox options, cache and concurrency.
   */
  constructor(options: TestRunnerOptions = {}) {
    const concurrency = options.concurrency ?? 2;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(
        `Cannot run with concurrency as an integer >= 1: current value is ${concurrency}`,
      );
    }
    this.cache = options.cache ?? new VerdictCache();
    this.#sandbox = options.sandbox ?? {};
    this.#limit = concurrency;
  }

  /**
   * Assembles the answer into a program and runs one of the item's test sets.
   *
   * @param item A coding item.
   * @param answer The model's answer (Markdown allowed).
   * @param which Which tests: visible, hidden or all.
   * @param signal Aborts the run.
   * @returns The verdict and how it was produced.
   */
  async run(item: Item, answer: string, which: TestSet, signal?: AbortSignal): Promise<TestRun> {
    const coding = asCodingItem(item);
    if (typeof answer !== "string") {
      throw new TypeError(
        `Cannot run tests on a non-string answer: current value is ${typeof answer}`,
      );
    }
    const { program, shape } = assembleProgram(coding, answer);
    const job = codingJob(coding, program, { which });
    const key = verdictKey(job, this.#sandbox);
    const hit = await this.cache.get(key);
    if (hit) return { result: hit, shape, program, cached: true };
    await this.#acquire();
    try {
      const result = await runTests(job, { ...this.#sandbox, signal });
      await this.cache.set(key, result);
      return { result, shape, program, cached: false };
    } finally {
      this.#release();
    }
  }

  async #acquire(): Promise<void> {
    if (this.#active < this.#limit) {
      this.#active++;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#active--;
  }
}
