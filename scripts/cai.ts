/**
 * The `cai` command line (`deno task cai <command>`; `deno task demo` is `cai demo`).
 *
 * ```sh
 * deno task demo                               # probe, then a live loop or the offline SIMULATED demo
 * deno task cai providers [--json]             # what is available, and why not
 * deno task cai run -p "…" [-o pairs.jsonl]    # critique–revision loop, DPO pairs
 * deno task cai bench …                        # benchmark arms (scripts/bench.ts)
 * ```
 *
 * Exit codes: 0 ok, 1 the run failed, 2 bad usage or input, 3 provider unavailable, 130
 * interrupted. Every command takes `--help` and `--ui auto|live|plain|json`.
 *
 * @module
 */
import { EXIT, runCommand, UsageError } from "./_cli.ts";

/** Top-level help. */
export const CAI_HELP = `usage: deno task cai <command> [options]

Constitutional critique–revision loops: agents propose, critique, revise and judge, and a ratchet
keeps only what gets better, under rules written in Markdown (constitution.md).

Commands:
  demo        probe providers; run a live three-round loop, or the offline SIMULATED demo
  run         run the loop on prompts and write DPO preference pairs
  providers   show each provider's status, reason and model
  bench       compare arms (baseline, tests, judge, best-of-n) on a coding dataset

Every command takes --help and --ui auto|live|plain|json (live dashboard on a terminal, plain
lines when piped, JSON events with --ui json).

Examples:
  deno task demo
  deno task cai providers
  deno task cai run -p "Explain DNS to a new engineer." -o pairs.jsonl
  deno task cai bench --help

Exit codes: 0 ok, 1 the run failed, 2 bad usage or input, 3 provider unavailable, 130 interrupted.`;

type CommandMain = (args: string[], signal: AbortSignal) => Promise<number>;

const COMMANDS: Record<string, () => Promise<CommandMain>> = {
  demo: async () => (await import("./cai_demo.ts")).demoMain,
  run: async () => (await import("./cai_run.ts")).runMain,
  providers: async () => (await import("./cai_providers.ts")).providersMain,
  bench: async () => {
    let mod: { benchMain?: CommandMain };
    try {
      mod = await import("./bench.ts");
    } catch (error) {
      throw new Error(`cai bench is unavailable: cannot load scripts/bench.ts (${error})`);
    }
    if (typeof mod.benchMain !== "function") {
      throw new Error("cai bench is unavailable: scripts/bench.ts exports no benchMain");
    }
    return mod.benchMain;
  },
};

/**
 * Dispatches a `cai` command line.
 *
 * @param args The arguments (command first).
 * @param signal Aborted by Ctrl-C.
 * @returns The exit code.
 * @throws {UsageError} for an unknown command or bad flags (with a pointer to `--help`).
 *
 * @example Top-level help
 * ```ts ignore
 * import { caiMain } from "./cai.ts";
 * if (await caiMain(["--help"], new AbortController().signal) !== 0) throw new Error();
 * ```
 */
export async function caiMain(args: string[], signal: AbortSignal): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || ["-h", "--help", "help"].includes(command)) {
    console.log(CAI_HELP);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!load) {
    throw new UsageError(
      `unknown command ${JSON.stringify(command)}; commands: ${Object.keys(COMMANDS).join(", ")} ` +
        `(deno task cai --help)`,
    );
  }
  const main = await load();
  try {
    return await main(rest, signal);
  } catch (error) {
    if (error instanceof UsageError && !error.message.includes("--help")) {
      error.message += `\n(see deno task cai ${command} --help)`;
    }
    throw error;
  }
}

if (import.meta.main) {
  await runCommand((signal) => caiMain(Deno.args, signal));
}
