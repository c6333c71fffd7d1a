import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { loadTaskDataset } from "../lib/datasets/load_task_dataset.ts";
import { InputError } from "../lib/util/jsonl.ts";
import { PARQUET_FIXTURES } from "./testdata/formats/make_fixtures.ts";
import { parquetWriteBuffer } from "hyparquet-writer";

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

const parquet = (name: string) =>
  fileURLToPath(
    new URL(`./testdata/formats/${name.replace(/\.jsonl$/, ".parquet")}`, import.meta.url),
  );

Deno.test("every loader reads a Parquet file (snappy, written by hyparquet-writer) to the same items as the JSONL", async () => {
  const withoutIds = (items: readonly { id: string }[]) => items.map(({ id: _, ...rest }) => rest);
  for (const name of PARQUET_FIXTURES) {
    const plain = await loadTaskDataset(data(name));
    const fromParquet = await loadTaskDataset(parquet(name));
    assert.equal(fromParquet.kind, plain.kind, name);
    assert.deepEqual(withoutIds(fromParquet.items), withoutIds(plain.items), name);
    // Ids a row does not carry are derived from its position: the line in JSONL, the row in
    // Parquet. They agree unless the JSONL has blank lines (task_gsm8k.jsonl has one).
    const blankLines = (await Deno.readTextFile(data(name))).trimEnd().includes("\n\n");
    if (!blankLines) {
      assert.deepEqual(fromParquet.items.map((i) => i.id), plain.items.map((i) => i.id), name);
    }
  }
  // A null cell is an absent field: the null canonical_solution rows still flag a missing reference.
  const nullRef = await loadTaskDataset(parquet("mxeval_null_reference.jsonl"));
  assert.equal(nullRef.items.filter((i) => i.metadata?.referenceMissing === true).length, 2);
  // --limit reads only the first rows.
  assert.equal((await loadTaskDataset(parquet("task_choice.jsonl"), { limit: 2 })).items.length, 2);
});

Deno.test("a corrupt or cut Parquet file is an InputError naming it; a bad row names its row number", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const corrupt = `${dir}/corrupt.parquet`;
    await Deno.writeTextFile(corrupt, "PAR1 not really parquet PAR1");
    const e1 = await loadTaskDataset(corrupt).catch((e) => e);
    assert.ok(e1 instanceof InputError, String(e1));
    assert.match(e1.message, /corrupt\.parquet: not a readable Parquet file/);
    const whole = await Deno.readFile(parquet("task_gsm8k.jsonl"));
    const cut = `${dir}/cut.parquet`;
    await Deno.writeFile(cut, whole.subarray(0, whole.length - 20));
    const e2 = await loadTaskDataset(cut).catch((e) => e);
    assert.ok(e2 instanceof InputError, String(e2));
    assert.match(e2.message, /cut\.parquet: not a readable Parquet file/);
    // A bad row: a GSM8K answer without "#### <n>" names the file and the row number.
    const bad = `${dir}/bad.parquet`;
    await Deno.writeFile(
      bad,
      new Uint8Array(parquetWriteBuffer({
        columnData: [
          { name: "question", data: ["1+1?", "2+2?"], type: "STRING" },
          { name: "answer", data: ["1 + 1 = 2\n#### 2", "four"], type: "STRING" },
        ],
      })),
    );
    const e3 = await loadTaskDataset(bad).catch((e) => e);
    assert.ok(e3 instanceof Error, String(e3));
    assert.match(e3.message, /bad\.parquet:2:/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
