import assert from "node:assert/strict";
import { extractCode } from "../lib/sandbox/extract_code.ts";

Deno.test("extractCode takes the fenced block out of prose", () => {
  const answer =
    "Sure! Here is the fix.\n\n```typescript\nexport function f() {\n  return 1;\n}\n```\n\nThis works because…";
  assert.equal(extractCode(answer), "export function f() {\n  return 1;\n}");
});

Deno.test("extractCode prefers the block that mentions the entry point over a usage example", () => {
  const answer =
    "```ts\nconsole.log(solve(3));\n```\nand the solution:\n```ts\nfunction solve(n: number) { return n * 2; }\n```";
  assert.equal(extractCode(answer, { entryPoint: "solve" }), "console.log(solve(3));");
  const answer2 =
    "```ts\nconst x = 1;\n```\n```ts\nfunction solve(n: number) { return n * 2; }\n```";
  assert.equal(
    extractCode(answer2, { entryPoint: "solve" }),
    "function solve(n: number) { return n * 2; }",
  );
});

Deno.test("extractCode skips blocks in another language", () => {
  const answer = "```python\ndef f(): pass\n```\n```ts\nconst f = () => 1;\n```";
  assert.equal(extractCode(answer), "const f = () => 1;");
  assert.equal(extractCode(answer, { language: "python" }), "def f(): pass");
});

Deno.test("extractCode keeps the code of an unclosed fence from a truncated answer", () => {
  assert.equal(
    extractCode("Here:\n```ts\nfunction f() {\n  return 1;"),
    "function f() {\n  return 1;",
  );
});

Deno.test("extractCode returns bare code unchanged and keeps the first line's indentation", () => {
  assert.equal(extractCode("\n\n    return x + 1;\n}\n"), "    return x + 1;\n}");
});

Deno.test("extractCode handles tilde fences and untagged blocks", () => {
  assert.equal(extractCode("~~~\nconst a = 1;\n~~~"), "const a = 1;");
  assert.equal(extractCode("```\nconst a = 2;\n```"), "const a = 2;");
});

Deno.test("extractCode rejects a non-string answer and an unknown language", () => {
  assert.throws(() => extractCode(42 as never), TypeError);
  assert.throws(() => extractCode("x", { language: "rust" as never }), /current value is rust/);
});
