import assert from "node:assert/strict";
import { runTests } from "../lib/sandbox/run_tests.ts";
import { runTestsBatch } from "../lib/sandbox/run_tests_batch.ts";
import { detectIsolation, NO_ISOLATION_WARNING } from "../lib/sandbox/isolation.ts";
import { RUNNER_VERSION } from "../lib/sandbox/sandbox_options.ts";
import { SandboxResultSchema } from "../lib/sandbox/sandbox_result.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const tests = [
  { name: "adds", code: "assert.strictEqual(add(2, 3), 5);" },
  { name: "adds arrays", code: "assert.deepStrictEqual([add(2, 2)], [4]);" },
];

Deno.test("a failing assertion reports its message, expected and actual values", opts, async () => {
  const r = await runTests({
    program: "export function add(a: number, b: number) { return a * b; }",
    entryPoint: "add",
    tests,
  });
  SandboxResultSchema.parse(r);
  assert.equal(r.status, "failed");
  assert.equal(r.expectedTests, 2);
  assert.equal(r.reportedTests, 2);
  assert.equal(r.passedTests, 1);
  assert.equal(r.tests[0].status, "failed");
  assert.equal(r.tests[0].errorName, "AssertionError");
  assert.equal(r.tests[0].expected, "5");
  assert.equal(r.tests[0].actual, "6");
  assert.equal(r.tests[1].status, "passed");
  assert.equal(r.runnerVersion, RUNNER_VERSION);
  assert.match(r.reason, /1\/2 tests passed; first failure: "adds"/);
});

Deno.test("a class can be the entry point and async tests are awaited", opts, async () => {
  const r = await runTests({
    program:
      "export class Counter { n = 0; inc() { return ++this.n; } async later() { await null; return this.n; } }",
    entryPoint: "Counter",
    tests: [
      { name: "counts", code: "const c = new Counter(); c.inc(); assert.strictEqual(c.inc(), 2);" },
      {
        name: "awaits",
        code: "const c = new Counter(); c.inc(); assert.strictEqual(await c.later(), 1);",
      },
    ],
  });
  assert.equal(r.status, "passed", r.reason);
});

Deno.test("trusted TypeScript test setup is in scope for every test", opts, async () => {
  const r = await runTests({
    program: "export const add = (a: number, b: number) => a + b;",
    entryPoint: "add",
    setup: "const twice = (x: number): number => x * 2;",
    tests: [{ name: "uses a helper", code: "assert.strictEqual(add(twice(1), 1), 3);" }],
  });
  assert.equal(r.status, "passed", r.reason);
});

Deno.test("a missing entry point is a compile error that names it", opts, async () => {
  const r = await runTests({
    program: "export function plus(a: number, b: number) { return a + b; }",
    entryPoint: "add",
    tests,
  });
  assert.equal(r.status, "compile_error");
  assert.match(r.compileError ?? "", /add/);
});

Deno.test("a module that throws while loading is a crash and no test counts", opts, async () => {
  const r = await runTests({
    program: "throw new RangeError('boom');\nexport const add = (a: number, b: number) => a + b;",
    entryPoint: "add",
    tests,
  });
  assert.equal(r.status, "crashed");
  assert.match(r.reason, /RangeError\): boom/);
  assert.equal(r.passedTests, 0);
});

Deno.test(
  "batched type check in report mode attributes type errors to the right candidate without changing verdicts",
  opts,
  async () => {
    const results = await runTestsBatch([
      {
        program: "export function add(a: number, b: number): number { return a + b; }",
        entryPoint: "add",
        tests,
      },
      {
        program: "export function add(a: number, b: number): string { return a + b; }",
        entryPoint: "add",
        tests,
      },
      {
        program: "export function add(a: number, b: number) { return a + b; } /*",
        entryPoint: "add",
        tests,
      },
    ], { typeCheck: "report" });
    assert.deepEqual(results[0].typeErrors, []);
    assert.equal(results[0].status, "passed");
    assert.equal(results[1].status, "passed");
    assert.ok(
      results[1].typeErrors.some((e) => /candidate\.ts:1:\d+ TS2322/.test(e)),
      results[1].typeErrors.join("\n"),
    );
    assert.equal(results[2].status, "compile_error");
    assert.ok(results[2].typeErrors.length > 0);
  },
);

Deno.test("enforce mode turns a type error into a compile error", opts, async () => {
  const r = await runTests(
    {
      program: "export function add(a: number, b: number): string { return a + b; }",
      entryPoint: "add",
      tests,
    },
    { typeCheck: "enforce" },
  );
  assert.equal(r.status, "compile_error");
  assert.match(r.reason, /type check failed/);
});

Deno.test("isolation none runs with a loud warning recorded in the result", opts, async () => {
  const r = await runTests({
    program: "export const add = (a: number, b: number) => a + b;",
    entryPoint: "add",
    tests,
  }, { isolation: "none" });
  assert.equal(r.status, "passed");
  assert.equal(r.isolation, "none");
  assert.deepEqual(r.warnings, [NO_ISOLATION_WARNING]);
});

Deno.test(
  "requiring isolation where bwrap is unavailable throws before running anything",
  opts,
  async () => {
    const probe = await detectIsolation({ bwrapPath: "/nonexistent/bwrap", refresh: true });
    assert.equal(probe.level, "none");
    assert.match(probe.reason, /bwrap/);
    await assert.rejects(
      runTests({ program: "export const add = () => 0;", entryPoint: "add", tests }, {
        isolation: "bwrap",
        bwrapPath: "/nonexistent/bwrap",
      }),
      /Cannot run candidate code isolated as required/,
    );
  },
);

Deno.test("malformed jobs and options are rejected with the value named", async () => {
  await assert.rejects(
    runTests({ program: "x", entryPoint: "not valid", tests }),
    /entry point .*"not valid"/,
  );
  await assert.rejects(
    runTests({ program: "x", entryPoint: "f", tests: [{ name: "", code: "x" }] }),
    /field "tests\.0\.name"/,
  );
  await assert.rejects(
    runTests({ program: "x", entryPoint: "f", tests }, { timeoutMs: -1 }),
    /timeoutMs .* current value is -1/,
  );
  await assert.rejects(
    runTests({ program: "x", entryPoint: "f", tests }, { typeCheck: "strict" as never }),
    /current value is strict/,
  );
  await assert.rejects(runTestsBatch([], { concurrency: 0 }), /concurrency .* current value is 0/);
});

Deno.test("an aborted run kills the sandbox and rejects", opts, async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("stop now")), 300);
  await assert.rejects(
    runTests({ program: "export function add() { while (true) {} }", entryPoint: "add", tests }, {
      signal: controller.signal,
      timeoutMs: 20_000,
    }),
    /stop now/,
  );
});
