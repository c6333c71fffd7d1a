/**
 * Python jobs (internal): pytest-style test functions run by a Python harness that follows the same
 * protocol as the TypeScript one (key on stdin, HMAC-authenticated records, exact test count, exit
 * code 0), inside the same bwrap sandbox.
 *
 * Python gives no isolation boundary inside a process, so the harness also installs an audit hook
 * (PEP 578) before the candidate runs that blocks the known routes to the harness's memory: frame
 * access (`sys._getframe`, `tb_frame`, `gi_frame`, tracing), `gc` walks, `ctypes`, signal handlers
 * (which receive frames), subprocesses, and opening any file outside the Python installation. The
 * MAC is computed by a C-level HMAC object captured before the candidate exists. This defeats the
 * cheats listed in the threat tests, but a Python verdict on deliberately adversarial code is weaker
 * than a TypeScript one; the OS sandbox is what protects the user either way.
 *
 * @module
 */
import { join } from "node:path";
import type { SandboxJob } from "./sandbox_job.ts";
import { RESULT_MARKER } from "./_harness_template.ts";

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

/** Probes python3 and pytest on the host (once per interpreter path). */
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
        "import sys, json\ntry:\n import pytest; v = pytest.__version__\nexcept Exception:\n v = None\n" +
        "print(json.dumps({'exe': sys.executable, 'prefix': sys.prefix, 'base': sys.base_prefix, " +
        "'path': sys.path, 'pytest': v, 'version': sys.version_info[:3]}))",
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
    pytest: string | null;
    version: number[];
  };
  if (info.version[0] < 3 || (info.version[0] === 3 && info.version[1] < 8)) {
    return none(
      `python ${info.version.join(".")} is too old (the harness needs 3.8+ for audit hooks)`,
    );
  }
  if (!info.pytest) {
    return none(
      `pytest is not installed for ${info.exe} (pip install pytest); Python rows are skipped`,
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
    flags: ["-I", "-B"],
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
    JSON.stringify({ entryPoint: job.entryPoint, setup: job.setup ?? "", tests: job.tests }),
  );
  await Deno.writeTextFile(join(dir, "harness.py"), PY_HARNESS);
}

const PY_HARNESS =
  `# autoconstitution sandbox harness for Python (generated by the host; not candidate code)
import sys, os, ast, builtins, hashlib, json

def _main():
    _write = os.write
    _exit = os._exit
    _ord, _len, _str, _repr, _type, _isinstance = ord, len, str, repr, type, isinstance
    _BaseException = BaseException
    _perf = __import__("time").perf_counter
    line = sys.stdin.buffer.readline().strip()
    try:
        os.close(0)
    except OSError:
        pass
    try:
        key = bytes.fromhex(line.decode("ascii"))
    except Exception:
        key = b""
    if _len(key) != 32:
        _exit(3)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "tests.json"), encoding="utf-8") as f:
        spec = json.load(f)
    with open(os.path.join(here, "candidate.py"), encoding="utf-8") as f:
        candidate_src = f.read()
    tests = spec["tests"]
    # HMAC-SHA256 from pre-computed pads held by C hash objects (their type cannot be patched).
    k = key + b"\\x00" * (64 - _len(key))
    inner_copy = hashlib.sha256(bytes(b ^ 0x36 for b in k)).copy
    outer_copy = hashlib.sha256(bytes(b ^ 0x5C for b in k)).copy
    def mac(data):
        i = inner_copy()
        i.update(data)
        o = outer_copy()
        o.update(i.digest())
        return o.hexdigest()
    del k
    del key, line
    def jstr(s):
        out = ['"']
        for ch in s:
            o = _ord(ch)
            if ch == '"':
                out.append('\\\\"')
            elif ch == "\\\\":
                out.append("\\\\\\\\")
            elif o < 0x20 or o > 0x7E:
                if o > 0xFFFF:
                    o -= 0x10000
                    out.append("\\\\u%04x\\\\u%04x" % (0xD800 + (o >> 10), 0xDC00 + (o & 0x3FF)))
                else:
                    out.append("\\\\u%04x" % o)
            else:
                out.append(ch)
        out.append('"')
        return "".join(out)
    def jval(v):
        if v is None:
            return "null"
        if v is True:
            return "true"
        if v is False:
            return "false"
        if _type(v) is int:
            return _str(v)
        if _type(v) is float:
            return _repr(v) if v == v and v not in (float("inf"), float("-inf")) else "null"
        return jstr(_str(v) if _type(v) is not str else v)
    seq = [0]
    def emit(pairs):
        parts = []
        for k, v in pairs:
            parts.append(jstr(k) + ":" + jval(v))
        parts.append('"seq":' + _str(seq[0]))
        seq[0] += 1
        payload = "{" + ",".join(parts) + "}"
        data = payload.encode("utf-8")
        line = ("${RESULT_MARKER}" + mac(data) + " " + payload + "\\n").encode("utf-8")
        off = 0
        while off < _len(line):
            off += _write(1, line[off:])
    def clip(text, n):
        text = _str(text)
        return text if _len(text) <= n else text[:n] + "…[" + _str(_len(text) - n) + " more chars]"
    def describe(e):
        try:
            name = _type(e).__name__
        except _BaseException:
            name = "Exception"
        try:
            msg = _str(e)
        except _BaseException:
            msg = "<the exception could not be printed>"
        return clip(name, 100), clip(msg, 4000)

    # Compile the tests (with pytest's assertion rewriting) before the candidate exists.
    import pytest
    from _pytest.assertion.rewrite import rewrite_asserts
    parts = [spec.get("setup") or ""]
    names = []
    for i, t in enumerate(tests):
        code = t["code"]
        fname = "__ac_test_%d" % i
        names.append(fname)
        stripped = code.lstrip()
        if stripped.startswith("def ") or stripped.startswith("async def "):
            tree = ast.parse(code)
            fn = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))][0]
            fn.name = fname
            parts.append(ast.unparse(tree))
        else:
            body = "\\n".join("    " + l for l in code.splitlines()) or "    pass"
            parts.append("def %s():\\n%s" % (fname, body))
    test_src = "\\n\\n".join(parts) + "\\n"
    tree = ast.parse(test_src, "tests.py")
    rewrite_asserts(tree, test_src.encode("utf-8"), "tests.py", None)
    test_code = compile(tree, "tests.py", "exec")
    cand_code = None
    cand_error = None
    try:
        cand_code = compile(candidate_src, "candidate.py", "exec")
    except _BaseException as e:
        cand_error = describe(e)

    # Close the routes from candidate code to this frame, then run it.
    import _signal, signal
    def _no_signals(*a, **k):
        raise PermissionError("sandbox: signal handlers are not allowed")
    _signal.signal = _no_signals
    signal.signal = _no_signals
    for name in ("_signal", "signal"):
        sys.modules.pop(name, None)
    allowed_dirs = tuple(os.path.realpath(p) + os.sep for p in sys.path
        if p and os.path.isdir(p) and os.path.realpath(p) != os.path.realpath(here)) + (
        os.path.realpath(sys.base_prefix) + os.sep, os.path.realpath(sys.prefix) + os.sep)
    blocked_events = ("sys._getframe", "sys._current_frames", "sys.settrace", "sys.setprofile",
        "object.__getattr__", "gc.get_objects", "gc.get_referrers", "gc.get_referents", "os.system",
        "os.fork", "os.forkpty", "os.exec", "os.posix_spawn", "os.spawn", "subprocess.Popen",
        "sys.addaudithook", "sys._debugmallocstats", "cpython.run_command", "cpython.remote_debugger_script")
    blocked_modules = ("signal", "_signal", "ctypes", "_ctypes", "faulthandler", "tracemalloc", "_testcapi")
    _startswith = str.startswith
    _realpath = os.path.realpath
    def hook(event, args):
        if event in blocked_events or _startswith(event, "ctypes."):
            raise PermissionError("sandbox: " + event + " is not allowed")
        if event == "import" and args and args[0] in blocked_modules:
            raise PermissionError("sandbox: importing " + _str(args[0]) + " is not allowed")
        if event == "open" and args:
            path = args[0]
            if _isinstance(path, int):
                return
            try:
                p = _realpath(os.fsdecode(path))
            except _BaseException:
                raise PermissionError("sandbox: open is not allowed")
            if not _startswith(p, allowed_dirs):
                raise PermissionError("sandbox: reading " + p + " is not allowed")
    sys.addaudithook(hook)

    emit((("k", "start"), ("n", _len(tests))))
    ns = {"__name__": "candidate", "__builtins__": builtins}
    load_failure = None
    if cand_error is not None:
        load_failure = cand_error
        emit((("k", "load"), ("ok", False), ("compile", True), ("errorName", cand_error[0]), ("message", cand_error[1])))
    else:
        try:
            exec(cand_code, ns)
            emit((("k", "load"), ("ok", True)))
        except _BaseException as e:
            d = describe(e)
            load_failure = d
            emit((("k", "load"), ("ok", False), ("compile", False), ("errorName", d[0]), ("message", d[1])))
    fns = []
    setup_error = None
    try:
        exec(test_code, ns)
        for fname in names:
            fns.append(ns[fname])
    except _BaseException as e:
        setup_error = describe(e)
    passed = 0
    for i in range(_len(tests)):
        emit((("k", "begin"), ("i", i)))
        t0 = _perf()
        failure = None
        if load_failure is not None:
            failure = ("NotRun", "not run: the candidate module failed to load (" + load_failure[0] + ": " + clip(load_failure[1], 300) + ")")
        elif setup_error is not None:
            failure = setup_error
        else:
            try:
                fns[i]()
            except _BaseException as e:
                failure = describe(e)
        ok = failure is None
        if ok:
            passed += 1
        rec = [("k", "test"), ("i", i), ("name", tests[i]["name"]), ("ok", ok), ("ms", (_perf() - t0) * 1000.0)]
        if failure is not None:
            rec.append(("errorName", failure[0]))
            rec.append(("message", failure[1]))
        emit(rec)
    emit((("k", "end"), ("n", _len(tests)), ("passed", passed), ("tampered", None)))
    _exit(0)

_main()
`;
