/**
 * Schema-level checks of the bundled coding datasets (`datasets/coding_hard.jsonl`,
 * `datasets/coding_bugs.jsonl`). Running the references and tests is the sandbox validator's job;
 * these tests only read the files, so they stay fast.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { type CodingItem, CodingItemSchema } from "../lib/schemas/coding.ts";
import { readJsonl } from "../lib/util/jsonl.ts";

const HARD = fileURLToPath(new URL("../datasets/coding_hard.jsonl", import.meta.url));
const BUGS = fileURLToPath(new URL("../datasets/coding_bugs.jsonl", import.meta.url));

const hard = await readJsonl(HARD, CodingItemSchema);
const bugs = await readJsonl(BUGS, CodingItemSchema);
const all: CodingItem[] = [...hard, ...bugs];

/** Problems the brief requires in the hard set, by entry point. */
const REQUIRED_HARD = [
  "firstIndexOf",
  "mergeIntervals",
  "LRUCache",
  "topoSort",
  "threeSum",
  "countIslands",
  "kthLargest",
  "wordBreak",
  "lengthOfLIS",
  "editDistance",
  "isBalanced",
  "rotateClockwise",
  "minMeetingRooms",
  "shortestPaths",
];

Deno.test("every line of both files is a non-blank row that parses as a CodingItem", async () => {
  for (const [path, rows] of [[HARD, hard], [BUGS, bugs]] as const) {
    const lines = (await Deno.readTextFile(path)).split("\n");
    assert.strictEqual(lines.at(-1), "", `${path} ends with a newline`);
    const nonBlank = lines.filter((line) => line.trim() !== "");
    assert.strictEqual(nonBlank.length, lines.length - 1, `${path} has no blank lines`);
    assert.strictEqual(rows.length, nonBlank.length);
    for (const line of nonBlank) CodingItemSchema.parse(JSON.parse(line));
  }
});

Deno.test("the hard set has at least 14 problems and the bug set at least 8", () => {
  assert.ok(hard.length >= 14, `hard rows: ${hard.length}`);
  assert.ok(bugs.length >= 8, `bug rows: ${bugs.length}`);
});

Deno.test("ids are unique across both files and carry the file's prefix", () => {
  const ids = all.map((item) => item.id);
  assert.strictEqual(new Set(ids).size, ids.length);
  for (const item of hard) assert.match(item.id, /^hard-[a-z0-9-]+$/);
  for (const item of bugs) assert.match(item.id, /^bug-[a-z0-9-]+$/);
});

Deno.test("the hard set covers every problem the brief names", () => {
  const entryPoints = new Set(hard.map((item) => item.entryPoint));
  for (const name of REQUIRED_HARD) assert.ok(entryPoints.has(name), `missing ${name}`);
});

Deno.test("every row has at least six visible and six hidden tests with unique names", () => {
  for (const item of all) {
    assert.ok(item.visibleTests.length >= 6, `${item.id}: ${item.visibleTests.length} visible`);
    assert.ok(item.hiddenTests.length >= 6, `${item.id}: ${item.hiddenTests.length} hidden`);
    const names = [...item.visibleTests, ...item.hiddenTests].map((test) => test.name);
    assert.strictEqual(new Set(names).size, names.length, `${item.id}: duplicate test names`);
  }
});

Deno.test("visible and hidden tests are disjoint", () => {
  for (const item of all) {
    const visible = new Set(item.visibleTests.map((test) => test.code.trim()));
    for (const test of item.hiddenTests) {
      assert.ok(
        !visible.has(test.code.trim()),
        `${item.id}: hidden "${test.name}" repeats a visible test`,
      );
    }
  }
});

Deno.test("tests call the entry point and use assert", () => {
  for (const item of all) {
    for (const test of [...item.visibleTests, ...item.hiddenTests]) {
      assert.ok(test.code.includes(item.entryPoint), `${item.id}: "${test.name}" never calls it`);
      assert.ok(test.code.includes("assert."), `${item.id}: "${test.name}" asserts nothing`);
      assert.ok(!/\bimport\b/.test(test.code), `${item.id}: "${test.name}" imports`);
    }
  }
});

Deno.test("references are import-free TypeScript programs exporting the entry point", () => {
  for (const item of all) {
    assert.strictEqual(item.language, "typescript");
    assert.ok(!/^\s*import\s/m.test(item.reference), `${item.id}: reference imports`);
    const exported = new RegExp(`export (function|class) ${item.entryPoint}\\b`);
    assert.match(
      item.reference,
      exported,
      `${item.id}: reference does not export ${item.entryPoint}`,
    );
  }
});

Deno.test("prompts name the entry point and rows carry the original MIT source", () => {
  for (const item of all) {
    assert.ok(
      item.prompt.includes(item.entryPoint),
      `${item.id}: prompt never names the entry point`,
    );
    assert.strictEqual(item.source, "autoconstitution (original, MIT)");
  }
});

Deno.test("hard rows have no buggyCode and are tagged as hard", () => {
  for (const item of hard) {
    assert.strictEqual(item.buggyCode, undefined, item.id);
    assert.strictEqual(item.metadata?.category, "hard", item.id);
    assert.strictEqual(typeof item.metadata?.topic, "string", item.id);
  }
});

Deno.test("bug rows show their buggy code in the prompt and differ from the reference", () => {
  for (const item of bugs) {
    assert.ok(item.buggyCode, `${item.id}: no buggyCode`);
    assert.ok(
      item.prompt.includes(item.buggyCode.trim()),
      `${item.id}: prompt hides the buggy code`,
    );
    assert.notStrictEqual(item.buggyCode.trim(), item.reference.trim(), item.id);
    const exported = new RegExp(`export (function|class) ${item.entryPoint}\\b`);
    assert.match(
      item.buggyCode,
      exported,
      `${item.id}: buggy code does not export the entry point`,
    );
    assert.strictEqual(item.metadata?.category, "bugs", item.id);
    assert.strictEqual(typeof item.metadata?.bugKind, "string", item.id);
    assert.strictEqual(typeof item.metadata?.bugVisible, "boolean", item.id);
  }
});

Deno.test("some bugs are caught by visible tests and some only by hidden tests", () => {
  const flags = bugs.map((item) => item.metadata?.bugVisible);
  assert.ok(flags.includes(true), "no bug is visible");
  assert.ok(flags.includes(false), "every bug is visible");
});
