/**
 * `deno task bench pool`: generate a repair pool once (initial samples, and for every sample that
 * fails its gate, independent critique + repair pairs), then estimate the equal-budget frontier
 * from it — pass rate vs mean tokens for every (n_p, n_fr), and repair against plain sampling at
 * the same cost (Olausson et al., ICLR 2024). Resumable; `--replay` makes zero provider calls.
 *
 * @module
 */
import {
  CONSTITUTION_FLAGS,
  constitutionFromFlags,
  enumFlag,
  EXIT,
  intFlag,
  numberFlag,
  parseFlags,
  scoreTestsFlag,
  UsageError,
  warn,
} from "./_cli.ts";
import { createTerminalSink, UI_MODES, type UiMode } from "../lib/ui/terminal.ts";
import { taskFor } from "../lib/bench/bench_setup.ts";
import { type PoolGate, poolParts, runPool } from "../lib/bench/pool.ts";
import { frontierOfRun } from "../lib/bench/frontier_report.ts";
import type { FrontierGrid } from "../lib/bench/frontier.ts";
import { BUILTIN_CRITICS } from "../lib/bench/parts.ts";
import { SCORE_TESTS_TEXT } from "../lib/tasks/task.ts";
import { loadTaskDataset } from "../lib/datasets/load_task_dataset.ts";
import { datasetStem } from "../lib/datasets/read_rows.ts";
import { modelsFromFlags } from "./_bench_models.ts";

/** Help text of `deno task bench pool`. */
export const POOL_HELP = `usage: deno task bench pool [options]
       deno task bench pool --estimate-only --out DIR [--np 1,2,5,10] [--nfr 0,1,3]

Generates one large pool per task — --initial N_P samples per item and seed and, for every sample
that fails its gate, --repairs N_FR independent critique + repair pairs — scores every sample and
repair with the task's own scorer (hidden tests, gold answer), then ESTIMATES the pass rate and mean
tokens of every smaller (n_p, n_fr) by subsampling the pool without replacement, and compares each
repair configuration with plain sampling at the same mean token cost (Olausson et al., ICLR 2024).
Writes DIR/pool.jsonl, frontier.json, frontier.md, frontier.svg, frontier.vl.json. Re-running the
same command continues a killed pool.

Options:
  --dataset PATH          .jsonl(.gz)/.parquet dataset (code or answer) [datasets/coding_hard.jsonl]
  --limit N               only the first N items
  --initial N_P           initial samples per item and seed                     [10]
  --repairs N_FR          critique + repair pairs per sample failing its gate   [3]
  --critic C              tests | self | other | oracle | … (a critic part)     [code: tests, else self]
  --score-tests S         code tasks: hidden | all (visible + hidden; refused when the critic or
                          the gate shows a role test results, e.g. --critic self --gate critic)
                                                                                [hidden]
  --gate G                visible_tests | critic | oracle († sees the answer key)
                                                                [code: visible_tests, else critic]
  --provider SPEC         student model: sim (SIMULATED), ollama:M, openai:M, …  [sim]
  --model M               model name for --provider
  --judge-provider SPEC   the 'other' critic's model
  --judge-model M         model for --judge-provider
  --seeds N               seeds 0..N-1 (samples of all seeds pool per item)     [1]
  --temperature T         student temperature                                   [0.7]
  --concurrency N         samples in flight                                     [2]
  --out DIR               output directory                                [runs/<dataset>-pool-<provider>]
  --record                record every call into the cache (also for sim)
  --replay                zero provider calls: every call must come from the cache
  --cache-dir DIR         the record/replay cache                               [DIR/cache]
  --shard I/N             only items i with i % N == I
  --np A,B,…              estimate these n_p                  [1,2,5,10,… up to the pool's n_p]
  --nfr A,B,…             estimate these n_fr                 [0,1,3,5 up to the pool's n_fr]
  --draws N               subsampling draws per item and configuration          [1000]
  --resamples N           bootstrap resamples over items                        [2000]
  --estimate-only         do not generate: estimate from DIR/pool.jsonl
  --constitution PATH     constitution for LLM critics (repeatable)             [constitution.md]
  --sim-repair P          simulated student: repair probability given feedback  [0.6]
  --sim-false-accept P    simulated self-critic false-accept rate               [0.3]
  --sim-false-reject P    simulated self-critic false-reject rate               [0.2]
  --judge-false-accept P  simulated 'other' critic false-accept rate            [0.05]
  --judge-false-reject P  simulated 'other' critic false-reject rate            [0.05]
  --ui MODE               auto | live | plain | json                            [auto]

Example:
  deno task bench pool --dataset datasets/coding_hard.jsonl --provider sim --initial 10 --repairs 3 --out runs/pool`;

const FLAGS = {
  dataset: { type: "string" },
  limit: { type: "string" },
  initial: { type: "string" },
  repairs: { type: "string" },
  critic: { type: "string" },
  "score-tests": { type: "string" },
  gate: { type: "string" },
  provider: { type: "string" },
  model: { type: "string" },
  "judge-provider": { type: "string" },
  "judge-model": { type: "string" },
  seeds: { type: "string" },
  temperature: { type: "string" },
  concurrency: { type: "string" },
  out: { type: "string" },
  record: { type: "boolean" },
  replay: { type: "boolean" },
  "cache-dir": { type: "string" },
  shard: { type: "string" },
  np: { type: "string" },
  nfr: { type: "string" },
  draws: { type: "string" },
  resamples: { type: "string" },
  "estimate-only": { type: "boolean" },
  ...CONSTITUTION_FLAGS,
  "sim-repair": { type: "string" },
  "sim-false-accept": { type: "string" },
  "sim-false-reject": { type: "string" },
  "judge-false-accept": { type: "string" },
  "judge-false-reject": { type: "string" },
  ui: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function intList(values: Record<string, unknown>, name: string): number[] | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const out = String(raw).split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  if (!out.length || out.some((x) => !Number.isInteger(x) || x < 0)) {
    throw new UsageError(
      `--${name} must be a comma-separated list of integers ≥ 0: current value is ${
        JSON.stringify(raw)
      }`,
    );
  }
  return out;
}

function parseShard(raw: unknown): { index: number; count: number } | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(String(raw));
  if (!m || +m[1] >= +m[2]) {
    throw new UsageError(
      `--shard must be I/N with 0 <= I < N: current value is ${JSON.stringify(raw)}`,
    );
  }
  return { index: +m[1], count: +m[2] };
}

/**
 * Runs `deno task bench pool` with the given arguments.
 *
 * @param args Command-line arguments after `pool`.
 * @param signal Aborted on Ctrl-C: running samples stop, nothing finished is lost.
 * @returns The exit code.
 */
export async function poolMain(args: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  if (values.help) {
    console.log(POOL_HELP);
    return EXIT.ok;
  }
  if (positionals.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])} (see --help)`);
  }
  const ui = enumFlag(values, "ui", UI_MODES, "auto") as UiMode;
  const grid: FrontierGrid = { np: intList(values, "np"), nfr: intList(values, "nfr") };
  if (grid.np?.includes(0)) throw new UsageError("--np values must be ≥ 1: current value has 0");
  const estimate = {
    draws: intFlag(values, "draws", 1000, 1),
    resamples: intFlag(values, "resamples", 2000, 99),
  };
  const providerSpec = (values.provider as string | undefined) ?? "sim";
  const datasetPath = (values.dataset as string | undefined) ?? "datasets/coding_hard.jsonl";
  const datasetName = datasetStem(datasetPath);
  const outDir = (values.out as string | undefined) ??
    `runs/${datasetName}-pool-${providerSpec.replace(/[^a-z0-9._-]+/gi, "_")}`;

  if (!values["estimate-only"]) {
    const limit = values.limit === undefined ? undefined : intFlag(values, "limit", 0, 1);
    const initial = intFlag(values, "initial", 10, 1);
    const repairs = intFlag(values, "repairs", 3, 0);
    const nSeeds = intFlag(values, "seeds", 1, 1);
    const concurrency = intFlag(values, "concurrency", 2, 1);
    const temperature = numberFlag(values, "temperature", 0.7, 0, 2);
    const shard = parseShard(values.shard);
    if (values.record && values.replay) {
      throw new UsageError("--record and --replay exclude each other");
    }
    const critics = Object.keys(BUILTIN_CRITICS).filter((c) => c !== "none");
    const critic = values.critic === undefined
      ? undefined
      : enumFlag(values, "critic", critics, "self");
    const gate = values.gate === undefined
      ? undefined
      : enumFlag<PoolGate>(values, "gate", ["visible_tests", "critic", "oracle"], "critic");
    const dataset = await loadTaskDataset(datasetPath, { limit });
    if (!dataset.items.length) throw new UsageError(`${datasetPath}: the dataset has no items`);
    if (dataset.kind === "open") {
      throw new UsageError(
        `${datasetPath}: bench pool needs a code or answer-key dataset (got open)`,
      );
    }
    const constitution = await constitutionFromFlags(values);
    const replay = values.replay === true;
    const simulated = providerSpec === "sim";
    const { provider, judgeProvider } = await modelsFromFlags(values, dataset, providerSpec);
    const scoreTests = scoreTestsFlag(values);
    if (scoreTests === "all" && dataset.kind !== "code") {
      throw new UsageError(`--score-tests all needs a code dataset (got ${dataset.kind})`);
    }
    const task = taskFor(dataset, { constitution, scoreTests });
    try {
      poolParts(task, { critic, gate });
    } catch (error) {
      const message = (error as Error).message;
      throw new UsageError(
        message.startsWith("--score-tests") ? message : `--critic/--gate: ${message}`,
      );
    }
    const title =
      `bench pool ${datasetName} (${dataset.kind}) · ${initial} samples × ${repairs} repairs${
        dataset.kind === "code" ? ` · scored on ${SCORE_TESTS_TEXT[scoreTests]}` : ""
      }${simulated ? " · SIMULATED" : ""}`;
    if (ui !== "json") console.log(title);
    const sink = createTerminalSink(ui, { title });
    let result;
    try {
      result = await runPool(task, {
        provider,
        judgeProvider,
        constitution,
        initial,
        repairs,
        critic,
        gate,
        seeds: Array.from({ length: nSeeds }, (_, i) => i),
        temperature,
        concurrency,
        outDir,
        datasetName,
        simulated,
        cache: replay ? "replay" : values.record ? "record" : undefined,
        cacheDir: values["cache-dir"] as string | undefined,
        shard,
        onEvent: sink.onEvent,
        signal,
      });
    } finally {
      sink.close();
    }
    if (!result.complete) {
      warn(`pool incomplete; to continue: deno task bench pool ${args.join(" ")}`);
      return signal.aborted ? EXIT.interrupted : EXIT.failed;
    }
    if (ui !== "json") {
      console.log(
        `pool: ${result.rows.length} samples (${result.info.items} items × ${result.info.seeds.length} seed(s) × ${initial})` +
          `, ${result.rows.reduce((n, r) => n + r.repairs.length, 0)} repairs` +
          (result.resumed ? `, ${result.resumed} resumed from the journal` : "") +
          `, ${result.calls} model calls${replay ? " (all from the cache)" : ""}`,
      );
      if (result.info.answerKey.length) {
        console.log(`† sees the answer key: ${result.info.answerKey.join("; ")}`);
      }
    }
  }

  let out;
  try {
    out = await frontierOfRun(outDir, grid, estimate);
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(`--np/--nfr: ${error.message}`);
    throw error;
  }
  const { frontier, paths } = out;
  if (ui === "json") {
    console.log(JSON.stringify(frontier));
    return EXIT.ok;
  }
  const closed = frontier.points.filter((p) => p.nfr === 0)
    .map((p) => `pass@${p.np} ${p.passRate.toFixed(3)} (closed form ${p.exact!.toFixed(3)})`);
  console.log(
    `${frontier.simulated ? "SIMULATED " : ""}frontier: ${frontier.items} items, ` +
      `${frontier.draws} draws per configuration`,
  );
  console.log(`sampling: ${closed.join(", ")}`);
  console.log(`verdict: ${frontier.verdict}`);
  console.log(`outputs: ${paths.join(", ")}`);
  return EXIT.ok;
}
