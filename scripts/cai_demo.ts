/**
 * `cai demo` (`deno task demo`): probes providers briefly; with one ready, runs a three-round
 * critique–revision loop on a canned prompt with the live dashboard; with none, says how to enable
 * one and runs the offline demo — the SIMULATED student on real coding problems with real
 * sandboxed tests. Works on a fresh machine with no network. `--local` (or yes to the offer on a
 * terminal) installs the embedded engine and downloads a default model first (`cai_demo_local.ts`);
 * the live loop is always fitted to a local model's context (`planForContext`).
 *
 * @module
 */
import type { Constitution } from "../lib/constitution/constitution.ts";
import { restrictConstitution } from "../lib/constitution/restrict_constitution.ts";
import { createProvider, parseProviderSpec, type Provider } from "../lib/providers/mod.ts";
import { createLlamaCppProvider } from "../lib/providers/llamacpp.ts";
import { type ContextPlan, planForContext } from "../lib/providers/context_plan.ts";
import { DEFAULT_GGUF_MODEL } from "../lib/providers/default_model.ts";
import { resolveUiMode } from "../lib/ui/terminal.ts";
import { stdoutIsTerminal, writeStdout } from "../lib/ui/stdout.ts";
import { critiqueRevisionLoop } from "../lib/loop/mod.ts";
import { emit } from "../lib/schemas/events.ts";
import {
  CONSTITUTION_FLAGS,
  constitutionFromFlags,
  EXIT,
  parseFlags,
  PRICES_FLAG,
  pricesFromFlags,
  UsageError,
} from "./_cli.ts";
import { type CliOutput, createCliOutput, UI_FLAG, UI_HELP, uiFlag } from "./cai_output.ts";
import { probeAll, resolveProviderSpec } from "./cai_resolve.ts";
import { runOfflineDemo } from "./cai_demo_offline.ts";
import {
  humanBytes,
  LOCAL_DEMO_COMMAND,
  type LocalDemoConsole,
  prepareLocalDemo,
} from "./cai_demo_local.ts";

/** Help of `cai demo`. */
export const DEMO_HELP =
  `usage: deno task demo [--offline | --local | --provider <spec>] [--principles <ids>] [--ui <mode>]

Probes the providers (about 1.5 s). With one ready, runs a three-round critique–revision loop on a
canned prompt with the live dashboard. With none, says how to enable one, then runs the offline
demo: a SIMULATED student writes real code for problems of datasets/coding_hard.jsonl, sandboxed
tests score it, and a report compares baseline, test-grounded revision and a same-budget best-of-n.
On a terminal with no provider ready, it offers to run --local instead (never without asking).

      --offline            skip the probe and run the offline SIMULATED demo
      --local              a real model in-process: installs the llama.cpp engine if missing,
                           downloads ${DEFAULT_GGUF_MODEL.repo} once
                           (${DEFAULT_GGUF_MODEL.file}, about ${
    humanBytes(DEFAULT_GGUF_MODEL.approxBytes)
  }; resumable, checked
                           against the hub's SHA-256, pinned in models.lock.json) and fits the loop to
                           its context; honours HF_ENDPOINT and HF_TOKEN
      --provider <spec>    use this provider (exit 3 when it is unavailable)
      --model <name>       model of --provider; with --local a GGUF path or hf:<user>/<repo>/<file>.gguf
                           (default: $AUTOCONSTITUTION_GGUF, else the model above)
      --threads <n>        CPU threads of the local engine (default: 1 for tiny models, else up to 4)
      --constitution <f>   constitution for the live loop (repeatable: base, then overlays)
      --principles <ids>   the live loop uses only these principles (e.g. a small model's context)
      --principle-tags <t> … or only principles with these tags
      --prices <file>      USD per million tokens by "provider:model" (live cost counter)
${UI_HELP}
  -h, --help               this help

Examples:
  deno task demo
  deno task demo --offline --ui plain
  deno task demo --local
  deno task demo --provider ollama:llama3.2`;

/** The canned prompt of the live demo. */
export const DEMO_PROMPT =
  "Explain to a curious twelve-year-old why the sky is blue but sunsets are red, in at most five " +
  "sentences. Be accurate about the physics and say what is simplified.";

/** How to enable a provider (printed when none is ready). */
export const NO_PROVIDER_HELP =
  `No model provider is ready, so this demo runs offline. To use a real model:
  - Ollama:     ollama serve   then   ollama pull llama3.2
  - Kimi:       export MOONSHOT_API_KEY=...
  - Anthropic:  export ANTHROPIC_API_KEY=...
  - OpenAI:     export OPENAI_API_KEY=...
  - Embedded llama.cpp, one command: ${LOCAL_DEMO_COMMAND}   (installs the engine, downloads
                ${DEFAULT_GGUF_MODEL.repo}, about ${
    humanBytes(DEFAULT_GGUF_MODEL.approxBytes)
  }, once)
                or your own model: export AUTOCONSTITUTION_GGUF=path/to/model.gguf
\`deno task cai providers\` shows what is available and why.`;

const FLAGS = {
  offline: { type: "boolean" },
  local: { type: "boolean" },
  threads: { type: "string" },
  provider: { type: "string" },
  model: { type: "string" },
  ...CONSTITUTION_FLAGS,
  ...PRICES_FLAG,
  ...UI_FLAG,
  help: { type: "boolean", short: "h" },
} as const;

/** Something that can say its context size (the embedded engine). */
interface Loadable {
  load(options?: { signal?: AbortSignal }): Promise<{ contextSize: number }>;
}

function isLoadable(provider: Provider): provider is Provider & Loadable {
  return typeof (provider as Partial<Loadable>).load === "function";
}

async function dispose(provider: Provider): Promise<void> {
  const d = (provider as { dispose?: () => Promise<void> }).dispose;
  if (typeof d === "function") await d.call(provider).catch(() => {});
}

async function liveDemo(
  provider: Provider,
  spec: string,
  constitution: Constitution,
  plan: ContextPlan | undefined,
  out: CliOutput,
  signal: AbortSignal,
): Promise<number> {
  let outputTokens = 0;
  let callMs = 0;
  const onEvent: typeof out.onEvent = (event) => {
    if (event.type === "call" && !event.cached) {
      outputTokens += event.usage.outputTokens ?? 0;
      callMs += event.ms;
    }
    out.onEvent(event);
  };
  emit(out.onEvent, { type: "run_start", runId: "demo", items: 1 });
  emit(out.onEvent, { type: "progress", done: 0, total: 1, label: "items" });
  const trace = await critiqueRevisionLoop({ id: "demo", prompt: DEMO_PROMPT }, {
    provider,
    constitution,
    maxRounds: plan?.maxRounds ?? 3,
    stopWhenPassed: false,
    // Bounded outputs keep small local models from filling their context (fitted to it when known).
    roleParams: {
      student: { maxTokens: plan?.maxTokens.student ?? 512 },
      critic: { maxTokens: plan?.maxTokens.critic ?? 512 },
      teacher: { maxTokens: plan?.maxTokens.teacher ?? 256 },
      judge: { maxTokens: plan?.maxTokens.judge ?? 256 },
    },
    stream: out.mode === "live",
    signal,
    onEvent,
  });
  await dispose(provider);
  emit(out.onEvent, { type: "progress", done: 1, total: 1, label: "items" });
  emit(out.onEvent, { type: "run_end", runId: "demo", ok: trace.error === undefined });
  const chosen = trace.candidates[trace.chosenIndex];
  const kept = trace.candidates.filter((c) => c.round > 0 && c.decision?.decision === "keep");
  out.report([
    `demo with ${spec}: ${trace.rounds} round(s), ${kept.length} revision(s) kept, stop: ${trace.stopReason}`,
    `score: initial ${trace.candidates[0].score?.score.toFixed(2) ?? "-"} → chosen ${
      chosen.score?.score.toFixed(2) ?? "-"
    } (round ${chosen.round})`,
    ...(plan ? [`constitution: ${plan.principleIds.length} principle(s) (${plan.note})`] : []),
    ...(outputTokens > 0 && callMs > 0
      ? [
        `speed: ${outputTokens} output tokens in ${(callMs / 1000).toFixed(1)} s of calls (${
          (outputTokens / (callMs / 1000)).toFixed(0)
        } tokens/s, prompt processing included)`,
      ]
      : []),
    "",
    "Prompt:",
    DEMO_PROMPT,
    "",
    "Chosen answer:",
    trace.chosen,
  ].join("\n"));
  out.close();
  if (signal.aborted || trace.stopReason === "aborted") return EXIT.interrupted;
  if (trace.error !== undefined) throw new Error(`the demo failed: ${trace.error}`);
  return EXIT.ok;
}

/**
 * The `cai demo` command.
 *
 * @param args Arguments after `demo`.
 * @param signal Aborted by Ctrl-C.
 * @returns The exit code.
 * @throws {UnavailableError} when `--provider` names an unavailable provider.
 *
 * @example Help
 * ```ts ignore
 * import { demoMain } from "./cai_demo.ts";
 * if (await demoMain(["--help"], new AbortController().signal) !== 0) throw new Error();
 * ```
 */
export async function demoMain(args: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  if (values.help) {
    console.log(DEMO_HELP);
    return EXIT.ok;
  }
  if (positionals.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  }
  const ui = uiFlag(values);
  const constitution = await constitutionFromFlags(values);
  const prices = await pricesFromFlags(values);
  if (values.offline && values.provider) {
    throw new UsageError("--offline and --provider exclude each other");
  }
  if (values.local && (values.offline || values.provider)) {
    throw new UsageError(`--local excludes ${values.offline ? "--offline" : "--provider"}`);
  }
  let threads: number | undefined;
  if (values.threads !== undefined) {
    threads = Number(values.threads);
    if (!Number.isInteger(threads) || threads < 1) {
      throw new UsageError(
        `--threads must be an integer >= 1, got ${JSON.stringify(values.threads)}`,
      );
    }
  }
  const local = async (): Promise<number> => {
    const mode = resolveUiMode(ui, stdoutIsTerminal());
    const pre = createCliOutput(mode === "live" ? "plain" : mode);
    const con: LocalDemoConsole = { mode, out: pre, write: writeStdout };
    const setup = await prepareLocalDemo(constitution, con, {
      model: values.model as string | undefined,
      threads,
      signal,
    });
    if (setup.ok) {
      const out = createCliOutput(ui, { title: `autoconstitution demo · ${setup.label}`, prices });
      return await liveDemo(
        setup.provider,
        setup.label,
        setup.constitution,
        setup.plan,
        out,
        signal,
      );
    }
    const out = createCliOutput(ui, {
      title: "autoconstitution demo · SIMULATED student, real sandboxed tests",
    });
    out.report(
      `The local model cannot run: ${setup.reason}\nRunning the offline demo instead (SIMULATED).\n`,
    );
    const result = await runOfflineDemo({ onEvent: out.onEvent, signal });
    out.report(result.report);
    out.close();
    return signal.aborted ? EXIT.interrupted : EXIT.ok;
  };
  if (values.local) return await local();
  let spec: string | undefined;
  if (typeof values.provider === "string") {
    spec = (await resolveProviderSpec(values.provider, {
      model: values.model as string | undefined,
      timeoutMs: 1500,
    })).spec;
  } else if (!values.offline) {
    const probes = await probeAll({ timeoutMs: 1500, model: values.model as string | undefined });
    spec = probes.find((p) => p.status === "ready" && p.spec)?.spec;
    // probeAll lists in auto-pick order, so the first ready one is the pick.
  }
  if (spec) {
    const out = createCliOutput(ui, { title: `autoconstitution demo · ${spec}`, prices });
    const { kind, model } = parseProviderSpec(spec);
    // The embedded engine is created bare (no HTTP retries to wrap) so its context size is known.
    const provider = kind === "llamacpp"
      ? createLlamaCppProvider({ model: model || undefined, threads })
      : await createProvider(spec);
    let plan: ContextPlan | undefined;
    let fitted = constitution;
    if (isLoadable(provider)) {
      // A local model's context is known once loaded: fit the loop to it instead of overflowing.
      plan = planForContext((await provider.load({ signal })).contextSize, constitution.principles);
      fitted = restrictConstitution(constitution, { ids: plan.principleIds });
      if (plan.droppedIds.length) out.warn(`fitting the demo to the model: ${plan.note}`);
    }
    return await liveDemo(provider, spec, fitted, plan, out, signal);
  }
  if (!values.offline && Deno.stdin.isTerminal() && stdoutIsTerminal()) {
    const yes = confirm(
      `No model provider is ready. Run the demo on a real local model instead? This installs the ` +
        `llama.cpp engine if missing (~65 MB) and downloads ${DEFAULT_GGUF_MODEL.repo} ` +
        `(${DEFAULT_GGUF_MODEL.licence}, about ${
          humanBytes(DEFAULT_GGUF_MODEL.approxBytes)
        }) once.`,
    );
    if (yes) return await local();
  }
  const out = createCliOutput(ui, {
    title: "autoconstitution demo · SIMULATED student, real sandboxed tests",
  });
  if (!values.offline) out.report(NO_PROVIDER_HELP + "\n");
  const result = await runOfflineDemo({ onEvent: out.onEvent, signal });
  out.report(result.report);
  out.close();
  return signal.aborted ? EXIT.interrupted : EXIT.ok;
}
