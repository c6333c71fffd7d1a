/**
 * One attempt of a research iteration: the coder applies an idea in a worktree, the contracts are
 * checked before any compute is spent, the runner measures, guardrails hold against the frozen
 * baseline, the acceptance rule compares with the incumbent, and — when configured — fresh runs of
 * both confirm the result. Each step that fails ends the attempt with a status and a reason.
 *
 * @module
 */
import { join } from "node:path";
import { mean } from "../stats/welch.ts";
import {
  checkGuardrails,
  type CompareOptions,
  compareSamples,
  type Comparison,
} from "./acceptance.ts";
import { applyEdits, EditError, runAgentCoder } from "./coder.ts";
import { evaluateRuns, type Evaluation, meanRecord } from "./evaluate.ts";
import type { ResearchGit } from "./git.ts";
import { type Attempt, type AttemptStatus, RUN_FILES } from "./ledger.ts";
import type { Problem } from "./problem.ts";
import type { ResearchProviders } from "./roles.ts";
import type { ResearchOptions } from "./run_options.ts";
import type { Idea } from "./schemas.ts";
import { codeIdea, type Proposal } from "./society.ts";
import {
  fmt,
  type IterationSocial,
  log,
  type LoopState,
  readMutable,
  relRun,
  seeds,
} from "./_run_helpers.ts";
import { changedContracts, ResearchError, type ResearchWorkspace } from "./workspace.ts";

/** What the steps of one attempt share. */
interface AttemptRun {
  ws: ResearchWorkspace;
  /** The worktree the attempt runs in (the main one or a parallel candidate's). */
  wt: ResearchGit;
  state: LoopState;
  attempt: Attempt;
  options: ResearchOptions;
  /** The runner's pid file (one per candidate). */
  pidFile: string;
  /** Ends the attempt with a status, phase and reason (and logs it). */
  done: (status: AttemptStatus, phase: Attempt["phase"], reason: string) => Attempt;
}

/**
 * Applies, checks, measures and decides one idea in a worktree (main or a parallel one).
 *
 * @param ws The workspace.
 * @param wt The worktree to run in.
 * @param state The loop state (incumbent, baseline).
 * @param proposal The chosen proposal (with an idea).
 * @param n The iteration number.
 * @param c The candidate index within the iteration.
 * @param providers The society's models (the coder).
 * @param options Sandbox, events, signal.
 * @param social The iteration's shared society options.
 * @returns The attempt with its status (keep, discard, crash, noop or rejected) and reason.
 * @throws {ResearchError} when the incumbent crashes while being re-measured; whatever the coder
 *   throws other than an {@linkcode EditError}, and anything once the signal aborted.
 *
 * @example A missing coder ends an instructions-only idea as an edit crash
 * ```ts
 * import { attemptIdea } from "./attempt.ts";
 * import type { ResearchWorkspace } from "./workspace.ts";
 * import type { ResearchGit } from "./git.ts";
 * import type { LoopState } from "./_run_helpers.ts";
 * const wt = { root: "/nowhere", resetHard: () => Promise.resolve() } as unknown as ResearchGit;
 * const ws = {
 *   runDir: "/nowhere",
 *   problemRel: "",
 *   problem: { roles: { coder: { kind: "builtin" } } },
 * } as unknown as ResearchWorkspace;
 * const state = { incumbent: { commit: "c0" } } as unknown as LoopState;
 * const idea = { title: "t", hypothesis: "h", edits: [], instructions: "do it" };
 * const proposal = { id: "P1", proposer: "p", idea } as never;
 * const social = { iteration: 1, onUsage: () => {} };
 * const noCoder = { proposers: [] } as never;
 * const a = await attemptIdea(ws, wt, state, proposal, 1, 0, noCoder, { tag: "t" }, social);
 * if (a.status !== "crash" || a.phase !== "edit") throw new Error(a.reason);
 * ```
 */
export async function attemptIdea(
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
  const started = performance.now();
  const attempt = newAttempt(state, proposal, n, c);
  const done = (status: AttemptStatus, phase: Attempt["phase"], reason: string): Attempt => {
    attempt.status = status;
    attempt.phase = phase;
    attempt.reason = reason;
    attempt.ms = performance.now() - started;
    log(
      options.onEvent,
      status === "keep" ? "info" : "warn",
      `#${attempt.id} ${status}: ${reason}`,
    );
    return attempt;
  };
  const pidFile = join(ws.runDir, c === 0 ? RUN_FILES.runnerPid : `runner-c${c}.pid`);
  const run: AttemptRun = { ws, wt, state, attempt, options, pidFile, done };
  await wt.resetHard(attempt.parent);
  return await editAndCheck(run, providers, social) ?? await measureAndDecide(run);
}

/** A fresh attempt record (status "crash" in phase "edit" until a step decides). */
function newAttempt(state: LoopState, proposal: Proposal, n: number, c: number): Attempt {
  return {
    id: c === 0 ? `${n}` : `${n}.${c}`,
    iteration: n,
    candidate: c,
    proposal: proposal.id,
    proposer: `${proposal.proposer}${
      proposal.temperature !== undefined ? `@${fmt(proposal.temperature)}` : ""
    }`,
    idea: proposal.idea as Idea,
    status: "crash",
    phase: "edit",
    reason: "",
    parent: state.incumbent.commit,
    changedFiles: [],
    samples: [],
    confirmSamples: [],
    incumbentConfirm: [],
    guardrails: {},
    logs: [],
    ms: 0,
  };
}

/**
 * Steps 1 and 2: the coder applies the idea, the change is staged and written as a tree, and the
 * contracts are checked before any compute is spent. Returns the finished attempt when a step ends
 * it, or undefined to go on measuring.
 */
async function editAndCheck(
  run: AttemptRun,
  providers: ResearchProviders,
  social: IterationSocial,
): Promise<Attempt | undefined> {
  const { ws, wt, state, attempt, options, done } = run;
  // 1. The coder applies the idea.
  try {
    await applyIdea(ws, wt, attempt.idea, attempt.id, providers, options, social);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    if (!(error instanceof EditError)) throw error;
    return done("crash", "edit", `edit failed: ${error.message}`);
  }
  await wt.stageAll();
  attempt.changedFiles = await wt.stagedChanges(attempt.parent);
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
  return undefined;
}

/** The evaluation options of `count` runs from repeat `first` in the attempt's worktree. */
function evalOptions(
  run: AttemptRun,
  label: string,
  first: number,
  count: number,
  seedLabel = label,
) {
  const { ws, wt, options } = run;
  return {
    cwd: join(join(wt.root, ws.problemRel), ws.problem.runner.cwd),
    logDir: join(ws.runDir, "logs"),
    label,
    seeds: seeds(ws, seedLabel, first, count),
    firstRepeat: first,
    pidFile: run.pidFile,
    signal: options.signal,
    sandbox: options.sandbox,
  };
}

/** The acceptance rule of the problem, as {@linkcode compareSamples} takes it. */
function acceptanceRule(problem: Problem): CompareOptions {
  return {
    direction: problem.metric.direction,
    minImprovement: problem.acceptance.min_improvement,
    alpha: problem.acceptance.alpha,
    test: problem.acceptance.test,
  };
}

/**
 * Steps 3 to 5: measure, hold the guardrails against the frozen baseline, and apply the acceptance
 * rule against the incumbent; then confirm when configured.
 */
async function measureAndDecide(run: AttemptRun): Promise<Attempt> {
  const { ws, wt, state, attempt, done } = run;
  const { problem } = ws;
  // 3. Measure.
  const repeats = problem.acceptance.repeats;
  const e = await evaluateRuns(problem, evalOptions(run, attempt.id, 0, repeats));
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
  const rule = acceptanceRule(problem);
  const paired = problem.acceptance.test === "paired";
  const inc = state.incumbent.samples;
  const first = compareSamples(e.samples, paired ? inc.slice(0, repeats) : inc, rule);
  attempt.comparison = comparisonRecord(first);
  if (!first.passed) return done("discard", "acceptance", first.reason);
  if (!problem.acceptance.confirm || repeats < 2) return done("keep", "acceptance", first.reason);
  return await confirm(run, e.samples, rule);
}

/** Step 6. Confirmation: fresh runs of the candidate and of the incumbent, then the pooled test. */
async function confirm(
  run: AttemptRun,
  firstSamples: number[],
  rule: CompareOptions,
): Promise<Attempt> {
  const { ws, state, attempt, done } = run;
  const { problem } = ws;
  const repeats = problem.acceptance.repeats;
  const paired = problem.acceptance.test === "paired";
  const inc = state.incumbent.samples;
  const ce = await evaluateRuns(problem, evalOptions(run, attempt.id, repeats, repeats));
  attempt.logs.push(...ce.logs.map((l) => relRun(ws, l)));
  if (!ce.ok) {
    attempt.logTail = ce.crash!.logTail;
    return done("crash", ce.crash!.phase, `confirmation ${ce.crash!.reason}`);
  }
  attempt.confirmSamples = ce.samples;
  const incFresh = paired && inc.length >= 2 * repeats
    ? inc.slice(repeats, 2 * repeats)
    : await remeasureIncumbent(run);
  const fresh = compareSamples(ce.samples, incFresh, rule);
  attempt.confirmComparison = comparisonRecord(fresh);
  const pooledCand = [...firstSamples, ...ce.samples];
  const pooledInc = paired ? [...inc.slice(0, repeats), ...incFresh] : [...inc, ...incFresh];
  const pooled = compareSamples(pooledCand, pooledInc, rule);
  attempt.mean = mean(pooledCand);
  attempt.comparison = comparisonRecord(pooled);
  if (!fresh.passed) return done("discard", "confirm", `not confirmed: ${fresh.reason}`);
  if (!pooled.passed) return done("discard", "confirm", `not confirmed (pooled): ${pooled.reason}`);
  return done("keep", "confirm", `confirmed: ${pooled.reason}`);
}

/** Fresh runs of the incumbent (its commit checked out in the attempt's worktree). */
async function remeasureIncumbent(run: AttemptRun): Promise<number[]> {
  const { ws, wt, attempt } = run;
  const { problem } = ws;
  const repeats = problem.acceptance.repeats;
  const paired = problem.acceptance.test === "paired";
  const id = attempt.id;
  await wt.resetHard(attempt.parent);
  const ie = await evaluateRuns(
    problem,
    evalOptions(run, `${id}-incumbent`, repeats, repeats, paired ? id : `${id}-incumbent`),
  );
  attempt.logs.push(...ie.logs.map((l) => relRun(ws, l)));
  if (!ie.ok) {
    throw new ResearchError(
      `the incumbent ${attempt.parent.slice(0, 7)} crashed while re-measuring: ${ie.crash!.reason}`,
    );
  }
  attempt.incumbentConfirm = ie.samples;
  return ie.samples;
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
