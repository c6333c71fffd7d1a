/**
 * Runs `scripts/bench.ts` as a subprocess from the repository root (as `deno task bench` does),
 * with colours off, for the CLI tests.
 *
 * @module
 */

const ROOT = new URL("..", import.meta.url).pathname;

/** What a CLI run printed and how it exited. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Starts `deno run -A scripts/bench.ts ...args` in the repository root (to kill it mid-run). */
export function spawnBench(args: readonly string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/bench.ts", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
}

/** Runs `deno run -A scripts/bench.ts ...args` in the repository root. */
export async function runBench(args: readonly string[]): Promise<CliRun> {
  const out = await spawnBench(args).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}
