import assert from "node:assert/strict";
import { splitTests } from "../lib/datasets/split_tests.ts";

const make = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ name: `t${i}`, code: `assert.ok(${i});` }));

Deno.test("splitTests keeps every test exactly once and the original order within each set", () => {
  const tests = make(10);
  const { visible, hidden } = splitTests(tests, { seed: "x" });
  assert.equal(visible.length + hidden.length, 10);
  const names = [...visible, ...hidden].map((t) => t.name).sort();
  assert.deepEqual(names, tests.map((t) => t.name).sort());
  const idx = (t: { name: string }) => Number(t.name.slice(1));
  for (const set of [visible, hidden]) {
    for (let i = 1; i < set.length; i++) assert.ok(idx(set[i - 1]) < idx(set[i]));
  }
});

Deno.test("splitTests makes about a third visible but always leaves one of each", () => {
  assert.equal(splitTests(make(3), { seed: 1 }).visible.length, 1);
  assert.equal(splitTests(make(9), { seed: 1 }).visible.length, 3);
  assert.equal(splitTests(make(2), { seed: 1 }).visible.length, 1);
  assert.deepEqual(splitTests(make(1), { seed: 1 }).visible, []);
  assert.equal(splitTests(make(5), { seed: 1, visibleFraction: 1 }).hidden.length, 1);
  assert.equal(splitTests(make(5), { seed: 1, visibleFraction: 0 }).visible.length, 1);
});

Deno.test("splitTests is reproducible per seed and differs across seeds", () => {
  const tests = make(12);
  assert.deepEqual(splitTests(tests, { seed: "a" }), splitTests(tests, { seed: "a" }));
  const seen = new Set(
    [..."abcdefgh"].map((s) => splitTests(tests, { seed: s }).visible.map((t) => t.name).join()),
  );
  assert.ok(seen.size > 1);
});

Deno.test("splitTests rejects empty input and fractions outside [0, 1]", () => {
  assert.throws(() => splitTests([]), RangeError);
  assert.throws(() => splitTests(make(3), { visibleFraction: 1.5 }), /current value is 1.5/);
});
