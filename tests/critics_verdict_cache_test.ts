import assert from "node:assert/strict";
import { join } from "node:path";
import { VerdictCache, verdictKey } from "../lib/critics/verdict_cache.ts";
import { RUNNER_VERSION } from "../lib/sandbox/sandbox_options.ts";
import type { SandboxResult } from "../lib/sandbox/sandbox_result.ts";

const tests = [{ name: "t", code: "assert.ok(f());" }];
const job = { program: "const f = () => true;", entryPoint: "f", tests };
const result = (status: SandboxResult["status"]): SandboxResult => ({
  status,
  reason: status,
  tests: [],
  expectedTests: 1,
  reportedTests: 1,
  passedTests: 1,
  failedTests: 0,
  typeErrors: [],
  stdout: "",
  stderr: "",
  outputBytes: 0,
  outputTruncated: false,
  exitCode: 0,
  signal: null,
  durationMs: 5,
  isolation: "bwrap",
  warnings: [],
  runnerVersion: RUNNER_VERSION,
});

Deno.test("verdictKey changes with the code, the tests, the entry point, imports and the limits", () => {
  const base = verdictKey(job);
  assert.match(base, /^[0-9a-f]{64}$/);
  assert.equal(verdictKey({ ...job }), base);
  assert.notEqual(verdictKey({ ...job, program: "const f = () => 1;" }), base);
  assert.notEqual(verdictKey({ ...job, tests: [{ name: "t", code: "assert.ok(!f());" }] }), base);
  assert.notEqual(verdictKey({ ...job, entryPoint: "g" }), base);
  assert.notEqual(verdictKey({ ...job, imports: { a: "npm:a@1.0.0" } }), base);
  assert.notEqual(verdictKey(job, { timeoutMs: 5 }), base);
  assert.notEqual(verdictKey(job, { typeCheck: "enforce" }), base);
  assert.equal(
    verdictKey(job, { concurrency: 9 } as never),
    base,
    "concurrency cannot change a verdict",
  );
});

Deno.test("sandbox errors are never cached", async () => {
  const cache = new VerdictCache();
  await cache.set("a".repeat(64), result("sandbox_error"));
  assert.equal(await cache.get("a".repeat(64)), undefined);
  await cache.set("b".repeat(64), result("failed"));
  assert.equal((await cache.get("b".repeat(64)))?.status, "failed");
});

Deno.test("a corrupt or foreign-version disk entry is a miss", async () => {
  const dir = await Deno.makeTempDir();
  const cache = new VerdictCache({ dir });
  await cache.set("c".repeat(64), result("passed"));
  const path = join(dir, "cc", `${"c".repeat(64)}.json`);
  await Deno.writeTextFile(path, "{ torn");
  assert.equal(await new VerdictCache({ dir }).get("c".repeat(64)), undefined);
  await Deno.writeTextFile(
    path,
    JSON.stringify({ ...result("passed"), runnerVersion: "sandbox-0" }),
  );
  assert.equal(await new VerdictCache({ dir }).get("c".repeat(64)), undefined);
});

Deno.test("the memory cache is bounded and drops the oldest entries", async () => {
  const cache = new VerdictCache({ maxEntries: 2 });
  for (const k of ["d", "e", "f"]) await cache.set(k.repeat(64), result("passed"));
  assert.equal(await cache.get("d".repeat(64)), undefined);
  assert.ok(await cache.get("f".repeat(64)));
  assert.throws(() => new VerdictCache({ maxEntries: 0 }), RangeError);
  await assert.rejects(cache.set("short", result("passed")), /64 hex characters/);
});
