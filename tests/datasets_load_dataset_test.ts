import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { convertRows, detectFormat, loadDataset } from "../lib/datasets/load_dataset.ts";
import { InputError } from "../lib/util/jsonl.ts";
import { CodingItemSchema } from "../lib/schemas/coding.ts";

const data = (name: string) =>
  fileURLToPath(new URL(`./testdata/datasets/${name}`, import.meta.url));

Deno.test("loadDataset auto-detects mxeval rows and converts every one to a valid CodingItem", async () => {
  const items = await loadDataset(data("mxeval.jsonl"));
  assert.deepEqual(items.map((i) => i.id), ["FIX/1", "FIX/2", "FIX/3"]);
  for (const item of items) {
    CodingItemSchema.parse(item);
    assert.ok(item.hiddenTests.length >= 1);
    assert.equal(item.language, "typescript");
    assert.ok(item.reference.startsWith(String(item.metadata?.codePrompt)));
  }
});

Deno.test("mxeval tests become one test per assertion, with the legacy assert semantics kept", async () => {
  const [item] = await loadDataset(data("mxeval.jsonl"));
  const all = [...item.visibleTests, ...item.hiddenTests];
  assert.equal(all.length, 3);
  assert.deepEqual(all.map((t) => t.name).sort(), ["test case 0", "test case 1", "test case 2"]);
  for (const t of all) {
    assert.ok(!t.code.includes("import"), t.code);
    assert.match(t.code, /^let actual_\d = sum_squares\(/);
    assert.match(t.code, /assert\.legacy\.deepEqual\(actual_\d, expected_\d/);
  }
  const visibleNames = new Set(item.visibleTests.map((t) => t.name));
  assert.ok(item.hiddenTests.every((t) => !visibleNames.has(t.name)));
});

Deno.test("bare npm imports in mxeval prompts are pinned in metadata.imports", async () => {
  const items = await loadDataset(data("mxeval.jsonl"));
  assert.deepEqual(items[1].metadata?.imports, { "heap-js": "npm:heap-js@2.7.1" });
  assert.equal(items[0].metadata?.imports, undefined);
});

Deno.test("the visible/hidden split is deterministic for a seed and changes with it", async () => {
  const a = await loadDataset(data("mxeval.jsonl"));
  const b = await loadDataset(data("mxeval.jsonl"));
  assert.deepEqual(a, b);
  const splits = new Set<string>();
  for (const seed of ["s1", "s2", "s3", "s4", "s5", "s6"]) {
    const [item] = await loadDataset(data("mxeval.jsonl"), { seed });
    splits.add(item.visibleTests.map((t) => t.name).join());
  }
  assert.ok(splits.size > 1, "different seeds should give different splits");
});

Deno.test("HumanEval-style Python rows split check(candidate) into pytest bodies and keep the setup", async () => {
  const [item] = await loadDataset(data("humaneval_py.jsonl"));
  assert.equal(item.language, "python");
  assert.equal(item.entryPoint, "add_all");
  const all = [...item.visibleTests, ...item.hiddenTests];
  assert.equal(all.length, 4);
  assert.ok(all.every((t) => t.code.startsWith("candidate = add_all\n")), all[0].code);
  assert.ok(all.some((t) => t.code.includes("for n in range(3):")));
  assert.match(String(item.metadata?.testSetup), /METADATA = /);
  assert.equal(
    detectFormat({
      task_id: "a",
      prompt: "p",
      canonical_solution: "",
      test: "t",
      entry_point: "f",
    }),
    "humaneval",
  );
});

Deno.test("MultiPL-E rows find the entry point from the candidate alias and flag the missing reference", async () => {
  const [item] = await loadDataset(data("multipl_e_ts.jsonl"));
  assert.equal(item.entryPoint, "double_all");
  assert.equal(item.metadata?.referenceMissing, true);
  const all = [...item.visibleTests, ...item.hiddenTests];
  assert.equal(all.length, 3);
  assert.ok(all.every((t) => t.code.startsWith("let candidate = double_all;")));
  assert.ok(all.every((t) => t.code.includes("assert.legacy.deepEqual(candidate(")));
});

Deno.test("autoconstitution-python rows become Python items with one test per test_ function", async () => {
  const [item] = await loadDataset(data("autoconstitution_python.jsonl"));
  assert.equal(item.language, "python");
  assert.equal(item.entryPoint, "clamp");
  const names = [...item.visibleTests, ...item.hiddenTests].map((t) => t.name).sort();
  assert.deepEqual(names, [
    "test_above",
    "test_bad_bounds_raise",
    "test_below",
    "test_float",
    "test_inside",
  ]);
  assert.match(String(item.metadata?.testSetup), /import math/);
  assert.equal(item.metadata?.category, "fixture");
  assert.equal(item.metadata?.hidden_tests, undefined);
});

Deno.test("an autoconstitution-python fix-the-bug row keeps its buggy program", async () => {
  const items = await loadDataset(data("autoconstitution_python.jsonl"));
  assert.equal(items[0].buggyCode, undefined);
  assert.equal(items[1].entryPoint, "absolute");
  assert.equal(
    items[1].buggyCode,
    "def absolute(x):\n    if x < 0:\n        return x\n    return x\n",
  );
});

Deno.test("the project's own CodingItem rows load unchanged", async () => {
  const items = await loadDataset(data("coding.jsonl"));
  const raw = JSON.parse((await Deno.readTextFile(data("coding.jsonl"))).split("\n")[0]);
  assert.deepEqual(items[0], raw);
});

Deno.test("a bad field is reported with its file, line and field", async () => {
  await assert.rejects(loadDataset(data("bad_field.jsonl")), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.equal(e.line, 2);
    assert.equal(e.field, "test");
    assert.match(e.message, /bad_field\.jsonl:2/);
    return true;
  });
});

Deno.test("invalid JSON is reported with its line, skipping blank lines in the count", async () => {
  await assert.rejects(loadDataset(data("bad_json.jsonl")), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.equal(e.line, 3);
    return true;
  });
});

Deno.test("duplicate ids are an input error naming the id field", async () => {
  await assert.rejects(loadDataset(data("bad_dup.jsonl")), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.equal(e.field, "id");
    assert.equal(e.line, 2);
    return true;
  });
});

Deno.test("a missing file and an unknown format are clear errors", async () => {
  await assert.rejects(loadDataset(data("nope.jsonl")), /file not found/);
  assert.throws(
    () => convertRows([{ row: { a: 1 }, line: 1 }], "x.jsonl"),
    /cannot detect the dataset format/,
  );
  assert.throws(
    () => convertRows([], "x.jsonl", { format: "csv" as never }),
    /current value is csv/,
  );
});

Deno.test("a forced format that does not fit names the missing field", () => {
  assert.throws(
    () =>
      convertRows([{ row: { id: "a", prompt: "p" }, line: 7 }], "y.jsonl", { format: "mxeval" }),
    (e: unknown) => e instanceof InputError && e.line === 7 && e.field === "task_id",
  );
});
