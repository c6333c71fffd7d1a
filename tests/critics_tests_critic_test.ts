import assert from "node:assert/strict";
import { anchorTestsCritic, testsCritic } from "../lib/critics/tests_critic.ts";
import { TestRunner } from "../lib/critics/test_runner.ts";
import type { CodingItem } from "../lib/schemas/coding.ts";

const opts = { sanitizeResources: false, sanitizeOps: false };
const ctx = { round: 1, seed: 3 };
const HIDDEN = "HIDDEN_MARKER_9f2c";
const item: CodingItem = {
  id: "reverse",
  prompt: "Write reverse(s).",
  language: "typescript",
  entryPoint: "reverse",
  reference: "export const reverse = (s: string) => [...s].reverse().join('');",
  visibleTests: [
    { name: "reverses abc", code: "assert.strictEqual(reverse('abc'), 'cba');" },
    { name: "empty stays empty", code: "assert.strictEqual(reverse(''), '');" },
  ],
  hiddenTests: [
    {
      name: `${HIDDEN} name`,
      code: `assert.strictEqual(reverse('${HIDDEN}'), '${[...HIDDEN].reverse().join("")}');`,
    },
    { name: "palindrome", code: "assert.strictEqual(reverse('aba'), 'aba' + '');" },
  ],
};

const ANSWERS = [
  "export const reverse = (s: string) => s;",
  "export const reverse = (s: string) => s.split('').reverse().join('') + 'x';",
  "export const reverse = (s: string) => {",
  "export const reverse = (s: string): string => s.length;",
  "export const reverse = (s: string) => { while (true) {} };",
  "throw new Error('boom'); export const reverse = (s: string) => s;",
  "export const reverse = (s: string) => { Deno.exit(0); };",
  "export const reverse = (s: string) => { console.log('x'.repeat(100000)); return s; };",
  "export const reverse = (s: string) => [...s].reverse().join('');",
];

Deno.test(
  "testsCritic feedback names the failing visible test, its code, and expected vs actual",
  opts,
  async () => {
    const fb = await testsCritic().critique(item, ANSWERS[0], ctx);
    assert.equal(fb.critiques.length, 1);
    assert.equal(fb.critiques[0].principleId, "reverses abc");
    assert.equal(fb.critiques[0].severity, "high");
    assert.match(fb.text, /^Visible tests: 1\/2 passed\./);
    assert.match(fb.text, /FAILED: reverses abc/);
    assert.match(fb.text, /assert\.strictEqual\(reverse\('abc'\), 'cba'\);/);
    assert.match(fb.text, /Expected: "cba"/);
    assert.match(fb.text, /Actual: {3}"abc"/);
  },
);

Deno.test("testsCritic reports a compile error, trimmed, with one critique", opts, async () => {
  const fb = await testsCritic().critique(item, ANSWERS[2], ctx);
  assert.equal(fb.critiques.length, 1);
  assert.equal(fb.critiques[0].principleId, "compile_error");
  assert.match(fb.text, /does not compile or load/);
  assert.ok(fb.text.length < 2000);
});

Deno.test("testsCritic says so when every visible test passes", opts, async () => {
  const fb = await testsCritic().critique(item, ANSWERS.at(-1)!, ctx);
  assert.deepEqual(fb.critiques, []);
  assert.equal(fb.text, "Visible tests: all 2 passed.");
});

Deno.test(
  "hidden tests never appear in testsCritic feedback, whatever the answer does",
  opts,
  async () => {
    const critic = testsCritic({ sandbox: { timeoutMs: 1500 } });
    const typed = testsCritic({ sandbox: { typeCheck: "report" } });
    const feedbacks = await Promise.all([
      ...ANSWERS.map((answer) => critic.critique(item, answer, ctx)),
      typed.critique(item, ANSWERS[3], ctx),
    ]);
    assert.ok(
      feedbacks.at(-1)!.text.includes("Type errors (information only"),
      feedbacks.at(-1)!.text,
    );
    for (const [i, fb] of feedbacks.entries()) {
      const all = JSON.stringify(fb);
      for (const secret of [HIDDEN, "palindrome", "aba"]) {
        assert.ok(!all.includes(secret), `hidden test leaked for answer #${i}`);
      }
    }
  },
);

Deno.test("testsCritic never runs the hidden tests", opts, async () => {
  const runner = new TestRunner();
  const seen: string[] = [];
  const original = runner.run.bind(runner);
  runner.run = (i, a, which, s) => {
    seen.push(which);
    return original(i, a, which, s);
  };
  await testsCritic({ runner }).critique(item, ANSWERS[0], ctx);
  assert.deepEqual(seen, ["visible"]);
});

Deno.test(
  "anchorTestsCritic is labelled and its feedback comes from the hidden tests too",
  opts,
  async () => {
    const critic = anchorTestsCritic();
    assert.equal(critic.name, "tests_anchor");
    const fb = await critic.critique(item, ANSWERS[0], ctx);
    assert.match(fb.text, /anchor protocol: these include the tests that score the answer/);
    assert.ok(fb.text.includes(HIDDEN));
    assert.match(fb.text, /2\/4 passed/);
  },
);

Deno.test("an item without visible tests gives empty feedback without running anything", async () => {
  const fb = await testsCritic().critique(
    { ...item, visibleTests: [] } as CodingItem,
    ANSWERS[0],
    ctx,
  );
  assert.deepEqual(fb, { critiques: [], text: "Visible tests: there are none for this item." });
});
