/**
 * The autoresearch loop. `initResearch` refuses a dirty tree, creates the branch
 * `autoresearch/<tag>`, hashes the contract files and measures the frozen baseline.
 * `runResearch` then iterates: proposers propose, the critic may veto, the judge picks, the coder
 * applies, the runner measures, the acceptance rule decides (keep / discard / crash / noop /
 * rejected), git keeps or reverts, the synthesizer updates the memory, and the graduated gate
 * escalates or stops. Each finished iteration is one ledger line; a killed run resumes at the next
 * iteration after resetting git to the last kept commit.
 *
 * @module
 */
import { join } from "node:path";
import { emit, type EventSink } from "../schemas/events.ts";
import type { Usage } from "../schemas/chat.ts";
import { sha256Hex } from "../util/hash.ts";
import { checkGuardrails, compareSamples, type Comparison } from "./acceptance.ts";
import { applyEdits, EditError, runAgentCoder } from "./coder.ts";
import { evaluateRuns, type Evaluation, meanRecord } from "./evaluate.ts";
import { advanceGate, INITIAL_GATE } from "./gate.ts";
import { ResearchGit, ResearchGitError } from "./git.ts";
import {
  appendLedger,
  type Attempt,
  type AttemptStatus,
  type BaselineRecord,
  type GateState,
  type Incumbent,
  type IterationRecord,
  readLedger,
  RUN_FILES,
  summarizeLedger,
  writeResultsTsv,
} from "./ledger.ts";
import { boundResearchMemory, EMPTY_RESEARCH_MEMORY, rememberAttempts } from "./memory.ts";
import type { Budgets } from "./problem.ts";
import { RESEARCH_STRATEGY_NOTE, type ResearchContext } from "./prompts.ts";
import { type ProviderFactory, type ResearchProviders, resolveRoles } from "./roles.ts";
import { killProcessGroup, type RunnerSandbox } from "./runner.ts";
import type { Idea } from "./schemas.ts";
import {
  codeIdea,
  type Proposal,
  proposeIdeas,
  rankProposals,
  reviewProposals,
  synthesizeResearchMemory,
} from "./society.ts";
import { mean } from "../stats/welch.ts";
import {
  acquireRunLock,
  changedContracts,
  hashContracts,
  type LocateOptions,
  openWorkspace,
  prepareRunDir,
  ResearchError,
  type ResearchWorkspace,
} from "./workspace.ts";

/** Options for {@linkcode initResearch} and {@linkcode runResearch}. */
export interface ResearchOptions extends LocateOptions {
  /** The society's models (takes precedence over `providerFactory`). @default undefined */
  providers?: ResearchProviders;
  /** Builds providers from problem.yaml's role specs. @default undefined */
  providerFactory?: ProviderFactory;
  /** Constitution text (overrides problem.yaml's `constitution` file). @default undefined */
  constitution?: string;
  /** Runner isolation hook (required when problem.yaml enables the sandbox). @default undefined */
  sandbox?: RunnerSandbox;
  /** Abort signal: stops after killing the live runner; the iteration is redone on resume. @default undefined */
  signal?: AbortSignal;
  /** Event sink (log, progress, role events). @default undefined */
  onEvent?: EventSink;
  /** Iterations to run in this invocation at most. @default unlimited */
  maxIterations?: number;
  /** Overrides of problem.yaml's budgets (e.g. to extend a finished run). @default {} */
  budgets?: Partial<Budgets>;
  /** Reset a stopped graduated gate to normal before running. @default false */
  resetGate?: boolean;
}

/** What {@linkcode runResearch} reports. */
export interface ResearchOutcome {
  /** Iterations finished by this invocation. */
  iterationsRun: number;
  /** Last finished iteration overall. */
  lastIteration: number;
  /** Why the invocation stopped. */
  stopReason: string;
  /** Baseline mean. */
  baseline: number;
  /** The incumbent after the run. */
  incumbent: Incumbent;
  /** The run directory. */
  runDir: string;
}

function seedFor(ws: ResearchWorkspace, label: string, repeat: number): number {
  const a = ws.problem.acceptance;
  if (a.test === "paired") return a.seed + repeat;
  return (parseInt(sha256Hex(`${ws.tag}:${label}:${repeat}`).slice(0, 8), 16) + a.seed) &
    0x7fffffff;
}

function seeds(ws: ResearchWorkspace, label: string, first: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => seedFor(ws, label, first + i));
}

function log(onEvent: EventSink | undefined, level: "info" | "warn", message: string): void {
  emit(onEvent, { type: "log", level, message });
}

/**
 * Initialises a run: refuses a dirty working tree, creates and checks out `autoresearch/<tag>`,
 * hashes the contract files and measures the baseline (`repeats` runs). Idempotent once the
 * baseline is recorded.
 *
 * @param problemPath Path of problem.yaml.
 * @param options Tag, run directory, sandbox, events, signal.
 * @returns The baseline record.
 * @throws {ResearchGitError} on a dirty tree or an existing branch without a run;
 *   {@linkcode ResearchError} when the baseline crashes.
 *
 * @example Refuses a dirty tree
 * ```ts
 * import { initResearch } from "./research.ts";
 * const dir = await Deno.makeTempDir();
 * const git = (...args: string[]) => new Deno.Command("git", { args, cwd: dir }).output();
 * await git("init", "-q");
 * await Deno.writeTextFile(`${dir}/problem.yaml`, [
 *   "objective: o",
 *   "metric: { name: m, regex: 'm=([0-9]+)', direction: minimize }",
 *   "runner: { command: 'echo m=1', timeout_seconds: 5 }",
 *   "mutable: [x.txt]",
 *   "roles: { proposers: [scripted] }",
 * ].join("\n"));
 * let refused = false;
 * try {
 *   await initResearch(`${dir}/problem.yaml`, { tag: "t" });
 * } catch (e) {
 *   refused = (e as Error).message.includes("dirty");
 * }
 * if (!refused) throw new Error("expected a dirty-tree refusal");
 * ```
 */
export async function initResearch(
  problemPath: string,
  options: ResearchOptions,
): Promise<BaselineRecord> {
  const ws = await openWorkspace(problemPath, options);
  const release = await acquireRunLock(ws.runDir);
  try {
    return await initLocked(ws, options);
  } finally {
    await release();
  }
}

async function initLocked(
  ws: ResearchWorkspace,
  options: ResearchOptions,
): Promise<BaselineRecord> {
  const existing = summarizeLedger(await readLedger(ws.runDir)).baseline;
  if (existing) return existing;
  const { repo, problem } = ws;
  const dirty = (await repo.dirtyPaths()).filter((p) => !isRunDirPath(ws, p));
  if (dirty.length > 0) {
    throw new ResearchGitError(
      `refusing to start: the working tree is dirty (${dirty.slice(0, 5).join(", ")}${
        dirty.length > 5 ? ", …" : ""
      }); commit or stash your changes first`,
    );
  }
  if (problem.sandbox.enabled && !options.sandbox) {
    throw new ResearchError(
      "problem.yaml enables sandbox but no sandbox hook was provided (options.sandbox)",
    );
  }
  const current = await repo.currentBranch();
  const start = await repo.head();
  let created = false;
  if (await repo.resolve(`refs/heads/${ws.branch}`)) {
    if (current !== ws.branch) {
      throw new ResearchGitError(
        `branch ${ws.branch} already exists but ${ws.runDir} has no baseline; ` +
          `choose another tag or delete the branch`,
      );
    }
  } else {
    await repo.createBranch(ws.branch, start);
    created = true;
  }
  // A failed init leaves the repository as it found it.
  const undo = async (): Promise<void> => {
    await repo.resetHard(start);
    if (!created) return;
    await repo.checkout(current ?? start);
    await repo.run(["branch", "-D", ws.branch]);
  };
  await prepareRunDir(ws.runDir);
  const commit = await repo.head();
  const contracts = await hashContracts(repo.root, ws.contracts);
  const missing = Object.entries(contracts).filter(([, h]) => h === "missing").map(([p]) => p);
  if (missing.length) {
    await undo();
    throw new ResearchError(`contract files missing: ${missing.join(", ")}`);
  }
  log(options.onEvent, "info", `baseline: measuring ${problem.acceptance.repeats} run(s)`);
  const startedAt = new Date().toISOString();
  const e = await evaluateRuns(problem, {
    cwd: join(ws.problemDir, problem.runner.cwd),
    logDir: join(ws.runDir, "logs"),
    label: "baseline",
    seeds: seeds(ws, "baseline", 0, problem.acceptance.repeats),
    pidFile: join(ws.runDir, RUN_FILES.runnerPid),
    signal: options.signal,
    sandbox: options.sandbox,
  });
  if (!e.ok) {
    await undo();
    throw new ResearchError(
      `baseline crashed: ${e.crash!.reason}\n${e.crash!.logTail}`,
    );
  }
  // A runner that rewrites its own contract is a broken setup, not a result.
  const tampered = await changedContracts(repo.root, contracts);
  if (tampered.length) {
    await undo();
    throw new ResearchError(`the baseline run modified contract files: ${tampered.join(", ")}`);
  }
  await repo.resetHard(commit); // drop any runner output
  const components = problem.metric.scalarize ? meanRecord(e.components) : undefined;
  const record: BaselineRecord = {
    kind: "baseline",
    tag: ws.tag,
    branch: ws.branch,
    commit,
    startedAt,
    ms: e.ms,
    samples: e.samples,
    mean: mean(e.samples),
    guardrails: meanRecord(e.guardrails),
    components,
    resource: e.resource.length ? mean(e.resource) : undefined,
    contracts,
    sandbox: { enabled: problem.sandbox.enabled, hook: options.sandbox?.name },
    logs: e.logs.map((l) => relRun(ws, l)),
  };
  await appendLedger(ws.runDir, record);
  await writeResultsTsv(ws.runDir, tsvNames(ws));
  log(options.onEvent, "info", `baseline ${problem.metric.name} = ${fmt(record.mean)}`);
  return record;
}

function isRunDirPath(ws: ResearchWorkspace, repoPath: string): boolean {
  const abs = join(ws.repo.root, repoPath);
  return abs === ws.runDir || abs.startsWith(ws.runDir + "/");
}

function relRun(ws: ResearchWorkspace, abs: string): string {
  return abs.startsWith(ws.runDir + "/") ? abs.slice(ws.runDir.length + 1) : abs;
}

function tsvNames(ws: ResearchWorkspace): { metricName: string; resourceName: string } {
  return {
    metricName: ws.problem.metric.name,
    resourceName: ws.problem.resource?.name ?? "seconds",
  };
}

function fmt(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? String(x) : Number(x.toPrecision(8)).toString();
}

/** Mutable state carried between iterations. */
interface LoopState {
  baseline: BaselineRecord;
  incumbent: Incumbent;
  memory: IterationRecord["memory"];
  gate: GateState;
  lastIteration: number;
  tokens: number;
  wallMs: number;
  history: string[];
}

/**
 * Runs (or resumes) the research loop until a budget, the gate, a STOP file, the abort signal or
 * `maxIterations` stops it. Initialises the run first when needed. A half-done iteration left by a
 * kill is recovered: its commit is kept under `refs/autoresearch/<tag>/interrupted/<n>`, its
 * uncommitted changes as a patch, and git is reset to the last kept commit.
 *
 * @param problemPath Path of problem.yaml.
 * @param options Tag, providers (or a factory), budgets, events, signal.
 * @returns Iterations run, why it stopped, baseline and incumbent.
 * @throws {ResearchGitError} on a dirty tree outside the run branch; {@linkcode ResearchError}
 *   when no providers are given or all proposers fail with provider errors.
 *
 * @example Missing providers are refused before any work
 * ```ts
 * import { runResearch } from "./research.ts";
 * let message = "";
 * try {
 *   await runResearch("no/such/problem.yaml", { tag: "t" });
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * if (!message.includes("not found")) throw new Error(message);
 * ```
 */
export async function runResearch(
  problemPath: string,
  options: ResearchOptions,
): Promise<ResearchOutcome> {
  const ws = await openWorkspace(problemPath, options);
  const { repo, problem } = ws;
  if (options.maxIterations !== undefined && !(options.maxIterations >= 0)) {
    throw new RangeError(`runResearch: maxIterations must be >= 0, got ${options.maxIterations}`);
  }
  const providers = options.providers ??
    (options.providerFactory
      ? await resolveRoles(problem.roles, options.providerFactory)
      : undefined);
  if (!providers || providers.proposers.length === 0) {
    throw new ResearchError("no providers: pass options.providers or options.providerFactory");
  }
  const release = await acquireRunLock(ws.runDir);
  let ok = false;
  emit(options.onEvent, {
    type: "run_start",
    runId: ws.tag,
    items: options.budgets?.iterations ?? problem.budgets.iterations,
  });
  try {
    await prepareRunDir(ws.runDir);
    let summary = summarizeLedger(await readLedger(ws.runDir));
    if (!summary.baseline) {
      await initLocked(ws, options);
      summary = summarizeLedger(await readLedger(ws.runDir));
    }
    const baseline = summary.baseline!;
    const current = await repo.currentBranch();
    if (current !== ws.branch) {
      const dirty = (await repo.dirtyPaths()).filter((p) => !isRunDirPath(ws, p));
      if (dirty.length) {
        throw new ResearchGitError(
          `refusing to switch to ${ws.branch}: the working tree is dirty (${
            dirty.slice(0, 5).join(", ")
          })`,
        );
      }
      await repo.checkout(ws.branch);
    }
    await recover(ws, summary.incumbent!.commit, summary.lastIteration + 1, options);
    const contractDrift = await changedContracts(repo.root, baseline.contracts);
    if (contractDrift.length) {
      throw new ResearchError(
        `contract files differ from the baseline on ${ws.branch}: ${contractDrift.join(", ")}`,
      );
    }
    const last = summary.iterations.at(-1);
    const state: LoopState = {
      baseline,
      incumbent: summary.incumbent!,
      memory: last?.memory ?? EMPTY_RESEARCH_MEMORY,
      gate: options.resetGate ? INITIAL_GATE : last?.gate ?? INITIAL_GATE,
      lastIteration: summary.lastIteration,
      tokens: summary.tokens,
      wallMs: summary.wallMs,
      history: summary.iterations.flatMap((it) => it.attempts.map(historyLine)),
    };
    const budgets = { ...problem.budgets, ...options.budgets };
    let iterationsRun = 0;
    let stopReason = "";
    while (true) {
      stopReason = await stopCheck(ws, state, budgets, iterationsRun, options);
      if (stopReason) break;
      if (state.gate.stage === "throttle" && problem.gate.throttle_seconds > 0) {
        await sleep(problem.gate.throttle_seconds * 1000, options.signal);
        if (options.signal?.aborted) continue;
      }
      let record: IterationRecord;
      try {
        record = await runIteration(ws, state, providers, options);
      } catch (error) {
        if (!options.signal?.aborted) throw error;
        await repo.resetHard(state.incumbent.commit);
        stopReason = `aborted during iteration ${state.lastIteration + 1} (it will be redone)`;
        break;
      }
      await appendLedger(ws.runDir, record);
      await writeResultsTsv(ws.runDir, tsvNames(ws));
      iterationsRun++;
      state.lastIteration = record.iteration;
      state.incumbent = record.incumbent;
      state.memory = record.memory;
      state.gate = record.gate;
      state.tokens += record.usage.inputTokens + record.usage.outputTokens;
      state.wallMs += record.ms;
      state.history.push(...record.attempts.map(historyLine));
      emit(options.onEvent, {
        type: "progress",
        done: record.iteration,
        total: budgets.iterations,
        label: record.summary,
      });
    }
    await appendLedger(ws.runDir, {
      kind: "stop",
      t: new Date().toISOString(),
      iteration: state.lastIteration,
      reason: stopReason,
    });
    log(options.onEvent, "info", `stopped: ${stopReason}`);
    ok = true;
    return {
      iterationsRun,
      lastIteration: state.lastIteration,
      stopReason,
      baseline: baseline.mean,
      incumbent: state.incumbent,
      runDir: ws.runDir,
    };
  } finally {
    emit(options.onEvent, { type: "run_end", runId: ws.tag, ok });
    await release();
  }
}

async function stopCheck(
  ws: ResearchWorkspace,
  state: LoopState,
  budgets: Budgets,
  iterationsRun: number,
  options: ResearchOptions,
): Promise<string> {
  if (options.signal?.aborted) return "aborted";
  if (state.lastIteration >= budgets.iterations) {
    return `iteration budget reached (${budgets.iterations})`;
  }
  if (budgets.wall_seconds !== undefined && state.wallMs / 1000 >= budgets.wall_seconds) {
    return `wall-time budget reached (${budgets.wall_seconds}s)`;
  }
  if (budgets.tokens !== undefined && state.tokens >= budgets.tokens) {
    return `token budget reached (${state.tokens} ≥ ${budgets.tokens})`;
  }
  if (state.gate.stage === "stop") {
    return `graduated gate: ${state.gate.consecutiveFailures} consecutive iterations without a keep`;
  }
  if (options.maxIterations !== undefined && iterationsRun >= options.maxIterations) {
    return `maxIterations reached for this invocation (${options.maxIterations})`;
  }
  const stopFile = join(ws.runDir, RUN_FILES.stop);
  try {
    await Deno.remove(stopFile);
    return "STOP file found (consumed)";
  } catch {
    return "";
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done);
  });
}

/** Brings git back to the incumbent after a kill; records what was found. */
async function recover(
  ws: ResearchWorkspace,
  incumbent: string,
  iteration: number,
  options: ResearchOptions,
): Promise<void> {
  const { repo } = ws;
  let killedRunner: number | undefined;
  for await (const entry of Deno.readDir(ws.runDir)) {
    if (!/^runner.*\.pid$/.test(entry.name)) continue;
    const path = join(ws.runDir, entry.name);
    const pgid = Number((await Deno.readTextFile(path).catch(() => "")).trim());
    if (Number.isInteger(pgid) && pgid > 1 && killProcessGroup(pgid, "SIGKILL")) {
      killedRunner = pgid;
    }
    await Deno.remove(path).catch(() => {});
  }
  const worktrees = join(ws.runDir, "worktrees");
  try {
    await Deno.stat(worktrees);
    for await (const e of Deno.readDir(worktrees)) {
      await repo.removeWorktree(join(worktrees, e.name));
    }
    await Deno.remove(worktrees, { recursive: true }).catch(() => {});
  } catch {
    // no worktrees
  }
  const head = await repo.head();
  const dirty = (await repo.dirtyPaths()).filter((p) => !isRunDirPath(ws, p));
  if (head === incumbent && dirty.length === 0) return;
  let savedRef: string | undefined, savedPatch: string | undefined;
  if (head !== incumbent) {
    savedRef = `${ws.refPrefix}/interrupted/${iteration}`;
    await repo.updateRef(savedRef, head);
  }
  if (dirty.length) {
    const patch = await repo.worktreeDiff();
    if (patch.trim()) {
      savedPatch = `patches/interrupted-${iteration}-${Date.now()}.patch`;
      await Deno.writeTextFile(join(ws.runDir, savedPatch), patch);
    }
  }
  await repo.resetHard(incumbent);
  await appendLedger(ws.runDir, {
    kind: "recovery",
    t: new Date().toISOString(),
    iteration,
    head,
    dirty,
    savedRef,
    savedPatch,
    killedRunner,
  });
  log(
    options.onEvent,
    "warn",
    `recovered interrupted iteration ${iteration}: reset to ${incumbent.slice(0, 7)}` +
      (savedRef ? `, kept ${savedRef}` : "") + (savedPatch ? `, saved ${savedPatch}` : ""),
  );
}

function historyLine(a: Attempt): string {
  const metric = a.mean !== undefined ? ` ${fmt(a.mean)}` : "";
  const delta = a.comparison
    ? ` Δ${a.comparison.improvement >= 0 ? "+" : ""}${fmt(a.comparison.improvement)}`
    : "";
  return `#${a.id} ${a.status}${metric}${delta} "${a.idea.title}" — ${a.reason}`.slice(0, 400);
}

async function readMutable(
  ws: ResearchWorkspace,
  root: string,
): Promise<{ path: string; content: string }[]> {
  const max = ws.problem.society.max_file_chars;
  return await Promise.all(ws.problem.mutable.map(async (path, i) => {
    let content = await Deno.readTextFile(join(root, ws.mutable[i])).catch(() => "");
    if (content.length > max) content = `${content.slice(0, max)}\n… (truncated)`;
    return { path, content };
  }));
}

/** One iteration: society → attempts → selection → git → memory → gate. */
async function runIteration(
  ws: ResearchWorkspace,
  state: LoopState,
  providers: ResearchProviders,
  options: ResearchOptions,
): Promise<IterationRecord> {
  const { problem, repo } = ws;
  const n = state.lastIteration + 1;
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const usage: Usage = { inputTokens: 0, outputTokens: 0 };
  const onUsage = (u: Usage): void => {
    usage.inputTokens += u.inputTokens;
    usage.outputTokens += u.outputTokens;
  };
  const social = { iteration: n, signal: options.signal, onEvent: options.onEvent, onUsage };
  const throttled = state.gate.stage === "throttle";
  const constitution = options.constitution ??
    (problem.constitution
      ? await Deno.readTextFile(join(ws.problemDir, problem.constitution)).catch(() => undefined)
      : undefined);
  const context: ResearchContext = {
    objective: problem.objective,
    metric: { name: problem.metric.name, direction: problem.metric.direction },
    constitution,
    files: await readMutable(ws, repo.root),
    readonly: problem.readonly,
    baseline: state.baseline.mean,
    incumbent: state.incumbent.mean,
    history: state.history.slice(-problem.society.history_size),
    memory: state.memory,
    iteration: n,
    strategyNote: state.gate.stage === "normal" ? undefined : RESEARCH_STRATEGY_NOTE,
  };
  log(options.onEvent, "info", `iteration ${n}: proposing (gate ${state.gate.stage})`);
  const proposers = throttled ? providers.proposers.slice(0, 1) : providers.proposers;
  const proposals = await proposeIdeas(proposers, context, {
    ...social,
    temperatureBoost: state.gate.temperatureBoost,
    maxTemperature: problem.gate.max_temperature,
  });
  const valid = proposals.filter((p) => p.idea);
  if (valid.length === 0 && proposals.every((p) => p.error?.startsWith("provider error"))) {
    throw new ResearchError(
      `iteration ${n}: every proposer failed: ${proposals.map((p) => p.error).join("; ")}`,
    );
  }
  let reviews: IterationRecord["reviews"] = [];
  if (providers.critic && valid.length > 0) {
    const r = await reviewProposals(providers.critic, valid, { ...social, context });
    reviews = r.reviews;
    if (r.error) log(options.onEvent, "warn", `critic failed (no vetoes): ${r.error}`);
  }
  const vetoed = new Set(reviews.filter((r) => r.veto).map((r) => r.id));
  for (const id of vetoed) {
    log(
      options.onEvent,
      "info",
      `critic vetoed ${id}: ${reviews.find((r) => r.id === id)?.reason}`,
    );
  }
  const survivors = valid.filter((p) => !vetoed.has(p.id));
  const want = throttled ? 1 : problem.society.candidates;
  let judge: IterationRecord["judge"];
  let order = survivors.map((p) => p.id);
  if (providers.judge && survivors.length > want) {
    judge = await rankProposals(providers.judge, survivors, { ...social, context });
    if (judge) order = [...judge.ranking, ...order.filter((id) => !judge!.ranking.includes(id))];
    else log(options.onEvent, "warn", "judge failed: using proposal order");
  }
  const chosen = order.slice(0, want).map((id) => survivors.find((p) => p.id === id)!);

  const parallel = problem.society.parallel && chosen.length > 1;
  let attempts: Attempt[];
  if (parallel) {
    attempts = await Promise.all(chosen.map(async (p, c) => {
      const dir = join(ws.runDir, "worktrees", `c${c}`);
      await repo.removeWorktree(dir);
      await repo.addWorktree(dir, state.incumbent.commit);
      try {
        const wt = await ResearchGit.open(dir);
        return await attemptIdea(ws, wt, state, p, n, c, providers, options, social);
      } finally {
        await repo.removeWorktree(dir);
      }
    }));
  } else {
    attempts = [];
    for (const [c, p] of chosen.entries()) {
      attempts.push(await attemptIdea(ws, repo, state, p, n, c, providers, options, social));
    }
  }

  // Selection: among candidates that passed, the best mean is kept.
  const sign = problem.metric.direction === "minimize" ? 1 : -1;
  const passing = attempts.filter((a) => a.status === "keep");
  passing.sort((a, b) => sign * (a.mean! - b.mean!));
  const winner = passing[0];
  for (const a of passing.slice(1)) {
    a.status = "discard";
    a.phase = "selection";
    a.reason = `passed, but #${winner.id} was better (${fmt(winner.mean)} vs ${fmt(a.mean)})`;
  }

  // Commits for every attempt with a tree; refs and patches for all of them.
  for (const a of attempts) {
    if (!a.tree) continue;
    a.commit = await repo.commitTree(a.tree, {
      parents: [state.incumbent.commit],
      message: commitMessage(ws, a, state),
    });
    if (a.status !== "keep") {
      a.ref = `${ws.refPrefix}/discarded/${a.id}`;
      await repo.updateRef(a.ref, a.commit);
    }
    a.patch = `patches/${a.id}.${a.status}.patch`;
    await Deno.writeTextFile(
      join(ws.runDir, a.patch),
      await repo.diff(state.incumbent.commit, a.commit),
    );
  }
  // Fresh incumbent measurements taken during confirmation improve its estimate.
  let incumbent: Incumbent = state.incumbent;
  const extra = attempts.flatMap((a) => a.incumbentConfirm);
  if (extra.length && problem.acceptance.test === "welch") {
    const samples = [...incumbent.samples, ...extra];
    incumbent = { ...incumbent, samples, mean: mean(samples) };
  } else if (extra.length) {
    // paired: keep samples aligned with seed indices 0..2r-1
    const r = problem.acceptance.repeats;
    const fresh = attempts.find((a) => a.incumbentConfirm.length)!.incumbentConfirm;
    const samples = [...incumbent.samples.slice(0, r), ...fresh];
    incumbent = { ...incumbent, samples, mean: mean(samples) };
  }
  if (winner) {
    const samples = [...winner.samples, ...winner.confirmSamples];
    incumbent = {
      commit: winner.commit!,
      samples,
      mean: mean(samples),
      guardrails: winner.guardrails,
      components: winner.components,
      attempt: winner.id,
    };
  }
  await repo.resetHard(incumbent.commit);

  let memory = rememberAttempts(state.memory, attempts, { size: problem.society.memory_size });
  const summary = winner
    ? `kept #${winner.id} "${winner.idea.title}": ${problem.metric.name} ${
      fmt(state.incumbent.mean)
    } → ${fmt(incumbent.mean)}`
    : attempts.length
    ? `no keep (${attempts.map((a) => `#${a.id} ${a.status}`).join(", ")})`
    : `no candidate (${valid.length} valid proposal(s), ${vetoed.size} vetoed)`;
  if (providers.synthesizer) {
    const text = [summary, ...attempts.map(historyLine)].join("\n");
    const m = await synthesizeResearchMemory(providers.synthesizer, memory, {
      ...social,
      iterationText: text,
    });
    if (m) memory = boundResearchMemory(m, { size: problem.society.memory_size });
  }
  const gate = advanceGate(state.gate, Boolean(winner), problem.gate);
  if (gate.transition) log(options.onEvent, "warn", gate.transition);
  log(options.onEvent, "info", `iteration ${n}: ${summary}`);
  return {
    kind: "iteration",
    iteration: n,
    startedAt,
    ms: performance.now() - started,
    proposals: proposals.map((p: Proposal) => ({
      id: p.id,
      proposer: p.proposer,
      temperature: p.temperature,
      idea: p.idea,
      error: p.error,
    })),
    reviews,
    judge,
    attempts,
    incumbent,
    memory,
    gate: gate.state,
    usage,
    summary,
  };
}

function commitMessage(ws: ResearchWorkspace, a: Attempt, state: LoopState): string {
  const m = ws.problem.metric.name;
  const lines = [
    `autoresearch(${ws.tag}) #${a.id} ${a.status}: ${a.idea.title}`.replace(/\s+/g, " ").slice(
      0,
      200,
    ),
    "",
  ];
  if (a.mean !== undefined && !a.comparison) {
    lines.push(`metric: ${m} ${fmt(a.mean)} (incumbent ${fmt(state.incumbent.mean)})`);
  } else if (a.mean !== undefined && a.comparison) {
    const pct = (a.comparison.relative * 100).toFixed(2);
    lines.push(
      `metric: ${m} ${fmt(state.incumbent.mean)} -> ${fmt(a.mean)} (improvement ${
        fmt(a.comparison.improvement)
      }, ${pct}%, p=${fmt(a.comparison.p)})`,
      `samples: ${[...a.samples, ...a.confirmSamples].map(fmt).join(", ")}`,
    );
  } else {
    lines.push(`metric: ${m} not measured`);
  }
  lines.push(
    `status: ${a.status} (${a.phase})`,
    `reason: ${a.reason}`,
    `hypothesis: ${a.idea.hypothesis}`,
    `proposer: ${a.proposer}`,
    `parent: ${a.parent}`,
  );
  return lines.join("\n");
}

function comparisonRecord(c: Comparison): NonNullable<Attempt["comparison"]> {
  return {
    improvement: c.improvement,
    relative: c.relative,
    p: Number.isFinite(c.test.p) ? c.test.p : 1,
    se: c.test.se,
    df: Number.isFinite(c.test.df) ? c.test.df : 0,
    noiseTested: c.noiseTested,
    passed: c.passed,
  };
}

/** The society options every call of one iteration shares (its usage is always summed). */
interface IterationSocial {
  iteration: number;
  signal?: AbortSignal;
  onEvent?: EventSink;
  onUsage: (u: Usage) => void;
}

/** Applies, checks, measures and decides one idea in a worktree (main or a parallel one). */
async function attemptIdea(
  ws: ResearchWorkspace,
  wt: ResearchGit,
  state: LoopState,
  proposal: Proposal,
  n: number,
  c: number,
  providers: ResearchProviders,
  options: ResearchOptions,
  social: IterationSocial,
): Promise<Attempt> {
  const { problem } = ws;
  const started = performance.now();
  const id = c === 0 ? `${n}` : `${n}.${c}`;
  const idea = proposal.idea as Idea;
  const parent = state.incumbent.commit;
  const attempt: Attempt = {
    id,
    iteration: n,
    candidate: c,
    proposal: proposal.id,
    proposer: `${proposal.proposer}${
      proposal.temperature !== undefined ? `@${fmt(proposal.temperature)}` : ""
    }`,
    idea,
    status: "crash",
    phase: "edit",
    reason: "",
    parent,
    changedFiles: [],
    samples: [],
    confirmSamples: [],
    incumbentConfirm: [],
    guardrails: {},
    logs: [],
    ms: 0,
  };
  const done = (status: AttemptStatus, phase: Attempt["phase"], reason: string): Attempt => {
    attempt.status = status;
    attempt.phase = phase;
    attempt.reason = reason;
    attempt.ms = performance.now() - started;
    log(options.onEvent, status === "keep" ? "info" : "warn", `#${id} ${status}: ${reason}`);
    return attempt;
  };
  const problemDirWs = join(wt.root, ws.problemRel);
  const pidFile = join(ws.runDir, c === 0 ? RUN_FILES.runnerPid : `runner-c${c}.pid`);
  await wt.resetHard(parent);

  // 1. The coder applies the idea.
  try {
    await applyIdea(ws, wt, idea, id, providers, options, social);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    if (!(error instanceof EditError)) throw error;
    return done("crash", "edit", `edit failed: ${error.message}`);
  }
  await wt.stageAll();
  attempt.changedFiles = await wt.stagedChanges(parent);
  if (attempt.changedFiles.length === 0) return done("noop", "edit", "the edit changed nothing");
  attempt.tree = await wt.writeTree();

  // 2. Contracts, before any compute is spent.
  const contractHits = await changedContracts(wt.root, state.baseline.contracts);
  const outside = attempt.changedFiles.filter((f) => !ws.mutable.includes(f));
  if (contractHits.length || outside.length) {
    const parts = [];
    if (contractHits.length) parts.push(`contract files changed: ${contractHits.join(", ")}`);
    const extra = outside.filter((f) => !contractHits.includes(f));
    if (extra.length) parts.push(`files outside the mutable set changed: ${extra.join(", ")}`);
    return done("rejected", "contract", parts.join("; "));
  }

  // 3. Measure.
  const repeats = problem.acceptance.repeats;
  const runCwd = join(problemDirWs, problem.runner.cwd);
  const evalOpts = (label: string, first: number, count: number, seedLabel = label) => ({
    cwd: runCwd,
    logDir: join(ws.runDir, "logs"),
    label,
    seeds: seeds(ws, seedLabel, first, count),
    firstRepeat: first,
    pidFile,
    signal: options.signal,
    sandbox: options.sandbox,
  });
  const e = await evaluateRuns(problem, evalOpts(id, 0, repeats));
  attempt.logs.push(...e.logs.map((l) => relRun(ws, l)));
  record(attempt, e);
  if (!e.ok) {
    attempt.logTail = e.crash!.logTail;
    return done("crash", e.crash!.phase, e.crash!.reason);
  }
  const tampered = await changedContracts(wt.root, state.baseline.contracts);
  if (tampered.length) {
    return done("rejected", "contract", `the run modified contract files: ${tampered.join(", ")}`);
  }

  // 4. Guardrails against the frozen baseline.
  const guard = checkGuardrails(attempt.guardrails, {
    baseline: state.baseline.guardrails,
    guardrails: problem.guardrails,
  });
  if (!guard.ok) return done("discard", "guardrail", `guardrail: ${guard.violations.join("; ")}`);

  // 5. The acceptance rule against the incumbent.
  const rule = {
    direction: problem.metric.direction,
    minImprovement: problem.acceptance.min_improvement,
    alpha: problem.acceptance.alpha,
    test: problem.acceptance.test,
  };
  const paired = problem.acceptance.test === "paired";
  const inc = state.incumbent.samples;
  const first = compareSamples(e.samples, paired ? inc.slice(0, repeats) : inc, rule);
  attempt.comparison = comparisonRecord(first);
  if (!first.passed) return done("discard", "acceptance", first.reason);
  if (!problem.acceptance.confirm || repeats < 2) return done("keep", "acceptance", first.reason);

  // 6. Confirmation: fresh runs of the candidate and of the incumbent.
  const ce = await evaluateRuns(problem, evalOpts(id, repeats, repeats));
  attempt.logs.push(...ce.logs.map((l) => relRun(ws, l)));
  if (!ce.ok) {
    attempt.logTail = ce.crash!.logTail;
    return done("crash", ce.crash!.phase, `confirmation ${ce.crash!.reason}`);
  }
  attempt.confirmSamples = ce.samples;
  let incFresh: number[];
  if (paired && inc.length >= 2 * repeats) {
    incFresh = inc.slice(repeats, 2 * repeats);
  } else {
    await wt.resetHard(parent);
    const ie = await evaluateRuns(
      problem,
      evalOpts(`${id}-incumbent`, repeats, repeats, paired ? id : `${id}-incumbent`),
    );
    attempt.logs.push(...ie.logs.map((l) => relRun(ws, l)));
    if (!ie.ok) {
      throw new ResearchError(
        `the incumbent ${parent.slice(0, 7)} crashed while re-measuring: ${ie.crash!.reason}`,
      );
    }
    incFresh = ie.samples;
    attempt.incumbentConfirm = ie.samples;
  }
  const fresh = compareSamples(ce.samples, incFresh, rule);
  attempt.confirmComparison = comparisonRecord(fresh);
  const pooledCand = [...e.samples, ...ce.samples];
  const pooledInc = paired ? [...inc.slice(0, repeats), ...incFresh] : [...inc, ...incFresh];
  const pooled = compareSamples(pooledCand, pooledInc, rule);
  attempt.mean = mean(pooledCand);
  attempt.comparison = comparisonRecord(pooled);
  if (!fresh.passed) return done("discard", "confirm", `not confirmed: ${fresh.reason}`);
  if (!pooled.passed) return done("discard", "confirm", `not confirmed (pooled): ${pooled.reason}`);
  return done("keep", "confirm", `confirmed: ${pooled.reason}`);
}

function record(attempt: Attempt, e: Evaluation): void {
  attempt.samples = e.samples;
  if (!e.ok) return; // a crash has no metric (results.tsv shows 0.000000, as in autoresearch)
  attempt.mean = mean(e.samples);
  attempt.guardrails = meanRecord(e.guardrails);
  const comps = meanRecord(e.components);
  if (Object.keys(comps).length) attempt.components = comps;
  if (e.resource.length) attempt.resource = mean(e.resource);
}

/** Runs the coder for one idea in a worktree. Throws EditError when the edit cannot be made. */
async function applyIdea(
  ws: ResearchWorkspace,
  wt: ResearchGit,
  idea: Idea,
  id: string,
  providers: ResearchProviders,
  options: ResearchOptions,
  social: IterationSocial,
): Promise<void> {
  const { problem } = ws;
  const baseDir = join(wt.root, ws.problemRel);
  const coder = problem.roles.coder;
  if (coder.kind === "command") {
    await runAgentCoder(coder.command, idea, {
      cwd: baseDir,
      objective: problem.objective,
      files: problem.mutable,
      readonly: problem.readonly,
      timeoutMs: coder.timeout_seconds * 1000,
      logPath: join(ws.runDir, "logs", `${id}-coder.log`),
      signal: options.signal,
    });
    return;
  }
  const files = async () => await readMutable(ws, wt.root);
  let edits = idea.edits;
  if (edits.length === 0) {
    if (!providers.coder) {
      throw new EditError("the idea has only instructions and no coder model is configured");
    }
    const r = await codeIdea(providers.coder, idea, { ...social, files: await files() });
    if (!r.ok) throw new EditError(`coder: ${r.error}`);
    edits = r.edits;
  }
  try {
    await applyEdits(edits, { baseDir, rootDir: wt.root });
  } catch (error) {
    if (!(error instanceof EditError) || !providers.coder) throw error;
    const r = await codeIdea(providers.coder, idea, {
      ...social,
      files: await files(),
      previousError: error.message,
    });
    if (!r.ok) throw new EditError(`${error.message}; coder retry: ${r.error}`);
    await applyEdits(r.edits, { baseDir, rootDir: wt.root });
  }
}
