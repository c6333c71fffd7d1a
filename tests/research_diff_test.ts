import assert from "node:assert/strict";
import { applyUnifiedDiff, DiffError, parseUnifiedDiff } from "../lib/research/unified_diff.ts";
import { applyEdits, EditError } from "../lib/research/coder.ts";
import { createRng } from "../lib/util/prng.ts";

async function gitDiff(a: string, b: string, context: number): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "research_diff_" });
  await Deno.writeTextFile(`${dir}/a`, a);
  await Deno.writeTextFile(`${dir}/b`, b);
  const out = await new Deno.Command("git", {
    args: ["diff", "--no-index", `-U${context}`, "a", "b"],
    cwd: dir,
    stdout: "piped",
  }).output();
  await Deno.remove(dir, { recursive: true });
  return new TextDecoder().decode(out.stdout);
}

Deno.test("diffs written by git apply exactly, including missing final newlines and zero context", async () => {
  const rng = createRng(20240601);
  let applied = 0;
  for (let k = 0; k < 60; k++) {
    const a = Array.from({ length: rng.int(25) }, () => `line ${rng.int(6)}`);
    const b = [...a];
    for (let e = 0; e <= rng.int(4); e++) {
      const at = rng.int(b.length + 1);
      const op = rng.int(3);
      if (op === 0) b.splice(at, 0, `new ${rng.int(50)}`);
      else if (b.length) b.splice(Math.min(at, b.length - 1), 1, ...(op === 1 ? [] : [`chg ${k}`]));
    }
    const A = a.join("\n") + (a.length && rng.int(2) ? "\n" : "");
    const B = b.join("\n") + (b.length && rng.int(2) ? "\n" : "");
    const diff = await gitDiff(A, B, rng.int(4));
    if (diff === "") continue;
    assert.equal(applyUnifiedDiff(A, diff), B, `case ${k}:\n${diff}`);
    applied++;
  }
  assert.ok(applied > 40, `only ${applied} non-empty diffs`);
});

Deno.test("a mismatched hunk fails with its number, the line and both texts", () => {
  const diff = "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n+B\n@@ -5,2 +5,2 @@\n e\n-f\n+F\n";
  assert.equal(applyUnifiedDiff("a\nb\nc\nd\ne\nf\n", diff), "a\nB\nc\nd\ne\nF\n");
  assert.throws(() => applyUnifiedDiff("a\nb\nc\nd\ne\nX\n", diff), (e: Error) => {
    assert.ok(e instanceof DiffError);
    assert.equal(e.hunk, 2);
    assert.match(e.message, /line 6 expected "f" but found "X"/);
    return true;
  });
});

Deno.test("wrong line numbers are tolerated only when the old lines match at one place", () => {
  const diff = "@@ -10,2 +10,2 @@\n keep\n-old\n+new\n";
  assert.equal(applyUnifiedDiff("x\nkeep\nold\ny\n", diff), "x\nkeep\nnew\ny\n");
  assert.throws(
    () => applyUnifiedDiff("keep\nold\nkeep\nold\n", diff),
    /matches at several places/,
  );
});

Deno.test("header counts must match the hunk body", () => {
  assert.throws(() => parseUnifiedDiff("@@ -1,3 +1,3 @@\n a\n-b\n+c\n"), /announces 3 old/);
  assert.throws(() => parseUnifiedDiff("just prose"), /no hunks/);
});

Deno.test("a new file diff creates content from nothing", () => {
  const diff = "--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,2 @@\n+one\n+two\n";
  assert.equal(applyUnifiedDiff("", diff), "one\ntwo\n");
});

Deno.test("applyEdits checks every diff before writing anything and refuses paths outside the root", async () => {
  const dir = await Deno.makeTempDir({ prefix: "research_edits_" });
  await Deno.writeTextFile(`${dir}/a.txt`, "a\n");
  await Deno.writeTextFile(`${dir}/b.txt`, "b\n");
  await assert.rejects(
    () =>
      applyEdits([
        { file: "a.txt", format: "full", content: "A\n" },
        { file: "b.txt", format: "diff", content: "@@ -1 +1 @@\n-zzz\n+B\n" },
      ], { baseDir: dir }),
    EditError,
  );
  assert.equal(await Deno.readTextFile(`${dir}/a.txt`), "a\n", "nothing written");
  await assert.rejects(
    () => applyEdits([{ file: "../escape.txt", format: "full", content: "x" }], { baseDir: dir }),
    /outside the workspace/,
  );
  const written = await applyEdits([
    {
      file: "ignored",
      format: "diff",
      content:
        "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-a\n+A\n--- a/b.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-b\n",
    },
  ], { baseDir: dir });
  assert.equal(written.length, 2);
  assert.equal(await Deno.readTextFile(`${dir}/a.txt`), "A\n");
  await assert.rejects(() => Deno.stat(`${dir}/b.txt`), Deno.errors.NotFound);
});
