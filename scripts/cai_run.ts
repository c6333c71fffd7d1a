/**
 * `cai run`: the critique–revision loop over prompts, with items running concurrently through a
 * limiter, a symmetric or asymmetric judge, record/replay, and DPO preference pairs written beside
 * the traces and the run manifest (all atomically; a Ctrl-C flushes and prints the resume command).
 *
 * @module
 */
import { basename } from "node:path";
import type { Constitution } from "../lib/constitution/constitution.ts";
import { createProvider, parseProviderSpec } from "../lib/providers/mod.ts";
import type { Provider } from "../lib/providers/types.ts";
import type { CacheOptions } from "../lib/providers/cache.ts";
import { type LoopConfig, ResumeError, runItems, type RunItemsResult } from "../lib/loop/mod.ts";
import { exportPreferencePairs, type GateCounts } from "../lib/export/mod.ts";
import type { Item } from "../lib/schemas/item.ts";
import type { CallRecord, Trace } from "../lib/schemas/trace.ts";
import { writeTextAtomic } from "../lib/util/atomic.ts";
import { callsCost, type PriceTable } from "../lib/providers/pricing.ts";
import {
  CONSTITUTION_FLAGS,
  constitutionFromFlags,
  enumFlag,
  EXIT,
  intFlag,
  parseFlags,
  PRICES_FLAG,
  pricesFromFlags,
  UsageError,
  warn,
} from "./_cli.ts";
import { collectPrompts } from "./cai_prompts.ts";
import { createCliOutput, UI_FLAG, UI_HELP, uiFlag } from "./cai_output.ts";
import { resolveProviderSpec } from "./cai_resolve.ts";
import { judgeCritic } from "../lib/critics/judge_critic.ts";

/** Help of `cai run`. */
export const RUN_HELP = `usage: deno task cai run (-p <prompt>… | -f <prompts file>) [options]

Runs the critique–revision loop on each prompt: the student answers, a critic cites the
constitution, the student revises, the judge scores, and the ratchet keeps only improvements.

  -p, --prompt <text>          a prompt (repeatable)
  -f, --prompts-file <file>    one prompt per line, or JSONL rows {"prompt": …} / {"id": …, "prompt": …}
  -o, --output <pairs.jsonl>   DPO preference pairs; the traces go to <name>.traces.jsonl and the
                               run manifest to <name>.manifest.json beside it (written atomically)
      --resume                 keep the finished items of an interrupted run with the same -o
      --max-rounds <n>         revision rounds per prompt (default 3)
      --concurrency <n>        prompts in flight at once (default 1)
      --provider <spec>        ollama[:model], kimi[:model], anthropic[:model], openai[:model],
                               llamacpp[:model.gguf], scripted, answers:<file> … (default: the
                               first ready provider; see \`deno task cai providers\`)
      --model <name>           model of --provider (or of the auto-picked provider)
      --judge-provider <spec>  a separate judge (asymmetric); default: the student's model
      --judge-model <name>     judge model (with the student's provider unless --judge-provider)
      --constitution <file>    base constitution, then overlays (repeatable; default constitution.md)
      --principles <ids>       use only these principles (comma-separated ids)
      --principle-tags <tags>  use only principles with any of these tags
      --prices <file.json>     USD per million tokens by "provider:model" for the cost counter
                               (local engines are free; other models show as unpriced)
      --critique-mode llm|judge
                               llm: a critic cites principles (default); judge: the judge's verdict
                               reasons are the feedback. Test-grounded critique needs a coding
                               dataset: use \`deno task cai bench --critique-mode tests\`
      --teacher                ask a teacher for direction before each revision
      --seed <n>               run seed; every call's seed derives from it (default 0)
      --record                 store every response in the cache
      --replay                 answer only from the cache: zero network (needs --provider kind:model)
      --cache-dir <dir>        record/replay cache (default .autoconstitution/cache)
${UI_HELP}
  -h, --help                   this help

Examples:
  deno task cai run -p "Explain DNS to a new engineer." --max-rounds 2
  deno task cai run -f prompts.jsonl -o pairs.jsonl --concurrency 4 --provider ollama:llama3.2
  deno task cai run -f prompts.txt -o pairs.jsonl --provider ollama:llama3.2 --judge-provider kimi
  deno task cai run -f prompts.txt -o pairs.jsonl --provider ollama:llama3.2 --record
  deno task cai run -f prompts.txt -o pairs.jsonl --provider ollama:llama3.2 --replay

Exit codes: 0 ok, 1 an item failed, 2 bad usage or input, 3 provider unavailable, 130 interrupted.`;

const FLAGS = {
  prompt: { type: "string", short: "p", multiple: true },
  "prompts-file": { type: "string", short: "f" },
  output: { type: "string", short: "o" },
  resume: { type: "boolean" },
  "max-rounds": { type: "string" },
  concurrency: { type: "string" },
  provider: { type: "string" },
  model: { type: "string" },
  "judge-provider": { type: "string" },
  "judge-model": { type: "string" },
  ...CONSTITUTION_FLAGS,
  ...PRICES_FLAG,
  "critique-mode": { type: "string" },
  teacher: { type: "boolean" },
  seed: { type: "string" },
  record: { type: "boolean" },
  replay: { type: "boolean" },
  "cache-dir": { type: "string" },
  ...UI_FLAG,
  help: { type: "boolean", short: "h" },
} as const;

/** Where `cai run -o <file>` writes. */
export interface RunPaths {
  /** Preference pairs (JSONL). */
  pairs: string;
  /** One trace per item (JSONL). */
  traces: string;
  /** The run manifest (JSON). */
  manifest: string;
}

/**
 * Derives the trace and manifest paths from the pairs path: `out.jsonl` → `out.traces.jsonl`,
 * `out.manifest.json`.
 *
 * @param output The `-o` value.
 * @returns The three paths.
 *
 * @example
 * ```ts
 * import { runPaths } from "./cai_run.ts";
 * if (runPaths("runs/pairs.jsonl").traces !== "runs/pairs.traces.jsonl") throw new Error();
 * ```
 */
export function runPaths(output: string): RunPaths {
  const stem = output.replace(/\.jsonl$/i, "");
  return { pairs: output, traces: `${stem}.traces.jsonl`, manifest: `${stem}.manifest.json` };
}

/**
 * Quotes arguments for a POSIX shell (only where needed).
 *
 * @param args Command-line arguments.
 * @returns One string.
 *
 * @example
 * ```ts
 * import { shellJoin } from "./cai_run.ts";
 * if (shellJoin(["-p", "it's"]) !== `-p 'it'\\''s'`) throw new Error(shellJoin(["-p", "it's"]));
 * ```
 */
export function shellJoin(args: readonly string[]): string {
  return args.map((a) => /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)
    .join(" ");
}

async function assertNotDirectory(path: string, flag: string): Promise<void> {
  try {
    if ((await Deno.stat(path)).isDirectory) {
      throw new UsageError(
        `${flag} ${path} is a directory; give a file such as ${path}/pairs.jsonl`,
      );
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

function summarize(traces: Trace[]): string {
  const counts = new Map<string, number>();
  for (const t of traces) counts.set(t.stopReason, (counts.get(t.stopReason) ?? 0) + 1);
  return [...counts].map(([k, v]) => `${k} ${v}`).join(", ") || "none";
}

/**
 * The `cai run` command.
 *
 * @param args Arguments after `run`.
 * @param signal Aborted by Ctrl-C.
 * @returns The exit code.
 * @throws {UsageError | InputError} for bad flags or input, before anything is written.
 * @throws {UnavailableError} when a requested provider (or every provider) is unavailable.
 *
 * @example Help
 * ```ts ignore
 * import { runMain } from "./cai_run.ts";
 * const code = await runMain(["--help"], new AbortController().signal);
 * if (code !== 0) throw new Error();
 * ```
 */
export async function runMain(args: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  if (values.help) {
    console.log(RUN_HELP);
    return EXIT.ok;
  }
  if (positionals.length) {
    throw new UsageError(
      `unexpected argument ${JSON.stringify(positionals[0])} (prompts go after -p)`,
    );
  }
  const flags = await runFlags(values);
  const items = await collectPrompts({
    prompts: (values.prompt as string[] | undefined) ?? [],
    file: values["prompts-file"] as string | undefined,
  });
  const constitution: Constitution = await constitutionFromFlags(values);
  const prices = await pricesFromFlags(values);
  const models = await runModels(values, flags.replay);
  const out = createCliOutput(flags.ui, {
    title: `autoconstitution run · student ${models.student}` +
      (models.judge ? ` · judge ${models.judge}` : "") +
      (flags.replay ? " · REPLAY" : ""),
    prices,
  });
  const config: LoopConfig = {
    provider: models.studentProvider,
    providers: models.judge ? { judge: models.judgeProvider, critic: models.judgeProvider } : {},
    constitution,
    critic: flags.critiqueMode === "judge"
      ? judgeCritic(models.judgeProvider, constitution, { stream: out.mode === "live" })
      : undefined,
    teacher: values.teacher === true,
    maxRounds: flags.maxRounds,
    seed: flags.seed,
    stream: out.mode === "live",
    signal,
    onEvent: out.onEvent,
  };
  const run = await runItemsForCli(items, config, flags);
  const pairs = exportPreferencePairs(run.traces, {
    critic: config.critic?.name ?? "llm",
    constitutionHash: constitution.hash,
    source: values["prompts-file"] ? basename(values["prompts-file"] as string) : "command line",
  });
  if (flags.paths) {
    await writeTextAtomic(
      flags.paths.pairs,
      pairs.rows.map((r) => JSON.stringify(r) + "\n").join(""),
    );
  }
  out.report(runReport(run, {
    items: items.length,
    models,
    cache: models.cache,
    pairs: pairs.gates,
    prices,
    paths: flags.paths,
    showAnswer: !signal.aborted,
  }));
  out.close();
  return exitCode(run, items.length, { args, paths: flags.paths, aborted: signal.aborted });
}

/** The flags of `cai run` that shape the run, checked before anything is read or written. */
interface RunFlags {
  ui: ReturnType<typeof uiFlag>;
  maxRounds: number;
  concurrency: number;
  seed: number;
  critiqueMode: "llm" | "judge";
  replay: boolean;
  resume: boolean;
  paths?: RunPaths;
}

async function runFlags(values: Record<string, unknown>): Promise<RunFlags> {
  const ui = uiFlag(values);
  const maxRounds = intFlag(values, "max-rounds", 3, 0);
  const concurrency = intFlag(values, "concurrency", 1, 1);
  const seed = intFlag(values, "seed", 0, 0);
  const critiqueMode = enumFlag(values, "critique-mode", ["llm", "judge", "tests"], "llm");
  if (critiqueMode === "tests") {
    throw new UsageError(
      "--critique-mode tests needs a coding dataset with tests; run " +
        "`deno task cai bench --critique-mode tests` (e.g. --dataset datasets/coding_hard.jsonl)",
    );
  }
  if (values.record && values.replay) {
    throw new UsageError("--record and --replay exclude each other");
  }
  const output = typeof values.output === "string" ? values.output : undefined;
  if (values.resume && !output) {
    throw new UsageError("--resume needs -o/--output of the earlier run");
  }
  const paths = output ? runPaths(output) : undefined;
  if (paths) {
    await assertNotDirectory(paths.pairs, "-o/--output");
    if (paths.traces === paths.pairs) throw new UsageError("-o/--output must end in .jsonl");
  }
  return {
    ui,
    maxRounds,
    concurrency,
    seed,
    critiqueMode,
    replay: values.replay === true,
    resume: values.resume === true,
    paths,
  };
}

/** The student's and (when asked for) the judge's specs and providers, and the cache they share. */
interface RunModels {
  student: string;
  studentProvider: Provider;
  /** The judge's spec when the judge is a different provider (asymmetric). */
  judge?: string;
  judgeProvider: Provider;
  cache?: CacheOptions;
}

async function runModels(values: Record<string, unknown>, replay: boolean): Promise<RunModels> {
  const student = await resolveProviderSpec(values.provider as string | undefined, {
    model: values.model as string | undefined,
    offline: replay,
  });
  const judgeFlag = values["judge-provider"] as string | undefined;
  const judgeModel = values["judge-model"] as string | undefined;
  const judge = judgeFlag !== undefined || judgeModel !== undefined
    ? await resolveProviderSpec(judgeFlag ?? parseProviderSpec(student.spec).kind, {
      model: judgeModel,
      offline: replay,
      flags: { provider: "--judge-provider", model: "--judge-model" },
    })
    : undefined;
  const cacheDir = (values["cache-dir"] as string | undefined) ?? ".autoconstitution/cache";
  const cache: CacheOptions | undefined = values.record
    ? { dir: cacheDir, mode: "record" }
    : replay
    ? { dir: cacheDir, mode: "replay" }
    : undefined;
  const make = (spec: string) => createProvider(spec, { cache, retry: replay ? false : {} });
  const studentProvider: Provider = await make(student.spec);
  const judgeProvider: Provider = judge && judge.spec !== student.spec
    ? await make(judge.spec)
    : studentProvider;
  return {
    student: student.spec,
    studentProvider,
    judge: judgeProvider !== studentProvider ? judge?.spec : undefined,
    judgeProvider,
    cache,
  };
}

/** {@linkcode runItems} with the CLI's journal and flags; an earlier run that differs is a usage error. */
async function runItemsForCli(
  items: Item[],
  config: LoopConfig,
  flags: RunFlags,
): Promise<RunItemsResult> {
  try {
    return await runItems(items, config, {
      concurrency: flags.concurrency,
      journal: flags.paths,
      resume: flags.resume,
      parameters: { critiqueMode: flags.critiqueMode },
    });
  } catch (error) {
    if (error instanceof ResumeError) throw new UsageError(error.message);
    throw error;
  }
}

/** The closing report: items done, models, preference pairs, usage and what was written. */
function runReport(
  run: RunItemsResult,
  context: {
    items: number;
    models: RunModels;
    cache?: CacheOptions;
    pairs: GateCounts;
    prices: PriceTable;
    paths?: RunPaths;
    showAnswer: boolean;
  },
): string {
  const { traces, resumed, runId } = run;
  const { models, cache, pairs } = context;
  const drops = Object.entries(pairs)
    .filter(([k, v]) => !["kept", "total"].includes(k) && v > 0)
    .map(([k, v]) => `${k} ${v}`);
  const lines = [
    `run ${runId}: ${traces.length}/${context.items} item(s) done (${summarize(traces)})` +
    (resumed ? `, ${resumed} from the earlier run` : ""),
    `models: student ${models.student}` +
    (models.judge ? `, critic and judge ${models.judge}` : " (also critic and judge)") +
    (cache ? `; cache ${cache.mode} in ${cache.dir}` : ""),
    `preference pairs: ${pairs.kept} kept of ${pairs.total}` +
    (drops.length ? ` (dropped: ${drops.join(", ")})` : ""),
    usageLine(traces.flatMap((t) => t.calls), context.prices),
  ];
  if (context.paths) {
    const p = context.paths;
    lines.push(`wrote ${p.pairs}, ${p.traces}, ${p.manifest}`);
  } else if (traces.length === 1 && context.showAnswer) {
    lines.push(`chosen answer (round ${traces[0].candidates[traces[0].chosenIndex].round}):`);
    lines.push(traces[0].chosen);
  }
  return lines.join("\n");
}

/** The exit code, with a warning saying how to resume or which item failed first. */
function exitCode(
  run: RunItemsResult,
  items: number,
  context: { args: string[]; paths?: RunPaths; aborted: boolean },
): number {
  const { args, paths } = context;
  const { unfinished, failed } = run;
  if (context.aborted || unfinished.length) {
    const again = ["run", ...args, ...(args.includes("--resume") || !paths ? [] : ["--resume"])];
    warn(
      paths
        ? `stopped with ${unfinished.length} item(s) unfinished; finished items are saved. Resume with:\n` +
          `  deno task cai ${shellJoin(again)}`
        : `stopped; nothing was saved (no -o). Run again with:\n  deno task cai ${
          shellJoin(again)
        }`,
    );
    return EXIT.interrupted;
  }
  if (failed.length) {
    warn(
      `${failed.length} of ${items} item(s) failed; first: ${failed[0].itemId}: ${failed[0].error}`,
    );
    return EXIT.failed;
  }
  return EXIT.ok;
}

/** "calls N, tokens in X out Y, cost $Z" for the report (a lower bound when a model is unpriced). */
function usageLine(calls: readonly CallRecord[], prices: PriceTable): string {
  const input = calls.reduce((n, c) => n + c.usage.inputTokens, 0);
  const output = calls.reduce((n, c) => n + c.usage.outputTokens, 0);
  const cost = callsCost(calls, prices);
  return `calls ${calls.length}, tokens in ${input} out ${output}, cost ` +
    (cost.unpriced.length
      ? `≥ $${cost.usd.toFixed(4)} (no price for ${cost.unpriced.join(", ")}; --prices FILE)`
      : `$${cost.usd.toFixed(4)}`);
}
