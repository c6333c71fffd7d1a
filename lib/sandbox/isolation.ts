/**
 * Finding out how strongly candidate code can be isolated on this machine: bubblewrap (`bwrap`) on
 * Linux, or nothing (macOS, containers without user namespaces), in which case every result carries a
 * loud warning.
 *
 * @module
 */
import type { IsolationLevel } from "./sandbox_result.ts";
import { baseBwrapArgs, libraryBinds, SANDBOX_DENO } from "./_bwrap.ts";

/** What {@linkcode detectIsolation} found. */
export interface IsolationProbe {
  /** The strongest isolation that works here. */
  level: IsolationLevel;
  /** Path of a working bwrap, when `level` is "bwrap". */
  bwrapPath?: string;
  /** Path of `prlimit` (util-linux), used to cap the data segment, when present. */
  prlimitPath?: string;
  /** Shared libraries the Deno binary needs (bound read-only into the sandbox). */
  libraries: string[];
  /** Why isolation is unavailable (empty when it is available). */
  reason: string;
}

/** Options for {@linkcode detectIsolation}. */
export interface DetectIsolationOptions {
  /** bwrap binary to try first. @default "bwrap" on PATH, then /usr/bin/bwrap */
  bwrapPath?: string;
  /** Deno binary that will run candidates. @default Deno.execPath() */
  denoPath?: string;
  /** Probe again instead of using the remembered answer. @default false */
  refresh?: boolean;
}

/** The warning every unisolated result carries. */
export const NO_ISOLATION_WARNING: string =
  "NOT ISOLATED: bubblewrap (bwrap) is unavailable, so the candidate ran as the current user with " +
  "only Deno's permission flags (no -A). Static imports can still read local files. Install bwrap " +
  "(Debian: apt-get install bubblewrap) before running untrusted code.";

const cache = new Map<string, Promise<IsolationProbe>>();

/**
 * Probes whether bubblewrap can run Deno in a fully unshared sandbox here. The answer is remembered
 * per (bwrap, deno) pair.
 *
 * @param options Which binaries to probe.
 * @returns The isolation level and what is needed to use it.
 *
 * @example Probe this machine
 * ```ts
 * import { detectIsolation } from "./isolation.ts";
 * const probe = await detectIsolation();
 * if (probe.level !== "bwrap" && probe.reason === "") throw new Error("a reason is required");
 * ```
 */
export function detectIsolation(options: DetectIsolationOptions = {}): Promise<IsolationProbe> {
  const denoPath = options.denoPath ?? Deno.execPath();
  const key = `${options.bwrapPath ?? ""}\u0000${denoPath}`;
  if (!options.refresh && cache.has(key)) return cache.get(key)!;
  const probe = probeIsolation(options.bwrapPath, denoPath);
  cache.set(key, probe);
  return probe;
}

async function probeIsolation(
  bwrapHint: string | undefined,
  denoPath: string,
): Promise<IsolationProbe> {
  const libraries = await sharedLibraries(denoPath);
  const prlimitPath = await findExecutable("prlimit", ["/usr/bin/prlimit", "/bin/prlimit"]);
  if (Deno.build.os !== "linux") {
    return {
      level: "none",
      libraries,
      prlimitPath,
      reason: `bwrap needs Linux (this is ${Deno.build.os})`,
    };
  }
  const bwrapPath = bwrapHint ?? await findExecutable("bwrap", ["/usr/bin/bwrap", "/bin/bwrap"]);
  if (!bwrapPath) {
    return {
      level: "none",
      libraries,
      prlimitPath,
      reason: "bwrap was not found on PATH or in /usr/bin",
    };
  }
  try {
    const args = [
      ...baseBwrapArgs(),
      ...libraryBinds(libraries),
      "--ro-bind",
      denoPath,
      SANDBOX_DENO,
      "--",
      SANDBOX_DENO,
      "--version",
    ];
    const out = await new Deno.Command(bwrapPath, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      clearEnv: true,
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    if (out.code === 0 && /deno \d/.test(text)) {
      return { level: "bwrap", bwrapPath, prlimitPath, libraries, reason: "" };
    }
    const err = new TextDecoder().decode(out.stderr).trim().slice(0, 300);
    return { level: "none", libraries, prlimitPath, reason: `bwrap failed to start Deno: ${err}` };
  } catch (error) {
    return {
      level: "none",
      libraries,
      prlimitPath,
      reason: `bwrap could not be run: ${(error as Error).message}`,
    };
  }
}

async function findExecutable(name: string, fallbacks: string[]): Promise<string | undefined> {
  const dirs = (Deno.env.get("PATH") ?? "").split(":").filter(Boolean);
  for (const candidate of [...dirs.map((d) => `${d}/${name}`), ...fallbacks]) {
    try {
      const info = await Deno.stat(candidate);
      if (info.isFile && (info.mode ?? 0o111) & 0o111) return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

/**
 * The shared libraries a binary links against, from `ldd`; when `ldd` is unavailable, the standard
 * system library directories (still read-only, still without any user files).
 */
async function sharedLibraries(binary: string): Promise<string[]> {
  if (Deno.build.os !== "linux") return [];
  try {
    const out = await new Deno.Command("ldd", { args: [binary], stdout: "piped", stderr: "null" })
      .output();
    if (out.code === 0) {
      const libs = new Set<string>();
      for (const line of new TextDecoder().decode(out.stdout).split("\n")) {
        const m = line.match(/=>\s+(\/\S+)/) ?? line.match(/^\s*(\/\S+)/);
        if (m) libs.add(m[1]);
      }
      if (libs.size > 0) return [...libs];
    }
  } catch {
    // fall through
  }
  const dirs: string[] = [];
  for (const d of ["/lib", "/lib64", "/usr/lib", "/usr/lib64"]) {
    try {
      await Deno.stat(d);
      dirs.push(d);
    } catch {
      // absent
    }
  }
  return dirs;
}
