/**
 * The autoresearch command line: a multi-agent society edits the mutable files of a problem, a
 * runner measures, git keeps or reverts.
 *
 * ```sh
 * deno run -A scripts/research.ts init   --problem path/to/problem.yaml --tag mar5
 * deno run -A scripts/research.ts run    --problem path/to/problem.yaml --tag mar5 [--max-iterations 3]
 * deno run -A scripts/research.ts status --problem path/to/problem.yaml --tag mar5 [--json]
 * deno run -A scripts/research.ts audit  --problem path/to/problem.yaml --tag mar5
 * ```
 *
 * Exit codes: 0 ok, 1 failure, 2 bad usage or input, 3 provider unavailable, 130 interrupted.
 * Progress goes to stderr as plain lines (or JSON lines on stdout with `--format json`).
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { EXIT, intFlag, parseFlags, runCommand, UsageError, warn } from "./_cli.ts";
import { createProvider } from "../lib/providers/registry.ts";
import type { Provider } from "../lib/providers/types.ts";
import type { ScriptedProviderOptions } from "../lib/providers/scripted.ts";
import type { Event } from "../lib/schemas/events.ts";
import { formatPlainEvent } from "../lib/ui/plain.ts";
import { initResearch, runResearch } from "../lib/research/research.ts";
import { researchStatus } from "../lib/research/status.ts";
import { writeAudit } from "../lib/research/audit.ts";
import { convergenceRows } from "../lib/research/convergence_rows.ts";
import { readLedger } from "../lib/research/ledger.ts";
import { convergenceChart } from "../lib/plot/convergence_chart.ts";
import { toSVG } from "../lib/plot/to_svg.ts";
import { writeTextAtomic } from "../lib/util/atomic.ts";
import { writeStdout } from "../lib/ui/stdout.ts";
import { loadProblem, type RoleProviderSpec } from "../lib/research/problem.ts";
import { InputError } from "../lib/util/jsonl.ts";

const USAGE =
  `usage: research.ts <init|run|status|audit> --problem <problem.yaml> --tag <tag> [options]

  --problem <file>        problem.yaml (default: ./problem.yaml)
  --tag <tag>             run tag; the branch is autoresearch/<tag> (required)
  --run-dir <dir>         run directory (default: <problem dir>/.autoresearch/<tag>)
  --iterations <n>        run: override the iteration budget (total over the run)
  --max-iterations <n>    run: iterations in this invocation at most
  --reset-gate            run: reset a stopped graduated gate
  --format plain|json     progress as plain lines on stderr (default) or JSON lines on stdout
  --json                  status/audit: print JSON
  --quiet                 no progress output
  -h, --help              this help

Create <run dir>/STOP to stop after the current iteration.`;

const FLAGS = {
  problem: { type: "string" },
  tag: { type: "string" },
  "run-dir": { type: "string" },
  iterations: { type: "string" },
  "max-iterations": { type: "string" },
  "reset-gate": { type: "boolean" },
  format: { type: "string" },
  json: { type: "boolean" },
  quiet: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** A scripted provider's JSON script: like `ScriptedProviderOptions`, answers may be JSON objects. */
type ScriptFile = {
  name?: string;
  model?: string;
  defaultText?: string;
  byItem?: Record<string, unknown>;
  byRole?: Record<string, unknown>;
};

function answers(
  file: string,
  field: string,
  table: Record<string, unknown> | undefined,
): Record<string, string | string[]> | undefined {
  if (table === undefined) return undefined;
  if (!table || typeof table !== "object" || Array.isArray(table)) {
    throw new InputError(file, `${field} must be an object`, { field });
  }
  const asText = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(table)) out[k] = Array.isArray(v) ? v.map(asText) : asText(v);
  return out;
}

async function makeProvider(
  spec: RoleProviderSpec,
  problemDir: string,
): Promise<Provider> {
  if (typeof spec === "string") return await createProvider(spec);
  const model = spec.model;
  if (spec.provider === "scripted") {
    let script: ScriptFile = {};
    if (typeof spec.script === "string") {
      const file = resolve(problemDir, spec.script);
      try {
        script = JSON.parse(await Deno.readTextFile(file));
      } catch (error) {
        throw new InputError(
          file,
          `cannot read scripted provider script: ${(error as Error).message}`,
        );
      }
    }
    const scripted: ScriptedProviderOptions = {
      name: script.name,
      model: model ?? script.model,
      defaultText: script.defaultText,
      byItem: answers(String(spec.script), "byItem", script.byItem),
      byRole: answers(String(spec.script), "byRole", script.byRole),
    };
    return await createProvider("scripted", { scripted, retry: false });
  }
  const baseURL = typeof spec.base_url === "string" ? spec.base_url : undefined;
  return await createProvider(model ? `${spec.provider}:${model}` : spec.provider, { baseURL });
}

function printer(format: string, quiet: boolean): (event: Event) => void {
  if (quiet) return () => {};
  if (format === "json") {
    return (event) => writeStdout(JSON.stringify(event) + "\n");
  }
  return (event) => {
    if (event.type === "role_end" || event.type === "role_start") return;
    const line = formatPlainEvent(event);
    if (line) warn(line);
  };
}

async function main(args: string[], signal: AbortSignal): Promise<number> {
  const [command, ...rest] = args;
  const { values } = parseFlags(rest, FLAGS);
  if (values.help || command === undefined || command === "-h" || command === "--help") {
    console.log(USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (!["init", "run", "status", "audit"].includes(command)) {
    throw new UsageError(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
  }
  const problemPath = resolve(String(values.problem ?? "problem.yaml"));
  if (typeof values.tag !== "string") throw new UsageError("--tag is required");
  const format = String(values.format ?? "plain");
  if (!["plain", "json"].includes(format)) {
    throw new UsageError(
      `--format must be plain or json: current value is ${JSON.stringify(format)}`,
    );
  }
  const locate = {
    tag: values.tag,
    runDir: typeof values["run-dir"] === "string" ? values["run-dir"] : undefined,
  };
  const onEvent = printer(format, Boolean(values.quiet));

  if (command === "status") {
    const s = await researchStatus(problemPath, locate);
    if (values.json) {
      console.log(JSON.stringify(s, null, 2));
      return EXIT.ok;
    }
    const pct = s.improvement ? ` (${(s.improvement.relative * 100).toFixed(2)}%)` : "";
    console.log([
      `run ${s.tag} on ${s.branch} (${s.runDir})`,
      s.initialized ? `iterations ${s.iterations}/${s.budgets.iterations}` : "not initialised",
      `${s.metric.name}: baseline ${s.baseline ?? "—"}, best ${s.best?.mean ?? "—"}${
        s.best ? ` @ ${s.best.commit.slice(0, 7)} (#${s.best.attempt})` : ""
      }${pct}`,
      `attempts: ${Object.entries(s.counts).map(([k, v]) => `${v} ${k}`).join(", ")}`,
      `gate: ${s.gate ? `${s.gate.stage} (${s.gate.consecutiveFailures} without keep)` : "normal"}`,
      `tokens ${s.tokens}, wall ${s.wallSeconds.toFixed(1)} s, recoveries ${s.recoveries}`,
      `last stop: ${s.lastStop ?? "—"}`,
    ].join("\n"));
    return EXIT.ok;
  }

  if (command === "audit") {
    const problem = await loadProblem(problemPath);
    const s = await researchStatus(problemPath, locate);
    const { report, markdownPath, jsonPath } = await writeAudit(s.runDir, {
      metricName: problem.metric.name,
      direction: problem.metric.direction,
    });
    const rows = convergenceRows(await readLedger(s.runDir));
    const chartPath = `${s.runDir}/convergence.svg`;
    if (rows.length) {
      const spec = convergenceChart(rows, {
        title: `${problem.metric.name} per attempt (${problem.metric.direction})`,
      });
      await writeTextAtomic(chartPath, await toSVG(spec));
    }
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else {
      console.log(
        `wrote ${markdownPath}\nwrote ${jsonPath}${rows.length ? `\nwrote ${chartPath}` : ""}`,
      );
    }
    return EXIT.ok;
  }

  if (command === "init") {
    const b = await initResearch(problemPath, { ...locate, signal, onEvent });
    (format === "json" ? warn : console.log)(
      `baseline ${b.mean} @ ${b.commit.slice(0, 7)} on ${b.branch}`,
    );
    return EXIT.ok;
  }

  const problemDir = dirname(await Deno.realPath(problemPath).catch(() => problemPath));
  const budgets = values.iterations !== undefined
    ? { iterations: intFlag(values, "iterations", 1, 1) }
    : undefined;
  const maxIterations = values["max-iterations"] !== undefined
    ? intFlag(values, "max-iterations", 0, 0)
    : undefined;
  const outcome = await runResearch(problemPath, {
    ...locate,
    providerFactory: (spec) => makeProvider(spec, problemDir),
    signal,
    onEvent,
    budgets,
    maxIterations,
    resetGate: Boolean(values["reset-gate"]),
  });
  // With --format json, stdout carries only event lines; the summary goes to stderr.
  (format === "json" ? warn : console.log)(
    `${outcome.iterationsRun} iteration(s) run, last ${outcome.lastIteration}; ` +
      `baseline ${outcome.baseline}, best ${outcome.incumbent.mean} @ ` +
      `${outcome.incumbent.commit.slice(0, 7)}; stopped: ${outcome.stopReason}`,
  );
  return EXIT.ok;
}

if (import.meta.main) {
  await runCommand((signal) => main(Deno.args, signal));
}
