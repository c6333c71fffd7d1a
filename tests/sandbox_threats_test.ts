// Threat-model tests: untrusted candidate code tries to escape, leak or fake success. None may pass,
// none may leak or change anything outside, and the verdict must say why.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runTests } from "../lib/sandbox/run_tests.ts";
import { runTestsBatch } from "../lib/sandbox/run_tests_batch.ts";
import { detectIsolation } from "../lib/sandbox/isolation.ts";
import type { SandboxOptions } from "../lib/sandbox/sandbox_options.ts";
import type { SandboxResult } from "../lib/sandbox/sandbox_result.ts";
import type { TestCase } from "../lib/schemas/coding.ts";

const probe = await detectIsolation();
const hasBwrap = probe.level === "bwrap";
if (!hasBwrap) {
  console.warn(
    `sandbox_threats_test: bwrap unavailable (${probe.reason}); OS-isolation cases are skipped`,
  );
}
/** OS-level cases need bwrap; harness-level cases run under whatever isolation exists. */
const osCase = { ignore: !hasBwrap, sanitizeResources: false, sanitizeOps: false };
const anyCase = { sanitizeResources: false, sanitizeOps: false };

const SECRET = `TOPSECRET-${crypto.randomUUID()}`;
const secretDir = await Deno.makeTempDir({ prefix: "ac-threat-secret-" });
const secretTs = join(secretDir, "secret.ts");
const secretTxt = join(secretDir, "secret.txt");
const secretJson = join(secretDir, "secret.json");
await Deno.writeTextFile(secretTs, `export default ${JSON.stringify(SECRET)};\n`);
await Deno.writeTextFile(secretTxt, SECRET);
await Deno.writeTextFile(secretJson, JSON.stringify({ secret: SECRET }));
const victim = join(secretDir, "victim.txt");
await Deno.writeTextFile(victim, "original");
const FAKE_KEY = `sk-test-${crypto.randomUUID()}`;
const REPO = fileURLToPath(new URL("..", import.meta.url));

/**
 * Runs a candidate from a separate host process whose environment holds a fake OPENAI_API_KEY (so
 * the key is really in the host env, without leaking into other test modules of this process).
 */
async function runWithHostKey(program: string): Promise<SandboxResult> {
  const script = `import { runTests } from ${
    JSON.stringify(new URL("../lib/sandbox/run_tests.ts", import.meta.url).href)
  };
const r = await runTests({ program: ${JSON.stringify(program)}, entryPoint: "f", tests: ${
    JSON.stringify(LEAK_TESTS)
  } }, { timeoutMs: 8000 });
console.log(JSON.stringify(r));`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    cwd: REPO,
    env: { OPENAI_API_KEY: FAKE_KEY, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return JSON.parse(text.split("\n").at(-1)!);
}

/** The test every leaking candidate must fail: `f()` returns "leaked" only when the attack worked. */
const LEAK_TESTS: TestCase[] = [{
  name: "leak worked",
  code: `assert.strictEqual(f(), "leaked");`,
}];
const OPTS: SandboxOptions = { timeoutMs: 8000 };

async function run(
  program: string,
  options: SandboxOptions = {},
  tests = LEAK_TESTS,
): Promise<SandboxResult> {
  return await runTests({ program, entryPoint: "f", tests }, { ...OPTS, ...options });
}

function assertContained(result: SandboxResult, ...secrets: string[]): void {
  assert.notEqual(result.status, "passed", `must not pass: ${result.reason}`);
  const text = JSON.stringify(result);
  for (const s of [SECRET, FAKE_KEY, ...secrets]) {
    assert.ok(!text.includes(s), `leaked ${s.slice(0, 12)}…`);
  }
  assert.ok(result.reason.length > 0);
}

async function victimUntouched(): Promise<void> {
  assert.equal(await Deno.readTextFile(victim), "original");
}

// ---- reading the user's files ----

Deno.test(
  "a static import of an absolute secret path is a compile error and leaks nothing",
  osCase,
  async () => {
    const r = await run(
      `import s from ${
        JSON.stringify(secretTs)
      };\nexport function f() { return s ? "leaked" : "no"; }`,
    );
    assertContained(r);
    assert.equal(r.status, "compile_error");
    assert.equal(r.isolation, "bwrap");
  },
);

Deno.test("a dynamic import of a secret module cannot read it", osCase, async () => {
  const r = await run(`let s = "";
try { s = (await import(${
    JSON.stringify(secretTs)
  })).default; } catch (e) { console.log("import failed", String(e).slice(0, 80)); }
export function f() { return s.startsWith("TOPSECRET") ? "leaked" : "no"; }`);
  assertContained(r);
  assert.equal(r.status, "failed");
});

Deno.test("a JSON-module import of a secret file cannot read it", osCase, async () => {
  const r = await run(`let s = "";
try { s = (await import(${
    JSON.stringify(secretJson)
  }, { with: { type: "json" } })).default.secret; } catch { /* blocked */ }
export function f() { return s ? "leaked" : "no"; }`);
  assertContained(r);
});

Deno.test("Deno.readTextFile of a secret file is denied", osCase, async () => {
  const r = await run(
    `export function f() { try { return Deno.readTextFileSync(${
      JSON.stringify(secretTxt)
    }) ? "leaked" : "no"; } catch (e) { return String(e).slice(0, 60); } }`,
  );
  assertContained(r);
  assert.equal(r.status, "failed");
  assert.match(
    r.tests[0].actual ?? "",
    /NotCapable|PermissionDenied|Requires read access|NotFound/,
  );
});

Deno.test("node:fs readFileSync of a secret file is denied", osCase, async () => {
  const r = await run(`import * as fs from "node:fs";
export function f() { try { return fs.readFileSync(${
    JSON.stringify(secretTxt)
  }, "utf8") ? "leaked" : "no"; } catch (e) { return "denied"; } }`);
  assertContained(r);
  assert.equal(r.tests[0].actual, '"denied"');
});

// ---- environment ----

Deno.test("environment variables and API keys are unreachable", osCase, async () => {
  const r = await runWithHostKey(`export function f() {
  let v: string | undefined;
  try { v = Deno.env.get("OPENAI_API_KEY"); } catch { /* denied */ }
  try { v ??= (globalThis as any).process?.env?.OPENAI_API_KEY; } catch { /* denied */ }
  try { v ??= Deno.env.toObject().OPENAI_API_KEY; } catch { /* denied */ }
  if (v) console.log(v);
  return v ? "leaked" : "no";
}`);
  assertContained(r);
  assert.equal(r.status, "failed");
});

Deno.test("/proc/self/environ cannot be read as a module", osCase, async () => {
  const r = await runWithHostKey(`let s = "";
try { s = JSON.stringify(await import("/proc/self/environ", { with: { type: "json" } })); } catch (e) { s = String(e); }
console.log(s.slice(0, 500));
export function f() { return s.includes("sk-test") ? "leaked" : "no"; }`);
  assertContained(r);
});

// ---- network ----

Deno.test("the network is unreachable: a local server receives nothing", osCase, async () => {
  let hits = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, () => {
    hits++;
    return new Response("hello");
  });
  try {
    const port = server.addr.port;
    const r = await run(`let ok = false;
try { ok = (await fetch("http://127.0.0.1:${port}/")).ok; } catch (e) { console.log(String(e).slice(0, 100)); }
try { const c = await Deno.connect({ hostname: "127.0.0.1", port: ${port} }); c.close(); ok = true; } catch { /* denied */ }
export function f() { return ok ? "leaked" : "no"; }`);
    assertContained(r);
    assert.equal(r.status, "failed");
    assert.equal(hits, 0);
  } finally {
    await server.shutdown();
  }
});

// ---- processes ----

Deno.test(
  "spawning a process with Deno.Command is denied and leaves no trace",
  osCase,
  async () => {
    const marker = join(secretDir, "spawned-deno");
    const r = await run(`export function f() {
  try { new Deno.Command("/bin/sh", { args: ["-c", "touch ${marker}"] }).outputSync(); return "leaked"; } catch { return "no"; }
}`);
    assertContained(r);
    assert.equal(r.status, "failed");
    await assert.rejects(Deno.stat(marker));
  },
);

Deno.test(
  "spawning a process with node:child_process is denied and leaves no trace",
  osCase,
  async () => {
    const marker = join(secretDir, "spawned-node");
    const r = await run(`import { execSync } from "node:child_process";
export function f() { try { execSync("touch ${marker}"); return "leaked"; } catch { return "no"; } }`);
    assertContained(r);
    await assert.rejects(Deno.stat(marker));
  },
);

// ---- writing outside ----

Deno.test("writing a host file is denied and the file is untouched", osCase, async () => {
  const r = await run(`import * as fs from "node:fs";
export function f() {
  let wrote = false;
  try { Deno.writeTextFileSync(${
    JSON.stringify(victim)
  }, "pwned"); wrote = true; } catch { /* denied */ }
  try { fs.writeFileSync(${JSON.stringify(victim)}, "pwned"); wrote = true; } catch { /* denied */ }
  try { Deno.writeTextFileSync("/tmp/ac-threat-written", "x"); wrote = true; } catch { /* denied */ }
  return wrote ? "leaked" : "no";
}`);
  assertContained(r);
  await victimUntouched();
  await assert.rejects(Deno.stat("/tmp/ac-threat-written"));
});

// ---- downloading ----

Deno.test('import("npm:left-pad") cannot download anything', osCase, async () => {
  const r = await run(`let ok = false;
try { await import("npm:left-pad"); ok = true; } catch (e) { console.log(String(e).slice(0, 120)); }
export function f() { return ok ? "leaked" : "no"; }`);
  assertContained(r);
  assert.equal(r.status, "failed");
});

Deno.test("an https import cannot download anything", osCase, async () => {
  const r = await run(`let ok = false;
try { await import("https://deno.land/std@0.224.0/path/mod.ts"); ok = true; } catch (e) { console.log(String(e).slice(0, 120)); }
export function f() { return ok ? "leaked" : "no"; }`);
  assertContained(r);
  assert.equal(r.status, "failed");
});

Deno.test("a static npm import of an uncached package is a compile error", osCase, async () => {
  const r = await run(
    `import leftPad from "npm:left-pad@1.3.0";\nexport function f() { return leftPad("", 0) === "" ? "leaked" : "no"; }`,
  );
  assertContained(r);
  assert.equal(r.status, "compile_error");
});

// ---- faking success ----

const ASYNC_TESTS: TestCase[] = [
  { name: "first", code: "await Promise.resolve(); assert.strictEqual(f(), 'right');" },
  {
    name: "second",
    code: "await new Promise((r) => setTimeout(r, 50)); assert.strictEqual(f(), 'right');",
  },
];

Deno.test("Deno.exit(0) from a timer is tests_not_run, not a pass", anyCase, async () => {
  const r = await run(
    `setTimeout(() => Deno.exit(0), 0);\nexport function f() { return "wrong"; }`,
    {},
    ASYNC_TESTS,
  );
  assert.equal(r.status, "tests_not_run");
  assert.match(r.reason, /exited with code 0 before/);
  assert.ok(r.reportedTests < r.expectedTests);
});

Deno.test("process.exit(0) while loading is tests_not_run", anyCase, async () => {
  const r = await run(
    `import process from "node:process";\nprocess.exit(0);\nexport function f() { return "wrong"; }`,
  );
  assert.equal(r.status, "tests_not_run");
  assert.equal(r.reportedTests, 0);
});

Deno.test("process.exit(0) inside the entry point is tests_not_run", anyCase, async () => {
  const r = await run(`export function f() { (globalThis as any).process.exit(0); }`);
  assert.equal(r.status, "tests_not_run");
  assert.match(r.reason, /during test "leak worked"/);
});

Deno.test("setting process.exitCode = 0 does not turn failures into a pass", anyCase, async () => {
  const r = await run(
    `export function f() { (globalThis as any).process.exitCode = 0; throw new Error("nope"); }`,
  );
  assert.equal(r.status, "failed");
  assert.equal(r.tests[0].message, "nope");
});

Deno.test("forged result lines on stdout are ignored and reported", anyCase, async () => {
  const fake = (payload: object) => `\x1eAC1 ${"0".repeat(64)} ${JSON.stringify(payload)}\n`;
  const pass = fake({ k: "test", i: 0, name: "leak worked", ok: true, seq: 3 });
  const end = fake({ k: "end", n: 1, passed: 1, tampered: null, seq: 4 });
  const r = await run(`const w = (s: string) => Deno.stdout.writeSync(new TextEncoder().encode(s));
w(${JSON.stringify(pass + end)});
export function f() { w(${JSON.stringify(pass + end)}); Deno.exit(0); }`);
  assert.equal(r.status, "tests_not_run");
  assert.equal(r.reportedTests, 0);
  assert.ok(
    r.warnings.some((w) => /4 result line\(s\) that did not carry this run's key/.test(w)),
    r.warnings.join("; "),
  );
});

Deno.test(
  "patching the candidate's own node:assert does not touch the harness",
  anyCase,
  async () => {
    const r = await run(`import assert from "node:assert/strict";
import legacy from "node:assert";
for (const a of [assert, legacy] as any[]) {
  for (const k of Object.keys(a)) { try { a[k] = () => {}; } catch { /* frozen */ } }
}
export function f() { return "wrong"; }`);
    assert.equal(r.status, "failed");
    assert.equal(r.tests[0].errorName, "AssertionError");
  },
);

Deno.test(
  "replacing Object.is, JSON.stringify and Array.prototype methods is refused or caught",
  anyCase,
  async () => {
    const r = await run(`const refused: string[] = [];
const tryPatch = (name: string, fn: () => void) => { try { fn(); } catch { refused.push(name); } };
tryPatch("Object.is", () => { (Object as any).is = () => true; });
tryPatch("JSON.stringify", () => { (JSON as any).stringify = () => '"leaked"'; });
tryPatch("Array.prototype.every", () => { (Array.prototype as any).every = () => true; });
tryPatch("Object.defineProperty(Array.prototype.join)", () => { Object.defineProperty(Array.prototype, "join", { value: () => "leaked" }); });
tryPatch("globalThis.JSON", () => { (globalThis as any).JSON = { stringify: () => '"leaked"' }; });
console.log("refused:", refused.join(","));
export function f() { return JSON.stringify([1]) === '"leaked"' ? "leaked" : ["a"].join("") === "leaked" ? "leaked" : "no"; }`);
    assert.equal(r.status, "failed");
    assert.match(
      r.stdout,
      /refused: Object\.is,JSON\.stringify,Array\.prototype\.every,Object\.defineProperty\(Array\.prototype\.join\),globalThis\.JSON/,
    );
  },
);

Deno.test(
  "instances can still shadow hardened prototype methods (ordinary code keeps working)",
  anyCase,
  async () => {
    const r = await run(`class Money { constructor(public v: number) {} }
export function f() {
  const m: any = new Money(3);
  m.toString = () => "leaked";
  const arr: any = [1, 2];
  arr.join = () => "x";
  return String(m) === "leaked" && arr.join() === "x" && [3, 4].join("-") === "3-4" ? "leaked" : "no";
}`);
    assert.equal(r.status, "passed", r.reason);
  },
);

Deno.test(
  "a built-in replaced through a loophole fails every later test with a tampering verdict",
  anyCase,
  async () => {
    const tests: TestCase[] = [
      { name: "one", code: "assert.strictEqual(f(1), 1);" },
      { name: "two", code: "assert.strictEqual(f(2), 2);" },
    ];
    const r = await runTests({
      program:
        `export function f(x: number) { try { (RegExp.prototype as any).exec = () => null; } catch { /* */ } return x; }`,
      entryPoint: "f",
      tests,
    }, OPTS);
    assert.equal(r.status, "failed");
    assert.match(r.reason, /replaced the built-in RegExp\.prototype\.exec/);
    assert.equal(r.passedTests, 0);
    assert.equal(r.tests[1].errorName, "Tampering");
  },
);

Deno.test(
  "patching Promise.prototype.then cannot turn a failing async test into a pass",
  anyCase,
  async () => {
    const r = await run(
      `try {
  const then = Promise.prototype.then;
  (Promise.prototype as any).then = function (this: Promise<unknown>, ok: any) { return then.call(this, ok, ok); };
} catch { console.log("then is frozen"); }
export function f() { return "wrong"; }`,
      {},
      ASYNC_TESTS,
    );
    assert.equal(r.status, "failed");
    assert.equal(r.passedTests, 0);
  },
);

Deno.test("a module exporting then() that never settles cannot pass", anyCase, async () => {
  const r = await run(
    `export function then(_resolve: (v: unknown) => void) { /* never settles */ }
export function f() { return "leaked"; }`,
    { timeoutMs: 1500 },
  );
  // Deno notices the import can never settle and exits with an error.
  assert.equal(r.status, "crashed");
  assert.equal(r.reportedTests, 0);
  assert.match(r.stderr, /never resolved/);
});

Deno.test("tests defined by the candidate with Deno.test do not count", anyCase, async () => {
  const r = await run(`Deno.test("leak worked", () => {});
Deno.test("always passes", () => {});
export function f() { return "wrong"; }`);
  assert.equal(r.status, "failed");
  assert.equal(r.expectedTests, 1);
  assert.equal(r.reportedTests, 1);
});

Deno.test(
  "re-importing the harness or the type-check module gives the candidate nothing",
  osCase,
  async () => {
    const r = await run(`let got = "";
try { got += String(await import("./typecheck.ts")); } catch (e) { console.log(String(e).slice(0, 100)); }
try { got += JSON.stringify(await import("./harness.ts?again")); } catch (e) { console.log(String(e).slice(0, 100)); }
try { got += JSON.stringify(await import("./harness.js?again")); } catch (e) { console.log(String(e).slice(0, 100)); }
export function f() { return got.includes("leak worked") ? "leaked" : "no"; }`);
    assertContained(r);
  },
);

// ---- broken syntax ----

Deno.test(
  "an unterminated comment that swallows the export is a compile error",
  anyCase,
  async () => {
    const r = await run(`export function f() { return "leaked"; } /*`);
    assert.equal(r.status, "compile_error");
    assert.match(r.reason, /does not define the entry point `f`/);
  },
);

Deno.test("a syntax error is a compile error with the parser's message", anyCase, async () => {
  const r = await run(`export function f() { return "leaked";`);
  assert.equal(r.status, "compile_error");
  assert.match(r.reason, /unclosed block, string or comment/);
  assert.match(r.compileError ?? "", /SyntaxError/);
  assert.equal(r.reportedTests, 1);
  assert.equal(r.passedTests, 0);
});

Deno.test("an unterminated template literal is a compile error", anyCase, async () => {
  const r = await run("export function f() { return `leaked; }");
  assert.equal(r.status, "compile_error");
});

// ---- resource exhaustion ----

Deno.test(
  "an infinite loop is killed at the deadline with a timeout verdict",
  anyCase,
  async () => {
    const started = performance.now();
    const r = await run(`export function f() { while (true) {} }`, { timeoutMs: 1500 });
    assert.equal(r.status, "timeout");
    assert.equal(r.tests[0].status, "timeout");
    assert.match(r.reason, /while running test "leak worked"/);
    assert.ok(performance.now() - started < 15_000);
  },
);

Deno.test("an infinite loop while loading is a timeout too", anyCase, async () => {
  const r = await run(`while (true) {}\nexport function f() { return "leaked"; }`, {
    timeoutMs: 1500,
  });
  assert.equal(r.status, "timeout");
  assert.match(r.reason, /loading the candidate/);
});

Deno.test("exhausting the heap gives a memory verdict", anyCase, async () => {
  const r = await run(
    `export function f() { const a: number[][] = []; while (true) a.push(new Array(1e6).fill(1.5)); }`,
    {
      memoryMb: 64,
      timeoutMs: 20_000,
    },
  );
  assert.equal(r.status, "memory", r.reason);
});

Deno.test(
  "exhausting memory with array buffers is contained by the data limit",
  osCase,
  async () => {
    const r = await run(
      `export function f() { const a: Uint8Array[] = []; while (true) { const b = new Uint8Array(5e7); b.fill(1); a.push(b); } }`,
      {
        memoryMb: 64,
        timeoutMs: 20_000,
      },
    );
    assert.notEqual(r.status, "passed");
    assert.ok(["memory", "failed"].includes(r.status), r.reason);
    assert.match(JSON.stringify(r), /allocation failed|out of memory/i);
  },
);

Deno.test("a 100 MB output flood is capped and the run is still scored", anyCase, async () => {
  const r = await run(
    `const line = "x".repeat(1023) + "\\n";
const chunk = new TextEncoder().encode(line.repeat(1024));
for (let i = 0; i < 100; i++) Deno.stdout.writeSync(chunk);
export function f() { return "leaked"; }`,
    { timeoutMs: 60_000 },
  );
  assert.equal(r.status, "passed", r.reason);
  assert.ok(r.outputBytes >= 100 * 1024 * 1024, String(r.outputBytes));
  assert.ok(r.outputTruncated);
  assert.ok(r.stdout.length < 20_000, String(r.stdout.length));
  assert.match(r.stdout, /bytes omitted/);
});

Deno.test("a crash keeps the end of the error in the capped stderr", anyCase, async () => {
  const r = await run(`console.error("noise\\n".repeat(20000));
setTimeout(() => { throw new Error("the real error at the end"); }, 0);
await new Promise((r) => setTimeout(r, 10));
export function f() { return "leaked"; }`);
  assert.notEqual(r.status, "passed");
  assert.match(r.stderr, /the real error at the end/);
});

// ---- batches ----

Deno.test("a batch keeps going when candidates misbehave", anyCase, async () => {
  const tests: TestCase[] = [{ name: "one", code: "assert.strictEqual(f(), 1);" }];
  const jobs = [
    "export const f = () => 1;",
    "export const f = () => { while (true) {} };",
    "Deno.exit(0); export const f = () => 1;",
    "export const f = () => 1; /*",
    "export const f = () => 1;",
  ].map((program) => ({ program, entryPoint: "f", tests }));
  const seen: number[] = [];
  const results = await runTestsBatch(jobs, { timeoutMs: 1500, onResult: (i) => seen.push(i) });
  assert.deepEqual(results.map((r) => r.status), [
    "passed",
    "timeout",
    "tests_not_run",
    "compile_error",
    "passed",
  ]);
  assert.deepEqual(seen.sort(), [0, 1, 2, 3, 4]);
});

Deno.test("isolation is recorded in every result", osCase, async () => {
  const r = await run(`export function f() { return "leaked"; }`, { isolation: "bwrap" });
  assert.equal(r.status, "passed");
  assert.equal(r.isolation, "bwrap");
  assert.deepEqual(r.warnings, []);
});
