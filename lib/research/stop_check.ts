/**
 * Why a research run stops before its next iteration: the abort signal, a budget (iterations, wall
 * time, tokens), the graduated gate, `maxIterations` of this invocation, or a STOP file in the run
 * directory (consumed when found). Also the abortable sleep of the throttled gate.
 *
 * @module
 */
import { join } from "node:path";
import { RUN_FILES } from "./ledger.ts";
import type { Budgets } from "./problem.ts";
import type { ResearchOptions } from "./run_options.ts";
import type { LoopState } from "./_run_helpers.ts";
import type { ResearchWorkspace } from "./workspace.ts";

/**
 * The reason to stop before the next iteration, or "" to go on. Checked in order: abort signal,
 * iteration budget, wall-time budget, token budget, a stopped gate, `maxIterations`, STOP file.
 *
 * @param ws The workspace (its run directory).
 * @param state The loop state (iterations, wall time, tokens, gate).
 * @param budgets The run's budgets.
 * @param iterationsRun Iterations finished by this invocation.
 * @param options The abort signal and `maxIterations`.
 * @returns The stop reason, or "".
 *
 * @example The iteration budget
 * ```ts
 * import { stopCheck } from "./stop_check.ts";
 * import type { LoopState } from "./_run_helpers.ts";
 * import type { ResearchWorkspace } from "./workspace.ts";
 * const state = { lastIteration: 5, wallMs: 0, tokens: 0, gate: { stage: "normal" } } as unknown as LoopState;
 * const ws = { runDir: await Deno.makeTempDir() } as unknown as ResearchWorkspace;
 * const reason = await stopCheck(ws, state, { iterations: 5 }, 0, { tag: "t" });
 * if (reason !== "iteration budget reached (5)") throw new Error(reason);
 * if (await stopCheck(ws, state, { iterations: 6 }, 0, { tag: "t" }) !== "") throw new Error("should go on");
 * ```
 */
export async function stopCheck(
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

/**
 * Waits `ms` milliseconds, or less when the signal aborts.
 *
 * @param ms The time to wait.
 * @param signal Ends the wait early.
 * @returns Resolves when the time is up or the signal aborts.
 *
 * @example An aborted signal ends the wait at once
 * ```ts
 * import { sleep } from "./stop_check.ts";
 * const c = new AbortController();
 * const waiting = sleep(60_000, c.signal);
 * c.abort();
 * await waiting;
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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
