/**
 * One evaluation: run the runner once per seed, parse the primary metric (or its components and
 * scalarize them), the guardrail metrics and the resource number from each run's output. The first
 * failing run (non-zero exit, timeout, missing or non-finite metric) ends the evaluation as a crash.
 *
 * The runner sees `AUTORESEARCH_SEED`, `AUTORESEARCH_REPEAT`, `AUTORESEARCH_LABEL` and
 * `AUTORESEARCH_TIME_BUDGET` (seconds) in its environment.
 *
 * @module
 */
import { join } from "node:path";
import type { Problem } from "./problem.ts";
import { extractMetric, runCommand, type RunnerSandbox, tailLines } from "./runner.ts";
import { scalarize } from "./scalarize.ts";
import { mean } from "../stats/welch.ts";

/** Options for {@linkcode evaluateRuns}. */
export interface EvaluateOptions {
  /** Directory the runner runs in. */
  cwd: string;
  /** Directory for per-run log files. */
  logDir: string;
  /** Label of the evaluation (attempt id, "baseline", …), used in log names and the environment. */
  label: string;
  /** One seed per run. */
  seeds: readonly number[];
  /** Repeat index of the first seed (log names, AUTORESEARCH_REPEAT). @default 0 */
  firstRepeat?: number;
  /** Process-group id file while a run is live. @default undefined */
  pidFile?: string;
  /** Abort signal. @default undefined */
  signal?: AbortSignal;
  /** Isolation hook. @default undefined */
  sandbox?: RunnerSandbox;
}

/** What an evaluation measured. */
export interface Evaluation {
  /** True when every run produced every number. */
  ok: boolean;
  /** Primary metric per successful run. */
  samples: number[];
  /** Guardrail values per run, by name. */
  guardrails: Record<string, number[]>;
  /** Multi-metric components per run, by name. */
  components: Record<string, number[]>;
  /** Resource values per run (the resource regex, or seconds per run). */
  resource: number[];
  /** The crash, when `ok` is false. */
  crash?: { phase: "run" | "metric"; reason: string; logTail: string };
  /** Log files written (absolute paths). */
  logs: string[];
  /** Wall milliseconds. */
  ms: number;
}

/**
 * Averages each list of a record of samples.
 *
 * @param values Samples by name.
 * @returns Means by name (empty lists are left out).
 *
 * @example Means by name
 * ```ts
 * import { meanRecord } from "./evaluate.ts";
 * if (meanRecord({ a: [1, 3] }).a !== 2) throw new Error();
 * ```
 */
export function meanRecord(values: Record<string, number[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, xs] of Object.entries(values)) if (xs.length) out[k] = mean(xs);
  return out;
}

/**
 * Runs the problem's runner once per seed and parses every number it must print.
 *
 * @param problem The problem (runner, metric, guardrails, resource).
 * @param options Working directory, logs, seeds, abort signal, sandbox.
 * @returns The evaluation (a crash is a value, not an exception).
 * @throws When aborted, or when the runner program cannot be started at all.
 *
 * @example Two runs of a shell runner
 * ```ts
 * import { parseProblem } from "./problem.ts";
 * import { evaluateRuns } from "./evaluate.ts";
 * const problem = parseProblem([
 *   "objective: o",
 *   "metric: { name: m, regex: 'm=([0-9.]+)', direction: minimize }",
 *   "runner: { command: 'echo m=$((AUTORESEARCH_SEED + 1))', timeout_seconds: 5 }",
 *   "mutable: [x]",
 *   "roles: { proposers: [scripted] }",
 * ].join("\n"));
 * const dir = await Deno.makeTempDir();
 * const e = await evaluateRuns(problem, { cwd: dir, logDir: dir, label: "t", seeds: [1, 2] });
 * if (!e.ok || e.samples.join() !== "2,3") throw new Error(JSON.stringify(e));
 * ```
 */
export async function evaluateRuns(
  problem: Problem,
  options: EvaluateOptions,
): Promise<Evaluation> {
  if (!Array.isArray(options.seeds) || options.seeds.length === 0) {
    throw new TypeError("evaluateRuns: seeds must be a non-empty array");
  }
  const started = performance.now();
  const out: Evaluation = {
    ok: true,
    samples: [],
    guardrails: {},
    components: {},
    resource: [],
    logs: [],
    ms: 0,
  };
  const first = options.firstRepeat ?? 0;
  const env: Record<string, string> = { ...problem.runner.env };
  if (problem.runner.time_budget_seconds !== undefined) {
    env.AUTORESEARCH_TIME_BUDGET = String(problem.runner.time_budget_seconds);
  }
  for (const [i, seed] of options.seeds.entries()) {
    const repeat = first + i;
    const logPath = join(options.logDir, `${options.label}-r${repeat}.log`);
    out.logs.push(logPath);
    const r = await runCommand(problem.runner.command, {
      cwd: options.cwd,
      env: {
        ...env,
        AUTORESEARCH_SEED: String(seed),
        AUTORESEARCH_REPEAT: String(repeat),
        AUTORESEARCH_LABEL: options.label,
      },
      timeoutMs: problem.runner.timeout_seconds * 1000,
      logPath,
      pidFile: options.pidFile,
      signal: options.signal,
      sandbox: options.sandbox,
    });
    if (r.aborted || options.signal?.aborted) {
      throw options.signal?.reason ?? new DOMException("evaluation aborted", "AbortError");
    }
    const text = `${r.stdout}\n${r.stderr}`;
    const tail = tailLines(text, 30);
    const crash = (phase: "run" | "metric", reason: string): Evaluation => {
      out.ok = false;
      out.crash = { phase, reason: `run ${repeat}: ${reason}`, logTail: tail };
      out.ms = performance.now() - started;
      return out;
    };
    if (r.timedOut) {
      return crash(
        "run",
        `timeout after ${problem.runner.timeout_seconds}s (process tree killed)`,
      );
    }
    if (r.code !== 0) return crash("run", `exit ${r.code ?? `signal ${r.signal}`}`);
    let value: number | undefined;
    if (problem.metric.scalarize) {
      const comps: Record<string, number> = {};
      for (const c of problem.metric.components ?? []) {
        const v = extractMetric(text, c.regex);
        if (v === undefined) return crash("metric", `component ${c.name} not found in output`);
        comps[c.name] = v;
      }
      for (const [k, v] of Object.entries(comps)) (out.components[k] ??= []).push(v);
      value = scalarize(comps, problem.metric.scalarize);
    } else {
      value = extractMetric(text, problem.metric.regex!);
      if (value === undefined) {
        return crash("metric", `metric ${problem.metric.name} not found in output`);
      }
    }
    const guards: Record<string, number> = {};
    for (const g of problem.guardrails) {
      const v = extractMetric(text, g.regex);
      if (v === undefined) return crash("metric", `guardrail ${g.name} not found in output`);
      guards[g.name] = v;
    }
    let resource = r.ms / 1000;
    if (problem.resource) {
      const v = extractMetric(text, problem.resource.regex);
      if (v !== undefined) resource = v;
    }
    out.samples.push(value);
    for (const [k, v] of Object.entries(guards)) (out.guardrails[k] ??= []).push(v);
    out.resource.push(resource);
  }
  out.ms = performance.now() - started;
  return out;
}
