// Threat-model tests for Python candidates (the Python side of sandbox_threats_test.ts): untrusted
// code tries to read, write, reach the network, spawn, fake a pass or exhaust the machine. None may
// pass, none may leak or change anything outside, and the verdict must say why.
import assert from "node:assert/strict";
import { join } from "node:path";
import { runTests } from "../lib/sandbox/run_tests.ts";
import { runTestsBatch } from "../lib/sandbox/run_tests_batch.ts";
import { pythonSupport } from "../lib/sandbox/_python.ts";
import { detectIsolation } from "../lib/sandbox/isolation.ts";
import type { SandboxOptions } from "../lib/sandbox/sandbox_options.ts";
import type { SandboxResult } from "../lib/sandbox/sandbox_result.ts";
import type { TestCase } from "../lib/schemas/coding.ts";

const support = await pythonSupport("python3");
const probe = await detectIsolation();
const ready = support.ok && probe.level === "bwrap";
if (!ready) {
  console.warn(`sandbox_python_threats_test: skipped (${support.reason || probe.reason})`);
}
const opts = { ignore: !ready, sanitizeResources: false, sanitizeOps: false };

const SECRET = `TOPSECRET-${crypto.randomUUID()}`;
const secretDir = await Deno.makeTempDir({ prefix: "ac-py-threat-" });
const secretTxt = join(secretDir, "secret.txt");
await Deno.writeTextFile(secretTxt, SECRET);
const victim = join(secretDir, "victim.txt");
await Deno.writeTextFile(victim, "original");

/** The test every attacking candidate must fail: `f()` returns "leaked" only when the attack worked. */
const LEAK_TESTS: TestCase[] = [{ name: "leak worked", code: 'assert f() == "leaked"' }];

function run(
  program: string,
  options: SandboxOptions = {},
  tests = LEAK_TESTS,
): Promise<SandboxResult> {
  return runTests({ program, entryPoint: "f", tests, language: "python" }, {
    timeoutMs: 8000,
    ...options,
  });
}

function assertContained(result: SandboxResult): void {
  assert.notEqual(result.status, "passed", `must not pass: ${result.reason}`);
  assert.ok(!JSON.stringify(result).includes(SECRET), "the secret leaked into the verdict");
  assert.ok(result.reason.length > 0);
}

const py = (s: string) => JSON.stringify(s);

Deno.test("reading a secret host file is denied", opts, async () => {
  const r = await run(`def f():
    try:
        return "leaked" if open(${py(secretTxt)}).read() else "empty"
    except Exception as e:
        return "no: " + type(e).__name__
`);
  assertContained(r);
  assert.equal(r.status, "failed");
  assert.equal(r.isolation, "bwrap");
});

Deno.test("the host environment is not visible", opts, async () => {
  const r = await run(`import os
def f():
    return "leaked" if any("KEY" in k or "TOKEN" in k for k in os.environ) else sorted(os.environ)
`);
  assertContained(r);
  assert.doesNotMatch(r.tests[0].message ?? "", /HOME=\/root|OPENAI|PATH=.*\.deno/);
});

Deno.test("the network is unreachable: a local server receives nothing", opts, async () => {
  let hits = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    hits++;
    return new Response("leaked");
  });
  try {
    const r = await run(`import socket
def f():
    try:
        socket.create_connection(("127.0.0.1", ${server.addr.port}), timeout=2).close()
        return "leaked"
    except OSError:
        return "no"
`);
    assertContained(r);
    assert.equal(hits, 0);
  } finally {
    await server.shutdown();
  }
});

Deno.test("spawning a process is denied and leaves no trace", opts, async () => {
  const marker = join(secretDir, "spawned");
  const r = await run(`import os, subprocess
def f():
    for attempt in (lambda: os.system("touch ${marker}"),
                    lambda: subprocess.run(["touch", ${py(marker)}]),
                    lambda: os.posix_spawn("/usr/bin/touch", ["touch", ${py(marker)}], {})):
        try:
            attempt()
        except Exception:
            pass
    return "no"
`);
  assertContained(r);
  await assert.rejects(Deno.stat(marker));
});

Deno.test("writing a host file is denied and the file is untouched", opts, async () => {
  const r = await run(`def f():
    for path in (${py(victim)}, "/tmp/ac-py-threat-written"):
        try:
            with open(path, "w") as out:
                out.write("pwned")
            return "leaked"
        except Exception:
            pass
    return "no"
`);
  assertContained(r);
  assert.equal(await Deno.readTextFile(victim), "original");
  await assert.rejects(Deno.stat("/tmp/ac-py-threat-written"));
});

Deno.test(
  "os._exit(0) while loading is tests_not_run, sys.exit in a test a failure",
  opts,
  async () => {
    assert.equal((await run(`import os\nos._exit(0)\n`)).status, "tests_not_run");
    const sysexit = await run(`import sys\ndef f():\n    sys.exit(0)\n`);
    assert.equal(sysexit.status, "failed");
    assert.equal(sysexit.tests[0].errorName, "SystemExit");
  },
);

Deno.test("forged result lines on stdout are ignored and reported", opts, async () => {
  const fake = (payload: object) => `\x1eAC1 ${"0".repeat(64)} ${JSON.stringify(payload)}\n`;
  const lines = fake({ k: "test", i: 0, name: "leak worked", ok: true, seq: 3 }) +
    fake({ k: "end", n: 1, passed: 1, tampered: null, seq: 4 });
  const r = await run(`import os
os.write(1, ${py(lines)}.encode())
def f():
    os.write(1, ${py(lines)}.encode())
    os._exit(0)
`);
  assert.equal(r.status, "tests_not_run");
  assert.equal(r.reportedTests, 0);
  assert.ok(r.warnings.some((w) => /4 result line\(s\)/.test(w)), r.warnings.join("; "));
});

Deno.test(
  "replacing the assertion-message helpers or AssertionError cannot turn a failure into a pass",
  opts,
  async () => {
    for (
      const patch of [
        'globals()["__ac_explain_compare"] = lambda *a: None',
        'globals()["__ac_explain_compare"] = lambda *a: (_ for _ in ()).throw(SystemExit(0))',
        "globals()['AssertionError'] = None",
        "import builtins; builtins.AssertionError = Warning",
      ]
    ) {
      const r = await run(`def f():\n    ${patch}\n    return "wrong"\n`);
      assert.equal(r.status, "failed", `${patch}: ${r.reason}`);
    }
  },
);

Deno.test("patching builtins does not change what the tests use", opts, async () => {
  const r = await run(
    `import builtins
builtins.isinstance = lambda *a: True
builtins.len = lambda *a: 1
def f():
    return "wrong"
`,
    {},
    [{ name: "types", code: "assert isinstance(f(), int) and len(f()) == 1" }],
  );
  assert.equal(r.status, "failed");
  assert.match(r.tests[0].message ?? "", /^assert /);
});

Deno.test("the tests' functions and constants are out of the candidate's reach", opts, async () => {
  const seen = await run(`def f():
    return "leaked" if any(k.startswith("__ac") for k in globals()) else sorted(globals())
`);
  assertContained(seen);
  const tests: TestCase[] = [
    { name: "callback", code: "assert f(lambda x: x + 1) == 2" },
    { name: "later", code: 'assert f(None) == "the hidden answer"' },
  ];
  for (
    const attack of [
      'return cb.__globals__["__ac_test_1"].__code__.co_consts',
      'cb.__globals__["__ac_test_1"].__code__ = (lambda: None).__code__',
      'cb.__globals__["__ac_test_1"].__defaults__ = ()',
    ]
  ) {
    const r = await run(
      `def f(cb):
    if cb is None:
        return "wrong"
    ${attack}
    return cb(1)
`,
      {},
      tests,
    );
    assert.equal(r.tests[1].status, "failed", `${attack}: ${r.reason}`);
    assert.match(r.tests[0].message ?? "", /is not allowed/, attack);
  }
});

Deno.test("the candidate's own test functions do not count", opts, async () => {
  const r = await run(`def __ac_test_0():
    pass
def test_leak_worked():
    pass
def f():
    return "wrong"
`);
  assert.equal(r.status, "failed");
  assert.equal(r.passedTests, 0);
});

Deno.test("an endless loop while loading or testing is a timeout", opts, async () => {
  const loading = await run(`while True:\n    pass\n`, { timeoutMs: 1500 });
  assert.equal(loading.status, "timeout");
  const testing = await run(`def f():\n    while True:\n        pass\n`, { timeoutMs: 1500 });
  assert.equal(testing.status, "timeout");
  assert.match(testing.reason, /leak worked/);
});

Deno.test("exhausting memory is contained and is not a pass", opts, async () => {
  const r = await run(
    `def f():\n    a = []\n    while True:\n        a.append(bytearray(50_000_000))\n`,
    {
      memoryMb: 64,
      timeoutMs: 20_000,
    },
  );
  assert.notEqual(r.status, "passed");
  assert.match(JSON.stringify(r), /MemoryError|memory/i);
});

Deno.test("a 100 MB output flood is capped and the run is still scored", opts, async () => {
  const r = await run(
    `import os\nchunk = (("x" * 1023 + "\\n") * 1024).encode()\nfor _ in range(100):\n    os.write(1, chunk)\ndef f():\n    return "leaked"\n`,
    { timeoutMs: 60_000 },
  );
  assert.equal(r.status, "passed", r.reason);
  assert.ok(r.outputBytes >= 100 * 1024 * 1024, String(r.outputBytes));
  assert.ok(r.outputTruncated);
  assert.match(r.stdout, /bytes omitted/);
});

Deno.test("a batch of Python candidates keeps going when some misbehave", opts, async () => {
  const tests: TestCase[] = [{ name: "one", code: "assert f() == 1" }];
  const jobs = [
    "def f():\n    return 1\n",
    "def f():\n    while True:\n        pass\n",
    "import os\nos._exit(0)\n",
    "def f(:\n",
    "def f():\n    return 1\n",
  ].map((program) => ({ program, entryPoint: "f", tests, language: "python" as const }));
  const results = await runTestsBatch(jobs, { timeoutMs: 1500 });
  assert.deepEqual(results.map((r) => r.status), [
    "passed",
    "timeout",
    "tests_not_run",
    "compile_error",
    "passed",
  ]);
});

const hasModule = async (name: string) =>
  ready &&
  (await new Deno.Command(support.executable, { args: ["-I", "-c", `import ${name}`] }).output())
    .success;

Deno.test(
  "installed packages import; one that loads ctypes (numpy) is refused, naming ctypes",
  { ...opts, ignore: !(await hasModule("iniconfig")) },
  async () => {
    const tests: TestCase[] = [{ name: "sum", code: "assert f([1, 2]) == 3" }];
    const pure = await run("import iniconfig\ndef f(xs):\n    return sum(xs)\n", {}, tests);
    assert.equal(pure.status, "passed", pure.reason);
    if (!(await hasModule("numpy"))) return;
    const numpy = await run("import numpy\ndef f(xs):\n    return 3\n", {}, tests);
    assert.notEqual(numpy.status, "passed");
    assert.match(numpy.reason, /importing ctypes is not allowed/);
  },
);
