import assert from "node:assert/strict";
import { join } from "node:path";
import { InputError } from "../lib/util/jsonl.ts";
import { UsageError } from "../scripts/_cli.ts";
import { collectPrompts, parsePromptsFile } from "../scripts/cai_prompts.ts";
import { runPaths, shellJoin } from "../scripts/cai_run.ts";

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InputError, String(error));
    return error;
  }
  assert.fail("expected an InputError");
}

Deno.test("parsePromptsFile reads one prompt per non-blank line of a text file, ids from line numbers", () => {
  const items = parsePromptsFile("\uFEFFWhat is DNS?\r\n\r\n  Explain {braces} later.  \n", {
    file: "p.txt",
  });
  assert.deepEqual(items, [
    { id: "line-1", prompt: "What is DNS?" },
    { id: "line-3", prompt: "Explain {braces} later." },
  ]);
});

Deno.test("parsePromptsFile detects JSONL from the first non-blank line and keeps given ids", () => {
  const items = parsePromptsFile('\n{"id": "q1", "prompt": "Hi?"}\n{"prompt": "Bye?"}\n');
  assert.deepEqual(items, [{ id: "q1", prompt: "Hi?" }, { id: "line-3", prompt: "Bye?" }]);
});

Deno.test("parsePromptsFile errors name the file, line and field", () => {
  const cases: [string, RegExp, number, string | undefined][] = [
    ['{"prompt": "a"}\n{"prompt": "b"\n', /invalid JSON/, 2, undefined],
    ['{"prompt": "a"}\n{"id": "x"}\n', /missing required field/, 2, "prompt"],
    ['{"prompt": "a"}\n{"prompt": "  "}\n', /non-empty/, 2, "prompt"],
    ['{"prompt": 3}\n', /expected string/, 1, "prompt"],
    ['{"prompt": "a", "answer": "b"}\n', /unknown field/, 1, "answer"],
    ['{"prompt": "a"}\n["b"]\n', /JSON object/, 2, undefined],
    [
      '{"id": "x", "prompt": "a"}\n{"id": "x", "prompt": "b"}\n',
      /duplicate id "x" \(first on line 1\)/,
      2,
      "id",
    ],
  ];
  for (const [text, message, line, field] of cases) {
    const e = inputError(() => parsePromptsFile(text, { file: "prompts.jsonl" }));
    assert.match(e.message, message, text);
    assert.match(e.message, new RegExp(`^prompts\\.jsonl:${line}: `));
    assert.equal(e.line, line);
    assert.equal(e.field, field);
  }
  assert.match(
    inputError(() => parsePromptsFile("\n \n", { file: "e.txt" })).message,
    /^e\.txt: no prompts/,
  );
});

Deno.test("collectPrompts puts command-line prompts first and rejects missing files, clashing ids and no prompts", async () => {
  const dir = await Deno.makeTempDir();
  const file = join(dir, "p.jsonl");
  await Deno.writeTextFile(file, '{"id": "a", "prompt": "From the file."}\n');
  const items = await collectPrompts({ prompts: ["One.", "Two."], file });
  assert.deepEqual(items.map((i) => i.id), ["prompt-1", "prompt-2", "a"]);

  await Deno.writeTextFile(file, '{"id": "prompt-1", "prompt": "Clash."}\n');
  await assert.rejects(() => collectPrompts({ prompts: ["One."], file }), /also a --prompt id/);
  await assert.rejects(
    () => collectPrompts({ file: join(dir, "none.txt") }),
    (e) => e instanceof InputError && /none\.txt: file not found/.test(e.message),
  );
  await assert.rejects(() => collectPrompts({}), UsageError);
  await assert.rejects(() => collectPrompts({ prompts: [" "] }), /--prompt 1 is empty/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runPaths puts traces and manifest beside the pairs; shellJoin quotes only what a shell would split", () => {
  assert.deepEqual(runPaths("out/p.jsonl"), {
    pairs: "out/p.jsonl",
    traces: "out/p.traces.jsonl",
    manifest: "out/p.manifest.json",
  });
  assert.equal(
    shellJoin(["run", "-p", "What's 2+2?", "--seed", "7", ""]),
    `run -p 'What'\\''s 2+2?' --seed 7 ''`,
  );
});
