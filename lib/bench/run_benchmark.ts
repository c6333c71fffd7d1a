/**
 * `runBenchmark(items, arms, options)`: every item × arm × seed, scored on hidden tests, with a
 * same-budget best-of-n control, an append-only journal that makes a killed run resumable without
 * redoing finished work, budgets, sharding, and atomic outputs in `runs/<name>/`:
 * `manifest.json`, `items.jsonl`, `traces.jsonl`, `summary.json`, `report.md`.
 *
 * Honest-measurement rules built in:
 * - the hidden tests only ever score; no role sees them (except the labelled anchor arm);
 * - every arm of one item and seed shares the same first answer (the same derived seed), so Δ measures
 *   what critique/revision did to that answer;
 * - the best-of-n control spends exactly the student calls the loop spent on that item and seed,
 *   and picks its best sample by visible tests (or the judge), never by hidden tests.
 *
 * @module
 */
import type { CodingItem } from "../schemas/coding.ts";
import type { CallRecord, Trace } from "../schemas/trace.ts";
import { emit, type EventSink } from "../schemas/events.ts";
import type { Provider } from "../providers/types.ts";
import { withCache } from "../providers/cache.ts";
import { createLimiter, withLimiter } from "../providers/limiter.ts";
import { withCallRecording } from "../providers/record.ts";
import { callsCost, type PriceTable, unpricedModels } from "../providers/pricing.ts";
import type { Constitution } from "../constitution/constitution.ts";
import { critiqueRevisionLoop, type LoopConfig } from "../loop/critique_revision_loop.ts";
import { llmCritic } from "../loop/llm_critic.ts";
import { deriveSeed } from "../loop/derive_seed.ts";
import { buildManifest } from "../loop/manifest.ts";
import type { Critic, Scorer } from "../loop/types.ts";
import { studentAnswer } from "../roles/student.ts";
import { judgeVerdict } from "../roles/judge.ts";
import { TestRunner } from "../critics/test_runner.ts";
import { testScorer } from "../critics/test_scorer.ts";
import { anchorTestsCritic, testsCritic } from "../critics/tests_critic.ts";
import { hybridCritic } from "../critics/hybrid_critic.ts";
import type { SandboxOptions } from "../sandbox/sandbox_options.ts";
import { detectIsolation, NO_ISOLATION_WARNING } from "../sandbox/isolation.ts";
import { RUNNER_VERSION } from "../sandbox/sandbox_options.ts";
import { appendJsonLine, writeJsonAtomic, writeTextAtomic } from "../util/atomic.ts";
import { parseJsonl, readTextIfExists } from "../util/jsonl.ts";
import { basename } from "node:path";
import { sha256Hex } from "../util/hash.ts";
import { TraceSchema } from "../schemas/trace.ts";
import type { Arm } from "./arms.ts";
import { type ItemResult, ItemResultSchema, resultKey } from "./records.ts";
import { type BenchSummary, summarizeBenchmark } from "./summary.ts";
import { renderReport } from "./report.ts";
import { z } from "zod";

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
export interface BenchmarkOptions {
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
  /** Sandbox runs in flight at once. @default 2 */
  testConcurrency?: number;
  /** Sandbox settings for every test run. @default {} */
  sandbox?: Omit<SandboxOptions, "signal">;
  /** Output directory (journal, cache, artifacts). Without it nothing is written. @default undefined */
  outDir?: string;
  /** Run name in outputs. @default the outDir's last segment, or "run" */
  runName?: string;
  /** Dataset name recorded in the manifest. @default "dataset" */
  datasetName?: string;
  /** Authors are simulated: every output is labelled SIMULATED. @default false */
  simulated?: boolean;
  /**
   * Record/replay cache of LLM calls under `<outDir>/cache` (or `cacheDir`): `auto` re-uses recorded
   * calls (a resumed run repeats none), `replay` makes zero network calls and fails on a miss,
   * `off` disables it. @default "auto" when outDir is set (not for the `sim` provider), else "off"
   */
  cache?: "auto" | "record" | "replay" | "off";
  /** Cache directory. @default `<outDir>/cache` */
  cacheDir?: string;
  /** Run only shard `index` of `count` (items i with i % count === index). @default undefined */
  shard?: { index: number; count: number };
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

/** The run identity stored in `manifest.json`; a resumed run must match it. */
const RunKeySchema = z.object({ runKey: z.string() }).passthrough();

class Interrupted extends Error {}

/** A different run already lives in the output directory. */
export class RunMismatchError extends Error {
  /**
   * Creates the error.
   *
   * @param message What differs.
   */
  constructor(message: string) {
    super(message);
    this.name = "RunMismatchError";
  }
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

/**
 * Rewrites `traces.jsonl` in the records' order, keeping the last trace of each trace id (a unit
 * interrupted after its trace was written reruns).
 */
async function rewriteTraces(path: string, order: readonly string[]): Promise<void> {
  const text = await readTextIfExists(path);
  if (!text) return;
  const byId = new Map<string, string>();
  const lines = text.split("\n").filter((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    try {
      const id = JSON.parse(line).traceId;
      byId.delete(id); // a re-run unit's trace replaces the earlier one, in the later position
      byId.set(id, line);
    } catch (error) {
      if (i !== lines.length - 1) throw error; // only a torn last line is tolerated
    }
  }
  // The records' order (arm, seed, item), so the file does not depend on which unit finished
  // first; traces without a record yet (an unfinished run) follow in the order they were written.
  const rank = new Map(order.map((id, k) => [id, k]));
  const ids = [...byId.keys()];
  const sorted = ids
    .map((id, k) => ({ id, key: rank.get(id) ?? order.length + k }))
    .sort((a, b) => a.key - b.key)
    .map((x) => byId.get(x.id)!);
  const out = sorted.join("\n") + "\n";
  if (out !== lines.join("\n") + "\n") await writeTextAtomic(path, out);
}

/** Arms in execution order: loop arms before the best-of-n controls that match their budget. */
function executionOrder(arms: readonly Arm[]): Arm[] {
  return [...arms].sort((a, b) =>
    (a.kind === "best_of_n" ? 1 : 0) - (b.kind === "best_of_n" ? 1 : 0)
  );
}

/**
 * Runs a benchmark. See the module documentation for the protocol.
 *
 * @param items Coding items (hidden tests score every arm).
 * @param arms Arms from `resolveArms`.
 * @param options Providers, constitution, seeds, outputs, budgets.
 * @returns Records and the summary.
 * @throws {RunMismatchError} when `outDir` holds a different run.
 *
 * @example A simulated two-item run (real sandboxed tests)
 * ```ts ignore
 * import { resolveArms, runBenchmark, createSimulatedProvider } from "./mod.ts";
 * import { loadConstitution } from "../constitution/mod.ts";
 * import { loadDataset } from "../datasets/mod.ts";
 * const items = (await loadDataset("datasets/coding_hard.jsonl")).slice(0, 2);
 * const result = await runBenchmark(items, resolveArms(["baseline", "tests", "best_of_n"]), {
 *   provider: createSimulatedProvider(items), constitution: await loadConstitution(), simulated: true,
 * });
 * console.log(result.summary.arms.map((a) => [a.arm, a.meanScore]));
 * ```
 */
export async function runBenchmark(
  items: readonly CodingItem[],
  arms: readonly Arm[],
  options: BenchmarkOptions,
): Promise<BenchmarkResult> {
  if (!arms.length) throw new TypeError("Cannot run a benchmark without arms");
  if (!options?.provider || typeof options.provider.chat !== "function") {
    throw new TypeError("Cannot run a benchmark: options.provider must implement chat()");
  }
  const seeds = [...(options.seeds ?? [0])];
  if (!seeds.length || seeds.some((s) => !Number.isSafeInteger(s))) {
    throw new RangeError(`Cannot run with seeds ${JSON.stringify(seeds)}: need integers`);
  }
  const concurrency = options.concurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Cannot run with concurrency ${concurrency}: need an integer >= 1`);
  }
  const maxCost = options.budget?.maxCostUsd;
  if (maxCost !== undefined) {
    if (!(maxCost >= 0)) throw new RangeError(`Cannot run with a cost budget of ${maxCost} USD`);
    const unpriced = unpricedModels(options.prices ?? {}, [
      options.provider,
      options.judgeProvider,
    ]);
    if (unpriced.length) {
      throw new TypeError(
        `Cannot enforce a cost budget: no price for ${
          unpriced.join(", ")
        } (pass prices covering it)`,
      );
    }
  }
  const selected = shardItems(items, options.shard);
  const ids = new Set<string>();
  for (const item of selected) {
    if (ids.has(item.id)) throw new TypeError(`Cannot run: duplicate item id "${item.id}"`);
    ids.add(item.id);
  }
  const outDir = options.outDir;
  const runName = options.runName ??
    (outDir ? basename(outDir) : "run");
  const simulated = options.simulated ?? false;
  const send = (e: Parameters<typeof emit>[1]) => emit(options.onEvent, e);

  // --- providers: cache (resume without repeated calls) → limiter ---
  const cacheMode = options.cache ??
    (outDir && options.provider.name !== "sim" ? "auto" : "off");
  const cacheDir = options.cacheDir ?? (outDir ? `${outDir}/cache` : undefined);
  if (cacheMode !== "off" && !cacheDir) {
    throw new TypeError(`Cannot use cache mode "${cacheMode}" without outDir or cacheDir`);
  }
  const limiter = createLimiter(options.callConcurrency ?? concurrency * 2);
  const wrap = (p: Provider): Provider =>
    withLimiter(
      cacheMode === "off" ? p : withCache(p, { dir: cacheDir!, mode: cacheMode }),
      limiter,
    );
  const student = wrap(options.provider);
  const judgeSide = options.judgeProvider ? wrap(options.judgeProvider) : student;
  const temperature = options.temperature ?? 0.7;

  // --- manifest and journal ---
  const datasetHash = sha256Hex(selected);
  const runKey = sha256Hex({
    arms,
    seeds,
    datasetHash,
    student: [options.provider.name, options.provider.model],
    judge: options.judgeProvider ? [options.judgeProvider.name, options.judgeProvider.model] : null,
    constitution: options.constitution.hash,
    temperature,
    shard: options.shard ?? null,
    sandbox: options.sandbox ?? {},
  });
  const journalPath = outDir ? `${outDir}/journal.jsonl` : undefined;
  const tracesPath = outDir ? `${outDir}/traces.jsonl` : undefined;
  const done = new Map<string, ItemResult>();
  if (outDir) {
    const existing = await readTextIfExists(`${outDir}/manifest.json`);
    if (existing !== undefined) {
      const parsed = RunKeySchema.safeParse(JSON.parse(existing));
      if (!parsed.success || parsed.data.runKey !== runKey) {
        throw new RunMismatchError(
          `${outDir} holds a different run (its manifest's runKey differs from this command's): ` +
            "use another --out or delete the directory",
        );
      }
      const journal = await readTextIfExists(journalPath!);
      if (journal) {
        for (
          const r of parseJsonl(journal, ItemResultSchema, {
            file: journalPath,
            allowTornTail: true,
          })
        ) {
          done.set(resultKey(r), r);
        }
      }
    } else {
      const isolation = options.sandbox?.isolation === "none"
        ? { level: "none", reason: "isolation: none was requested" }
        : await detectIsolation({ bwrapPath: options.sandbox?.bwrapPath });
      if (isolation.level === "none") {
        send({
          type: "log",
          level: "warn",
          message: `${NO_ISOLATION_WARNING} (${isolation.reason})`,
        });
      }
      const manifest = await buildManifest({
        runId: runName,
        roles: {
          student: options.provider,
          ...(options.judgeProvider ? { judge: options.judgeProvider } : {}),
        },
        parameters: {
          arms,
          temperature,
          concurrency,
          shard: options.shard,
          simulated,
          dataset: options.datasetName ?? "dataset",
          budget: options.budget ?? {},
          sandbox: options.sandbox ?? {},
          isolation: isolation.level,
          isolationReason: isolation.reason,
          runnerVersion: RUNNER_VERSION,
          ...options.parameters,
        },
        seeds,
        constitution: options.constitution,
        dataset: { hash: datasetHash, items: selected.length },
      }, { git: true });
      await writeJsonAtomic(`${outDir}/manifest.json`, { ...manifest, runKey, simulated });
    }
  }
  const resumed = done.size;

  // --- tests ---
  const runner = new TestRunner({
    sandbox: options.sandbox,
    concurrency: options.testConcurrency ?? 2,
  });
  const hidden = testScorer({ which: "hidden", runner });
  const visible = testScorer({ which: "visible", runner });
  const hiddenScore = async (item: CodingItem, answer: string, seed: number) =>
    await hidden.score(item, answer, { round: 0, seed, signal: options.signal });

  const criticFor = (arm: Arm): Critic | undefined => {
    const llm = () =>
      llmCritic(arm.judge === "asymmetric" ? judgeSide : student, options.constitution);
    switch (arm.critic) {
      case "tests":
        return testsCritic({ runner });
      case "tests_anchor":
        return anchorTestsCritic({ runner });
      case "hybrid":
        return hybridCritic(testsCritic({ runner }), llm());
      case "llm":
        return llm();
      default:
        return undefined;
    }
  };
  const gateFor = (arm: Arm): Scorer | undefined =>
    arm.gate === "visible_tests" ? visible : arm.gate === "hidden_tests" ? hidden : undefined;

  // --- budgets ---
  const started = Date.now();
  const spent = { calls: 0, tokens: 0, costUsd: 0 };
  for (const r of done.values()) {
    spent.calls += r.calls;
    spent.tokens += r.tokens;
    spent.costUsd += r.costUsd ?? 0;
  }
  const budget = options.budget ?? {};
  let stopReason: string | undefined;
  const overBudget = (): boolean => {
    if (options.signal?.aborted) stopReason = "interrupted";
    else if (spent.calls >= (budget.maxCalls ?? Infinity)) {
      stopReason = `call budget ${budget.maxCalls} reached`;
    } else if (spent.tokens >= (budget.maxTokens ?? Infinity)) {
      stopReason = `token budget ${budget.maxTokens} reached`;
    } else if (Date.now() - started >= (budget.maxWallMs ?? Infinity)) {
      stopReason = `wall-time budget ${budget.maxWallMs} ms reached`;
    } else if (spent.costUsd >= (budget.maxCostUsd ?? Infinity)) {
      stopReason = `cost budget $${budget.maxCostUsd} reached ($${spent.costUsd.toFixed(4)} spent)`;
    }
    return stopReason !== undefined;
  };

  // --- one unit: an item under one seed, every arm ---
  const ordered = executionOrder(arms);
  const total = selected.length * seeds.length * arms.length;
  let finished = done.size;
  const records: ItemResult[] = [...done.values()];
  const save = async (record: ItemResult, trace?: Trace) => {
    if (trace && tracesPath) await appendJsonLine(tracesPath, trace);
    if (journalPath) await appendJsonLine(journalPath, record);
    records.push(record);
    done.set(resultKey(record), record);
    spent.calls += record.calls;
    spent.tokens += record.tokens;
    spent.costUsd += record.costUsd ?? 0;
    finished++;
    send({
      type: "progress",
      done: finished,
      total,
      label: `${record.arm} ${record.id} seed=${record.seed}`,
    });
  };

  const runLoopArm = async (item: CodingItem, arm: Arm, seed: number): Promise<ItemResult> => {
    const t0 = performance.now();
    const maxRounds = arm.kind === "baseline" ? 0 : arm.rounds;
    const config: LoopConfig = {
      provider: student,
      providers: arm.judge === "asymmetric" ? { critic: judgeSide, judge: judgeSide } : {},
      constitution: options.constitution,
      critic: criticFor(arm),
      // The baseline is evaluated by visible tests so that it costs no judge call.
      scorer: arm.kind === "baseline" ? visible : gateFor(arm),
      maxRounds,
      seed,
      roleParams: { student: { temperature } },
      signal: options.signal,
      onEvent: options.onEvent,
      traceId: sha256Hex({ runKey, arm: arm.name, seed, id: item.id }).slice(0, 16),
    };
    const trace = await critiqueRevisionLoop(item, config);
    // An interrupted item is not finished work: record nothing, so a re-run redoes it.
    if (trace.stopReason === "aborted" || options.signal?.aborted) throw new Interrupted();
    const [final, initial] = await Promise.all([
      hiddenScore(item, trace.chosen, seed),
      hiddenScore(item, trace.rejected, seed),
    ]);
    TraceSchema.parse(trace);
    const record: ItemResult = {
      id: item.id,
      arm: arm.name,
      seed,
      score: trace.error ? 0 : final.score,
      passed: trace.error ? false : final.passed,
      initialScore: initial.score,
      rounds: trace.rounds,
      calls: trace.calls.length,
      studentCalls: trace.calls.filter((c) => c.role === "student").length,
      tokens: trace.usage.inputTokens + trace.usage.outputTokens,
      ...costOf(trace.calls),
      stopReason: trace.stopReason,
      ...(trace.error ? { error: trace.error } : {}),
      ms: performance.now() - t0,
      traceId: trace.traceId,
      simulated,
    };
    await save(record, trace);
    return record;
  };

  /** `{ costUsd }` when a price table covers every call, else nothing. */
  const costOf = (calls: readonly CallRecord[]): { costUsd?: number } => {
    if (!options.prices) return {};
    const cost = callsCost(calls, options.prices);
    return cost.unpriced.length ? {} : { costUsd: cost.usd };
  };

  const runBestOfN = async (item: CodingItem, arm: Arm, seed: number): Promise<ItemResult> => {
    const t0 = performance.now();
    const matched = arm.matchBudgetOf
      ? done.get(resultKey({ id: item.id, arm: arm.matchBudgetOf, seed }))
      : undefined;
    const n = arm.n ?? Math.max(1, matched?.studentCalls ?? 1);
    const made: CallRecord[] = [];
    const count = (c: CallRecord) => {
      made.push(c);
      emit(options.onEvent, { type: "call", itemId: item.id, ...c });
    };
    const counted = withCallRecording(student, count, { defaultRole: "student" });
    const judged = withCallRecording(arm.judge === "asymmetric" ? judgeSide : student, count, {
      defaultRole: "judge",
    });
    let best: { text: string; score: number } | undefined;
    let first = "";
    let error: string | undefined;
    try {
      for (let k = 0; k < n; k++) {
        // Sample 0 is the same first answer every other arm starts from.
        const sampleSeed = k === 0
          ? deriveSeed(seed, [item.id, 0, "student"])
          : deriveSeed(seed, [item.id, "best_of_n", k]);
        const answer = await studentAnswer(counted, { prompt: item.prompt }, {
          seed: sampleSeed,
          temperature,
          itemId: item.id,
          signal: options.signal,
        });
        if (k === 0) first = answer.text;
        let score: number;
        if (arm.selectBy === "judge") {
          const verdict = await judgeVerdict(judged, {
            prompt: item.prompt,
            answer: answer.text,
            constitution: options.constitution,
          }, {
            seed: deriveSeed(seed, [item.id, "best_of_n_judge", k]),
            itemId: item.id,
            signal: options.signal,
          });
          score = verdict.ok ? verdict.value.score : 0;
        } else {
          score =
            (await visible.score(item, answer.text, { round: k, seed, signal: options.signal }))
              .score;
        }
        if (!best || score > best.score) best = { text: answer.text, score };
      }
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    if (options.signal?.aborted) throw new Interrupted();
    const [final, initial] = await Promise.all([
      best ? hiddenScore(item, best.text, seed) : undefined,
      first ? hiddenScore(item, first, seed) : undefined,
    ]);
    const record: ItemResult = {
      id: item.id,
      arm: arm.name,
      seed,
      score: error || !final ? 0 : final.score,
      passed: error || !final ? false : final.passed,
      initialScore: initial?.score ?? 0,
      rounds: 0,
      calls: made.length,
      studentCalls: n,
      tokens: made.reduce((sum, c) => sum + c.usage.inputTokens + c.usage.outputTokens, 0),
      ...costOf(made),
      stopReason: error ? "error" : `best_of_${n}`,
      ...(error ? { error } : {}),
      ms: performance.now() - t0,
      simulated,
    };
    await save(record);
    return record;
  };

  const runUnit = async (item: CodingItem, seed: number): Promise<void> => {
    for (const arm of ordered) {
      if (done.has(resultKey({ id: item.id, arm: arm.name, seed }))) continue;
      if (overBudget()) return;
      try {
        if (arm.kind === "best_of_n") await runBestOfN(item, arm, seed);
        else await runLoopArm(item, arm, seed);
      } catch (e) {
        if (e instanceof Interrupted || options.signal?.aborted) return;
        const message = e instanceof Error ? e.message : String(e);
        send({ type: "error", itemId: item.id, message: `${arm.name}: ${message}` });
        await save({
          id: item.id,
          arm: arm.name,
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
        });
      }
    }
  };

  send({ type: "run_start", runId: runName, items: selected.length * seeds.length });
  send({
    type: "progress",
    done: finished,
    total,
    label: resumed ? `resumed ${resumed}` : "start",
  });
  const queue = seeds.flatMap((seed) => selected.map((item) => ({ item, seed })));
  let next = 0;
  const worker = async () => {
    while (next < queue.length && !overBudget()) {
      const { item, seed } = queue[next++];
      await runUnit(item, seed);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));

  // A unit aborted mid-way records nothing; count what is complete.
  const complete = records.length === total && !options.signal?.aborted;
  const notes: string[] = [];
  if (stopReason && !complete) {
    notes.push(`stopped early: ${stopReason}; re-run the same command to continue`);
  }
  const sorted = sortRecords(records, arms);
  const summary = summarizeBenchmark(sorted, arms, {
    run: runName,
    simulated,
    seeds,
    items: selected.length,
    complete,
    resamples: options.resamples,
    notes,
  });
  if (outDir) {
    await writeTextAtomic(
      `${outDir}/items.jsonl`,
      sorted.map((r) => JSON.stringify(r)).join("\n") + "\n",
    );
    await rewriteTraces(
      tracesPath!,
      sorted.flatMap((r) => (r.traceId === undefined ? [] : [r.traceId])),
    );
    await writeJsonAtomic(`${outDir}/summary.json`, summary);
    await writeTextAtomic(`${outDir}/report.md`, renderReport(summary));
  }
  send({ type: "run_end", runId: runName, ok: complete });
  return { records: sorted, summary, resumed, outDir };
}
