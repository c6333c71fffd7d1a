/**
 * `runBenchmark(task, arms, options)`: every item × arm × seed of a task, scored by the task's own
 * scorer (hidden tests, the gold answer, a judge panel), with same-budget controls, an append-only
 * journal that makes a killed run resumable without redoing finished work, budgets, sharding, and
 * atomic outputs in `runs/<name>/`: `manifest.json`, `items.jsonl`, `traces.jsonl`,
 * `summary.json`, `report.md`.
 *
 * It is a short composition: a run store (`run_store.ts`), a scheduler over units (an item under
 * one seed, every arm in turn), and per-arm execution by the arm's solver and parts (`parts.ts`,
 * `solvers.ts`).
 *
 * Honest-measurement rules built in:
 * - the task's scorer only ever scores; no role sees it (arms whose parts do are flagged);
 * - every arm of one item and seed shares the same first answer (the same derived seed), so Δ measures
 *   what critique/revision did to that answer;
 * - the controls spend exactly the student calls the matched arm spent on that item and seed, and
 *   never select by the answer key.
 *
 * @module
 */
import { forEachConcurrently } from "../util/for_each_concurrently.ts";
import type { CodingItem } from "../schemas/coding.ts";
import type { Item } from "../schemas/item.ts";
import type { CallRecord } from "../schemas/trace.ts";
import { emit, type EventSink } from "../schemas/events.ts";
import type { Provider } from "../providers/types.ts";
import { withCache } from "../providers/cache.ts";
import { createLimiter, withLimiter } from "../providers/limiter.ts";
import { callsCost, type PriceTable, unpricedModels } from "../providers/pricing.ts";
import type { Constitution } from "../constitution/constitution.ts";
import { buildManifest } from "../loop/manifest.ts";
import type { SandboxOptions } from "../sandbox/sandbox_options.ts";
import { detectIsolation, NO_ISOLATION_WARNING } from "../sandbox/isolation.ts";
import { warnOncePerRun } from "../critics/isolation_notice.ts";
import { RUNNER_VERSION } from "../sandbox/sandbox_options.ts";
import { basename } from "node:path";
import { sha256Hex } from "../util/hash.ts";
import { TraceSchema } from "../schemas/trace.ts";
import { codeTask, type Task, type TaskScore } from "../tasks/task.ts";
import type { Arm } from "./arms.ts";
import {
  answerKeyFlags,
  type ArmParts,
  BUILTIN_PARTS,
  checkScoreTests,
  type PartContext,
} from "./parts.ts";
import type { Solved } from "./solvers.ts";
import { type ItemResult, resultKey } from "./records.ts";
import { summarizeBenchmark } from "./summary.ts";
import type { BenchSummary } from "./summary.ts";
import { renderReport } from "./report.ts";
import { openRunStore, type RunDirOptions, type RunStore } from "./run_store.ts";

export { RunMismatchError } from "./run_store.ts";

/** Limits that stop a run early (finished work is kept; re-running continues). */
export interface BenchmarkBudget {
  /** Stop scheduling new work after this many LLM calls. @default Infinity */
  maxCalls?: number;
  /** Stop scheduling new work after this many tokens. @default Infinity */
  maxTokens?: number;
  /** Stop scheduling new work after this many milliseconds. @default Infinity */
  maxWallMs?: number;
  /**
   * Stop scheduling new work once the priced calls cost this many USD (needs `prices` covering
   * every model of the run; records resumed without a cost count as 0). @default Infinity
   */
  maxCostUsd?: number;
}

/** Options for {@linkcode runBenchmark}. */
export interface BenchmarkOptions extends RunDirOptions {
  /** The student's model (and the critic/judge of symmetric arms). */
  provider: Provider;
  /** The critic/judge of asymmetric arms. @default provider */
  judgeProvider?: Provider;
  /** The constitution the LLM critic and judge apply. */
  constitution: Constitution;
  /** Seeds; everything is repeated per seed. @default [0] */
  seeds?: readonly number[];
  /** Student sampling temperature (the same in every arm). @default 0.7 */
  temperature?: number;
  /** Items × seeds in flight at once. @default 2 */
  concurrency?: number;
  /** LLM calls in flight at once, across all items. @default concurrency * 2 */
  callConcurrency?: number;
  /** Sandbox runs in flight at once (code tasks given as items). @default 2 */
  testConcurrency?: number;
  /** Sandbox settings for every test run (code tasks given as items). @default {} */
  sandbox?: Omit<SandboxOptions, "signal">;
  /** The part registry: the built-ins plus a user's own (see `withParts`). @default the built-ins */
  parts?: ArmParts;
  /** Budgets. @default {} */
  budget?: BenchmarkBudget;
  /** Bootstrap resamples in the summary. @default 9999 */
  resamples?: number;
  /** Extra parameters recorded in the manifest. @default {} */
  parameters?: Record<string, unknown>;
  /**
   * Prices of the models (see `loadPriceTable`): every record whose calls are all priced gets
   * `costUsd`, and the summary a mean cost per arm. @default undefined (no costs)
   */
  prices?: PriceTable;
  /**
   * Recorded attempts per item id, first to last, for `trajectory` arms. @default the provider's
   * own `attempts` (an answers provider), else none
   */
  attempts?: (itemId: string) => readonly string[] | undefined;
  /** Receives events (loop events of every item, plus progress). @default undefined */
  onEvent?: EventSink;
  /** Stops scheduling new work; in-flight items finish as `aborted`. @default undefined */
  signal?: AbortSignal;
}

/** What {@linkcode runBenchmark} returns. */
export interface BenchmarkResult {
  /** Every result (resumed and new), sorted by arm order, seed and item. */
  records: ItemResult[];
  /** The summary. */
  summary: BenchSummary;
  /** Number of units served from the journal instead of being run. */
  resumed: number;
  /** The output directory, when there is one. */
  outDir?: string;
}

/**
 * Selects the items of one shard, deterministically by position.
 *
 * @param items All items, in dataset order.
 * @param shard Shard index and count.
 * @returns The shard's items.
 * @throws {RangeError} for a bad shard.
 *
 * @example
 * ```ts
 * import { shardItems } from "./run_benchmark.ts";
 * if (shardItems([1, 2, 3, 4, 5], { index: 1, count: 2 }).join() !== "2,4") throw new Error();
 * ```
 */
export function shardItems<T>(items: readonly T[], shard?: { index: number; count: number }): T[] {
  if (!shard) return [...items];
  const { index, count } = shard;
  if (
    !Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count
  ) {
    throw new RangeError(
      `Cannot shard as ${index}/${count}: need integers with 0 <= index < count`,
    );
  }
  return items.filter((_, i) => i % count === index);
}

function sortRecords(records: ItemResult[], arms: readonly Arm[]): ItemResult[] {
  const order = new Map(arms.map((a, i) => [a.name, i]));
  return records.sort((a, b) =>
    (order.get(a.arm) ?? 99) - (order.get(b.arm) ?? 99) || a.seed - b.seed ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

class Interrupted extends Error {}

/** Arms in execution order: treatments before the controls that match their budget. */
function executionOrder(arms: readonly Arm[]): Arm[] {
  return [...arms].sort((a, b) => (a.kind === "control" ? 1 : 0) - (b.kind === "control" ? 1 : 0));
}

function isTask(input: Task | readonly Item[]): input is Task {
  return !Array.isArray(input) && typeof (input as Task).score === "function";
}

function checkOptions(arms: readonly Arm[], options: BenchmarkOptions): void {
  if (!arms.length) throw new TypeError("Cannot run a benchmark without arms");
  if (!options?.provider || typeof options.provider.chat !== "function") {
    throw new TypeError("Cannot run a benchmark: options.provider must implement chat()");
  }
  const seeds = options.seeds ?? [0];
  if (!seeds.length || seeds.some((s) => !Number.isSafeInteger(s))) {
    throw new RangeError(`Cannot run with seeds ${JSON.stringify(seeds)}: need integers`);
  }
  const concurrency = options.concurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Cannot run with concurrency ${concurrency}: need an integer >= 1`);
  }
  const maxCost = options.budget?.maxCostUsd;
  if (maxCost === undefined) return;
  if (!(maxCost >= 0)) throw new RangeError(`Cannot run with a cost budget of ${maxCost} USD`);
  const unpriced = unpricedModels(options.prices ?? {}, [options.provider, options.judgeProvider]);
  if (unpriced.length) {
    throw new TypeError(
      `Cannot enforce a cost budget: no price for ${unpriced.join(", ")} (pass prices covering it)`,
    );
  }
}

function checkIds(items: readonly Item[]): void {
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw new TypeError(`Cannot run: duplicate item id "${item.id}"`);
    ids.add(item.id);
  }
}

/**
 * Wraps every model of a run: the record/replay cache (a resumed run repeats no call) under a
 * limiter shared by all of them. `runBenchmark` and `runPool` both use it.
 *
 * @param options The run's provider (its name decides the default cache mode), output and cache
 *   settings, and concurrency.
 * @returns The wrapper.
 * @throws {TypeError} for a cache mode other than `off` without a directory.
 *
 * @example
 * ```ts
 * import { providerWrapper } from "./run_benchmark.ts";
 * import { createScriptedProvider } from "../providers/scripted.ts";
 * const provider = createScriptedProvider();
 * const wrap = providerWrapper({ provider });
 * if (wrap(provider).name !== provider.name) throw new Error();
 * ```
 */
export function providerWrapper(
  options: Pick<
    BenchmarkOptions,
    "provider" | "outDir" | "cache" | "cacheDir" | "callConcurrency" | "concurrency"
  >,
): (p: Provider) => Provider {
  const outDir = options.outDir;
  const mode = options.cache ?? (outDir && options.provider.name !== "sim" ? "auto" : "off");
  const dir = options.cacheDir ?? (outDir ? `${outDir}/cache` : undefined);
  if (mode !== "off" && !dir) {
    throw new TypeError(`Cannot use cache mode "${mode}" without outDir or cacheDir`);
  }
  const limiter = createLimiter(options.callConcurrency ?? (options.concurrency ?? 2) * 2);
  return (p) => withLimiter(mode === "off" ? p : withCache(p, { dir: dir!, mode }), limiter);
}

/** The budget tracker: what was spent, and why scheduling stopped. */
function budgetTracker(budget: BenchmarkBudget, signal: AbortSignal | undefined) {
  const started = Date.now();
  const spent = { calls: 0, tokens: 0, costUsd: 0 };
  let stopReason: string | undefined;
  return {
    add(r: Pick<ItemResult, "calls" | "tokens" | "costUsd">) {
      spent.calls += r.calls;
      spent.tokens += r.tokens;
      spent.costUsd += r.costUsd ?? 0;
    },
    get stopReason() {
      return stopReason;
    },
    over(): boolean {
      if (signal?.aborted) stopReason = "interrupted";
      else if (spent.calls >= (budget.maxCalls ?? Infinity)) {
        stopReason = `call budget ${budget.maxCalls} reached`;
      } else if (spent.tokens >= (budget.maxTokens ?? Infinity)) {
        stopReason = `token budget ${budget.maxTokens} reached`;
      } else if (Date.now() - started >= (budget.maxWallMs ?? Infinity)) {
        stopReason = `wall-time budget ${budget.maxWallMs} ms reached`;
      } else if (spent.costUsd >= (budget.maxCostUsd ?? Infinity)) {
        stopReason = `cost budget $${budget.maxCostUsd} reached ($${
          spent.costUsd.toFixed(4)
        } spent)`;
      }
      return stopReason !== undefined;
    },
  };
}

/** Everything that fixes a run's identity and manifest. */
interface RunSetup {
  task: Task;
  items: readonly Item[];
  arms: readonly Arm[];
  parts: ArmParts;
  seeds: number[];
  temperature: number;
  runName: string;
  simulated: boolean;
  options: BenchmarkOptions;
}

function runKeyOf(s: RunSetup, datasetHash: string): string {
  const { options } = s;
  return sha256Hex({
    arms: s.arms,
    task: s.task.kind,
    seeds: s.seeds,
    datasetHash,
    student: [options.provider.name, options.provider.model],
    judge: options.judgeProvider ? [options.judgeProvider.name, options.judgeProvider.model] : null,
    constitution: options.constitution.hash,
    temperature: s.temperature,
    shard: options.shard ?? null,
    sandbox: options.sandbox ?? {},
    scoring: s.task.description,
  });
}

async function manifestOf(s: RunSetup, datasetHash: string): Promise<Record<string, unknown>> {
  const { options } = s;
  const isolation = s.task.kind !== "code"
    ? { level: "n/a", reason: `a ${s.task.kind} task runs no code` }
    : options.sandbox?.isolation === "none"
    ? { level: "none", reason: "isolation: none was requested" }
    : await detectIsolation({ bwrapPath: options.sandbox?.bwrapPath });
  if (isolation.level === "none") {
    warnOncePerRun(options.onEvent, `${NO_ISOLATION_WARNING} (${isolation.reason})`);
  }
  const manifest = await buildManifest({
    runId: s.runName,
    roles: {
      student: options.provider,
      ...(options.judgeProvider ? { judge: options.judgeProvider } : {}),
    },
    parameters: {
      task: s.task.kind,
      scoring: s.task.description,
      ...(s.task.scoreTests ? { scoreTests: s.task.scoreTests } : {}),
      arms: s.arms,
      answerKey: Object.fromEntries(s.arms.map((a) => [a.name, answerKeyFlags(a, s.parts)])),
      temperature: s.temperature,
      concurrency: options.concurrency ?? 2,
      shard: options.shard,
      simulated: s.simulated,
      dataset: options.datasetName ?? "dataset",
      budget: options.budget ?? {},
      sandbox: options.sandbox ?? {},
      isolation: isolation.level,
      isolationReason: isolation.reason,
      runnerVersion: RUNNER_VERSION,
      ...options.parameters,
    },
    seeds: s.seeds,
    constitution: options.constitution,
    dataset: { hash: datasetHash, items: s.items.length },
  }, { git: true });
  return { ...manifest, simulated: s.simulated };
}

/** Runs one arm on one item and seed and turns what its solver did into a record. */
function armRunner(s: RunSetup, runKey: string, wrap: (p: Provider) => Provider) {
  const { options, task, parts } = s;
  const student = wrap(options.provider);
  const other = options.judgeProvider ? wrap(options.judgeProvider) : student;
  const scored = new Map<string, Promise<TaskScore>>();
  /** The task's score, once per (seed, item, answer): every arm shares the first answer. */
  const score = (item: Item, text: string, seed: number, first: string): Promise<TaskScore> => {
    if (text === "") {
      return Promise.resolve({ score: 0, passed: false, source: "empty", detail: "no answer" });
    }
    const key = sha256Hex([seed, item.id, text, first]);
    let hit = scored.get(key);
    if (!hit) {
      hit = task.score(item, text, { round: 0, seed, signal: options.signal, firstAnswer: first });
      scored.set(key, hit);
      hit.catch(() => scored.delete(key));
    }
    return hit;
  };
  const costOf = (calls: readonly CallRecord[]): { costUsd?: number } => {
    if (!options.prices) return {};
    const cost = callsCost(calls, options.prices);
    return cost.unpriced.length ? {} : { costUsd: cost.usd };
  };
  const given = options.provider as Provider & { attempts?: unknown };
  const attempts = options.attempts ??
    (typeof given.attempts === "function"
      ? (id: string) => (given.attempts as (id: string) => readonly string[] | undefined)(id)
      : undefined);
  return async (item: Item, arm: Arm, seed: number, matched?: ItemResult) => {
    const t0 = performance.now();
    const context: PartContext = {
      task,
      arm,
      constitution: options.constitution,
      student,
      judge: arm.judge === "asymmetric" ? other : student,
      other,
      ...(attempts ? { attempts } : {}),
    };
    const solved: Solved = await parts.solvers[arm.solver].solve({
      item,
      seed,
      arm,
      context,
      parts,
      temperature: s.temperature,
      matchedStudentCalls: matched?.studentCalls,
      traceId: sha256Hex({ runKey, arm: arm.name, seed, id: item.id }).slice(0, 16),
      signal: options.signal,
      onEvent: options.onEvent,
    });
    // An interrupted unit is not finished work: record nothing, so a re-run redoes it.
    if (solved.stopReason === "aborted" || options.signal?.aborted) throw new Interrupted();
    if (solved.trace) TraceSchema.parse(solved.trace);
    const [final, initial] = await Promise.all([
      score(item, solved.final, seed, solved.first),
      score(item, solved.first, seed, solved.first),
    ]);
    // A replayed trajectory: every attempt scored like a final answer (the ends are cache hits).
    const attemptScores = solved.attempts
      ? await Promise.all(solved.attempts.map((a) => score(item, a, seed, solved.first)))
      : undefined;
    const record: ItemResult = {
      id: item.id,
      arm: arm.name,
      seed,
      score: solved.error ? 0 : final.score,
      passed: solved.error ? false : final.passed,
      initialScore: initial.score,
      rounds: solved.rounds,
      calls: solved.calls.length,
      studentCalls: solved.studentCalls,
      tokens: solved.calls.reduce((n, c) => n + c.usage.inputTokens + c.usage.outputTokens, 0),
      ...costOf(solved.calls),
      stopReason: solved.stopReason,
      ...(solved.error !== undefined ? { error: solved.error } : {}),
      ms: performance.now() - t0,
      ...(solved.trace ? { traceId: solved.trace.traceId } : {}),
      simulated: s.simulated,
      ...(final.extracted !== undefined ? { extracted: final.extracted } : {}),
      ...(final.rule !== undefined ? { extractRule: final.rule } : {}),
      ...(final.unscored ? { unscored: true } : {}),
      ...(final.judgeScores ? { judgeScores: final.judgeScores } : {}),
      ...(attemptScores
        ? {
          attemptScores: attemptScores.map((s) => s.score),
          attemptPassed: attemptScores.map((s) => s.passed),
        }
        : {}),
    };
    return { record, trace: solved.trace };
  };
}

/** The record of an arm that failed outside its solver's own error handling. */
function errorRecord(id: string, arm: string, seed: number, message: string, simulated: boolean) {
  return {
    id,
    arm,
    seed,
    score: 0,
    passed: false,
    initialScore: 0,
    rounds: 0,
    calls: 0,
    studentCalls: 0,
    tokens: 0,
    stopReason: "error",
    error: message,
    ms: 0,
    simulated,
  };
}

/**
 * Runs a benchmark. See the module documentation for the protocol.
 *
 * @param input A task (see `codeTask`, `answerTask`, `openTask`) or coding items (a code task).
 * @param arms Arms from `resolveArms`.
 * @param options Providers, constitution, seeds, outputs, budgets, parts.
 * @returns Records and the summary.
 * @throws {RunMismatchError} when `outDir` holds a different run.
 * @throws {TypeError} when the task scores on every test (`scoreTests: "all"`) and a role of some
 *   arm sees test results.
 *
 * @example A simulated answer-key run: baseline vs intrinsic self-correction
 * ```ts
 * import { createSimulatedAnswerProvider, resolveArms, runBenchmark } from "./mod.ts";
 * import { answerTask } from "../tasks/task.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * const items = [1, 2, 3].map((n) => ({
 *   id: `q${n}`, prompt: `What is ${n} + ${n}?`, gold: String(2 * n), answerType: "number" as const,
 * }));
 * const result = await runBenchmark(answerTask(items), resolveArms(["baseline", "intrinsic"], {
 *   taskKind: "answer",
 * }), {
 *   provider: createSimulatedAnswerProvider(items), simulated: true, resamples: 99,
 *   constitution: parseConstitution("## Correctness\n\nBe right.\n"),
 * });
 * if (result.records.length !== 6 || result.summary.arms[1].arm !== "intrinsic") throw new Error();
 * ```
 */
export async function runBenchmark(
  input: Task | readonly CodingItem[],
  arms: readonly Arm[],
  options: BenchmarkOptions,
): Promise<BenchmarkResult> {
  checkOptions(arms, options);
  const wrap = providerWrapper(options);
  const given = isTask(input)
    ? input
    : codeTask(input, { sandbox: options.sandbox, testConcurrency: options.testConcurrency });
  const task = given.withProviders ? given.withProviders(wrap) : given;
  checkScoreTests(task.scoreTests ?? "hidden", arms, options.parts ?? BUILTIN_PARTS);
  const items = shardItems(task.items, options.shard);
  checkIds(items);
  const outDir = options.outDir;
  const setup: RunSetup = {
    task,
    items,
    arms,
    parts: options.parts ?? BUILTIN_PARTS,
    seeds: [...(options.seeds ?? [0])],
    temperature: options.temperature ?? 0.7,
    runName: options.runName ?? (outDir ? basename(outDir) : "run"),
    simulated: options.simulated ?? false,
    options,
  };
  const datasetHash = sha256Hex(items);
  const runKey = runKeyOf(setup, datasetHash);
  const store = await openRunStore(outDir, runKey, () => manifestOf(setup, datasetHash));
  const runArm = armRunner(setup, runKey, wrap);
  const { records, complete, stopReason } = await schedule(setup, store, runArm);

  const notes = stopReason && !complete
    ? [`stopped early: ${stopReason}; re-run the same command to continue`]
    : [];
  const sorted = sortRecords(records, arms);
  const summary = summarizeBenchmark(sorted, arms, {
    run: setup.runName,
    simulated: setup.simulated,
    seeds: setup.seeds,
    items: items.length,
    complete,
    resamples: options.resamples,
    notes,
    parts: setup.parts,
    task: task.kind,
    ...(task.scoreTests ? { scoreTests: task.scoreTests } : {}),
    panelMode: task.description.mode === "pairwise" ? "pairwise" : "pointwise",
  });
  await store.finish(sorted, summary, renderReport(summary));
  emit(options.onEvent, { type: "run_end", runId: setup.runName, ok: complete });
  return { records: sorted, summary, resumed: store.resumed.size, outDir };
}

/** Runs every unfinished unit (item × seed, arms in execution order) under the budgets. */
async function schedule(
  s: RunSetup,
  store: RunStore,
  runArm: ReturnType<typeof armRunner>,
): Promise<{ records: ItemResult[]; complete: boolean; stopReason?: string }> {
  const { options, items, seeds, arms } = s;
  const send = (e: Parameters<typeof emit>[1]) => emit(options.onEvent, e);
  const done = new Map(store.resumed);
  const records = [...done.values()];
  const budget = budgetTracker(options.budget ?? {}, options.signal);
  for (const r of records) budget.add(r);
  const total = items.length * seeds.length * arms.length;
  const save = async (record: ItemResult, trace?: Parameters<RunStore["append"]>[1]) => {
    await store.append(record, trace);
    records.push(record);
    done.set(resultKey(record), record);
    budget.add(record);
    send({
      type: "progress",
      done: records.length,
      total,
      label: `${record.arm} ${record.id} seed=${record.seed}`,
    });
  };
  const ordered = executionOrder(arms);
  const runUnit = async (item: Item, seed: number): Promise<void> => {
    for (const arm of ordered) {
      if (done.has(resultKey({ id: item.id, arm: arm.name, seed }))) continue;
      if (budget.over()) return;
      const matched = arm.matchBudgetOf
        ? done.get(resultKey({ id: item.id, arm: arm.matchBudgetOf, seed }))
        : undefined;
      try {
        const { record, trace } = await runArm(item, arm, seed, matched);
        await save(record, trace);
      } catch (e) {
        if (e instanceof Interrupted || options.signal?.aborted) return;
        const message = e instanceof Error ? e.message : String(e);
        send({ type: "error", itemId: item.id, message: `${arm.name}: ${message}` });
        await save(errorRecord(item.id, arm.name, seed, message, s.simulated));
      }
    }
  };

  send({ type: "run_start", runId: s.runName, items: items.length * seeds.length });
  const resumed = store.resumed.size;
  send({
    type: "progress",
    done: records.length,
    total,
    label: resumed ? `resumed ${resumed}` : "start",
  });
  const queue = seeds.flatMap((seed) => items.map((item) => ({ item, seed })));
  await forEachConcurrently(
    queue,
    options.concurrency ?? 2,
    ({ item, seed }) => runUnit(item, seed),
    () => budget.over(),
  );
  // A unit aborted mid-way records nothing; count what is complete.
  const complete = records.length === total && !options.signal?.aborted;
  return { records, complete, stopReason: budget.stopReason };
}
