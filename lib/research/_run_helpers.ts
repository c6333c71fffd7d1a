/**
 * Helpers shared by the steps of a research run (init, recovery, stop checks, iterations,
 * attempts): the state carried between iterations, per-run seeds, log events, run-directory paths,
 * number formatting, history lines and reading the mutable files.
 *
 * @module
 */
import { join } from "node:path";
import { emit, type EventSink } from "../schemas/events.ts";
import type { Usage } from "../schemas/chat.ts";
import { sha256Hex } from "../util/hash.ts";
import type { Attempt, BaselineRecord, GateState, Incumbent, IterationRecord } from "./ledger.ts";
import type { ResearchWorkspace } from "./workspace.ts";

/** Mutable state carried between iterations. */
export interface LoopState {
  /** The frozen baseline. */
  baseline: BaselineRecord;
  /** The commit and measurements every candidate is compared with. */
  incumbent: Incumbent;
  /** The society's memory after the last iteration. */
  memory: IterationRecord["memory"];
  /** The graduated gate. */
  gate: GateState;
  /** Last finished iteration overall. */
  lastIteration: number;
  /** Tokens spent so far (input + output). */
  tokens: number;
  /** Wall time of the finished iterations, in milliseconds. */
  wallMs: number;
  /** One line per attempt so far (see {@linkcode historyLine}). */
  history: string[];
}

/** The society options every call of one iteration shares (its usage is always summed). */
export interface IterationSocial {
  /** The iteration number. */
  iteration: number;
  /** Abort signal of the run. */
  signal?: AbortSignal;
  /** Event sink of the run. */
  onEvent?: EventSink;
  /** Adds a call's token usage to the iteration's. */
  onUsage: (u: Usage) => void;
}

function seedFor(ws: ResearchWorkspace, label: string, repeat: number): number {
  const a = ws.problem.acceptance;
  if (a.test === "paired") return a.seed + repeat;
  return (parseInt(sha256Hex(`${ws.tag}:${label}:${repeat}`).slice(0, 8), 16) + a.seed) &
    0x7fffffff;
}

/**
 * The runner seeds of `n` repeats starting at repeat `first`: the acceptance seed plus the repeat
 * for paired tests (so seed i is shared across evaluations), else derived from tag, label and repeat.
 *
 * @param ws The workspace (its tag and acceptance settings).
 * @param label What is measured ("baseline", an attempt id, …).
 * @param first The first repeat index.
 * @param n How many seeds.
 * @returns The seeds.
 *
 * @example Paired seeds are shared by every label
 * ```ts
 * import { seeds } from "./_run_helpers.ts";
 * import type { ResearchWorkspace } from "./workspace.ts";
 * const ws = { tag: "t", problem: { acceptance: { test: "paired", seed: 10 } } } as unknown as ResearchWorkspace;
 * if (seeds(ws, "baseline", 1, 2).join() !== "11,12") throw new Error();
 * if (seeds(ws, "3", 1, 2).join() !== "11,12") throw new Error();
 * ```
 */
export function seeds(ws: ResearchWorkspace, label: string, first: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => seedFor(ws, label, first + i));
}

/**
 * Emits a `log` event.
 *
 * @param onEvent The sink (nothing happens without one).
 * @param level "info" or "warn".
 * @param message The message.
 *
 * @example
 * ```ts
 * import { log } from "./_run_helpers.ts";
 * const seen: string[] = [];
 * log((e) => seen.push(e.type), "info", "hello");
 * if (seen[0] !== "log") throw new Error();
 * ```
 */
export function log(onEvent: EventSink | undefined, level: "info" | "warn", message: string): void {
  emit(onEvent, { type: "log", level, message });
}

/**
 * Whether a repository-relative path lies in the run directory (which never makes the tree dirty).
 *
 * @param ws The workspace.
 * @param repoPath A path relative to the repository root.
 * @returns True inside the run directory.
 *
 * @example
 * ```ts
 * import { isRunDirPath } from "./_run_helpers.ts";
 * import type { ResearchWorkspace } from "./workspace.ts";
 * const ws = { repo: { root: "/r" }, runDir: "/r/runs/t" } as unknown as ResearchWorkspace;
 * if (!isRunDirPath(ws, "runs/t/ledger.jsonl") || isRunDirPath(ws, "runs/tx")) throw new Error();
 * ```
 */
export function isRunDirPath(ws: ResearchWorkspace, repoPath: string): boolean {
  const abs = join(ws.repo.root, repoPath);
  return abs === ws.runDir || abs.startsWith(ws.runDir + "/");
}

/**
 * A path relative to the run directory when it lies inside it (for ledger records).
 *
 * @param ws The workspace.
 * @param abs An absolute path.
 * @returns The run-relative path, or `abs` unchanged.
 *
 * @example
 * ```ts
 * import { relRun } from "./_run_helpers.ts";
 * import type { ResearchWorkspace } from "./workspace.ts";
 * const ws = { runDir: "/r/runs/t" } as unknown as ResearchWorkspace;
 * if (relRun(ws, "/r/runs/t/logs/1.log") !== "logs/1.log") throw new Error();
 * ```
 */
export function relRun(ws: ResearchWorkspace, abs: string): string {
  return abs.startsWith(ws.runDir + "/") ? abs.slice(ws.runDir.length + 1) : abs;
}

/**
 * The metric and resource column names of results.tsv.
 *
 * @param ws The workspace.
 * @returns The names (the resource defaults to "seconds").
 *
 * @example
 * ```ts
 * import { tsvNames } from "./_run_helpers.ts";
 * import type { ResearchWorkspace } from "./workspace.ts";
 * const ws = { problem: { metric: { name: "loss" } } } as unknown as ResearchWorkspace;
 * if (tsvNames(ws).resourceName !== "seconds") throw new Error();
 * ```
 */
export function tsvNames(ws: ResearchWorkspace): { metricName: string; resourceName: string } {
  return {
    metricName: ws.problem.metric.name,
    resourceName: ws.problem.resource?.name ?? "seconds",
  };
}

/**
 * Formats a number with at most 8 significant digits (non-finite values and undefined as text).
 *
 * @param x The number.
 * @returns The text.
 *
 * @example
 * ```ts
 * import { fmt } from "./_run_helpers.ts";
 * if (fmt(1 / 3) !== "0.33333333" || fmt(undefined) !== "undefined") throw new Error();
 * ```
 */
export function fmt(x: number | undefined): string {
  return x === undefined || !Number.isFinite(x) ? String(x) : Number(x.toPrecision(8)).toString();
}

/**
 * One line of the society's history for an attempt: id, status, metric, Δ, title and reason.
 *
 * @param a The attempt.
 * @returns The line (at most 400 characters).
 *
 * @example
 * ```ts
 * import { historyLine } from "./_run_helpers.ts";
 * import type { Attempt } from "./ledger.ts";
 * const a = { id: "2", status: "discard", mean: 1.5, idea: { title: "t" }, reason: "worse" } as unknown as Attempt;
 * if (historyLine(a) !== '#2 discard 1.5 "t" — worse') throw new Error(historyLine(a));
 * ```
 */
export function historyLine(a: Attempt): string {
  const metric = a.mean !== undefined ? ` ${fmt(a.mean)}` : "";
  const delta = a.comparison
    ? ` Δ${a.comparison.improvement >= 0 ? "+" : ""}${fmt(a.comparison.improvement)}`
    : "";
  return `#${a.id} ${a.status}${metric}${delta} "${a.idea.title}" — ${a.reason}`.slice(0, 400);
}

/**
 * Reads the mutable files in a worktree (a missing file reads as ""), each truncated to the
 * society's `max_file_chars`.
 *
 * @param ws The workspace (problem paths and limits).
 * @param root The worktree root.
 * @returns Problem-relative path and content per mutable file.
 *
 * @example A missing file reads as empty
 * ```ts
 * import { readMutable } from "./_run_helpers.ts";
 * import type { ResearchWorkspace } from "./workspace.ts";
 * const ws = {
 *   problem: { mutable: ["x.txt"], society: { max_file_chars: 10 } },
 *   mutable: ["x.txt"],
 * } as unknown as ResearchWorkspace;
 * const [f] = await readMutable(ws, await Deno.makeTempDir());
 * if (f.path !== "x.txt" || f.content !== "") throw new Error();
 * ```
 */
export async function readMutable(
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
