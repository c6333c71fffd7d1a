/**
 * `cai demo` (`deno task demo`): probes providers briefly; with one ready, runs a three-round
 * critique–revision loop on a canned prompt with the live dashboard; with none, says how to enable
 * one and runs the offline demo — the SIMULATED student on real coding problems with real
 * sandboxed tests. Works on a fresh machine with no network.
 *
 * @module
 */
import type { Constitution } from "../lib/constitution/constitution.ts";
import { createProvider } from "../lib/providers/mod.ts";
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

/** Help of `cai demo`. */
export const DEMO_HELP =
  `usage: deno task demo [--offline] [--provider <spec>] [--principles <ids>] [--ui <mode>]

Probes the providers (about 1.5 s). With one ready, runs a three-round critique–revision loop on a
canned prompt with the live dashboard. With none, says how to enable one, then runs the offline
demo: a SIMULATED student writes real code for problems of datasets/coding_hard.jsonl, sandboxed
tests score it, and a report compares baseline, test-grounded revision and a same-budget best-of-n.

      --offline            skip the probe and run the offline SIMULATED demo
      --provider <spec>    use this provider (exit 3 when it is unavailable)
      --model <name>       model of --provider
      --constitution <f>   constitution for the live loop (repeatable: base, then overlays)
      --principles <ids>   the live loop uses only these principles (e.g. a small model's context)
      --principle-tags <t> … or only principles with these tags
      --prices <file>      USD per million tokens by "provider:model" (live cost counter)
${UI_HELP}
  -h, --help               this help

Examples:
  deno task demo
  deno task demo --offline --ui plain
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
  - Embedded llama.cpp: deno run -A scripts/install_llamacpp.ts, then
                export AUTOCONSTITUTION_GGUF=path/to/model.gguf
\`deno task cai providers\` shows what is available and why.`;

const FLAGS = {
  offline: { type: "boolean" },
  provider: { type: "string" },
  model: { type: "string" },
  ...CONSTITUTION_FLAGS,
  ...PRICES_FLAG,
  ...UI_FLAG,
  help: { type: "boolean", short: "h" },
} as const;

async function liveDemo(
  spec: string,
  constitution: Constitution,
  out: CliOutput,
  signal: AbortSignal,
): Promise<number> {
  const provider = await createProvider(spec);
  emit(out.onEvent, { type: "run_start", runId: "demo", items: 1 });
  emit(out.onEvent, { type: "progress", done: 0, total: 1, label: "items" });
  const trace = await critiqueRevisionLoop({ id: "demo", prompt: DEMO_PROMPT }, {
    provider,
    constitution,
    maxRounds: 3,
    stopWhenPassed: false,
    // Bounded outputs keep small local models (2k-token contexts) from filling their context.
    roleParams: {
      student: { maxTokens: 512 },
      critic: { maxTokens: 512 },
      teacher: { maxTokens: 256 },
      judge: { maxTokens: 256 },
    },
    stream: out.mode === "live",
    signal,
    onEvent: out.onEvent,
  });
  emit(out.onEvent, { type: "progress", done: 1, total: 1, label: "items" });
  emit(out.onEvent, { type: "run_end", runId: "demo", ok: trace.error === undefined });
  const chosen = trace.candidates[trace.chosenIndex];
  const kept = trace.candidates.filter((c) => c.round > 0 && c.decision?.decision === "keep");
  out.report([
    `demo with ${spec}: ${trace.rounds} round(s), ${kept.length} revision(s) kept, stop: ${trace.stopReason}`,
    `score: initial ${trace.candidates[0].score?.score.toFixed(2) ?? "-"} → chosen ${
      chosen.score?.score.toFixed(2) ?? "-"
    } (round ${chosen.round})`,
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
    return await liveDemo(spec, constitution, out, signal);
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
