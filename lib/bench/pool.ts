/**
 * `runPool(task, options)`: the large sample-and-repair pool of Olausson et al. ("Is Self-Repair a
 * Silver Bullet for Code Generation?", ICLR 2024), generated once so that every smaller
 * configuration can be *estimated* from it (`estimateFrontier`) instead of being run.
 *
 * Per item and seed: `initial` samples, sample k seeded with `sampleSeed(seed, id, k)` (the same
 * samples the same-budget controls draw); each sample is checked by its gate — the visible tests
 * (code), the critic's verdict (answer tasks), or the oracle (flagged: it sees the answer key) —
 * and each sample that fails it gets `repairs` independent critique + repair pairs from the
 * configured critic (a part of the registry in `parts.ts`), pair r of sample k seeded with
 * `repairSeed(seed, id, k, r)`. Every sample and repair is scored by the task's scorer (hidden
 * tests, gold answer), which no role sees. Tokens are recorded per call, prompt and completion
 * separately.
 *
 * Outputs in `outDir`: `pool.manifest.json` (the run key a resumed run must match),
 * `pool.journal.jsonl` (one finished sample per line: a killed run resumes without redoing them)
 * and, at the end, `pool.jsonl` (sorted, written atomically; byte-identical for the same inputs).
 *
 * @module
 */
import type { Item } from "../schemas/item.ts";
import type { CallRecord } from "../schemas/trace.ts";
import { emit, type EventSink } from "../schemas/events.ts";
import type { Provider } from "../providers/types.ts";
import { withCallRecording } from "../providers/record.ts";
import type { Constitution } from "../constitution/constitution.ts";
import type { Critic, Scorer } from "../loop/types.ts";
import { studentAnswer, studentRevise } from "../roles/student.ts";
import { deriveSeed, roleSeed } from "../util/derive_seed.ts";
import { sha256Hex } from "../util/hash.ts";
import { appendJsonLine, writeJsonAtomic, writeTextAtomic } from "../util/atomic.ts";
import { forEachConcurrently } from "../util/for_each_concurrently.ts";
import { parseJsonl, readTextIfExists } from "../util/jsonl.ts";
import { oracleScorer, type Task } from "../tasks/task.ts";
import { type Arm, resolveArms } from "./arms.ts";
import {
  answerKeyFlags,
  type ArmParts,
  BUILTIN_PARTS,
  type PartContext,
  testSeeingParts,
} from "./parts.ts";
import { sampleSeed } from "./solvers.ts";
import { providerWrapper, shardItems } from "./run_benchmark.ts";
import { dropTornTail, type RunDirOptions, RunMismatchError } from "./run_store.ts";
import { type PoolRepair, type PoolRow, poolRowOrder, PoolRowSchema } from "./pool_row.ts";

/** What decides that a sample needs repair. */
export type PoolGate = "visible_tests" | "critic" | "oracle";

/** The gates a pool can use. */
export const POOL_GATES: readonly PoolGate[] = ["visible_tests", "critic", "oracle"];

/** Options for {@linkcode runPool}. */
export interface PoolOptions extends RunDirOptions {
  /** The student's model. */
  provider: Provider;
  /** The `other` critic's model. @default provider */
  judgeProvider?: Provider;
  /** The constitution LLM critics apply. */
  constitution: Constitution;
  /** Initial samples per item and seed (n_p of the pool). @default 10 */
  initial?: number;
  /** Critique + repair pairs per failing sample (n_fr of the pool). @default 3 */
  repairs?: number;
  /** The critic part (`tests`, `self`, `other`, `oracle`, …). @default "tests" for code, else "self" */
  critic?: string;
  /** The gate. @default "visible_tests" for code, else "critic" */
  gate?: PoolGate;
  /** Seeds. @default [0] */
  seeds?: readonly number[];
  /** Student sampling temperature. @default 0.7 */
  temperature?: number;
  /** Samples in flight at once. @default 2 */
  concurrency?: number;
  /** The part registry. @default the built-ins */
  parts?: ArmParts;
  /** Receives progress events. @default undefined */
  onEvent?: EventSink;
  /** Stops scheduling new samples (finished ones are kept). @default undefined */
  signal?: AbortSignal;
}

/** What the manifest of a pool records (and `estimateFrontier` reports). */
export interface PoolInfo {
  /** Run name. */
  run: string;
  /** Task kind. */
  task: string;
  /** Dataset name. */
  dataset: string;
  /** Items in the pool (this shard). */
  items: number;
  /** Seeds. */
  seeds: number[];
  /** Initial samples per item and seed. */
  initial: number;
  /** Repairs per failing sample. */
  repairs: number;
  /** Critic part. */
  critic: string;
  /** Gate. */
  gate: PoolGate;
  /** Student model (`provider:model`). */
  student: string;
  /** Critic model for LLM critics (`provider:model`), else null. */
  criticModel: string | null;
  /** Simulated authors. */
  simulated: boolean;
  /** One line per part that sees the answer key (empty for an honest pool). */
  answerKey: string[];
  /** Code tasks: which tests score (`hidden`, or `all`: visible + hidden). */
  scoreTests?: "hidden" | "all";
}

/** What {@linkcode runPool} returns. */
export interface PoolResult {
  /** Every row (resumed and new), in `pool.jsonl` order. */
  rows: PoolRow[];
  /** What the pool is. */
  info: PoolInfo;
  /** Every sample of every item and seed is in the pool. */
  complete: boolean;
  /** Samples served from the journal instead of being run. */
  resumed: number;
  /** LLM calls made by this invocation (cache hits included). */
  calls: number;
  /** The path of `pool.jsonl`, when written. */
  path?: string;
}

/**
 * The seed of repair `r` of sample `k` of an item (independent per (sample, repair)).
 *
 * @param seed The run seed.
 * @param itemId The item id.
 * @param k The sample index.
 * @param r The repair index.
 * @returns The repair's seed.
 *
 * @example
 * ```ts
 * import { repairSeed } from "./pool.ts";
 * if (repairSeed(0, "q", 1, 0) === repairSeed(0, "q", 1, 1)) throw new Error();
 * ```
 */
export function repairSeed(seed: number, itemId: string, k: number, r: number): number {
  return deriveSeed(seed, [itemId, "pool_repair", k, r]);
}

function checkOptions(o: PoolOptions): void {
  if (!o?.provider || typeof o.provider.chat !== "function") {
    throw new TypeError("Cannot run a pool: options.provider must implement chat()");
  }
  for (
    const [name, value, min] of [["initial", o.initial, 1], ["repairs", o.repairs, 0]] as const
  ) {
    if (value !== undefined && (!Number.isInteger(value) || value < min)) {
      throw new RangeError(`Cannot run a pool with ${name} = ${value}: need an integer >= ${min}`);
    }
  }
  const seeds = o.seeds ?? [0];
  if (!seeds.length || seeds.some((s) => !Number.isSafeInteger(s))) {
    throw new RangeError(`Cannot run a pool with seeds ${JSON.stringify(seeds)}: need integers`);
  }
  if (o.gate !== undefined && !POOL_GATES.includes(o.gate)) {
    throw new TypeError(
      `Cannot run a pool with gate "${o.gate}": known gates are ${POOL_GATES.join(", ")}`,
    );
  }
  const concurrency = o.concurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Cannot run a pool with concurrency ${concurrency}: need an integer >= 1`);
  }
}

/** The arm the pool's critic and gate form (validated against the task kind by the registry). */
function poolArm(task: Task, critic: string, gate: PoolGate, parts: ArmParts): Arm {
  const [arm] = resolveArms([{
    name: "pool",
    critic,
    gate: gate === "critic" ? "none" : gate,
    stop: gate === "critic" ? "critic_done" : "gate",
    rounds: 1,
    description: `pool repairs: critic ${critic}, gate ${gate}`,
  }], { taskKind: task.kind, parts });
  return arm;
}

/** The pool's critic, gate and the arm they form. */
export interface PoolParts {
  /** The critic part's name. */
  critic: string;
  /** The gate. */
  gate: PoolGate;
  /** The arm (for the part registry and the answer-key flags). */
  arm: Arm;
}

/**
 * Resolves and checks a pool's critic and gate for a task (defaults: `tests` + `visible_tests` for
 * code, `self` + `critic` otherwise).
 *
 * @param task The task.
 * @param options The critic, gate and part registry.
 * @returns The parts.
 * @throws {TypeError} for an unknown part, a part that does not fit the task, or a missing gate.
 *
 * @example
 * ```ts
 * import { poolParts } from "./pool.ts";
 * import { answerTask } from "../tasks/task.ts";
 * let message = "";
 * try { poolParts(answerTask([]), { critic: "tests" }); } catch (e) { message = (e as Error).message; }
 * if (!message.includes("tests")) throw new Error(message);
 * ```
 */
export function poolParts(
  task: Task,
  options: Pick<PoolOptions, "critic" | "gate" | "parts"> = {},
): PoolParts {
  const parts = options.parts ?? BUILTIN_PARTS;
  const critic = options.critic ?? (task.kind === "code" ? "tests" : "self");
  const gate = options.gate ?? (task.kind === "code" ? "visible_tests" : "critic");
  if (!POOL_GATES.includes(gate)) {
    throw new TypeError(
      `Cannot run a pool with gate "${gate}": known gates are ${POOL_GATES.join(", ")}`,
    );
  }
  if (gate === "visible_tests" && !task.scorers.visible_tests) {
    throw new TypeError(`Cannot gate a ${task.kind} task on visible tests: it has none`);
  }
  if (critic === "none") throw new TypeError('Cannot repair with critic "none": name a critic');
  const arm = poolArm(task, critic, gate, parts);
  if (task.scoreTests === "all") {
    const seen = testSeeingParts(arm, parts).filter((p) => !p.startsWith("stop "));
    if (seen.length) {
      throw new TypeError(
        `--score-tests all: the pool lets a role see test results (${
          seen.join(", ")
        }); use --score-tests hidden`,
      );
    }
  }
  return { critic, gate, arm };
}

const tokensOf = (calls: readonly CallRecord[]) => ({
  promptTokens: calls.reduce((n, c) => n + c.usage.inputTokens, 0),
  completionTokens: calls.reduce((n, c) => n + c.usage.outputTokens, 0),
});

const modelName = (p: Provider) => `${p.name}:${p.model}`;

/** What a pool is, as its manifest and reports describe it. */
function poolInfo(
  task: Task,
  options: PoolOptions,
  items: readonly Item[],
  { critic, gate, arm }: PoolParts,
): PoolInfo {
  const parts = options.parts ?? BUILTIN_PARTS;
  const criticModel = ["self", "llm"].includes(critic)
    ? modelName(options.provider)
    : critic === "other" || critic === "hybrid"
    ? modelName(options.judgeProvider ?? options.provider)
    : null;
  const outDir = options.outDir;
  return {
    run: options.runName ?? (outDir ? outDir.replace(/\/+$/, "").split("/").pop()! : "pool"),
    task: task.kind,
    dataset: options.datasetName ?? "dataset",
    items: items.length,
    seeds: [...(options.seeds ?? [0])],
    initial: options.initial ?? 10,
    repairs: options.repairs ?? 3,
    critic,
    gate,
    student: modelName(options.provider),
    criticModel,
    simulated: options.simulated ?? false,
    answerKey: answerKeyFlags(arm, parts).filter((f) => !f.startsWith("stop ")),
    ...(task.scoreTests ? { scoreTests: task.scoreTests } : {}),
  };
}

/** The pool's identity: a hash of everything that changes its rows. */
function poolRunKey(task: Task, options: PoolOptions, info: PoolInfo, items: readonly Item[]) {
  return sha256Hex({
    kind: "pool",
    task: task.kind,
    scoring: task.description,
    dataset: sha256Hex(items),
    seeds: info.seeds,
    initial: info.initial,
    repairs: info.repairs,
    critic: info.critic,
    gate: info.gate,
    student: [options.provider.name, options.provider.model],
    judge: options.judgeProvider ? [options.judgeProvider.name, options.judgeProvider.model] : null,
    constitution: options.constitution.hash,
    temperature: options.temperature ?? 0.7,
    shard: options.shard ?? null,
  });
}

const poolRowKey = (r: Pick<PoolRow, "id" | "seed" | "sample">) =>
  `${r.seed}\u0000${r.id}\u0000${r.sample}`;

/**
 * Opens a pool's journal: a new directory gets `pool.manifest.json`; an existing one must hold the
 * same pool, and its journaled rows (a torn last line dropped) are returned for resuming.
 */
async function openPoolJournal(
  outDir: string | undefined,
  runKey: string,
  manifest: Record<string, unknown>,
): Promise<{ journal?: string; done: Map<string, PoolRow> }> {
  const done = new Map<string, PoolRow>();
  if (!outDir) return { done };
  const journal = `${outDir}/pool.journal.jsonl`;
  const existing = await readTextIfExists(`${outDir}/pool.manifest.json`);
  if (existing === undefined) {
    await writeJsonAtomic(`${outDir}/pool.manifest.json`, { ...manifest, runKey });
    return { journal, done };
  }
  if (JSON.parse(existing).runKey !== runKey) {
    throw new RunMismatchError(
      `${outDir} holds a different pool (its pool.manifest.json's runKey differs from this ` +
        "command's): use another --out or delete the directory",
    );
  }
  // A kill mid-append leaves a torn last line: drop it before appending after it.
  const text = await dropTornTail(journal);
  for (const row of text ? parseJsonl(text, PoolRowSchema, { file: journal }) : []) {
    done.set(poolRowKey(row), row);
  }
  return { journal, done };
}

/** Everything one sample needs: the task, the recorded models, the critic and the gate. */
interface SampleSetup {
  task: Task;
  arm: Arm;
  parts: ArmParts;
  critic: string;
  constitution: Constitution;
  student: Provider;
  other: Provider;
  gateScorer?: Scorer;
  repairs: number;
  temperature: number;
  signal?: AbortSignal;
}

/** One sample of an item and its repairs, every call recorded and counted. */
async function runPoolSample(
  setup: SampleSetup,
  item: Item,
  seed: number,
  k: number,
): Promise<PoolRow> {
  const { task, repairs, temperature, signal } = setup;
  const unitCalls: CallRecord[] = [];
  const rec = (p: Provider, role: string) =>
    withCallRecording(p, (c) => unitCalls.push(c), { defaultRole: role });
  const context: PartContext = {
    task,
    arm: setup.arm,
    constitution: setup.constitution,
    student: rec(setup.student, "student"),
    judge: rec(setup.student, "critic"),
    other: rec(setup.other, "critic"),
  };
  const critic: Critic | undefined = setup.parts.critics[setup.critic].create(context);
  if (!critic) {
    throw new TypeError(`Cannot repair with critic "${setup.critic}": it builds no critic`);
  }
  const since = (from: number) => tokensOf(unitCalls.slice(from));
  const score = (text: string) =>
    text === ""
      ? Promise.resolve({ score: 0, passed: false })
      : task.score(item, text, { round: 0, seed, signal });
  const answer = await studentAnswer(context.student, { prompt: item.prompt }, {
    seed: sampleSeed(seed, item.id, k),
    temperature,
    itemId: item.id,
    signal,
  });
  const first = since(0);
  const s = await score(answer.text);
  const critique = async (r: number) => {
    const from = unitCalls.length;
    const feedback = await critic.critique(item, answer.text, {
      round: 1,
      seed: repairSeed(seed, item.id, k, r),
      signal,
    });
    const t = since(from);
    return { text: feedback.text, tokens: t.promptTokens + t.completionTokens };
  };
  let gatePassed: boolean;
  let gateTokens = 0;
  let firstFeedback: { text: string; tokens: number } | undefined;
  if (setup.gateScorer) {
    gatePassed = answer.text !== "" &&
      (await setup.gateScorer.score(item, answer.text, { round: 0, seed, signal })).passed;
  } else {
    // The critic's verdict: its first critique (repair 0's seed) decides; when it has something to
    // say, that critique is repair 0's feedback.
    firstFeedback = repairs > 0 ? await critique(0) : undefined;
    gatePassed = firstFeedback !== undefined && firstFeedback.text.trim() === "";
    if (gatePassed) gateTokens = firstFeedback!.tokens;
  }
  const rows: PoolRepair[] = [];
  for (let r = 0; r < repairs && !gatePassed; r++) {
    const feedback = r === 0 && firstFeedback ? firstFeedback : await critique(r);
    if (feedback.text.trim() === "") {
      rows.push({
        repair: r,
        passed: s.passed,
        score: s.score,
        tokens: 0,
        promptTokens: 0,
        completionTokens: 0,
        feedbackTokens: feedback.tokens,
        noFeedback: true,
      });
      continue;
    }
    const from = unitCalls.length;
    const revised = await studentRevise(
      context.student,
      { prompt: item.prompt, answer: answer.text, feedback: feedback.text },
      {
        seed: roleSeed(repairSeed(seed, item.id, k, r), item.id, 1, "student"),
        temperature,
        itemId: item.id,
        signal,
      },
    );
    const t = since(from);
    const rs = await score(revised.text);
    rows.push({
      repair: r,
      passed: rs.passed,
      score: rs.score,
      tokens: t.promptTokens + t.completionTokens,
      ...t,
      feedbackTokens: feedback.tokens,
    });
  }
  return {
    id: item.id,
    seed,
    sample: k,
    passed: s.passed,
    score: s.score,
    tokens: first.promptTokens + first.completionTokens,
    ...first,
    gatePassed,
    gateTokens,
    repairs: rows,
  };
}

/**
 * Generates (or resumes) a repair pool. See the module documentation for the protocol.
 *
 * @param task A task (`codeTask`, `answerTask`, or `taskFor(dataset)`).
 * @param options Models, constitution, pool sizes, critic, gate, outputs.
 * @returns The rows and what the pool is.
 * @throws {RunMismatchError} when `outDir` holds a different pool.
 * @throws {TypeError} for a critic or gate that does not fit the task, or one that shows a role
 *   test results when the task scores on every test (`scoreTests: "all"`).
 *
 * @example A simulated answer-task pool
 * ```ts
 * import { runPool } from "./pool.ts";
 * import { createSimulatedAnswerProvider } from "./simulate_tasks.ts";
 * import { answerTask } from "../tasks/task.ts";
 * import { parseConstitution } from "../constitution/parse_constitution.ts";
 * const items = [1, 2].map((n) => ({
 *   id: `q${n}`, prompt: `What is ${n} + ${n}?`, gold: String(2 * n), answerType: "number" as const,
 * }));
 * const pool = await runPool(answerTask(items), {
 *   provider: createSimulatedAnswerProvider(items), simulated: true, initial: 3, repairs: 2,
 *   constitution: parseConstitution("## Correctness\n\nBe right.\n"),
 * });
 * if (pool.rows.length !== 6 || pool.info.gate !== "critic") throw new Error();
 * ```
 */
export async function runPool(task: Task, options: PoolOptions): Promise<PoolResult> {
  checkOptions(options);
  const chosen = poolParts(task, options);
  const temperature = options.temperature ?? 0.7;
  const cached = providerWrapper(options);
  let calls = 0;
  const wrap = (p: Provider) => withCallRecording(cached(p), () => calls++);
  const scoredTask = task.withProviders ? task.withProviders(wrap) : task;
  const student = wrap(options.provider);
  const items = shardItems(scoredTask.items, options.shard);
  const ids = new Set<string>();
  for (const item of items) {
    if (ids.has(item.id)) throw new TypeError(`Cannot run a pool: duplicate item id "${item.id}"`);
    ids.add(item.id);
  }
  const info = poolInfo(task, options, items, chosen);
  const { journal, done } = await openPoolJournal(
    options.outDir,
    poolRunKey(task, options, info, items),
    {
      ...info,
      temperature,
      constitution: options.constitution.hash,
      scoring: task.description,
      costDefinition: COST_DEFINITION,
    },
  );
  const resumed = done.size;
  const { gate } = chosen;
  const setup: SampleSetup = {
    task: scoredTask,
    arm: chosen.arm,
    parts: options.parts ?? BUILTIN_PARTS,
    critic: chosen.critic,
    constitution: options.constitution,
    student,
    other: options.judgeProvider ? wrap(options.judgeProvider) : student,
    gateScorer: gate === "visible_tests"
      ? scoredTask.scorers.visible_tests
      : gate === "oracle"
      ? oracleScorer(scoredTask)
      : undefined,
    repairs: info.repairs,
    temperature,
    signal: options.signal,
  };
  const units = info.seeds.flatMap((seed) =>
    items.flatMap((item) => Array.from({ length: info.initial }, (_, k) => ({ item, seed, k })))
  );
  const queue = units.filter((u) =>
    !done.has(poolRowKey({ id: u.item.id, seed: u.seed, sample: u.k }))
  );
  const aborted = () => options.signal?.aborted === true;
  await forEachConcurrently(queue, options.concurrency ?? 2, async ({ item, seed, k }) => {
    try {
      const row = await runPoolSample(setup, item, seed, k);
      if (aborted()) return;
      if (journal) await appendJsonLine(journal, row);
      done.set(poolRowKey(row), row);
      emit(options.onEvent, {
        type: "progress",
        done: done.size,
        total: units.length,
        label: `${item.id} seed=${seed} sample=${k}`,
      });
    } catch (error) {
      if (!aborted()) throw error;
    }
  }, aborted);
  const rows = [...done.values()].sort(poolRowOrder(items.map((i) => i.id)));
  const complete = rows.length === units.length && !aborted();
  let path: string | undefined;
  if (options.outDir && complete) {
    path = `${options.outDir}/pool.jsonl`;
    await writeTextAtomic(path, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  }
  return { rows, info, complete, resumed, calls, ...(path ? { path } : {}) };
}

/**
 * How the cost of a configuration (n_p, n_fr) is counted, in the words the reports use.
 */
export const COST_DEFINITION: string =
  "cost of (n_p, n_fr) = the tokens (prompt + completion) of the n_p initial samples, plus — when " +
  "n_fr > 0 — any gate tokens no repair accounts for (a critic-verdict gate that found nothing), " +
  "plus, for each sample that failed its gate, the tokens of its first n_fr repairs (critic " +
  "feedback + student revision); a configuration passes when any initial sample passes or any " +
  "used repair passes (Olausson et al. 2024)";
