/**
 * Runs the runner command with a hard timeout that kills the whole process tree (the child gets
 * its own session/process group; the group is sent SIGTERM, then SIGKILL after a grace period),
 * captures its output to a log file, and parses metrics from the output.
 *
 * Isolation is a hook: pass a {@linkcode RunnerSandbox} that rewrites the argv (e.g. wrap it in
 * `bwrap`, a container, or `lib/sandbox`).
 *
 * @module
 */
import { dirname } from "node:path";

/** Rewrites a runner invocation to run isolated (the sandbox hook). */
export interface RunnerSandbox {
  /** Name recorded in the ledger. */
  readonly name: string;
  /**
   * Returns the argv to execute instead of `argv` (same semantics: output on stdout/stderr, exit
   * code, metric lines).
   */
  wrap(argv: string[], context: { cwd: string; env: Record<string, string> }): string[];
}

/** Options for {@linkcode runCommand}. */
export interface RunCommandOptions {
  /** Working directory. @default Deno.cwd() */
  cwd?: string;
  /** Extra environment variables (merged over the current environment). @default {} */
  env?: Record<string, string>;
  /** Hard timeout in milliseconds; the process group is killed when it expires. @default 600000 */
  timeoutMs?: number;
  /** Milliseconds between SIGTERM and SIGKILL. @default 1000 */
  graceMs?: number;
  /** Write the combined output here (stdout then stderr sections). @default undefined */
  logPath?: string;
  /** Write the child's process-group id here while it runs (for crash recovery). @default undefined */
  pidFile?: string;
  /** Abort: kills the process group. @default undefined */
  signal?: AbortSignal;
  /** Isolation hook. @default undefined */
  sandbox?: RunnerSandbox;
  /** Characters of each stream kept in memory (the tail). @default 1000000 */
  maxChars?: number;
}

/** What one run produced. */
export interface RunResult {
  /** Exit code (null when killed by a signal). */
  code: number | null;
  /** Terminating signal, when there was one. */
  signal: string | null;
  /** True when the hard timeout fired. */
  timedOut: boolean;
  /** True when the abort signal fired. */
  aborted: boolean;
  /** Standard output (tail, at most `maxChars`). */
  stdout: string;
  /** Standard error (tail, at most `maxChars`). */
  stderr: string;
  /** Wall time in milliseconds. */
  ms: number;
  /** The argv actually executed. */
  argv: string[];
}

/**
 * Turns a runner command (argv array, or a string run with `sh -c`) into an argv.
 *
 * @param command The command.
 * @returns The argv.
 *
 * @example A string goes through the shell
 * ```ts
 * import { toArgv } from "./runner.ts";
 * if (toArgv("echo hi").join(" ") !== "sh -c echo hi") throw new Error("unexpected argv");
 * ```
 */
export function toArgv(command: string | readonly string[]): string[] {
  if (typeof command === "string") {
    if (command.trim() === "") throw new TypeError("toArgv: command must not be empty");
    return ["sh", "-c", command];
  }
  if (
    !Array.isArray(command) || command.length === 0 || command.some((c) => typeof c !== "string")
  ) {
    throw new TypeError(`toArgv: command must be a string or a non-empty string array`);
  }
  return [...command];
}

/**
 * Makes a runner command that starts with `deno` run the Deno that is running this code
 * (`Deno.execPath()`), so a problem's `[deno, run, …]` works where `deno` is not on PATH (Deno
 * installed through npx, a Jupyter kernel started from a desktop launcher). Other commands are
 * returned unchanged; a shell string finds the running Deno through `PATH`, to which `runCommand`
 * appends its directory.
 *
 * @param argv The command's argv.
 * @returns The argv with a leading `deno` replaced by the running Deno's path.
 *
 * @example
 * ```ts
 * import { resolveDeno } from "./runner.ts";
 * if (resolveDeno(["deno", "run", "x.ts"])[0] !== Deno.execPath()) throw new Error("not resolved");
 * if (resolveDeno(["python3", "x.py"])[0] !== "python3") throw new Error("changed");
 * ```
 */
export function resolveDeno(argv: readonly string[]): string[] {
  return argv[0] === "deno" ? [Deno.execPath(), ...argv.slice(1)] : [...argv];
}

/** The environment with the running Deno's directory appended to `PATH` (a last resort). */
function withDenoOnPath(env: Record<string, string>): Record<string, string> {
  const dir = dirname(Deno.execPath());
  const path = env.PATH ?? Deno.env.get("PATH") ?? "";
  if (path.split(":").includes(dir)) return env;
  return { ...env, PATH: path ? `${path}:${dir}` : dir };
}

/**
 * Runs a command with a hard timeout that kills its whole process tree.
 *
 * @param command argv array or shell string.
 * @param options Working directory, environment, timeout, log file, abort signal, sandbox.
 * @returns Exit code, signal, captured output and timing. Never throws for a failing command;
 *   throws only when the program cannot be started.
 *
 * @example Capture output and exit code
 * ```ts
 * import { runCommand } from "./runner.ts";
 * const r = await runCommand("echo metric: 3; exit 2", { timeoutMs: 5000 });
 * if (r.code !== 2 || !r.stdout.includes("metric: 3")) throw new Error("unexpected result");
 * ```
 */
export async function runCommand(
  command: string | readonly string[],
  options: RunCommandOptions = {},
): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  if (!(timeoutMs > 0)) throw new RangeError(`runCommand: timeoutMs must be > 0, got ${timeoutMs}`);
  const graceMs = options.graceMs ?? 1000;
  const maxChars = options.maxChars ?? 1_000_000;
  const cwd = options.cwd ?? Deno.cwd();
  const env = withDenoOnPath(options.env ?? {});
  let argv = resolveDeno(toArgv(command));
  if (options.sandbox) argv = options.sandbox.wrap(argv, { cwd, env });
  const started = performance.now();
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    cwd,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    detached: true, // own session and process group, so the whole tree can be killed
  }).spawn();
  const pgid = child.pid;
  if (options.pidFile) {
    await Deno.mkdir(dirname(options.pidFile), { recursive: true });
    await Deno.writeTextFile(options.pidFile, String(pgid));
  }
  let timedOut = false, aborted = false;
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const killGroup = (): void => {
    killProcessGroup(pgid, "SIGTERM");
    killTimer ??= setTimeout(() => killProcessGroup(pgid, "SIGKILL"), graceMs);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, timeoutMs);
  const onAbort = (): void => {
    aborted = true;
    killGroup();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort);
  try {
    const [stdout, stderr, status] = await Promise.all([
      collect(child.stdout, maxChars),
      collect(child.stderr, maxChars),
      child.status,
    ]);
    // Children that outlive the leader are still in the group: make sure none survive.
    killProcessGroup(pgid, "SIGKILL");
    if (options.logPath) {
      await Deno.mkdir(dirname(options.logPath), { recursive: true });
      await Deno.writeTextFile(
        options.logPath,
        `$ ${argv.join(" ")}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}\n` +
          `--- exit: code=${status.code} signal=${status.signal ?? ""}` +
          `${timedOut ? " (timeout)" : ""}${aborted ? " (aborted)" : ""}\n`,
      );
    }
    return {
      code: status.signal ? null : status.code,
      signal: status.signal ?? null,
      timedOut,
      aborted,
      stdout,
      stderr,
      ms: performance.now() - started,
      argv,
    };
  } finally {
    clearTimeout(timer);
    if (killTimer !== undefined) clearTimeout(killTimer);
    options.signal?.removeEventListener("abort", onAbort);
    if (options.pidFile) await Deno.remove(options.pidFile).catch(() => {});
  }
}

/**
 * Sends a signal to a whole process group, ignoring groups that no longer exist.
 *
 * @param pgid Process-group id (the leader's pid).
 * @param signal The signal.
 * @returns True when the signal was delivered.
 *
 * @example A vanished group is not an error
 * ```ts
 * import { killProcessGroup } from "./runner.ts";
 * if (killProcessGroup(2 ** 22 + 12345, "SIGTERM")) throw new Error("no such group should exist");
 * ```
 */
export function killProcessGroup(pgid: number, signal: Deno.Signal): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) {
    throw new RangeError(`killProcessGroup: pgid must be an integer > 1, got ${pgid}`);
  }
  try {
    Deno.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

async function collect(stream: ReadableStream<Uint8Array>, maxChars: number): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) {
    text += decoder.decode(chunk, { stream: true });
    if (text.length > 2 * maxChars) text = text.slice(-maxChars);
  }
  text += decoder.decode();
  return text.length > maxChars ? text.slice(-maxChars) : text;
}

/**
 * Parses a number from output with a regex: the **last** match wins, and the first capture group
 * (or the whole match when there is none) must be a finite number.
 *
 * @param output The text to search.
 * @param regex A regex source string or a RegExp.
 * @returns The number, or `undefined` when there is no valid match.
 *
 * @example The last match wins
 * ```ts
 * import { extractMetric } from "./runner.ts";
 * if (extractMetric("loss: 3\nloss: 2.5\n", "loss:\\s*([0-9.]+)") !== 2.5) throw new Error();
 * if (extractMetric("nothing", "loss: ([0-9.]+)") !== undefined) throw new Error();
 * ```
 */
export function extractMetric(output: string, regex: string | RegExp): number | undefined {
  if (typeof output !== "string") {
    throw new TypeError(`extractMetric: output must be a string, got ${typeof output}`);
  }
  const source = typeof regex === "string" ? regex : regex.source;
  const flags = typeof regex === "string" ? "g" : regex.flags.replace("g", "") + "g";
  let last: RegExpExecArray | undefined;
  for (const m of output.matchAll(new RegExp(source, flags))) last = m;
  if (!last) return undefined;
  const raw = (last[1] ?? last[0]).trim();
  if (raw === "") return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The last `n` lines of a text (for crash reports).
 *
 * @param text Any text.
 * @param n Number of lines.
 * @returns The tail.
 *
 * @example Keep two lines
 * ```ts
 * import { tailLines } from "./runner.ts";
 * if (tailLines("a\nb\nc\n", 2) !== "b\nc") throw new Error();
 * ```
 */
export function tailLines(text: string, n: number): string {
  const lines = text.replace(/\s+$/, "").split("\n");
  return lines.slice(Math.max(0, lines.length - n)).join("\n");
}
