/**
 * Recovering from a killed run: stale runner process groups are killed, leftover worktrees removed,
 * and git is brought back to the incumbent — a half-done iteration's commit is kept under
 * `refs/autoresearch/<tag>/interrupted/<n>` and its uncommitted changes as a patch.
 *
 * @module
 */
import { join } from "node:path";
import { appendLedger } from "./ledger.ts";
import type { ResearchOptions } from "./run_options.ts";
import { killProcessGroup } from "./runner.ts";
import { isRunDirPath, log } from "./_run_helpers.ts";
import type { ResearchWorkspace } from "./workspace.ts";

/**
 * Brings git back to the incumbent after a kill and records what was found (a `recovery` ledger
 * line and a warning) when anything had to be undone.
 *
 * @param ws The workspace.
 * @param incumbent The incumbent commit.
 * @param iteration The iteration that was interrupted (the next one to run).
 * @param options The run's event sink.
 *
 * @example Nothing to recover in an empty run directory at the incumbent
 * ```ts
 * import { recover } from "./recovery.ts";
 * import type { ResearchWorkspace } from "./workspace.ts";
 * const runDir = await Deno.makeTempDir();
 * const repo = { head: () => Promise.resolve("c1"), dirtyPaths: () => Promise.resolve([]), root: runDir };
 * await recover({ runDir, repo } as unknown as ResearchWorkspace, "c1", 2, { tag: "t" });
 * ```
 */
export async function recover(
  ws: ResearchWorkspace,
  incumbent: string,
  iteration: number,
  options: ResearchOptions,
): Promise<void> {
  const { repo } = ws;
  const killedRunner = await killStaleRunners(ws.runDir);
  await removeWorktrees(ws);
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

/** Kills the process group of every `runner*.pid` file left in the run directory; removes the files. */
async function killStaleRunners(runDir: string): Promise<number | undefined> {
  let killedRunner: number | undefined;
  for await (const entry of Deno.readDir(runDir)) {
    if (!/^runner.*\.pid$/.test(entry.name)) continue;
    const path = join(runDir, entry.name);
    const pgid = Number((await Deno.readTextFile(path).catch(() => "")).trim());
    if (Number.isInteger(pgid) && pgid > 1 && killProcessGroup(pgid, "SIGKILL")) {
      killedRunner = pgid;
    }
    await Deno.remove(path).catch(() => {});
  }
  return killedRunner;
}

/** Removes the parallel candidates' worktrees left in the run directory. */
async function removeWorktrees(ws: ResearchWorkspace): Promise<void> {
  const worktrees = join(ws.runDir, "worktrees");
  try {
    await Deno.stat(worktrees);
    for await (const e of Deno.readDir(worktrees)) {
      await ws.repo.removeWorktree(join(worktrees, e.name));
    }
    await Deno.remove(worktrees, { recursive: true }).catch(() => {});
  } catch {
    // no worktrees
  }
}
