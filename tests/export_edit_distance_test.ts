import assert from "node:assert/strict";
import { levenshtein, normalizedEditDistance, tokenize } from "../lib/export/mod.ts";
import { createRng } from "../lib/util/prng.ts";

/** Textbook full-matrix Levenshtein, independent of the implementation under test. */
function reference(a: readonly string[], b: readonly string[]): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
  }
  return d[a.length][b.length];
}

Deno.test("levenshtein gives the textbook distances", () => {
  const cases: [string, string, number][] = [
    ["kitten", "sitting", 3],
    ["flaw", "lawn", 2],
    ["", "abc", 3],
    ["abc", "", 3],
    ["abc", "abc", 0],
    ["intention", "execution", 5],
    ["gumbo", "gambol", 2],
    ["book", "back", 2],
  ];
  for (const [a, b, d] of cases) {
    assert.equal(levenshtein(a, b), d, `${a} → ${b}`);
    assert.equal(levenshtein(b, a), d, `${b} → ${a} (symmetry)`);
  }
});

Deno.test("levenshtein counts Unicode code points, not UTF-16 units", () => {
  assert.equal(levenshtein("😀a", "a"), 1);
  assert.equal(levenshtein("naïve", "naive"), 1);
  assert.equal(levenshtein("🎉🎉", "🎊🎉"), 1);
});

Deno.test("levenshtein agrees with the full-matrix reference on random strings, bounded or not", () => {
  const rng = createRng(3);
  const word = () => Array.from({ length: rng.int(14) }, () => "abcd"[rng.int(4)]);
  for (let trial = 0; trial < 400; trial++) {
    const a = word(), b = word();
    const expected = reference(a, b);
    assert.equal(levenshtein(a.join(""), b.join("")), expected);
    assert.equal(levenshtein(a, b), expected, "token arrays");
    const k = rng.int(6);
    assert.equal(
      levenshtein(a.join(""), b.join(""), { maxDistance: k }),
      expected <= k ? expected : k + 1,
    );
  }
});

Deno.test("levenshtein with a bound handles long texts with a small local edit without the full table", () => {
  const base = "lorem ipsum dolor sit amet ".repeat(4000); // 108 000 characters
  const edited = base.slice(0, 50_000) + "XYZ" + base.slice(50_003);
  // the full table would be 1.2e10 cells; prefix/suffix trimming leaves 3×3
  assert.equal(levenshtein(base, edited, { maxCells: 1000 }), 3);
  const shuffled = edited.slice(0, 20_000) + "Q" + edited.slice(20_001, 80_000) + "R" +
    edited.slice(80_001);
  assert.equal(levenshtein(base, shuffled, { maxDistance: 10, maxCells: 2_000_000 }), 5);
});

Deno.test("levenshtein refuses work beyond maxCells and bad bounds, naming them", () => {
  assert.throws(
    () => levenshtein("abcdef", "ghijkl", { maxCells: 10 }),
    /6×6 symbols \(36 cells\) exceed maxCells 10/,
  );
  assert.throws(
    () => levenshtein("a", "b", { maxDistance: -1 }),
    /maxDistance must be an integer >= 0, got -1/,
  );
  assert.throws(() => levenshtein("a", ["b"]), /not a mix/);
});

Deno.test("tokenize splits words and punctuation and drops whitespace", () => {
  assert.deepEqual(tokenize("  Héllo, wörld!\n42_x"), ["Héllo", ",", "wörld", "!", "42_x"]);
  assert.deepEqual(tokenize(""), []);
});

Deno.test("normalizedEditDistance divides by the longer length in the chosen unit", () => {
  assert.equal(normalizedEditDistance("abcd", "abce"), 0.25);
  assert.equal(normalizedEditDistance("", ""), 0);
  assert.equal(normalizedEditDistance("abc", ""), 1);
  assert.equal(normalizedEditDistance("kitten", "sitting"), 3 / 7);
  assert.equal(normalizedEditDistance("the cat sat.", "the dog sat.", { unit: "token" }), 1 / 4);
  assert.equal(normalizedEditDistance("the cat sat.", "the dog sat."), 3 / 12);
});

Deno.test("normalizedEditDistance with a bound is exact below it and at least the bound above it", () => {
  const rng = createRng(5);
  for (let trial = 0; trial < 200; trial++) {
    const a = Array.from({ length: 1 + rng.int(30) }, () => "ab "[rng.int(3)]).join("");
    const b = Array.from({ length: 1 + rng.int(30) }, () => "ab "[rng.int(3)]).join("");
    const exact = normalizedEditDistance(a, b);
    const below = rng.next() * 0.5;
    const bounded = normalizedEditDistance(a, b, { below });
    if (exact < below) assert.equal(bounded, exact);
    else assert.ok(bounded >= below, `${bounded} < ${below} for exact ${exact}`);
  }
});
