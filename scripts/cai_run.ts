/**
 * `cai run`: the critique–revision loop over prompts, with items running concurrently through a
 * limiter, a symmetric or asymmetric judge, record/replay, and DPO preference pairs written beside
 * the traces and the run manifest (all atomically; a Ctrl-C flushes and prints the resume command).
 *
 * @module
 */
import { basename } from "node:path";
import type { Constitution } from "../lib/constitution/constitution.ts";
import { createLimiter, createProvider, parseProviderSpec } from "../lib/providers/mod.ts";
import type { Provider } from "../lib/providers/types.ts";
import type { CacheOptions } from "../lib/providers/cache.ts";
import {
  buildManifest,
  critiqueRevisionLoop,
  describeLoopConfig,
  type LoopConfig,
} from "../lib/loop/mod.ts";
import { exportPreferencePairs } from "../lib/export/mod.ts";
import type { Item } from "../lib/schemas/item.ts";
import { type CallRecord, type Trace, TraceSchema } from "../lib/schemas/trace.ts";
import { emit } from "../lib/schemas/events.ts";
import { readJsonl, readTextIfExists } from "../lib/util/jsonl.ts";
import { writeJsonAtomic, writeTextAtomic } from "../lib/util/atomic.ts";
import { sha256Hex } from "../lib/util/hash.ts";
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

/** Traces of finished items from an earlier run, after checking it used the same configuration. */
async function resumable(paths: RunPaths, runId: string, items: Item[]): Promise<Trace[]> {
  const manifestText = await readTextIfExists(paths.manifest);
  const tracesText = await readTextIfExists(paths.traces);
  if (manifestText === undefined) {
    if (tracesText !== undefined) {
      throw new UsageError(
        `cannot resume: ${paths.traces} exists but ${paths.manifest} is missing`,
      );
    }
    return [];
  }
  let previous: string | undefined;
  try {
    previous = JSON.parse(manifestText).runId;
  } catch {
    throw new UsageError(`cannot resume: ${paths.manifest} is not valid JSON`);
  }
  if (previous !== runId) {
    throw new UsageError(
      `cannot resume: ${paths.manifest} is run ${previous}, but these flags make run ${runId} ` +
        `(different prompts, models, constitution or parameters); drop --resume to start over`,
    );
  }
  if (tracesText === undefined) return [];
  const ids = new Set(items.map((i) => i.id));
  const traces = await readJsonl(paths.traces, TraceSchema, { allowTornTail: true });
  return traces.filter((t) => ids.has(t.itemId) && !["aborted", "error"].includes(t.stopReason));
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
  const replay = values.replay === true;
  const output = typeof values.output === "string" ? values.output : undefined;
  if (values.resume && !output) {
    throw new UsageError("--resume needs -o/--output of the earlier run");
  }
  const paths = output ? runPaths(output) : undefined;
  if (paths) {
    await assertNotDirectory(paths.pairs, "-o/--output");
    if (paths.traces === paths.pairs) throw new UsageError("-o/--output must end in .jsonl");
  }

  const items = await collectPrompts({
    prompts: (values.prompt as string[] | undefined) ?? [],
    file: values["prompts-file"] as string | undefined,
  });
  const constitution: Constitution = await constitutionFromFlags(values);
  const prices = await pricesFromFlags(values);

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

  const out = createCliOutput(ui, {
    title: `autoconstitution run · student ${student.spec}` +
      (judgeProvider !== studentProvider ? ` · judge ${judge?.spec}` : "") +
      (replay ? " · REPLAY" : ""),
    prices,
  });
  const config: LoopConfig = {
    provider: studentProvider,
    providers: judgeProvider !== studentProvider
      ? { judge: judgeProvider, critic: judgeProvider }
      : {},
    constitution,
    critic: critiqueMode === "judge"
      ? judgeCritic(judgeProvider, constitution, { stream: out.mode === "live" })
      : undefined,
    teacher: values.teacher === true,
    maxRounds,
    seed,
    stream: out.mode === "live",
    signal,
    onEvent: out.onEvent,
  };
  const described = describeLoopConfig(config);
  const parameters = { ...described.parameters, critiqueMode };
  const runId = sha256Hex({
    roles: described.roles,
    parameters,
    seed,
    constitution: constitution.hash,
    items,
  }).slice(0, 12);

  const done = new Map<string, Trace>();
  if (paths && values.resume) {
    for (const t of await resumable(paths, runId, items)) done.set(t.itemId, t);
  }
  if (paths) {
    const manifest = await buildManifest({
      ...described,
      parameters,
      seeds: seed,
      constitution,
      dataset: items,
      runId,
    });
    await writeJsonAtomic(paths.manifest, manifest);
  }

  const ordered = () => items.flatMap((i) => done.has(i.id) ? [done.get(i.id) as Trace] : []);
  let flushing: Promise<void> = Promise.resolve();
  const flushTraces = () => {
    if (!paths) return flushing;
    flushing = flushing.then(() =>
      writeTextAtomic(paths.traces, ordered().map((t) => JSON.stringify(t) + "\n").join(""))
    );
    return flushing;
  };

  const resumed = done.size;
  const todo = items.filter((i) => !done.has(i.id));
  emit(out.onEvent, { type: "run_start", runId, items: items.length });
  if (resumed) out.info(`resuming: ${resumed} of ${items.length} item(s) already done`);
  emit(out.onEvent, { type: "progress", done: done.size, total: items.length, label: "items" });
  const limiter = createLimiter(concurrency);
  const unfinished: string[] = [];
  await Promise.all(todo.map(async (item) => {
    let trace: Trace;
    try {
      trace = await limiter.run(() => critiqueRevisionLoop(item, config), signal);
    } catch (error) {
      if (signal.aborted) return void unfinished.push(item.id);
      throw error;
    }
    if (trace.stopReason === "aborted") return void unfinished.push(item.id);
    done.set(item.id, trace);
    emit(out.onEvent, { type: "progress", done: done.size, total: items.length, label: "items" });
    await flushTraces();
  }));
  await flushTraces();

  const traces = ordered();
  const failed = traces.filter((t) => t.error !== undefined);
  emit(out.onEvent, {
    type: "run_end",
    runId,
    ok: failed.length === 0 && unfinished.length === 0,
  });
  const pairs = exportPreferencePairs(traces, {
    critic: config.critic?.name ?? "llm",
    constitutionHash: constitution.hash,
    source: values["prompts-file"] ? basename(values["prompts-file"] as string) : "command line",
  });
  if (paths) {
    await writeTextAtomic(paths.pairs, pairs.rows.map((r) => JSON.stringify(r) + "\n").join(""));
  }
  const drops = Object.entries(pairs.gates)
    .filter(([k, v]) => !["kept", "total"].includes(k) && v > 0)
    .map(([k, v]) => `${k} ${v}`);
  const lines = [
    `run ${runId}: ${traces.length}/${items.length} item(s) done (${summarize(traces)})` +
    (resumed ? `, ${resumed} from the earlier run` : ""),
    `models: student ${student.spec}` +
    (judgeProvider !== studentProvider
      ? `, critic and judge ${judge?.spec}`
      : " (also critic and judge)") +
    (cache ? `; cache ${cache.mode} in ${cache.dir}` : ""),
    `preference pairs: ${pairs.gates.kept} kept of ${pairs.gates.total}` +
    (drops.length ? ` (dropped: ${drops.join(", ")})` : ""),
    usageLine(traces.flatMap((t) => t.calls), prices),
  ];
  if (paths) {
    lines.push(`wrote ${paths.pairs}, ${paths.traces}, ${paths.manifest}`);
  } else if (traces.length === 1 && !signal.aborted) {
    lines.push(`chosen answer (round ${traces[0].candidates[traces[0].chosenIndex].round}):`);
    lines.push(traces[0].chosen);
  }
  out.report(lines.join("\n"));
  out.close();

  if (signal.aborted || unfinished.length) {
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
      `${failed.length} of ${items.length} item(s) failed; first: ${failed[0].itemId}: ${
        failed[0].error
      }`,
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
