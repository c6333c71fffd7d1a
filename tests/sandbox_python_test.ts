import assert from "node:assert/strict";
import { runTests } from "../lib/sandbox/run_tests.ts";
import { pythonSupport } from "../lib/sandbox/_python.ts";
import { detectIsolation } from "../lib/sandbox/isolation.ts";

const support = await pythonSupport("python3");
const probe = await detectIsolation();
const ready = support.ok && probe.level === "bwrap";
if (!ready) console.warn(`sandbox_python_test: skipped (${support.reason || probe.reason})`);
const opts = { ignore: !ready, sanitizeResources: false, sanitizeOps: false };

const tests = [
  { name: "test_small", code: "assert add(1, 2) == 3" },
  { name: "test_raises", code: "with pytest.raises(TypeError):\n    add(1)" },
];
const job = (program: string) => ({
  program,
  entryPoint: "add",
  tests,
  language: "python" as const,
  setup: "import pytest",
});

Deno.test(
  "pytest-style tests run in the sandbox with pytest's assertion messages",
  opts,
  async () => {
    const ok = await runTests(job("def add(a, b):\n    return a + b\n"));
    assert.equal(ok.status, "passed", ok.reason);
    const bad = await runTests(job("def add(a, b):\n    return a - b\n"));
    assert.equal(bad.status, "failed");
    assert.match(bad.tests[0].message ?? "", /assert -1 == 3/);
    assert.match(bad.tests[0].message ?? "", /where -1 = add\(1, 2\)/);
  },
);

Deno.test(
  "a Python candidate cannot read the harness's files or walk to its frames",
  opts,
  async () => {
    const leak = await runTests(
      job("def add(a, b):\n    return len(open('tests.json').read()) and 3\n"),
    );
    assert.equal(leak.status, "failed");
    assert.match(leak.tests[0].message ?? "", /not allowed/);
    const frames = await runTests(
      job("import sys\ndef add(a, b):\n    return sys._getframe(1).f_locals\n"),
    );
    assert.equal(frames.status, "failed");
    assert.match(frames.tests[0].message ?? "", /sys\._getframe is not allowed/);
    const traceback = await runTests(
      job(
        "def add(a, b):\n    try:\n        raise ValueError()\n    except ValueError as e:\n        return e.__traceback__.tb_frame.f_back.f_locals\n",
      ),
    );
    assert.equal(traceback.status, "failed");
  },
);

Deno.test("signal handlers, subprocesses and early exits cannot fake a pass", opts, async () => {
  const signals = await runTests(
    job(
      "import signal\ndef add(a, b):\n    signal.signal(signal.SIGALRM, lambda s, f: None)\n    return a + b\n",
    ),
  );
  assert.equal(signals.status, "crashed");
  assert.match(signals.reason, /importing signal is not allowed/);
  const proc = await runTests(
    job("import os\ndef add(a, b):\n    os.system('true')\n    return a + b\n"),
  );
  assert.equal(proc.status, "failed");
  const exit = await runTests(job("import os\nos._exit(0)\n"));
  assert.equal(exit.status, "tests_not_run");
  const sysexit = await runTests(job("import sys\ndef add(a, b):\n    sys.exit(0)\n"));
  assert.equal(sysexit.status, "failed");
});

Deno.test(
  "a Python syntax error is a compile error and an endless loop a timeout",
  opts,
  async () => {
    const syntax = await runTests(job("def add(a, b:\n"));
    assert.equal(syntax.status, "compile_error");
    const loop = await runTests(job("def add(a, b):\n    while True:\n        pass\n"), {
      timeoutMs: 1500,
    });
    assert.equal(loop.status, "timeout");
  },
);
