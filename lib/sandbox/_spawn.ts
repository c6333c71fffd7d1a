/**
 * Spawning a sandboxed process with a wall-clock limit, capped output and a secret on stdin
 * (internal).
 *
 * @module
 */
import { HeadTail } from "./_output_capture.ts";

/** What to spawn. */
export interface SpawnSpec {
  command: string;
  args: string[];
  /** Environment (the parent's environment is never inherited). */
  env: Record<string, string>;
  cwd?: string;
  /** Written to stdin, which is then closed. */
  stdin: string;
  timeoutMs: number;
  /** Bytes of stderr kept (head + tail). */
  outputLimit: number;
  /** Receives every stdout chunk (the result scanner). */
  onStdout: (chunk: Uint8Array) => void;
  signal?: AbortSignal;
}

/** How the process ended. */
export interface SpawnOutcome {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  stderr: HeadTail;
  durationMs: number;
  /** Set when the process could not be started at all. */
  spawnError?: string;
}

/**
 * Runs a process to completion or until the deadline, then SIGKILLs it. Under bwrap the process is
 * the namespace's parent with `--die-with-parent`, and the sandbox has its own PID namespace, so
 * killing it ends the whole tree.
 */
export async function spawnCapped(spec: SpawnSpec): Promise<SpawnOutcome> {
  const started = performance.now();
  const stderr = new HeadTail(spec.outputLimit);
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(spec.command, {
      args: spec.args,
      env: spec.env,
      clearEnv: true,
      cwd: spec.cwd,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    return {
      exitCode: null,
      signal: null,
      timedOut: false,
      stderr,
      durationMs: performance.now() - started,
      spawnError: (error as Error).message,
    };
  }
  let timedOut = false;
  let killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, spec.timeoutMs);
  const onAbort = () => kill();
  spec.signal?.addEventListener("abort", onAbort, { once: true });

  const writer = child.stdin.getWriter();
  writer.write(new TextEncoder().encode(spec.stdin)).then(() => writer.close()).catch(() => {});

  const pump = async (stream: ReadableStream<Uint8Array>, sink: (c: Uint8Array) => void) => {
    try {
      for await (const chunk of stream) sink(chunk);
    } catch {
      // the pipe broke because the process was killed
    }
  };
  const readers = Promise.all([
    pump(child.stdout, spec.onStdout),
    pump(child.stderr, (c) => stderr.push(c)),
  ]);
  const status = await child.status;
  clearTimeout(timer);
  spec.signal?.removeEventListener("abort", onAbort);
  // A grandchild holding the pipes open must not hang us: give the readers a moment, then move on.
  let grace: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([readers, new Promise((r) => (grace = setTimeout(r, 2000)))]);
  clearTimeout(grace);
  return {
    exitCode: status.signal ? null : status.code,
    signal: status.signal ?? null,
    timedOut,
    stderr,
    durationMs: performance.now() - started,
  };
}
