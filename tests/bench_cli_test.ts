/**
 * `deno task bench` driven as a subprocess: SIGKILL mid-run then the same command resumes to the
 * same summary as an uninterrupted run; shards merge to the single-machine summary; bad input exits 2
 * and writes nothing.
 */
import assert from "node:assert/strict";
import { BenchSummarySchema } from "../lib/bench/summary.ts";
import { ItemResultSchema, resultKey } from "../lib/bench/records.ts";
import { parseJsonl } from "../lib/util/jsonl.ts";
import { TraceSchema } from "../lib/schemas/trace.ts";
import { runBench as run, spawnBench as bench } from "./bench_cli_runner.ts";

const BASE = [
  "--limit",
  "3",
  "--seeds",
  "2",
  "--rounds",
  "2",
  "--arms",
  "baseline,tests,best_of_n",
  "--ui",
  "json",
];

async function summaryOf(dir: string): Promise<unknown> {
  const s = BenchSummarySchema.parse(JSON.parse(await Deno.readTextFile(`${dir}/summary.json`)));
  return { ...s, run: "<run>" };
}

Deno.test("bench killed with SIGKILL mid-run resumes to the same summary.json as an uninterrupted run", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const whole = await run([...BASE, "--out", `${tmp}/whole`]);
    assert.equal(whole.code, 0, whole.stderr);
    for (const line of whole.stdout.trim().split("\n")) JSON.parse(line); // json UI: one object a line

    const dir = `${tmp}/killed`;
    const child = bench([...BASE, "--out", dir]);
    // Wait until some (not all) units are journaled, then kill hard.
    let lines = 0;
    for (let i = 0; i < 600 && lines < 4; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        lines =
          (await Deno.readTextFile(`${dir}/journal.jsonl`)).split("\n").filter(Boolean).length;
      } catch { /* not yet */ }
    }
    child.kill("SIGKILL");
    await child.output();
    assert.ok(lines >= 4, "the run journaled work before the kill");
    const before = parseJsonl(await Deno.readTextFile(`${dir}/journal.jsonl`), ItemResultSchema, {
      allowTornTail: true,
    }).length;
    assert.ok(before < 18, `killed before the end (journaled ${before} of 18)`);

    const resumed = await run([...BASE, "--out", dir]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const journal = parseJsonl(await Deno.readTextFile(`${dir}/journal.jsonl`), ItemResultSchema);
    const keys = journal.map(resultKey);
    assert.equal(new Set(keys).size, keys.length, "no unit was run twice");
    assert.equal(journal.length, 18);
    assert.deepEqual(await summaryOf(dir), await summaryOf(`${tmp}/whole`));
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("bench shards merged with 'bench merge' give the single-machine summary", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const args = [
      "--limit",
      "3",
      "--seeds",
      "1",
      "--rounds",
      "1",
      "--arms",
      "baseline,tests,best_of_n",
      "--ui",
      "json",
    ];
    const [whole, s0, s1] = await Promise.all([
      run([...args, "--out", `${tmp}/whole`]),
      run([...args, "--shard", "0/2", "--out", `${tmp}/s0`]),
      run([...args, "--shard", "1/2", "--out", `${tmp}/s1`]),
    ]);
    for (const r of [whole, s0, s1]) assert.equal(r.code, 0, r.stderr);
    const merged = await run(["merge", "--out", `${tmp}/merged`, `${tmp}/s0`, `${tmp}/s1`]);
    assert.equal(merged.code, 0, merged.stderr);
    assert.deepEqual(await summaryOf(`${tmp}/merged`), await summaryOf(`${tmp}/whole`));
    // The shards' traces are merged in the records' order, so the merged run can be audited.
    const mergedRecords = parseJsonl(
      await Deno.readTextFile(`${tmp}/merged/items.jsonl`),
      ItemResultSchema,
    );
    const mergedTraces = parseJsonl(
      await Deno.readTextFile(`${tmp}/merged/traces.jsonl`),
      TraceSchema,
    );
    assert.deepEqual(
      mergedTraces.map((t) => t.traceId),
      mergedRecords.flatMap((r) => (r.traceId ? [r.traceId] : [])),
    );
    const audit = await run(["audit", "--out", `${tmp}/merged`, "--limit", "3"]);
    assert.equal(audit.code, 0, audit.stderr);
    assert.match(audit.stdout, /\| tests \| visible_tests \|/);
    // A missing shard is reported, not silently summarized as complete.
    const partial = await run(["merge", "--out", `${tmp}/partial`, `${tmp}/s0`]);
    assert.equal(partial.code, 1);
    assert.match(await Deno.readTextFile(`${tmp}/partial/report.md`), /missing shard\(s\): 1\/2/);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("bench rejects bad input with exit 2, a precise message, and writes nothing", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${tmp}/bad.jsonl`, '{"id":"a","prompt":"p"}\n{not json\n');
    const cases: [string[], RegExp][] = [
      [["--dataset", `${tmp}/bad.jsonl`], /bad\.jsonl:2: invalid JSON/],
      [["--dataset", `${tmp}/missing.jsonl`], /missing\.jsonl: file not found/],
      [["--rounds=-1"], /--rounds must be an integer ≥ 0/],
      [["--arms", "baseline,nope"], /unknown|known arms/],
      [["--shard", "2/2"], /--shard must be I\/N/],
      [["--constitution", `${tmp}/nope.md`], /nope\.md/],
      [["--bogus"], /bogus/],
    ];
    for (const [args, message] of cases) {
      const out = `${tmp}/out-${cases.findIndex((c) => c[0] === args)}`;
      const r = await run([...args, "--out", out, "--ui", "plain"]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(" "));
      await assert.rejects(
        () => Deno.stat(out),
        Deno.errors.NotFound,
        `${args.join(" ")} wrote ${out}`,
      );
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
