/**
 * One research iteration: the society proposes, the critic may veto, the judge ranks, the chosen
 * ideas are attempted (in parallel worktrees when configured), the best passing attempt is kept,
 * every attempt with a tree is committed (discarded ones under refs, all as patches), git moves to
 * the new incumbent, the synthesizer updates the memory and the graduated gate advances.
 *
 * @module
 */
import { join } from "node:path";
import type { Usage } from "../schemas/chat.ts";
import { mean } from "../stats/welch.ts";
import { attemptIdea } from "./attempt.ts";
import { advanceGate } from "./gate.ts";
import { ResearchGit } from "./git.ts";
import type { Attempt, Incumbent, IterationRecord } from "./ledger.ts";
import { boundResearchMemory, rememberAttempts } from "./memory.ts";
import type { Problem } from "./problem.ts";
import { RESEARCH_STRATEGY_NOTE, type ResearchContext } from "./prompts.ts";
import type { ResearchProviders } from "./roles.ts";
import type { ResearchOptions } from "./run_options.ts";
import {
  type Proposal,
  proposeIdeas,
  rankProposals,
  reviewProposals,
  synthesizeResearchMemory,
} from "./society.ts";
import {
  fmt,
  historyLine,
  type IterationSocial,
  log,
  type LoopState,
  readMutable,
} from "./_run_helpers.ts";
import { ResearchError, type ResearchWorkspace } from "./workspace.ts";

/** What the society chose to attempt, and how. */
interface Candidates {
  proposals: Proposal[];
  /** Proposals with a valid idea. */
  valid: Proposal[];
  reviews: IterationRecord["reviews"];
  /** Ids the critic vetoed. */
  vetoed: Set<string>;
  judge: IterationRecord["judge"];
  /** The proposals to attempt, best first. */
  chosen: Proposal[];
}

/**
 * Runs one iteration: society → attempts → selection → git → memory → gate.
 *
 * @param ws The workspace.
 * @param state The loop state before the iteration.
 * @param providers The society's models.
 * @param options Constitution, sandbox, events, signal.
 * @returns The iteration's ledger record (the caller appends it and updates the state).
 * @throws {ResearchError} when every proposer fails with a provider error.
 *
 * @example Every proposer failing is an error
 * ```ts
 * import { runIteration } from "./iteration.ts";
 * import type { ResearchWorkspace } from "./workspace.ts";
 * import type { LoopState } from "./_run_helpers.ts";
 * import type { ChatOptions } from "../providers/types.ts";
 * const broken = {
 *   name: "x",
 *   model: "m",
 *   chat: (_m: unknown, _o: ChatOptions) => Promise.reject(new Error("down")),
 * };
 * const ws = {
 *   repo: { root: "/nowhere" },
 *   mutable: [],
 *   problem: {
 *     objective: "o", metric: { name: "m", direction: "minimize" }, readonly: [], mutable: [],
 *     society: {
 *       history_size: 5, candidates: 1, parallel: false, memory_size: 5, max_file_chars: 100,
 *     },
 *     gate: { max_temperature: 2 },
 *   },
 * } as unknown as ResearchWorkspace;
 * const state = {
 *   gate: { stage: "normal", temperatureBoost: 0 },
 *   lastIteration: 0,
 *   baseline: { mean: 1 },
 *   incumbent: { mean: 1 },
 *   history: [],
 *   memory: { worked: [], failed: [], notes: [] },
 * } as unknown as LoopState;
 * let message = "";
 * try {
 *   await runIteration(ws, state, { proposers: [{ provider: broken }] } as never, { tag: "t" });
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * if (!message.includes("every proposer failed")) throw new Error(message);
 * ```
 */
export async function runIteration(
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
  const context = await iterationContext(ws, state, n, options);
  const candidates = await chooseCandidates(ws, state, providers, context, social);
  const attempts = await runAttempts(ws, state, candidates.chosen, providers, options, social);
  const winner = selectWinner(attempts, problem.metric.direction);
  await commitAttempts(ws, state, attempts);
  const incumbent = nextIncumbent(problem, state.incumbent, attempts, winner);
  await repo.resetHard(incumbent.commit);

  const summary = iterationSummary(
    problem,
    state.incumbent,
    incumbent,
    attempts,
    candidates,
    winner,
  );
  const memory = await nextMemory(problem, state, attempts, summary, providers, social);
  const gate = advanceGate(state.gate, Boolean(winner), problem.gate);
  if (gate.transition) log(options.onEvent, "warn", gate.transition);
  log(options.onEvent, "info", `iteration ${n}: ${summary}`);
  return {
    kind: "iteration",
    iteration: n,
    startedAt,
    ms: performance.now() - started,
    proposals: candidates.proposals.map((p: Proposal) => ({
      id: p.id,
      proposer: p.proposer,
      temperature: p.temperature,
      idea: p.idea,
      error: p.error,
    })),
    reviews: candidates.reviews,
    judge: candidates.judge,
    attempts,
    incumbent,
    memory,
    gate: gate.state,
    usage,
    summary,
  };
}

/** What the society is told: objective, metric, constitution, files, history, memory. */
async function iterationContext(
  ws: ResearchWorkspace,
  state: LoopState,
  n: number,
  options: ResearchOptions,
): Promise<ResearchContext> {
  const { problem, repo } = ws;
  const constitution = options.constitution ??
    (problem.constitution
      ? await Deno.readTextFile(join(ws.problemDir, problem.constitution)).catch(() => undefined)
      : undefined);
  return {
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
}

/** Proposers propose, the critic may veto, the judge ranks: the proposals to attempt. */
async function chooseCandidates(
  ws: ResearchWorkspace,
  state: LoopState,
  providers: ResearchProviders,
  context: ResearchContext,
  social: IterationSocial,
): Promise<Candidates> {
  const { problem } = ws;
  const n = social.iteration;
  const throttled = state.gate.stage === "throttle";
  log(social.onEvent, "info", `iteration ${n}: proposing (gate ${state.gate.stage})`);
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
    if (r.error) log(social.onEvent, "warn", `critic failed (no vetoes): ${r.error}`);
  }
  const vetoed = new Set(reviews.filter((r) => r.veto).map((r) => r.id));
  for (const id of vetoed) {
    log(
      social.onEvent,
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
    else log(social.onEvent, "warn", "judge failed: using proposal order");
  }
  const chosen = order.slice(0, want).map((id) => survivors.find((p) => p.id === id)!);
  return { proposals, valid, reviews, vetoed, judge, chosen };
}

/** Attempts the chosen ideas: in parallel worktrees when configured, else one by one. */
async function runAttempts(
  ws: ResearchWorkspace,
  state: LoopState,
  chosen: Proposal[],
  providers: ResearchProviders,
  options: ResearchOptions,
  social: IterationSocial,
): Promise<Attempt[]> {
  const { problem, repo } = ws;
  const n = social.iteration;
  if (problem.society.parallel && chosen.length > 1) {
    return await Promise.all(chosen.map(async (p, c) => {
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
  }
  const attempts: Attempt[] = [];
  for (const [c, p] of chosen.entries()) {
    attempts.push(await attemptIdea(ws, repo, state, p, n, c, providers, options, social));
  }
  return attempts;
}

/** Selection: among candidates that passed, the best mean is kept; the others become discards. */
function selectWinner(
  attempts: Attempt[],
  direction: Problem["metric"]["direction"],
): Attempt | undefined {
  const sign = direction === "minimize" ? 1 : -1;
  const passing = attempts.filter((a) => a.status === "keep");
  passing.sort((a, b) => sign * (a.mean! - b.mean!));
  const winner = passing[0];
  for (const a of passing.slice(1)) {
    a.status = "discard";
    a.phase = "selection";
    a.reason = `passed, but #${winner.id} was better (${fmt(winner.mean)} vs ${fmt(a.mean)})`;
  }
  return winner;
}

/** Commits for every attempt with a tree; refs for the discarded ones and patches for all of them. */
async function commitAttempts(
  ws: ResearchWorkspace,
  state: LoopState,
  attempts: Attempt[],
): Promise<void> {
  const { repo } = ws;
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
}

/**
 * The incumbent after the iteration: the winner when there is one, else the old incumbent with
 * the fresh measurements taken during confirmation added (they improve its estimate).
 */
function nextIncumbent(
  problem: Problem,
  old: Incumbent,
  attempts: Attempt[],
  winner: Attempt | undefined,
): Incumbent {
  let incumbent: Incumbent = old;
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
  return incumbent;
}

/** The one-line summary of an iteration: what was kept, or why nothing was. */
function iterationSummary(
  problem: Problem,
  old: Incumbent,
  incumbent: Incumbent,
  attempts: Attempt[],
  candidates: Candidates,
  winner: Attempt | undefined,
): string {
  return winner
    ? `kept #${winner.id} "${winner.idea.title}": ${problem.metric.name} ${fmt(old.mean)} → ${
      fmt(incumbent.mean)
    }`
    : attempts.length
    ? `no keep (${attempts.map((a) => `#${a.id} ${a.status}`).join(", ")})`
    : `no candidate (${candidates.valid.length} valid proposal(s), ${candidates.vetoed.size} vetoed)`;
}

/** The memory after the iteration: the attempts remembered, then rewritten by the synthesizer. */
async function nextMemory(
  problem: Problem,
  state: LoopState,
  attempts: Attempt[],
  summary: string,
  providers: ResearchProviders,
  social: IterationSocial,
): Promise<IterationRecord["memory"]> {
  let memory = rememberAttempts(state.memory, attempts, { size: problem.society.memory_size });
  if (providers.synthesizer) {
    const text = [summary, ...attempts.map(historyLine)].join("\n");
    const m = await synthesizeResearchMemory(providers.synthesizer, memory, {
      ...social,
      iterationText: text,
    });
    if (m) memory = boundResearchMemory(m, { size: problem.society.memory_size });
  }
  return memory;
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
