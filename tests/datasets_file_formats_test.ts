import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { loadTaskDataset } from "../lib/datasets/load_task_dataset.ts";
import { InputError } from "../lib/util/jsonl.ts";

const data = (name: string) =>
  fileURLToPath(new URL(`./testdata/datasets/${name}`, import.meta.url));

/** One fixture per loader: code formats and every answer/open format. */
const FIXTURES = [
  "coding.jsonl",
  "mxeval.jsonl",
  "mxeval_null_reference.jsonl",
  "humaneval_py.jsonl",
  "multipl_e_ts.jsonl",
  "autoconstitution_python.jsonl",
  "task_gsm8k.jsonl",
  "task_choice.jsonl",
  "task_answer.jsonl",
  "task_open.jsonl",
];

Deno.test("every loader reads a .jsonl.gz (gzip from node:zlib) to the same items as the plain file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const name of FIXTURES) {
      const plain = await loadTaskDataset(data(name));
      const gz = `${dir}/${name}.gz`;
      await Deno.writeFile(gz, gzipSync(await Deno.readFile(data(name))));
      const packed = await loadTaskDataset(gz);
      assert.equal(packed.kind, plain.kind, name);
      assert.ok(plain.items.length > 0, name);
      // Item ids derived from the file's stem are the same too (`x.jsonl.gz` has the stem `x`).
      assert.deepEqual(packed.items, plain.items, name);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a corrupt or truncated .jsonl.gz is an InputError naming the file; a bad row inside names its line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const corrupt = `${dir}/corrupt.jsonl.gz`;
    await Deno.writeTextFile(corrupt, "this is not gzip\n");
    const e1 = await loadTaskDataset(corrupt).catch((e) => e);
    assert.ok(e1 instanceof InputError, String(e1));
    assert.match(e1.message, /corrupt\.jsonl\.gz: not a readable gzip file/);

    const whole = gzipSync(await Deno.readFile(data("task_gsm8k.jsonl")));
    const truncated = `${dir}/truncated.jsonl.gz`;
    await Deno.writeFile(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const e2 = await loadTaskDataset(truncated).catch((e) => e);
    assert.ok(e2 instanceof InputError, String(e2));
    assert.match(e2.message, /truncated\.jsonl\.gz: not a readable gzip file/);

    const badRow = `${dir}/bad.jsonl.gz`;
    const good = await Deno.readTextFile(data("task_gsm8k.jsonl"));
    await Deno.writeFile(badRow, gzipSync(new TextEncoder().encode(`${good.trimEnd()}\n{oops\n`)));
    const e3 = await loadTaskDataset(badRow).catch((e) => e);
    assert.ok(e3 instanceof InputError, String(e3));
    const line = good.trimEnd().split("\n").length + 1;
    assert.match(e3.message, new RegExp(`bad\\.jsonl\\.gz:${line}: invalid JSON`));

    const e4 = await loadTaskDataset(`${dir}/missing.jsonl.gz`).catch((e) => e);
    assert.match(String(e4.message), /missing\.jsonl\.gz: file not found/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
