/**
 * Python jobs (internal): pytest-style test functions run by a Python harness
 * (`_python_harness.ts`) that follows the same protocol as the TypeScript one (key on stdin,
 * HMAC-authenticated records, exact test count, exit code 0), inside the same bwrap sandbox, one
 * sandbox and one interpreter per candidate. The interpreter starts with `-I -S -B` and the harness
 * rewrites assertions itself, so a candidate costs about 35 ms in the sandbox rather than ~190 ms with
 * pytest imported; tests that mention pytest still get it, and code that imports a module outside
 * the standard library gets site-packages (a package that loads ctypes at import, like numpy, is
 * refused: ctypes can read and write memory without an audit event).
 *
 * Python gives no isolation boundary inside a process, so the harness also installs an audit hook
 * (PEP 578) before the candidate runs that blocks the known routes to the harness's memory: frame
 * access (`sys._getframe` — refused with a ValueError, which typing/namedtuple/enum treat as "no
 * frames here" — `tb_frame`, `gi_frame`, tracing), `gc` walks, `ctypes`, signal handlers (which
 * receive frames), subprocesses, rewriting any function's `__code__`, and opening any file outside
 * the Python installation. The tests run in their own namespace with their own copy of the
 * builtins, so the candidate can neither find the test functions nor patch `isinstance`/`len` for
 * them. The MAC is computed by a C-level hash object captured before the candidate exists. This
 * defeats the cheats in `tests/sandbox_python_threats_test.ts`, but a Python verdict on
 * deliberately adversarial code is weaker than a TypeScript one (an object whose `__eq__` always
 * says True still passes an `==` test, as under pytest); the OS sandbox is what protects the user
 * either way.
 *
 * @module
 */
import { join } from "node:path";
import type { SandboxJob } from "./sandbox_job.ts";
import { PYTHON_HARNESS } from "./_python_harness.ts";

/** What the host's Python offers. */
export interface PythonSupport {
  ok: boolean;
  reason: string;
  executable: string;
  /** Directories of the installation (bound read-only). */
  dirs: string[];
  libraries: string[];
}

const cache = new Map<string, Promise<PythonSupport>>();

/**
 * Probes python3 on the host (once per interpreter path). pytest is optional: the harness imports
 * it only for tests that use it.
 */
export function pythonSupport(pythonPath: string): Promise<PythonSupport> {
  if (!cache.has(pythonPath)) cache.set(pythonPath, probe(pythonPath));
  return cache.get(pythonPath)!;
}

async function probe(pythonPath: string): Promise<PythonSupport> {
  const none = (reason: string): PythonSupport => ({
    ok: false,
    reason,
    executable: "",
    dirs: [],
    libraries: [],
  });
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(pythonPath, {
      args: [
        "-I",
        "-c",
        "import sys, json\n" +
        "print(json.dumps({'exe': sys.executable, 'prefix': sys.prefix, 'base': sys.base_prefix, " +
        "'path': sys.path, 'version': sys.version_info[:3]}))",
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    return none(`python3 is not available (${(error as Error).message}); Python rows are skipped`);
  }
  if (out.code !== 0) {
    return none(`python3 failed: ${new TextDecoder().decode(out.stderr).slice(0, 300)}`);
  }
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    exe: string;
    prefix: string;
    base: string;
    path: string[];
    version: number[];
  };
  if (info.version[0] < 3 || (info.version[0] === 3 && info.version[1] < 9)) {
    return none(
      `python ${
        info.version.join(".")
      } is too old (the harness needs 3.9+: audit hooks, ast.unparse)`,
    );
  }
  const dirs = new Set<string>([info.base, info.prefix]);
  for (const p of info.path) {
    if (p && ![...dirs].some((d) => p.startsWith(d + "/") || p === d)) {
      try {
        await Deno.stat(p);
        dirs.add(p);
      } catch {
        // not there
      }
    }
  }
  // Extension modules (lib-dynload) link against system libraries (libz, libssl, libffi…): bind the
  // system library directories read-only. They hold no user data.
  const libraries: string[] = [];
  for (const d of ["/lib", "/lib64", "/usr/lib", "/usr/lib64"]) {
    try {
      if ((await Deno.lstat(d)).isDirectory || (await Deno.stat(d)).isDirectory) libraries.push(d);
    } catch {
      // absent
    }
  }
  return { ok: true, reason: "", executable: info.exe, dirs: [...dirs], libraries };
}

/** Interpreter, flags, binds, environment and limits for a Python run. */
export function pythonArgs(
  support: PythonSupport,
  ctx: { memoryMb: number; isolation: "bwrap" | "none" },
): {
  python: string;
  flags: string[];
  binds: string[];
  env: Record<string, string>;
  memoryLimit: string[];
} {
  const binds: string[] = [];
  if (ctx.isolation === "bwrap") {
    for (const d of support.dirs) binds.push("--ro-bind", d, d);
    for (const lib of support.libraries) binds.push("--ro-bind", lib, lib);
  }
  return {
    python: support.executable,
    flags: ["-I", "-S", "-B"],
    binds,
    env: { PYTHONDONTWRITEBYTECODE: "1", PYTHONIOENCODING: "utf-8", PYTHONHASHSEED: "0" },
    memoryLimit: [`--as=${(ctx.memoryMb + 512) * 1024 * 1024}`],
  };
}

/** Writes the candidate, the tests and the harness for a Python job. */
export async function writePythonJob(dir: string, job: SandboxJob): Promise<void> {
  await Deno.writeTextFile(join(dir, "candidate.py"), job.program);
  await Deno.writeTextFile(
    join(dir, "tests.json"),
    // JSON of strings, lists and objects only: also a Python literal (the harness reads it with
    // ast.literal_eval, which saves importing json per candidate).
    JSON.stringify({
      setup: job.setup ?? "",
      tests: job.tests.map((t) => ({ name: t.name, code: t.code })),
    }),
  );
  await Deno.writeTextFile(join(dir, "harness.py"), PYTHON_HARNESS);
}
