/**
 * The autoresearch loop. `initResearch` refuses a dirty tree, creates the branch
 * `autoresearch/<tag>`, hashes the contract files and measures the frozen baseline.
 * `runResearch` then iterates: proposers propose, the critic may veto, the judge picks, the coder
 * applies, the runner measures, the acceptance rule decides (keep / discard / crash / noop /
 * rejected), git keeps or reverts, the synthesizer updates the memory, and the graduated gate
 * escalates or stops. Each finished iteration is one ledger line; a killed run resumes at the next
 * iteration after resetting git to the last kept commit.
 *
 * The steps live beside this file: `init.ts` (baseline), `recovery.ts` (after a kill),
 * `stop_check.ts` (budgets, gate, STOP file), `iteration.ts` (one iteration) and `attempt.ts`
 * (one idea, from edit to decision).
 *
 * @module
 */
import { emit } from "../schemas/events.ts";
import { INITIAL_GATE } from "./gate.ts";
import { ResearchGitError } from "./git.ts";
import {
  appendLedger,
  type BaselineRecord,
  type IterationRecord,
  readLedger,
  summarizeLedger,
  writeResultsTsv,
} from "./ledger.ts";
import { EMPTY_RESEARCH_MEMORY } from "./memory.ts";
import type { Budgets } from "./problem.ts";
import { type ResearchProviders, resolveRoles } from "./roles.ts";
import { initLocked } from "./init.ts";
import { runIteration } from "./iteration.ts";
import { recover } from "./recovery.ts";
import type { ResearchOptions, ResearchOutcome } from "./run_options.ts";
import { sleep, stopCheck } from "./stop_check.ts";
import { historyLine, isRunDirPath, log, type LoopState, tsvNames } from "./_run_helpers.ts";
import {
  acquireRunLock,
  changedContracts,
  openWorkspace,
  prepareRunDir,
  ResearchError,
  type ResearchWorkspace,
} from "./workspace.ts";

export type { ResearchOptions, ResearchOutcome } from "./run_options.ts";

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
  if (options.maxIterations !== undefined && !(options.maxIterations >= 0)) {
    throw new RangeError(`runResearch: maxIterations must be >= 0, got ${options.maxIterations}`);
  }
  const providers = await researchProviders(ws, options);
  const release = await acquireRunLock(ws.runDir);
  let ok = false;
  emit(options.onEvent, {
    type: "run_start",
    runId: ws.tag,
    items: options.budgets?.iterations ?? ws.problem.budgets.iterations,
  });
  try {
    const state = await resumeRun(ws, options);
    const budgets = { ...ws.problem.budgets, ...options.budgets };
    const { iterationsRun, stopReason } = await iterate(ws, state, budgets, providers, options);
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
      baseline: state.baseline.mean,
      incumbent: state.incumbent,
      runDir: ws.runDir,
    };
  } finally {
    emit(options.onEvent, { type: "run_end", runId: ws.tag, ok });
    await release();
  }
}

/** The society's models: given, or built from problem.yaml's roles; at least one proposer. */
async function researchProviders(
  ws: ResearchWorkspace,
  options: ResearchOptions,
): Promise<ResearchProviders> {
  const providers = options.providers ??
    (options.providerFactory
      ? await resolveRoles(ws.problem.roles, options.providerFactory)
      : undefined);
  if (!providers || providers.proposers.length === 0) {
    throw new ResearchError("no providers: pass options.providers or options.providerFactory");
  }
  return providers;
}

/**
 * Brings a run to where its next iteration starts: initialised (baseline measured), on its branch,
 * recovered from a kill, contracts unchanged since the baseline; and rebuilds the loop state from
 * the ledger.
 */
async function resumeRun(ws: ResearchWorkspace, options: ResearchOptions): Promise<LoopState> {
  const { repo } = ws;
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
  return {
    baseline,
    incumbent: summary.incumbent!,
    memory: last?.memory ?? EMPTY_RESEARCH_MEMORY,
    gate: options.resetGate ? INITIAL_GATE : last?.gate ?? INITIAL_GATE,
    lastIteration: summary.lastIteration,
    tokens: summary.tokens,
    wallMs: summary.wallMs,
    history: summary.iterations.flatMap((it) => it.attempts.map(historyLine)),
  };
}

/** Runs iterations until a stop check says why not; each finished one goes to the ledger. */
async function iterate(
  ws: ResearchWorkspace,
  state: LoopState,
  budgets: Budgets,
  providers: ResearchProviders,
  options: ResearchOptions,
): Promise<{ iterationsRun: number; stopReason: string }> {
  const { repo, problem } = ws;
  let iterationsRun = 0;
  while (true) {
    const stopReason = await stopCheck(ws, state, budgets, iterationsRun, options);
    if (stopReason) return { iterationsRun, stopReason };
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
      return {
        iterationsRun,
        stopReason: `aborted during iteration ${state.lastIteration + 1} (it will be redone)`,
      };
    }
    await appendLedger(ws.runDir, record);
    await writeResultsTsv(ws.runDir, tsvNames(ws));
    iterationsRun++;
    absorb(state, record);
    emit(options.onEvent, {
      type: "progress",
      done: record.iteration,
      total: budgets.iterations,
      label: record.summary,
    });
  }
}

/** Carries a finished iteration into the loop state. */
function absorb(state: LoopState, record: IterationRecord): void {
  state.lastIteration = record.iteration;
  state.incumbent = record.incumbent;
  state.memory = record.memory;
  state.gate = record.gate;
  state.tokens += record.usage.inputTokens + record.usage.outputTokens;
  state.wallMs += record.ms;
  state.history.push(...record.attempts.map(historyLine));
}
