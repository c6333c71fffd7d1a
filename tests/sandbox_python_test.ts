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

Deno.test(
  "assertion messages follow pytest's shapes without importing pytest",
  opts,
  async () => {
    const shapes: [string, RegExp][] = [
      ["assert add(1, 2) == 3", /^assert -1 == 3\n \+ {2}where -1 = add\(1, 2\)$/],
      ['assert add(1, 2) == 3, "sum of 1 and 2"', /^sum of 1 and 2\nassert -1 == 3\n/],
      ["x = [add(2, 1)]\nassert x == [1, 2]", /^assert \[1\] == \[1, 2\]$/],
      ["assert isinstance(add(1, 2), str)", /^assert False\n \+ {2}where False = isinstance/],
      ["assert add(1, 1) in [1, 2]", /^assert 0 in \[1, 2\]\n \+ {2}where 0 = add\(1, 1\)$/],
      ["assert 1 < add(3, 1) < 2", /^assert 1 < add\(3, 1\) < 2$/],
      ["ok = add(1, 1) == 2\nassert ok", /^assert False$/],
      ["assert (lambda: add(1, 1))() == 2", /^$/],
      ["assert add('a' * 500, '') == 1", /^assert '.{100,}\.\.\..*' == 1\n/],
    ];
    const r = await runTests({
      program: "def add(a, b):\n    return a - b if isinstance(a, int) else 'x' * 600\n",
      entryPoint: "add",
      tests: shapes.map(([code], i) => ({ name: `shape ${i}`, code })),
      language: "python",
    });
    assert.equal(r.status, "failed");
    shapes.forEach(([code, expected], i) => {
      const message = r.tests[i].message ?? "";
      assert.equal(r.tests[i].errorName, "AssertionError", code);
      assert.match(message, expected, `${code}\n→ ${message}`);
      assert.ok(message.length < 700, message);
    });
  },
);

Deno.test(
  "ordinary standard-library code runs: typing, TypeVar, namedtuple, Enum, dataclasses, re, math",
  opts,
  async () => {
    const r = await runTests({
      program: [
        "from typing import List, TypeVar, Optional",
        "from collections import namedtuple, Counter",
        "from dataclasses import dataclass",
        "from enum import Enum",
        "import re, math, itertools, functools, heapq",
        "T = TypeVar('T')",
        "Point = namedtuple('Point', 'x y')",
        "Color = Enum('Color', 'RED GREEN')",
        "@dataclass",
        "class Box:",
        "    w: int",
        "def f(xs: List[int]) -> int:",
        "    p = Point(1, 2)",
        "    return sum(xs) + p.x + Box(1).w + len(re.findall('a', 'aa')) + Color.RED.value",
      ].join("\n"),
      entryPoint: "f",
      tests: [{ name: "sum", code: "assert f([1, 2]) == 8" }],
      language: "python",
    });
    assert.equal(r.status, "passed", r.reason);
  },
);
