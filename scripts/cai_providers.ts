/**
 * `cai providers`: every provider's status with a one-line reason and the model it would use —
 * Ollama, the hosted OpenAI-compatible services, Anthropic, local OpenAI-compatible servers and the
 * embedded llama.cpp engine — plus which one an automatic run would pick.
 *
 * @module
 */
import { z } from "zod";
import {
  AUTO_ORDER,
  checkLlamaCpp,
  pickProvider,
  probeProviders,
  providerKinds,
  type ProviderProbe,
  ProviderProbeSchema,
} from "../lib/providers/mod.ts";
import { colorEnabled, createStyles } from "../lib/ui/ansi.ts";
import { EXIT, numberFlag, parseFlags, UsageError } from "./_cli.ts";
import { createCliOutput, UI_FLAG, UI_HELP, uiFlag } from "./cai_output.ts";
import { zodOf } from "../lib/schemas/zod_of.ts";

/** Help of `cai providers`. */
export const PROVIDERS_HELP = `usage: deno task cai providers [--json] [--timeout <seconds>]

Probes every provider in parallel and prints its status (ready, no_key, unreachable, no_model,
error), a one-line reason and the model it would use. Automatic runs pick the first ready one in
the order ${AUTO_ORDER.join(" → ")}.

      --json                 print {"providers": [...], "auto": <spec or null>} as one JSON document
      --timeout <seconds>    probe timeout per provider (default 3)
${UI_HELP}
  -h, --help                 this help

Enable providers with: ollama serve && ollama pull llama3.2 (Ollama), MOONSHOT_API_KEY (Kimi),
ANTHROPIC_API_KEY, OPENAI_API_KEY, OPENROUTER_API_KEY, VLLM_BASE_URL, LLAMACPP_BASE_URL, or
AUTOCONSTITUTION_GGUF=path/to/model.gguf for the embedded engine
(deno run -A scripts/install_llamacpp.ts installs it).

Examples:
  deno task cai providers
  deno task cai providers --json --timeout 1 | jq '.auto'`;

/** Providers listed: the auto-pick order, then the other listed kinds of the provider table. */
export const LISTED_PROVIDERS: readonly string[] = [
  ...AUTO_ORDER,
  ...providerKinds((k) => k.listed && !AUTO_ORDER.includes(k.kind)),
];

/** The document `cai providers --json` prints. */
export const ProvidersReportSchema = z.object({
  /** One probe per listed provider, in {@linkcode LISTED_PROVIDERS} order. */
  providers: z.array(zodOf(ProviderProbeSchema)),
  /** The spec an automatic run would use, or null when none is ready. */
  auto: z.string().nullable(),
});
/** The document `cai providers --json` prints. */
export type ProvidersReport = z.infer<typeof ProvidersReportSchema>;

const FLAGS = {
  json: { type: "boolean" },
  timeout: { type: "string" },
  ...UI_FLAG,
  help: { type: "boolean", short: "h" },
} as const;

/** Options for {@linkcode formatProviderTable}. */
export interface ProviderTableOptions {
  /** Colour the status column. @default false */
  color?: boolean;
}

/**
 * Formats probes as an aligned table with a closing auto-pick line.
 *
 * @param probes Probe results.
 * @param options Colour.
 * @returns The table text.
 *
 * @example
 * ```ts
 * import { formatProviderTable } from "./cai_providers.ts";
 * const text = formatProviderTable([{ provider: "kimi", status: "no_key", reason: "set MOONSHOT_API_KEY" }]);
 * if (!text.includes("set MOONSHOT_API_KEY") || !text.includes("auto-pick: none")) throw new Error(text);
 * ```
 */
export function formatProviderTable(
  probes: readonly ProviderProbe[],
  options: ProviderTableOptions = {},
): string {
  const st = createStyles(options.color ?? false);
  const width = (f: (p: ProviderProbe) => string, title: string) =>
    Math.max(title.length, ...probes.map((p) => f(p).length));
  const wp = width((p) => p.provider, "provider");
  const ws = width((p) => p.status, "status");
  const wm = width((p) => p.model ?? "-", "model");
  const lines = [
    st.bold(`${"provider".padEnd(wp)}  ${"status".padEnd(ws)}  ${"model".padEnd(wm)}  reason`),
  ];
  for (const p of probes) {
    const status = p.status.padEnd(ws);
    const colored = p.status === "ready"
      ? st.green(status)
      : p.status === "error"
      ? st.red(status)
      : st.yellow(status);
    lines.push(`${p.provider.padEnd(wp)}  ${colored}  ${(p.model ?? "-").padEnd(wm)}  ${p.reason}`);
  }
  const pick = pickProvider(probes);
  lines.push(
    pick
      ? `auto-pick: ${pick.spec ?? pick.provider}`
      : "auto-pick: none ready (start Ollama or set a key; see --help)",
  );
  return lines.join("\n");
}

/**
 * The `cai providers` command.
 *
 * @param args Arguments after `providers`.
 * @param _signal Unused (probes time out on their own).
 * @returns The exit code (0: the listing itself succeeded, whatever the statuses).
 *
 * @example Help
 * ```ts ignore
 * import { providersMain } from "./cai_providers.ts";
 * if (await providersMain(["--help"], new AbortController().signal) !== 0) throw new Error();
 * ```
 */
export async function providersMain(args: string[], _signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS);
  if (values.help) {
    console.log(PROVIDERS_HELP);
    return EXIT.ok;
  }
  if (positionals.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  }
  const ui = uiFlag(values);
  const timeoutMs = numberFlag(values, "timeout", 3, 0.05, 120) * 1000;
  const probes = await probeProviders({
    providers: LISTED_PROVIDERS,
    timeoutMs,
    llamacppCheck: () => checkLlamaCpp(),
  });
  const pick = pickProvider(probes);
  if (values.json) {
    const report: ProvidersReport = { providers: probes, auto: pick?.spec ?? null };
    console.log(JSON.stringify(report, null, 2));
    return EXIT.ok;
  }
  const out = createCliOutput(ui);
  if (out.mode === "json") {
    for (const p of probes) {
      out.info(`${p.provider} ${p.status}${p.model ? ` ${p.model}` : ""}: ${p.reason}`);
    }
    out.info(`auto-pick: ${pick?.spec ?? "none"}`);
  } else {
    let tty = false;
    try {
      tty = Deno.stdout.isTerminal();
    } catch { /* no terminal */ }
    out.report(formatProviderTable(probes, { color: colorEnabled(tty) }));
  }
  out.close();
  return EXIT.ok;
}
