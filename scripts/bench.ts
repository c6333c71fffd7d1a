/**
 * `deno task bench`: compare arms (baseline, critique–revision loops under different critics, the
 * same-budget best-of-n control) on a coding dataset, scored on hidden tests, with paired Δ and
 * bootstrap CIs. Resumable: re-run the same command after a kill. `bench merge` combines shards;
 * `bench power` answers how many items and seeds an ablation needs.
 *
 * @module
 */
import {
  CONSTITUTION_FLAGS,
  constitutionFromFlags,
  EXIT,
  intFlag,
  numberFlag,
  parseFlags,
  PRICES_FLAG,
  pricesFromFlags,
  runCommand,
  scoreTestsFlag,
  UsageError,
  warn,
} from "./_cli.ts";
import { createTerminalSink, UI_MODES, type UiMode } from "../lib/ui/terminal.ts";
import { CRITIQUE_MODES } from "../lib/bench/arms.ts";
import { checkScoreTests } from "../lib/bench/parts.ts";
import { SCORE_TESTS_TEXT } from "../lib/tasks/task.ts";
import { loadArmFile } from "../lib/bench/arm_file.ts";
import { armsFor, taskFor } from "../lib/bench/bench_setup.ts";
import { runBenchmark } from "../lib/bench/run_benchmark.ts";
import { mergeBenchmarkRuns } from "../lib/bench/merge_runs.ts";
import { ShardEnvError, shardFromEnv } from "../lib/bench/shard_env.ts";
import { launchMain } from "./bench_launch.ts";
import { sha256Hex } from "../lib/util/hash.ts";
import { renderReport } from "../lib/bench/report.ts";
import { writeBenchmarkPlots } from "../lib/bench/write_plots.ts";
import { ItemResultSchema } from "../lib/bench/records.ts";
import { auditBenchmarkRun } from "../lib/bench/audit_run.ts";
import {
  compareRunFiles,
  renderRunComparison,
  writeRunComparison,
} from "../lib/bench/compare_runs.ts";
import { readRunFiles } from "../lib/bench/read_run.ts";
import { unpricedModels } from "../lib/providers/pricing.ts";
import type { CodingItem } from "../lib/schemas/coding.ts";
import { parseJsonl } from "../lib/util/jsonl.ts";
import { loadDataset } from "../lib/datasets/load_dataset.ts";
import { loadTaskDataset, type TaskDataset } from "../lib/datasets/load_task_dataset.ts";
import { datasetStem } from "../lib/datasets/read_rows.ts";
import { powerAnalysis } from "../lib/stats/power_analysis.ts";
import { modelsFromFlags } from "./_bench_models.ts";
import { poolMain } from "./bench_pool.ts";

/** Help text of `deno task bench`. */
export const BENCH_HELP = `usage: deno task bench [options]
       deno task bench merge --out DIR SHARD_DIR...
       deno task bench launch slurm|k8s|gha --shards N [--submit [--wait]] [bench options]
       deno task bench power [--items 12,24,48] [--seeds 1,3] [--effects 0.1,0.2]
       deno task bench audit --out RUN_DIR [--dataset PATH] [--limit N]
       deno task bench compare RUN_A RUN_B [--metric score|pass] [--arms A,B] [--json|--ui MODE] [--out DIR]
       deno task bench pool --initial N_P --repairs N_FR [--critic C] --out DIR   (see pool --help)

Runs every item × arm × seed of a dataset and scores every arm's final answer with the task's own
scorer, which no role ever sees: a code task's HIDDEN tests, an answer task's GOLD answer
(extracted from the reply by documented rules), an open task's JUDGE PANEL. Writes runs/<name>/:
manifest.json, items.jsonl, traces.jsonl, summary.json, report.md. Re-running the same command
continues a killed run.

Options:
  --dataset PATH          .jsonl, .jsonl.gz or .parquet dataset; its kind is detected from the rows: code
                          (coding, mxeval, humaneval, multipl-e), answer (GSM8K {question, answer "#### n"},
                          multiple choice {question, choices, answerKey}, {id, prompt, answer, type}),
                          open ({id, prompt, reference?})                 [datasets/coding_hard.jsonl]
  --limit N               only the first N items
  --arms A,B,…            preset arms: baseline, tests, tests_anchor, judge_symmetric,
                          judge_asymmetric, hybrid, intrinsic, oracle_stop, critic_other,
                          best_of_n, self_consistency, trajectory (replays an answers file's
                          attempts: first → final Δ, flips, per-attempt curve; no model call)
                                                                    [the dataset kind's defaults]
  --arm-file FILE         more arms as YAML/JSON compositions of parts, e.g.
                          arms: [{ name: mine, critic: self, stop: critic_done, rounds: 2 }]
                          (an arm named like a preset replaces it)
  --critique-mode M       code tasks: tests | judge | hybrid | all (arm sets)   [all]
  --score-tests S         code tasks: hidden | all. hidden: the hidden half of each problem's tests
                          scores (roles may see visible-test results); all: visible + hidden score,
                          as papers score published completions — refused for any arm in which a
                          role sees test results (e.g. with answers:FILE and --arms baseline,trajectory)
                                                                                [hidden]
  --judges SPEC,…         open tasks: the judge panel (k models)     [--judge-provider, else student]
  --panel-mode M          open tasks: pointwise | pairwise (vs the reference, both orders) [pointwise]
  --provider SPEC         student model: sim (SIMULATED), ollama:M, openai:M, kimi:M, anthropic:M,
                          answers:FILE, …                                       [sim]
  --model M               model name for --provider
  --judge-provider SPEC   critic/judge of asymmetric arms (sim = a stronger simulated judge)
  --judge-model M         model for --judge-provider
  --rounds N              revision rounds of every loop arm                     [each arm's own: 3]
  --seeds N               repeat everything with seeds 0..N-1                   [1]
  --temperature T         student temperature (all arms)                        [0.7]
  --concurrency N         items in flight                                       [2]
  --out DIR               output directory                                      [runs/<dataset>-<provider>]
  --replay                zero network: every call must come from the run's recorded cache
  --shard I/N             run shard I of N (items i with i % N == I); merge with 'bench merge'
  --shard auto            … with I/N from a Slurm job array, a Kubernetes Indexed Job
                          (JOB_COMPLETION_INDEX + AUTOCONSTITUTION_SHARD_COUNT) or
                          AUTOCONSTITUTION_SHARD=I/N
  --cache-dir DIR         record/replay LLM calls in DIR (shards may share one DIR on a
                          shared filesystem: a call made by one shard is a hit for the others)
  --max-calls N, --max-tokens N, --max-minutes N, --max-cost USD (with --prices)
                          budgets: stop scheduling, keep finished work, re-run to continue
  --constitution PATH     constitution (repeatable: base, then overlays)        [constitution.md]
  --principles ID,…       critics and judges use only these principles (a principle ablation)
  --principle-tags T,…    … or only principles with any of these tags
  --prices FILE           USD per million tokens by "provider:model": live cost counter and a
                          cost column per arm (local engines are free)
  --sim-repair P          simulated student: repair probability given feedback  [0.6]
  --sim-false-accept P    simulated symmetric critic/judge false-accept rate    [0.3]
  --sim-false-reject P    simulated symmetric critic/judge false-reject rate    [0.2]
  --judge-false-accept P  simulated asymmetric judge false-accept rate          [0.05]
  --judge-false-reject P  simulated asymmetric judge false-reject rate          [0.05]
  --resamples N           bootstrap resamples                                   [9999]
  --gate-audit            then score every loop candidate on the hidden tests and write
                          gate_audit.json/.md: each gate's false accepts/rejects and the
                          ratchet's right and wrong promotions, and gate_candidates.jsonl:
                          each candidate's hidden score (also: bench audit --out DIR)
  --ui MODE               auto | live | plain | json                            [auto]

Examples:
  deno task bench --provider sim --seeds 3                      # SIMULATED planning run, all arms
  deno task bench --provider ollama:qwen2.5-coder:1.5b --judge-provider ollama:qwen2.5-coder:7b
  deno task bench --dataset ../shared/datasets/mbtsp-validated-186.jsonl --critique-mode tests
  deno task bench --shard 0/4 --out runs/s0 …; deno task bench merge --out runs/all runs/s*
  deno task bench launch slurm --shards 8 --cpus 2 --mem 4G --time 2:00:00 --submit --wait --out runs/big
  deno task bench launch k8s --shards 8 --image denoland/deno:2.9.6 --claim bench-pvc --out runs/big
  deno task bench launch gha --shards 4 --seeds 3 --out runs/big
                          (writes <out>/launch/: the launcher, pinned to this Deno and git commit;
                          see 'deno task bench launch --help')
  deno task bench --principles correctness --out runs/one-rule; deno task bench compare runs/coding_hard-sim runs/one-rule
  deno task bench compare runs/humaneval-a runs/humaneval-b --metric pass
                          (pass@1 of each run, Δ in points with a paired CI, exact McNemar p, flips)`;

const FLAGS = {
  dataset: { type: "string" },
  limit: { type: "string" },
  arms: { type: "string" },
  "critique-mode": { type: "string" },
  "score-tests": { type: "string" },
  "arm-file": { type: "string" },
  judges: { type: "string" },
  "panel-mode": { type: "string" },
  provider: { type: "string" },
  model: { type: "string" },
  "judge-provider": { type: "string" },
  "judge-model": { type: "string" },
  rounds: { type: "string" },
  seeds: { type: "string" },
  temperature: { type: "string" },
  concurrency: { type: "string" },
  out: { type: "string" },
  replay: { type: "boolean" },
  "cache-dir": { type: "string" },
  shard: { type: "string" },
  "max-calls": { type: "string" },
  "max-tokens": { type: "string" },
  "max-minutes": { type: "string" },
  "max-cost": { type: "string" },
  ...CONSTITUTION_FLAGS,
  ...PRICES_FLAG,
  "sim-repair": { type: "string" },
  "sim-false-accept": { type: "string" },
  "sim-false-reject": { type: "string" },
  "judge-false-accept": { type: "string" },
  "judge-false-reject": { type: "string" },
  resamples: { type: "string" },
  "gate-audit": { type: "boolean" },
  ui: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function parseShard(raw: unknown): { index: number; count: number } | undefined {
  if (raw === undefined) return undefined;
  if (raw === "auto") {
    try {
      const { index, count } = shardFromEnv(Deno.env.toObject());
      return { index, count };
    } catch (error) {
      if (error instanceof ShardEnvError) throw new UsageError(error.message);
      throw error;
    }
  }
  const m = /^(\d+)\/(\d+)$/.exec(String(raw));
  if (!m || +m[1] >= +m[2]) {
    throw new UsageError(
      `--shard must be I/N with 0 <= I < N, or auto: current value is ${JSON.stringify(raw)}`,
    );
  }
  return { index: +m[1], count: +m[2] };
}

function uiOf(values: Record<string, unknown>): UiMode {
  const ui = (values.ui ?? "auto") as UiMode;
  if (!UI_MODES.includes(ui)) {
    throw new UsageError(
      `--ui must be one of ${UI_MODES.join("|")}: current value is ${JSON.stringify(values.ui)}`,
    );
  }
  return ui;
}

/** Parsed flag values. */
type FlagValues = ReturnType<typeof parseFlags>["values"];

/** The run budget from --max-calls/--max-tokens/--max-minutes/--max-cost. */
function budgetFromFlags(values: FlagValues) {
  const budget = {
    maxCalls: values["max-calls"] === undefined ? undefined : intFlag(values, "max-calls", 0, 1),
    maxTokens: values["max-tokens"] === undefined ? undefined : intFlag(values, "max-tokens", 0, 1),
    maxWallMs: values["max-minutes"] === undefined
      ? undefined
      : numberFlag(values, "max-minutes", 0, 0.01) * 60_000,
    maxCostUsd: values["max-cost"] === undefined ? undefined : numberFlag(values, "max-cost", 0, 0),
  };
  if (budget.maxCostUsd !== undefined && values.prices === undefined) {
    throw new UsageError("--max-cost needs --prices FILE (what the calls cost)");
  }
  return budget;
}

/** The arms from --arms, --arm-file and --critique-mode (published answers alone: baseline). */
async function armsFromFlags(
  values: FlagValues,
  kind: TaskDataset["kind"],
  { providerSpec, mode, rounds }: { providerSpec: string; mode?: string; rounds?: number },
) {
  const armFile = values["arm-file"] === undefined
    ? []
    : (await loadArmFile(String(values["arm-file"]))).map((e) => e.arm);
  const presets = values.arms
    ? String(values.arms).split(",").map((a) => a.trim()).filter(Boolean)
    : providerSpec.startsWith("answers:") && !mode && !armFile.length
    ? ["baseline"] // completions from elsewhere: score them, no loop
    : undefined;
  try {
    return armsFor(kind, {
      presets,
      critiqueMode: presets ? undefined : mode ?? (kind === "code" ? "all" : undefined),
      extra: armFile,
      rounds,
    });
  } catch (error) {
    throw new UsageError(
      `${values["arm-file"] ? "--arm-file/" : ""}--arms: ${(error as Error).message}`,
    );
  }
}

/**
 * Runs `deno task bench` with the given arguments.
 *
 * @param args Command-line arguments.
 * @param signal Aborted on Ctrl-C: running items stop, nothing finished is lost.
 * @returns The exit code.
 */
export async function benchMain(args: string[], signal: AbortSignal): Promise<number> {
  if (args[0] === "merge") return await mergeMain(args.slice(1));
  if (args[0] === "power") return powerMain(args.slice(1));
  if (args[0] === "audit") return await auditMain(args.slice(1), signal);
  if (args[0] === "compare") return await compareMain(args.slice(1));
  if (args[0] === "pool") return await poolMain(args.slice(1), signal);
  if (args[0] === "launch") return await launchMain(args.slice(1), signal, FLAGS);
  const { values, positionals } = parseFlags(args, FLAGS);
  if (values.help) {
    console.log(BENCH_HELP);
    return EXIT.ok;
  }
  if (positionals.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])} (see --help)`);
  }
  const ui = uiOf(values);
  const datasetPath = (values.dataset as string | undefined) ?? "datasets/coding_hard.jsonl";
  const limit = values.limit === undefined ? undefined : intFlag(values, "limit", 0, 1);
  const rounds = values.rounds === undefined ? undefined : intFlag(values, "rounds", 3, 0);
  const nSeeds = intFlag(values, "seeds", 1, 1);
  const concurrency = intFlag(values, "concurrency", 2, 1);
  const temperature = numberFlag(values, "temperature", 0.7, 0, 2);
  const resamples = intFlag(values, "resamples", 9999, 99);
  const shard = parseShard(values.shard);
  const mode = values["critique-mode"] as string | undefined;
  if (mode !== undefined && !CRITIQUE_MODES[mode]) {
    throw new UsageError(
      `--critique-mode must be one of ${Object.keys(CRITIQUE_MODES).join("|")}: current value is ${
        JSON.stringify(mode)
      }`,
    );
  }
  const scoreTests = scoreTestsFlag(values);
  const panelMode = (values["panel-mode"] as string | undefined) ?? "pointwise";
  if (panelMode !== "pointwise" && panelMode !== "pairwise") {
    throw new UsageError(
      `--panel-mode must be pointwise|pairwise: current value is ${JSON.stringify(panelMode)}`,
    );
  }
  const budget = budgetFromFlags(values);

  // Validate every input before anything is written.
  const dataset = await loadTaskDataset(datasetPath, { limit });
  if (!dataset.items.length) throw new UsageError(`${datasetPath}: the dataset has no items`);
  const providerSpec = (values.provider as string | undefined) ?? "sim";
  const arms = await armsFromFlags(values, dataset.kind, { providerSpec, mode, rounds });
  if (scoreTests === "all" && dataset.kind !== "code") {
    throw new UsageError(
      `--score-tests all needs a code dataset (${datasetPath} is ${dataset.kind})`,
    );
  }
  try {
    checkScoreTests(scoreTests, arms);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const constitution = await constitutionFromFlags(values);
  const prices = await pricesFromFlags(values);
  const replay = values.replay === true;
  const simulated = providerSpec === "sim";
  const { provider, judgeProvider, panel } = await modelsFromFlags(values, dataset, providerSpec);
  if (!judgeProvider && arms.some((a) => a.judge === "asymmetric" || a.critic === "other")) {
    warn(
      "no --judge-provider: the asymmetric arm uses the student's own model (it is then symmetric)",
    );
  }
  const task = taskFor(dataset, { constitution, judges: panel, panelMode, scoreTests });
  if (values["gate-audit"] && dataset.kind !== "code") {
    throw new UsageError(
      "--gate-audit needs a code dataset (it re-runs candidates on hidden tests)",
    );
  }
  const unpriced = budget.maxCostUsd === undefined
    ? []
    : unpricedModels(prices, [provider, judgeProvider]);
  if (unpriced.length) {
    throw new UsageError(`--max-cost: ${values.prices} has no price for ${unpriced.join(", ")}`);
  }
  const datasetName = datasetStem(datasetPath);
  const outDir = (values.out as string | undefined) ??
    `runs/${datasetName}-${providerSpec.replace(/[^a-z0-9._-]+/gi, "_")}${
      shard ? `-shard${shard.index}of${shard.count}` : ""
    }`;

  const title = `bench ${datasetName} (${dataset.kind}) · ${arms.map((a) => a.name).join(", ")}${
    dataset.kind === "code" ? ` · scored on ${SCORE_TESTS_TEXT[scoreTests]}` : ""
  }${simulated ? " · SIMULATED" : ""}`;
  if (ui !== "json") console.log(title);
  const sink = createTerminalSink(ui, {
    title,
    prices,
  });
  let result;
  try {
    result = await runBenchmark(task, arms, {
      provider,
      judgeProvider,
      constitution,
      seeds: Array.from({ length: nSeeds }, (_, i) => i),
      temperature,
      concurrency,
      outDir,
      datasetName,
      simulated,
      cache: replay ? "replay" : values["cache-dir"] === undefined ? undefined : "auto",
      cacheDir: values["cache-dir"] as string | undefined,
      shard,
      // A shard hashes only its own items; the whole dataset's hash lets bench merge check them.
      parameters: shard ? { wholeDatasetHash: sha256Hex(task.items) } : undefined,
      budget,
      prices: values.prices === undefined ? undefined : prices,
      resamples,
      onEvent: sink.onEvent,
      signal,
    });
  } finally {
    sink.close();
  }
  const plots = await writeBenchmarkPlots(outDir, result);
  const resume = `deno task bench ${args.join(" ")}`;
  if (ui !== "json") {
    console.log("\n" + renderReport(result.summary));
    console.log(
      `outputs: ${outDir}/ (summary.json, items.jsonl, traces.jsonl, report.md, manifest.json` +
        `${plots.length ? `, ${plots.map((p) => p.split("/").pop()).join(", ")}` : ""})`,
    );
    if (result.resumed) console.log(`resumed: ${result.resumed} finished unit(s) were not re-run`);
  }
  if (signal.aborted || !result.summary.complete) {
    warn(`run incomplete; to continue: ${resume}`);
    return signal.aborted ? EXIT.interrupted : EXIT.failed;
  }
  if (values["gate-audit"]) await printAudit(outDir, dataset.items as CodingItem[], ui, signal);
  return EXIT.ok;
}

async function printAudit(
  outDir: string,
  items: CodingItem[],
  ui: UiMode,
  signal: AbortSignal,
): Promise<void> {
  const audit = await auditBenchmarkRun(outDir, items, { signal });
  if (ui === "json") return;
  console.log("\n" + audit.markdown);
  console.log(
    `${audit.freshlyScored} revision(s) scored on the hidden tests for the audit; ` +
      `wrote ${audit.paths.json}, ${audit.paths.markdown} and ${audit.paths.candidates} ` +
      `(${audit.candidates.length} candidates, ` +
      `${audit.candidates.filter((c) => c.promoted && c.rightInHindsight === false).length} ` +
      `promoted but worse on the hidden tests)`,
  );
}

async function auditMain(args: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    out: { type: "string" },
    dataset: { type: "string" },
    limit: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    console.log(BENCH_HELP);
    return EXIT.ok;
  }
  if (!values.out) throw new UsageError("bench audit needs --out RUN_DIR");
  if (positionals.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  }
  const datasetPath = (values.dataset as string | undefined) ?? "datasets/coding_hard.jsonl";
  const limit = values.limit === undefined ? undefined : intFlag(values, "limit", 0, 1);
  const items = await loadDataset(datasetPath, { limit });
  await printAudit(String(values.out), items, "plain", signal);
  return EXIT.ok;
}

async function mergeMain(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    console.log(BENCH_HELP);
    return EXIT.ok;
  }
  if (!values.out) throw new UsageError("bench merge needs --out DIR");
  if (!positionals.length) throw new UsageError("bench merge needs the shard run directories");
  const summary = await mergeBenchmarkRuns(positionals, String(values.out));
  const records = parseJsonl(
    await Deno.readTextFile(`${values.out}/items.jsonl`),
    ItemResultSchema,
  );
  await writeBenchmarkPlots(String(values.out), { summary, records });
  console.log(renderReport(summary));
  return summary.complete ? EXIT.ok : EXIT.failed;
}

function listFlag(values: Record<string, unknown>, name: string, fallback: number[]): number[] {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const out = String(raw).split(",").map(Number);
  if (out.some((x) => !Number.isFinite(x))) {
    throw new UsageError(
      `--${name} must be a comma-separated list of numbers: current value is ${
        JSON.stringify(raw)
      }`,
    );
  }
  return out;
}

function powerMain(args: string[]): number {
  const { values } = parseFlags(args, {
    items: { type: "string" },
    seeds: { type: "string" },
    effects: { type: "string" },
    baseline: { type: "string" },
    simulations: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    console.log(BENCH_HELP);
    return EXIT.ok;
  }
  const items = listFlag(values, "items", [12, 24, 48, 96]);
  const seeds = listFlag(values, "seeds", [1, 3]);
  const effects = listFlag(values, "effects", [0.1, 0.2, 0.3]);
  const baseline = numberFlag(values, "baseline", 0.5, 0, 1);
  const simulations = intFlag(values, "simulations", 400, 10);
  console.log(
    `power: P(95% CI of Δ excludes 0), pass/fail model, baseline pass rate ${baseline}, ${simulations} simulations`,
  );
  console.log(["items", "seeds", ...effects.map((e) => `Δ=${e}`)].join("\t"));
  for (const n of items) {
    for (const s of seeds) {
      const row = effects.map((effect) =>
        powerAnalysis({ nItems: n, seeds: s, effect, baseline, simulations, seed: 1 }).power
          .toFixed(2)
      );
      console.log([n, s, ...row].join("\t"));
    }
  }
  return EXIT.ok;
}

if (import.meta.main) await runCommand((signal) => benchMain(Deno.args, signal));

async function compareMain(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    arms: { type: "string" },
    metric: { type: "string" },
    resamples: { type: "string" },
    json: { type: "boolean" },
    ui: { type: "string" },
    out: { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    console.log(BENCH_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 2) {
    throw new UsageError(
      `bench compare needs two run directories (reference first), got ${positionals.length}`,
    );
  }
  const metric = values.metric ?? "score";
  if (metric !== "score" && metric !== "pass") {
    throw new UsageError(
      `--metric must be score or pass: current value is ${JSON.stringify(metric)}`,
    );
  }
  // The table is printed once at the end, so every --ui mode but json prints it as plain text.
  const json = values.json === true || uiOf(values) === "json";
  const arms = values.arms === undefined
    ? undefined
    : String(values.arms).split(",").map((a) => a.trim()).filter(Boolean);
  const [runA, runB] = [await readRunFiles(positionals[0]), await readRunFiles(positionals[1])];
  let comparison;
  try {
    comparison = compareRunFiles(runA, runB, {
      arms,
      resamples: intFlag(values, "resamples", 9999, 99),
    });
  } catch (error) {
    if (error instanceof TypeError) throw new UsageError(`--arms: ${error.message}`);
    throw error;
  }
  console.log(json ? JSON.stringify(comparison) : renderRunComparison(comparison, { metric }));
  if (values.out) {
    const simulated = runB.manifest.simulated === true;
    const written = await writeRunComparison(String(values.out), comparison, { simulated, metric });
    if (!json) console.log(`wrote ${written.join(", ")}`);
  }
  return EXIT.ok;
}
