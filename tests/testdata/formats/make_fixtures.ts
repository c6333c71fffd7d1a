/**
 * Writes the Parquet copies of the loader fixtures in `tests/testdata/datasets/` (committed; run
 * again only when a fixture changes): `deno run -A tests/testdata/formats/make_fixtures.ts`.
 * Columns of strings stay STRING (null where a row lacks the field); numbers DOUBLE; lists and
 * objects JSON — the shapes Hugging Face's Parquet exports use. Snappy-compressed, like theirs.
 *
 * @module
 */
import { parquetWriteBuffer } from "hyparquet-writer";

const SOURCE = new URL("../datasets/", import.meta.url);
const OUT = new URL("./", import.meta.url);
/** The fixtures whose Parquet copy the format test compares with the JSONL. */
export const PARQUET_FIXTURES = [
  "mxeval.jsonl",
  "mxeval_null_reference.jsonl",
  "humaneval_py.jsonl",
  "multipl_e_ts.jsonl",
  "coding.jsonl",
  "task_gsm8k.jsonl",
  "task_choice.jsonl",
  "task_answer.jsonl",
  "task_open.jsonl",
];

type ColumnType = "STRING" | "DOUBLE" | "JSON";

function columnType(values: unknown[]): ColumnType {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.every((v) => typeof v === "string")) return "STRING";
  if (present.every((v) => typeof v === "number")) return "DOUBLE";
  return "JSON";
}

if (import.meta.main) {
  for (const name of PARQUET_FIXTURES) {
    const text = await Deno.readTextFile(new URL(name, SOURCE));
    const rows = text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
    const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const columnData = names.map((column) => {
      const data = rows.map((r) => r[column] ?? null);
      return { name: column, data, type: columnType(data) };
    });
    const out = new URL(name.replace(/\.jsonl$/, ".parquet"), OUT);
    await Deno.writeFile(out, new Uint8Array(parquetWriteBuffer({ columnData, codec: "SNAPPY" })));
    console.log(`${out.pathname}: ${rows.length} rows, ${names.length} columns`);
  }
}
