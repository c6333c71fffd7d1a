import assert from "node:assert/strict";
import { createAnswersProvider } from "../lib/providers/answers.ts";
import { createProvider } from "../lib/providers/registry.ts";
import { ProviderError } from "../lib/providers/types.ts";
import { InputError } from "../lib/util/jsonl.ts";
import { CONTRACT_ANSWER, CONTRACT_ITEM, providerContract } from "./providers_contract.ts";

async function answersFile(lines: string[]): Promise<{ path: string; dir: string }> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/answers.jsonl`;
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
  return { path, dir };
}

providerContract("answers", async () => {
  const { path, dir } = await answersFile([
    JSON.stringify({ id: CONTRACT_ITEM, answer: CONTRACT_ANSWER }),
  ]);
  try {
    return await createAnswersProvider(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const msgs = [{ role: "user" as const, content: "question" }];

Deno.test("answers: rows for one id are used in order and the last one repeats", async () => {
  const { path, dir } = await answersFile([
    '{"id":"a","answer":"first"}',
    '{"id":"b","answer":"other"}',
    '{"id":"a","answer":"second"}',
    '{"id":7,"answer":"numeric id"}',
  ]);
  try {
    const p = await createProvider(`answers:${path}`, { retry: false });
    const got = [];
    for (let i = 0; i < 4; i++) got.push((await p.chat(msgs, { itemId: "a" })).text);
    assert.deepEqual(got, ["first", "second", "second", "second"]);
    assert.equal((await p.chat(msgs, { itemId: "b" })).text, "other");
    assert.equal((await p.chat(msgs, { itemId: "7" })).text, "numeric id");
    assert.equal(p.name, "answers");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("answers: a missing id is a not_found error naming the file and the id", async () => {
  const { path, dir } = await answersFile(['{"id":"a","answer":"x"}']);
  try {
    const p = await createAnswersProvider(path);
    await assert.rejects(p.chat(msgs, { itemId: "zzz" }), (e: unknown) => {
      assert.ok(e instanceof ProviderError);
      assert.equal(e.kind, "not_found");
      assert.ok(e.message.includes(path) && e.message.includes('"zzz"'));
      assert.ok(!e.retryable);
      return true;
    });
    await assert.rejects(p.chat(msgs), /needs options\.itemId/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("answers: a malformed row is an InputError with file and line", async () => {
  const { path, dir } = await answersFile(['{"id":"a","answer":"x"}', '{"id":"b"}']);
  const broken = await answersFile(['{"id":"a","answer":"x"}', "", "{not json"]);
  try {
    await assert.rejects(createAnswersProvider(path), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.file, path);
      assert.equal(e.line, 2);
      assert.equal(e.field, "answer");
      return true;
    });
    await assert.rejects(createAnswersProvider(broken.path), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.line, 3);
      assert.ok(e.message.includes(`${broken.path}:3`));
      return true;
    });
    await assert.rejects(createAnswersProvider(`${dir}/missing.jsonl`), InputError);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(broken.dir, { recursive: true });
  }
});
