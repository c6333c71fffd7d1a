/**
 * Shared plumbing for the command-line scripts: flag parsing with `node:util`, exit codes, error
 * mapping, Ctrl-C handling. Commands stay thin callers of `mod.ts`.
 *
 * @module
 */
import type { ScoreTests } from "../lib/tasks/task.ts";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { InputError } from "../lib/util/jsonl.ts";
import { levenshtein } from "../lib/export/edit_distance.ts";
import { ProviderError } from "../lib/providers/types.ts";
import { writeStderr } from "../lib/ui/stdout.ts";
import type { Constitution } from "../lib/constitution/constitution.ts";
import { loadConstitution } from "../lib/constitution/load_constitution.ts";
import { restrictConstitution } from "../lib/constitution/restrict_constitution.ts";
import { selectPrinciples } from "../lib/constitution/render_constitution.ts";
import { loadPriceTable, LOCAL_PRICES, type PriceTable } from "../lib/providers/pricing.ts";

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2, unavailable: 3, interrupted: 130 } as const;

/** Bad usage or bad input: exit 2 with the message. */
export class UsageError extends Error {
  /** @param message What is wrong, naming the flag, file, line or field. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** An explicitly requested provider is unavailable: exit 3. */
export class UnavailableError extends Error {
  /** @param message Which provider and why. */
  constructor(message: string) {
    super(message);
    this.name = "UnavailableError";
  }
}

/** Options of parseArgs, minus what we fix. */
export type FlagSpec = NonNullable<ParseArgsConfig["options"]>;

/**
 * Parses flags strictly; unknown flags and missing values become a UsageError.
 *
 * @param args Command-line arguments after the command name.
 * @param options The flag specification.
 * @returns Parsed values and positionals.
 */
export function parseFlags<T extends FlagSpec>(
  args: string[],
  options: T,
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options,
      strict: true,
      allowPositionals: true,
    });
    return {
      values: values as Record<string, string | boolean | string[] | undefined>,
      positionals,
    };
  } catch (error) {
    throw new UsageError(usageMessage(error as Error & { code?: string }, options));
  }
}

/** parseArgs' message, shortened for an unknown flag and given the closest known flag. */
function usageMessage(error: Error & { code?: string }, options: FlagSpec): string {
  const unknown = error.message.match(/^Unknown option '([^']+)'/)?.[1];
  if (error.code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION" || unknown === undefined) {
    return error.message;
  }
  const bare = unknown.replace(/^-+/, "").split("=")[0];
  const known = Object.keys(options);
  const close = known
    .map((name) => ({ name, d: levenshtein(bare, name, { maxDistance: 3 }) }))
    .filter(({ name, d }) => d <= Math.min(3, Math.floor(name.length / 3)))
    .sort((a, b) => a.d - b.d);
  const prefixed = known.filter((name) => bare.length >= 3 && name.startsWith(bare));
  const near = close[0]?.name ?? (prefixed.length === 1 ? prefixed[0] : undefined);
  return `unknown option ${unknown}${near ? ` (did you mean --${near}?)` : ""}`;
}

/**
 * Reads an integer flag with bounds.
 *
 * @param values Parsed flags.
 * @param name Flag name.
 * @param fallback Default.
 * @param min Smallest allowed value.
 * @returns The integer.
 */
export function intFlag(
  values: Record<string, unknown>,
  name: string,
  fallback: number,
  min = 0,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(
      `--${name} must be an integer ≥ ${min}: current value is ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

/**
 * Reads a float flag within [min, max].
 *
 * @param values Parsed flags.
 * @param name Flag name.
 * @param fallback Default.
 * @param min Smallest allowed value.
 * @param max Largest allowed value.
 * @returns The number.
 */
export function numberFlag(
  values: Record<string, unknown>,
  name: string,
  fallback: number,
  min = -Infinity,
  max = Infinity,
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(
      `--${name} must be a number in [${min}, ${max}]: current value is ${JSON.stringify(raw)}`,
    );
  }
  return n;
}

/**
 * Reads a flag that must be one of a fixed set.
 *
 * @param values Parsed flags.
 * @param name Flag name.
 * @param allowed The allowed values.
 * @param fallback Default.
 * @returns The value.
 */
export function enumFlag<T extends string>(
  values: Record<string, unknown>,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = values[name];
  if (raw === undefined) return fallback;
  if (!allowed.includes(raw as T)) {
    throw new UsageError(
      `--${name} must be one of ${allowed.join("|")}: current value is ${JSON.stringify(raw)}`,
    );
  }
  return raw as T;
}

/** Writes a line to stderr (diagnostics never go to stdout, which may carry JSON lines). */
export function warn(text: string): void {
  writeStderr(text.endsWith("\n") ? text : text + "\n");
}

/**
 * Runs a command body, maps errors to exit codes, and installs a Ctrl-C handler that aborts the
 * returned signal (a second Ctrl-C exits at once).
 *
 * @param body The command, given an abort signal; returns its exit code.
 * @returns Never: exits the process.
 */
export async function runCommand(body: (signal: AbortSignal) => Promise<number>): Promise<never> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) Deno.exit(EXIT.interrupted);
    warn(
      "\ninterrupted: finishing the current step and flushing outputs (Ctrl-C again to quit now)",
    );
    controller.abort(new DOMException("interrupted", "AbortError"));
  };
  try {
    Deno.addSignalListener("SIGINT", onSigint);
  } catch { /* signals unsupported */ }
  let code: number;
  try {
    code = await body(controller.signal);
    if (controller.signal.aborted) code = EXIT.interrupted;
  } catch (error) {
    code = exitCodeFor(error, controller.signal);
    const message = (error as Error).message ?? String(error);
    const help = error instanceof UsageError && !message.includes("--help") ? " (see --help)" : "";
    warn(`error: ${message}${help}`);
  }
  Deno.exit(code);
}

/**
 * Maps an error to the CLI's exit code.
 *
 * @param error Anything thrown.
 * @param signal The run's abort signal.
 * @returns The exit code.
 */
export function exitCodeFor(error: unknown, signal?: AbortSignal): number {
  if (signal?.aborted) return EXIT.interrupted;
  if (error instanceof UsageError || error instanceof InputError) return EXIT.usage;
  if (error instanceof UnavailableError) return EXIT.unavailable;
  if (error instanceof ProviderError && ["auth", "connection", "not_found"].includes(error.kind)) {
    return EXIT.unavailable;
  }
  if (error instanceof Error && error.name === "ConstitutionError") return EXIT.usage;
  return EXIT.failed;
}

/** The constitution flags shared by `cai run`, `demo` and `bench`. */
export const CONSTITUTION_FLAGS = {
  constitution: { type: "string", multiple: true },
  principles: { type: "string" },
  "principle-tags": { type: "string" },
} as const;

function commaList(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  return String(raw).split(",").map((s) => s.trim()).filter(Boolean);
}

/**
 * Loads `--constitution` (base, then overlays; default `constitution.md`) and restricts it to
 * `--principles` / `--principle-tags`.
 *
 * @param values Parsed flags.
 * @returns The constitution to run with (its hash reflects the restriction).
 * @throws {UsageError} naming the flag for an unknown principle id or tag.
 */
export async function constitutionFromFlags(
  values: Record<string, unknown>,
): Promise<Constitution> {
  const constitution = await loadConstitution((values.constitution as string[] | undefined) ?? []);
  const ids = commaList(values.principles);
  const tags = commaList(values["principle-tags"]);
  // Each flag is checked on its own, so an error names the flag that caused it.
  for (
    const [flag, selection] of [["--principles", { ids }], ["--principle-tags", { tags }]] as const
  ) {
    try {
      selectPrinciples(constitution, selection);
    } catch (error) {
      throw new UsageError(`${flag}: ${(error as Error).message}`);
    }
  }
  return restrictConstitution(constitution, { ids, tags });
}

/** `--prices FILE`: USD per million tokens by `provider:model` (see `loadPriceTable`). */
export const PRICES_FLAG = { prices: { type: "string" } } as const;

/**
 * The price table of `--prices FILE` (on top of the free local engines), or the local prices only.
 *
 * @param values Parsed flags.
 * @returns The table.
 * @throws {InputError} naming the file and the bad key or field.
 */
export async function pricesFromFlags(values: Record<string, unknown>): Promise<PriceTable> {
  return values.prices === undefined
    ? { ...LOCAL_PRICES }
    : await loadPriceTable(String(values.prices));
}

/**
 * Reads `--score-tests hidden|all` (bench and bench pool).
 *
 * @param values Parsed flags.
 * @returns `hidden` (the default) or `all`.
 * @throws {UsageError} for any other value.
 *
 * @example
 * ```ts
 * import { scoreTestsFlag } from "./_cli.ts";
 * if (scoreTestsFlag({}) !== "hidden" || scoreTestsFlag({ "score-tests": "all" }) !== "all") {
 *   throw new Error();
 * }
 * ```
 */
export function scoreTestsFlag(values: Record<string, unknown>): ScoreTests {
  const raw = values["score-tests"] ?? "hidden";
  if (raw !== "hidden" && raw !== "all") {
    throw new UsageError(
      `--score-tests must be hidden|all: current value is ${JSON.stringify(values["score-tests"])}`,
    );
  }
  return raw;
}
