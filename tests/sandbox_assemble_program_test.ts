import assert from "node:assert/strict";
import { assembleProgram, detectAnswerShape } from "../lib/sandbox/assemble_program.ts";
import { runTests } from "../lib/sandbox/run_tests.ts";

const mbxp = {
  entryPoint: "min_of",
  language: "typescript" as const,
  metadata: {
    codePrompt:
      "import {Heap} from 'heap-js'\n\n/**\n * Smallest number.\n */\nconst min_of = function (nums: Array<number>) : number  {\n",
  },
};
const tests = [{ name: "small", code: "assert.strictEqual(min_of([3, 1, 2]), 1);" }];

Deno.test("a body answer completes the open prompt and gets its closing brace", () => {
  const { program, shape } = assembleProgram(mbxp, "```ts\n  return Math.min(...nums);\n```");
  assert.equal(shape, "body");
  assert.ok(program.startsWith(mbxp.metadata.codePrompt));
  assert.match(program, /return Math\.min\(\.\.\.nums\);\n\}\n$/);
});

Deno.test("a body answer that already closes the function is not closed twice", () => {
  const { program } = assembleProgram(
    mbxp,
    "  if (nums.length === 0) { return NaN; }\n  return Math.min(...nums);\n}",
  );
  assert.ok(program.trimEnd().endsWith("return Math.min(...nums);\n}"), program);
});

Deno.test("braces inside strings, templates and comments do not confuse the body closer", () => {
  const body =
    "  const s = \"{\"; const t = `${'}'}{`; // {\n  /* { */ return nums.length + s.length + t.length;";
  const { program } = assembleProgram(mbxp, body);
  assert.ok(program.trimEnd().endsWith("}"));
  assert.equal(program.trimEnd().split("\n").at(-1), "}");
});

Deno.test("a whole-program answer is used as is, with the prompt's dropped imports put back", () => {
  const answer =
    "Here:\n```ts\nconst min_of = function (nums: Array<number>): number {\n  return Math.min(...nums);\n};\n```";
  const { program, shape } = assembleProgram(mbxp, answer);
  assert.equal(shape, "program");
  assert.ok(program.startsWith("import {Heap} from 'heap-js'\nconst min_of"));
});

Deno.test("detectAnswerShape recognises definitions in many forms", () => {
  for (
    const code of [
      "function min_of() {}",
      "export const min_of = () => 1;",
      "let min_of = 1",
      "class min_of {}",
      "export { min_of };",
    ]
  ) {
    assert.equal(detectAnswerShape(code, mbxp), "program", code);
  }
  assert.equal(detectAnswerShape("return 1;\n}", mbxp), "body");
  assert.equal(
    detectAnswerShape("return 1;", { entryPoint: "f", language: "typescript" }),
    "program",
  );
});

Deno.test("Python bodies are indented under the open def", () => {
  const item = {
    entryPoint: "add",
    language: "python" as const,
    metadata: { codePrompt: 'def add(a, b):\n    """Sum."""\n' },
  };
  const { program, shape } = assembleProgram(item, "```python\nreturn a + b\n```");
  assert.equal(shape, "body");
  assert.equal(program, 'def add(a, b):\n    """Sum."""\n    return a + b\n');
});

Deno.test("both answer shapes run and pass in the sandbox", {
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const item = {
    entryPoint: "min_of",
    language: "typescript" as const,
    metadata: { codePrompt: "const min_of = function (nums: Array<number>) : number  {\n" },
  };
  for (
    const answer of [
      "  return Math.min(...nums);",
      "```ts\nfunction min_of(nums: number[]) { return Math.min(...nums); }\n```",
    ]
  ) {
    const { program } = assembleProgram(item, answer);
    const r = await runTests({ program, entryPoint: "min_of", tests });
    assert.equal(r.status, "passed", `${answer}: ${r.reason}`);
  }
});

Deno.test("assembleProgram rejects an item without an entry point", () => {
  assert.throws(() => assembleProgram({ entryPoint: "", language: "typescript" }, "x"), TypeError);
});
