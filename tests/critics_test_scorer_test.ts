import assert from "node:assert/strict";
import { testScorer } from "../lib/critics/test_scorer.ts";
import { testsCritic } from "../lib/critics/tests_critic.ts";
import { TestRunner } from "../lib/critics/test_runner.ts";
import { VerdictCache } from "../lib/critics/verdict_cache.ts";
import type { CodingItem } from "../lib/schemas/coding.ts";
import type { Event } from "../lib/schemas/events.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const ctx = { round: 0, seed: 7 };
const item: CodingItem = {
  id: "clamp",
  prompt: "Write clamp(x, lo, hi).",
  language: "typescript",
  entryPoint: "clamp",
  reference:
    "export const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));",
  visibleTests: [{ name: "inside", code: "assert.strictEqual(clamp(5, 0, 10), 5);" }],
  hiddenTests: [
    { name: "below", code: "assert.strictEqual(clamp(-1, 0, 10), 0);" },
    { name: "above", code: "assert.strictEqual(clamp(11, 0, 10), 10);" },
    { name: "at bound", code: "assert.strictEqual(clamp(10, 0, 10), 10);" },
    { name: "inside too", code: "assert.strictEqual(clamp(3, 0, 10), 3);" },
  ],
};

Deno.test(
  "the score is the fraction of hidden tests passed and passed means all",
  opts,
  async () => {
    const scorer = testScorer();
    assert.equal(scorer.name, "hidden_tests");
    const full = await scorer.score(item, "```ts\n" + item.reference + "\n```", ctx);
    assert.deepEqual(full, {
      score: 1,
      passed: true,
      source: "hidden_tests",
      detail: "4/4 tests passed",
    });
    const half = await scorer.score(
      item,
      "export const clamp = (x: number, lo: number, hi: number) => Math.max(lo, x);",
      ctx,
    );
    assert.equal(half.score, 0.75);
    assert.equal(half.passed, false);
    assert.equal(half.detail, "3/4 tests passed");
  },
);

Deno.test("only the requested test set counts", opts, async () => {
  const visible = testScorer({ which: "visible" });
  assert.equal(visible.name, "visible_tests");
  const s = await visible.score(item, "export const clamp = (x: number) => x;", ctx);
  assert.deepEqual([s.score, s.passed], [1, true]);
  const hidden = await testScorer().score(item, "export const clamp = (x: number) => x;", ctx);
  assert.equal(hidden.score, 0.5);
});

Deno.test("an error verdict scores 0 even when some tests passed before it", opts, async () => {
  const scorer = testScorer({ sandbox: { timeoutMs: 1500 } });
  const loop = await scorer.score(
    item,
    "export const clamp = (x: number, lo: number, hi: number) => { if (x > hi) while (true) {} return Math.max(lo, x); };",
    ctx,
  );
  assert.equal(loop.score, 0);
  assert.equal(loop.passed, false);
  assert.match(loop.detail ?? "", /^timeout: /);
  const exit = await scorer.score(
    item,
    "export const clamp = (x: number) => { Deno.exit(0); };",
    ctx,
  );
  assert.equal(exit.score, 0);
  assert.match(exit.detail ?? "", /^tests_not_run: /);
  const broken = await scorer.score(item, "export const clamp = (", ctx);
  assert.equal(broken.score, 0);
  assert.match(broken.detail ?? "", /^compile_error: /);
});

Deno.test("verdicts are cached in memory by code and tests", opts, async () => {
  const runner = new TestRunner();
  const scorer = testScorer({ runner });
  const a = await scorer.score(item, item.reference, ctx);
  const b = await scorer.score(item, "```ts\n" + item.reference + "\n```", ctx);
  assert.deepEqual(a, b);
  assert.equal(runner.cache.hits, 1);
  assert.equal(runner.cache.misses, 1);
  await testScorer({ runner, which: "visible" }).score(item, item.reference, ctx);
  assert.equal(runner.cache.misses, 2, "different tests, different key");
});

Deno.test("verdicts persist on disk and a new process-level cache reuses them", opts, async () => {
  const dir = await Deno.makeTempDir();
  await testScorer({ cache: new VerdictCache({ dir }) }).score(item, item.reference, ctx);
  const files = [];
  for await (const sub of Deno.readDir(dir)) {
    for await (const f of Deno.readDir(`${dir}/${sub.name}`)) {
      files.push(f.name);
    }
  }
  assert.equal(files.length, 1);
  assert.match(files[0], /^[0-9a-f]{64}\.json$/);
  const cache = new VerdictCache({ dir });
  const s = await testScorer({ cache }).score(item, item.reference, ctx);
  assert.equal(s.passed, true);
  assert.equal(cache.hits, 1);
  assert.equal(cache.misses, 0);
});

Deno.test("an item without the requested tests scores 0 with a reason", opts, async () => {
  const s = await testScorer({ which: "visible" }).score(
    { ...item, visibleTests: [] } as CodingItem,
    item.reference,
    ctx,
  );
  assert.deepEqual([s.score, s.passed, s.detail], [0, false, "the item has no visible tests"]);
});

Deno.test(
  "a non-coding item is a TypeError and a broken sandbox throws instead of scoring",
  opts,
  async () => {
    await assert.rejects(
      testScorer().score({ id: "x", prompt: "p" }, "a", ctx),
      /not a coding item/,
    );
    const broken = testScorer({ sandbox: { isolation: "none", denoPath: "/nonexistent/deno" } });
    await assert.rejects(
      broken.score(item, item.reference, ctx),
      /The sandbox failed while scoring item "clamp"/,
    );
    assert.throws(() => testScorer({ which: "every" as never }), /current value is every/);
  },
);

Deno.test("unisolated scorers and critics warn once per run (per event sink)", opts, async () => {
  const events: Event[] = [];
  const onEvent = (e: Event) => void events.push(e);
  const scorer = testScorer({ sandbox: { isolation: "none" } });
  const critic = testsCritic({ sandbox: { isolation: "none" } });
  await scorer.score(item, item.reference, { ...ctx, onEvent });
  await scorer.score(item, "export const clamp = (x: number) => x;", { ...ctx, onEvent });
  await critic.critique(item, "export const clamp = (x: number) => x;", { ...ctx, onEvent });
  const warnings = events.filter((e) => e.type === "log" && e.level === "warn");
  assert.equal(warnings.length, 1);
  assert.match((warnings[0] as { message: string }).message, /NOT ISOLATED/);
  // A second run (a new sink) is warned again.
  const other: Event[] = [];
  await scorer.score(item, item.reference, { ...ctx, onEvent: (e) => void other.push(e) });
  assert.equal(other.filter((e) => e.type === "log" && e.level === "warn").length, 1);
});
