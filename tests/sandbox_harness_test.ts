import assert from "node:assert/strict";
import {
  candidateModule,
  checkEntryPoint,
  ENTRY_EXPORT,
  harnessFile,
  renderHarness,
  renderTypecheck,
} from "../lib/sandbox/_harness_template.ts";

Deno.test("the harness is plain JavaScript only when every test is unambiguous JavaScript", () => {
  assert.equal(harnessFile([{ name: "a", code: "assert.strictEqual(f(1), 2);" }]), "harness.js");
  assert.equal(harnessFile([{ name: "a", code: "const x: number = f(1);" }]), "harness.ts");
  // Valid JavaScript (two comparisons) but a generic call to TypeScript.
  assert.equal(harnessFile([{ name: "a", code: "f(new Map<any, any>([]));" }]), "harness.ts");
  assert.equal(harnessFile([{ name: "a", code: "assert.ok(await f());" }]), "harness.js");
  assert.equal(
    harnessFile([{ name: "a", code: "with (x) {}" }]),
    "harness.ts",
    "sloppy-only code is not module code",
  );
});

Deno.test("the candidate module re-exports the entry point under a reserved name at the very end", () => {
  const mod = candidateModule("function f() {}", "f");
  assert.ok(mod.endsWith(`\n;export { f as ${ENTRY_EXPORT} };\n`));
  assert.throws(() => checkEntryPoint("a-b"), /current value is "a-b"/);
  assert.throws(() => checkEntryPoint(ENTRY_EXPORT), TypeError);
  assert.throws(() => checkEntryPoint("assert"), TypeError);
});

Deno.test("the harness embeds each test once, in order, and imports the candidate only dynamically", () => {
  const tests = [{ name: "first", code: "assert.ok(1);" }, {
    name: "second",
    code: "assert.ok(await 2);",
  }];
  const src = renderHarness(tests, "f");
  assert.ok(src.indexOf('name: "first"') < src.indexOf('name: "second"'));
  assert.match(src, /isAsync: false, run: \(assert, f\) => \{/);
  assert.match(src, /isAsync: true, run: async \(assert, f\) => \{/);
  assert.ok(!/^import .*candidate/m.test(src), "no static import of the candidate");
  assert.match(src, /import\("\.\/candidate\.ts"\)/);
  const check = renderTypecheck(tests, "f");
  assert.match(check, /import type \* as __AcCandidate from "\.\/candidate\.ts";/);
});
