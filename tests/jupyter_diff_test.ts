import assert from "node:assert/strict";
import { lineDiff } from "../lib/ui/jupyter.ts";
import { createRng } from "../lib/util/prng.ts";

/** LCS length by plain recursion with memo, independent of the implementation under test. */
function lcsLength(a: string[], b: string[]): number {
  const memo = new Map<string, number>();
  const go = (i: number, j: number): number => {
    if (i === a.length || j === b.length) return 0;
    const key = `${i},${j}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const v = a[i] === b[j] ? 1 + go(i + 1, j + 1) : Math.max(go(i + 1, j), go(i, j + 1));
    memo.set(key, v);
    return v;
  };
  return go(0, 0);
}

function randomText(rng: ReturnType<typeof createRng>): string {
  const n = rng.int(9);
  return Array.from({ length: n }, () => ["alpha", "beta", "gamma", "delta"][rng.int(4)]).join(
    "\n",
  );
}

Deno.test("lineDiff rebuilds both texts and keeps a longest common subsequence", () => {
  const rng = createRng(11);
  for (let trial = 0; trial < 300; trial++) {
    const a = randomText(rng), b = randomText(rng);
    const d = lineDiff(a, b);
    assert.equal(d.filter((l) => l.op !== "add").map((l) => l.text).join("\n"), a);
    assert.equal(d.filter((l) => l.op !== "del").map((l) => l.text).join("\n"), b);
    const al = a === "" ? [] : a.split("\n"), bl = b === "" ? [] : b.split("\n");
    assert.equal(
      d.filter((l) => l.op === "same").length,
      lcsLength(al, bl),
      `${JSON.stringify(a)} vs ${JSON.stringify(b)}`,
    );
  }
});

Deno.test("lineDiff of identical texts is all same lines and of an empty text all adds", () => {
  assert.deepEqual(lineDiff("x\ny", "x\ny").map((l) => l.op), ["same", "same"]);
  assert.deepEqual(lineDiff("", "x\ny").map((l) => l.op), ["add", "add"]);
  assert.deepEqual(lineDiff("x", ""), [{ op: "del", text: "x" }]);
});

Deno.test("lineDiff beyond its table cap still rebuilds both texts, keeping the common head and tail", () => {
  const a = ["head", "a1", "a2", "a3", "x", "tail"].join("\n");
  const b = ["head", "a2", "b1", "a3", "y", "tail"].join("\n");
  const d = lineDiff(a, b, { maxCells: 2 });
  assert.equal(d.filter((l) => l.op !== "add").map((l) => l.text).join("\n"), a);
  assert.equal(d.filter((l) => l.op !== "del").map((l) => l.text).join("\n"), b);
  assert.deepEqual(d[0], { op: "same", text: "head" });
  assert.deepEqual(d.at(-1), { op: "same", text: "tail" });
  assert.equal(d.filter((l) => l.op === "same").length, 2, "the capped middle is not aligned");
  assert.equal(lineDiff(a, b).filter((l) => l.op === "same").length, 4, "uncapped finds a2 and a3");
});
