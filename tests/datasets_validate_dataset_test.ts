import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadDataset } from "../lib/datasets/load_dataset.ts";
import { stubProgram, validateDataset } from "../lib/sandbox/validate_dataset.ts";
import { pythonSupport } from "../lib/sandbox/_python.ts";

const data = (name: string) =>
  fileURLToPath(new URL(`./testdata/datasets/${name}`, import.meta.url));
const opts = { sanitizeResources: false, sanitizeOps: false };

Deno.test(
  "mxeval fixtures validate: references pass (npm import, loose equality) and stubs fail",
  opts,
  async () => {
    const report = await validateDataset(await loadDataset(data("mxeval.jsonl")));
    assert.deepEqual(
      report.rows.map((r) => r.verdict),
      ["ok", "ok", "ok"],
      JSON.stringify(report.rows, null, 1),
    );
    assert.equal(report.referencesPassed, 3);
    assert.equal(report.stubsFailed, 3);
  },
);

Deno.test(
  "a row whose tests a stub passes and a row with a wrong reference are broken",
  opts,
  async () => {
    const report = await validateDataset(await loadDataset(data("broken_rows.jsonl")));
    const byId = Object.fromEntries(report.rows.map((r) => [r.id, r]));
    assert.equal(byId.weak.verdict, "broken");
    assert.match(byId.weak.problems.join(), /stub that throws passes/);
    assert.equal(byId.wrongref.verdict, "broken");
    assert.match(byId.wrongref.problems.join(), /reference does not pass/);
    assert.equal(byId.good.verdict, "ok");
    assert.equal(report.broken, 2);
  },
);

Deno.test(
  "rows without a reference are unvalidated, not broken, and their stubs must still fail",
  opts,
  async () => {
    const report = await validateDataset(await loadDataset(data("multipl_e_ts.jsonl")));
    assert.equal(report.rows[0].verdict, "unvalidated");
    assert.equal(report.referencesRun, 0);
    assert.equal(report.stubsFailed, 1);
  },
);

Deno.test("a fix-the-bug row whose buggy program passes every test is broken", opts, async () => {
  const base = { prompt: "p", language: "typescript" as const, entryPoint: "f", visibleTests: [] };
  const report = await validateDataset([
    {
      ...base,
      id: "untested-bug",
      reference: "export const f = () => 1;",
      buggyCode: "export const f = () => 1 + 0;",
      hiddenTests: [{ name: "one", code: "assert.strictEqual(f(), 1);" }],
    },
    {
      ...base,
      id: "tested-bug",
      reference: "export const f = () => 1;",
      buggyCode: "export const f = () => 2;",
      hiddenTests: [{ name: "one", code: "assert.strictEqual(f(), 1);" }],
    },
  ]);
  assert.equal(report.rows[0].verdict, "broken");
  assert.match(report.rows[0].problems.join(), /buggy program passes/);
  assert.equal(report.rows[1].verdict, "ok");
});

const python = await pythonSupport("python3");
const pythonCase = { ...opts, ignore: !python.ok };
if (!python.ok) {
  console.warn(`datasets_validate_dataset_test: Python cases skipped (${python.reason})`);
}

Deno.test(
  "Python rows validate with pytest in the sandbox: references pass, stubs and buggy programs fail",
  pythonCase,
  async () => {
    const humaneval = await validateDataset(await loadDataset(data("humaneval_py.jsonl")));
    assert.equal(humaneval.rows[0].verdict, "ok", JSON.stringify(humaneval.rows[0]));
    const anchor = await validateDataset(await loadDataset(data("autoconstitution_python.jsonl")));
    assert.deepEqual(anchor.rows.map((r) => r.verdict), ["unvalidated", "unvalidated"]);
    assert.equal(anchor.stubsFailed, 2);
    assert.equal(anchor.rows[1].buggy?.status, "failed");
  },
);

Deno.test("stubProgram completes an open body or defines a throwing entry point", () => {
  const body = stubProgram({
    entryPoint: "g",
    language: "typescript",
    metadata: { codePrompt: "const g = function (x: number): number {\n" },
  });
  assert.match(
    body,
    /const g = function \(x: number\): number \{\nthrow new Error\("not implemented"\);\n\}/,
  );
  assert.match(stubProgram({ entryPoint: "Cache", language: "typescript" }), /function Cache\(/);
  assert.match(
    stubProgram({ entryPoint: "h", language: "python" }),
    /def h\(\*args, \*\*kwargs\):\n {4}raise NotImplementedError/,
  );
});

Deno.test("validation rejects a non-array", async () => {
  await assert.rejects(validateDataset("x" as never), TypeError);
});
