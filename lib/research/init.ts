/**
 * Starting a research run (the caller holds the run lock): refuse a dirty tree, create and check
 * out `autoresearch/<tag>`, hash the contract files and measure the frozen baseline. A failed start
 * leaves the repository as it found it.
 *
 * @module
 */
import { join } from "node:path";
import { mean } from "../stats/welch.ts";
import { evaluateRuns, meanRecord } from "./evaluate.ts";
import { ResearchGitError } from "./git.ts";
import {
  appendLedger,
  type BaselineRecord,
  readLedger,
  RUN_FILES,
  summarizeLedger,
  writeResultsTsv,
} from "./ledger.ts";
import type { ResearchOptions } from "./run_options.ts";
import { fmt, isRunDirPath, log, relRun, seeds, tsvNames } from "./_run_helpers.ts";
import {
  changedContracts,
  hashContracts,
  prepareRunDir,
  ResearchError,
  type ResearchWorkspace,
} from "./workspace.ts";

/**
 * Initialises a run whose lock the caller holds: returns the recorded baseline when there is one;
 * otherwise refuses a dirty tree, creates and checks out `autoresearch/<tag>`, hashes the contract
 * files, measures the baseline (`repeats` runs) and records it in the ledger and results.tsv.
 *
 * @param ws The workspace.
 * @param options Sandbox, events, signal.
 * @returns The baseline record.
 * @throws {ResearchGitError} on a dirty tree or an existing branch without a run;
 *   {@linkcode ResearchError} when the sandbox hook is missing, contract files are missing, or the
 *   baseline crashes or modifies a contract file.
 *
 * @example A recorded baseline is returned as is
 * ```ts
 * import { initLocked } from "./init.ts";
 * import type { ResearchWorkspace } from "./workspace.ts";
 * const runDir = await Deno.makeTempDir();
 * const baseline = {
 *   kind: "baseline", tag: "t", branch: "autoresearch/t", commit: "c", startedAt: "s", ms: 1,
 *   samples: [1], mean: 1, guardrails: {}, contracts: {}, sandbox: { enabled: false }, logs: [],
 * };
 * await Deno.writeTextFile(`${runDir}/ledger.jsonl`, JSON.stringify(baseline) + "\n");
 * const got = await initLocked({ runDir } as unknown as ResearchWorkspace, { tag: "t" });
 * if (got.mean !== 1) throw new Error();
 * ```
 */
export async function initLocked(
  ws: ResearchWorkspace,
  options: ResearchOptions,
): Promise<BaselineRecord> {
  const existing = summarizeLedger(await readLedger(ws.runDir)).baseline;
  if (existing) return existing;
  await checkCanStart(ws, options);
  const undo = await enterRunBranch(ws);
  await prepareRunDir(ws.runDir);
  const commit = await ws.repo.head();
  const contracts = await hashContracts(ws.repo.root, ws.contracts);
  const missing = Object.entries(contracts).filter(([, h]) => h === "missing").map(([p]) => p);
  if (missing.length) {
    await undo();
    throw new ResearchError(`contract files missing: ${missing.join(", ")}`);
  }
  const record = await measureBaseline(ws, options, { commit, contracts, undo });
  await appendLedger(ws.runDir, record);
  await writeResultsTsv(ws.runDir, tsvNames(ws));
  log(options.onEvent, "info", `baseline ${ws.problem.metric.name} = ${fmt(record.mean)}`);
  return record;
}

/** Refuses a dirty working tree and an enabled sandbox without a hook. */
async function checkCanStart(ws: ResearchWorkspace, options: ResearchOptions): Promise<void> {
  const dirty = (await ws.repo.dirtyPaths()).filter((p) => !isRunDirPath(ws, p));
  if (dirty.length > 0) {
    throw new ResearchGitError(
      `refusing to start: the working tree is dirty (${dirty.slice(0, 5).join(", ")}${
        dirty.length > 5 ? ", …" : ""
      }); commit or stash your changes first`,
    );
  }
  if (ws.problem.sandbox.enabled && !options.sandbox) {
    throw new ResearchError(
      "problem.yaml enables sandbox but no sandbox hook was provided (options.sandbox)",
    );
  }
}

/**
 * Creates `autoresearch/<tag>` at HEAD (or accepts it when already checked out) and returns the
 * function that undoes the start: reset to the starting commit and, when the branch was created
 * here, go back to the previous branch and delete it.
 */
async function enterRunBranch(ws: ResearchWorkspace): Promise<() => Promise<void>> {
  const { repo } = ws;
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
  return async (): Promise<void> => {
    await repo.resetHard(start);
    if (!created) return;
    await repo.checkout(current ?? start);
    await repo.run(["branch", "-D", ws.branch]);
  };
}

/** Measures the baseline at `commit`; a crash or a tampered contract undoes the start. */
async function measureBaseline(
  ws: ResearchWorkspace,
  options: ResearchOptions,
  start: {
    commit: string;
    contracts: Record<string, string>;
    undo: () => Promise<void>;
  },
): Promise<BaselineRecord> {
  const { repo, problem } = ws;
  const { commit, contracts, undo } = start;
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
  return {
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
}
