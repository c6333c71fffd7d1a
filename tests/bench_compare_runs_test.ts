/**
 * Comparing two benchmark runs: exact paired statistics on crafted records, the manifest
 * differences a Δ is read against, and the CLI on two real (simulated) runs.
 */
import assert from "node:assert/strict";
import {
  compareRunDirs,
  compareRuns,
  renderRunComparison,
  RunComparisonSchema,
} from "../lib/bench/mod.ts";
import type { ItemResult } from "../lib/bench/records.ts";
import { InputError } from "../lib/util/jsonl.ts";
import { cai } from "./testdata/cli/cli_helpers.ts";
import { itemResult } from "./testdata/bench_fixtures.ts";

function rec(id: string, arm: string, seed: number, score: number, error?: string): ItemResult {
  return itemResult({ id, arm, seed, score, ...(error ? { error } : {}) });
}

Deno.test("compareRuns pairs by item and seed, averages seeds per item, and names what differs", () => {
  const a = {
    name: "full",
    records: [
      rec("x", "tests", 0, 0),
      rec("x", "tests", 1, 1),
      rec("y", "tests", 0, 0.5),
      rec("y", "tests", 1, 0.5),
      rec("z", "tests", 0, 1), // no partner in B
      rec("x", "only_a", 0, 1),
      rec("x", "judge", 0, 0.2),
    ],
    manifest: {
      roles: { student: { provider: "ollama", model: "small" } },
      constitutionHash: "a".repeat(64),
      datasetHash: "d".repeat(64),
      seeds: [0, 1],
      parameters: { temperature: 0.7, concurrency: 2, arms: ["tests"] },
    },
  };
  const b = {
    name: "subset",
    records: [
      rec("x", "tests", 0, 1),
      rec("x", "tests", 1, 1),
      rec("y", "tests", 0, 0.5),
      rec("y", "tests", 1, 0),
      rec("x", "judge", 0, 0.9, "provider down"), // errors are left out
      rec("x", "only_b", 0, 0),
    ],
    manifest: {
      roles: { student: { provider: "ollama", model: "small" } },
      constitutionHash: "b".repeat(64),
      datasetHash: "d".repeat(64),
      seeds: [0, 1],
      parameters: { temperature: 0.2, concurrency: 8, arms: ["tests"] },
    },
  };
  const c = compareRuns(a, b, { resamples: 999 });
  assert.ok(RunComparisonSchema.safeParse(c).success);
  assert.deepEqual(c.arms.map((r) => r.arm), ["tests", "judge"]);
  const tests = c.arms[0];
  // x: A 0.5 → B 1 (win); y: A 0.5 → B 0.25 (loss); z unmatched.
  assert.equal(tests.paired.n, 2);
  assert.equal(tests.paired.meanA, 0.5);
  assert.equal(tests.paired.meanB, 0.625);
  assert.equal(tests.paired.delta, 0.125);
  assert.deepEqual(tests.paired.wtl, { wins: 1, ties: 0, losses: 1 });
  assert.equal(tests.unmatched, 1);
  assert.equal(c.arms[1].paired.n, 0, "the judge's only B record errored");
  assert.deepEqual(c.differences, [
    "constitutionHash: aaaaaaaaaaaa… → bbbbbbbbbbbb…",
    "parameters.temperature: 0.7 → 0.2",
  ]);
  assert.ok(c.notes.includes("only in full: only_a"));
  assert.ok(c.notes.includes("only in subset: only_b"));
  assert.ok(c.notes.some((n) => n.startsWith("tests: 1 unit(s) of full have no partner")));
  assert.ok(c.notes.includes("1 record(s) with an error were left out"));
  const md = renderRunComparison(c);
  assert.match(md, /^# subset vs full/);
  assert.match(md, /- parameters\.temperature: 0\.7 → 0\.2/);
  assert.match(md, /\| tests \| 2 \| 0\.500 \| 0\.625 \| \+0\.125 \| \[/);
  assert.match(md, /\| judge \| 0 \| – \| – \| – \|/);
  assert.throws(
    () => compareRuns(a, b, { arms: ["only_a"] }),
    /arm "only_a" is not in both runs/,
  );
  assert.throws(() => compareRuns(a, { name: "x" } as never), /b must be \{ name, records \}/);
});

Deno.test("bench compare: two runs that differ only in their principles, a bad pair of runs exits 2", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "compare_runs_" });
  const base = ["bench", "--limit", "4", "--rounds", "1", "--arms", "baseline,judge_symmetric"];
  const run = (out: string, extra: string[] = []) =>
    cai([...base, ...extra, "--resamples", "99", "--ui", "json", "--out", `${tmp}/${out}`]);
  try {
    const [full, one] = await Promise.all([
      run("full"),
      run("one", ["--principles", "correctness"]),
    ]);
    assert.equal(full.code, 0, full.stderr);
    assert.equal(one.code, 0, one.stderr);
    const r = await cai(["bench", "compare", `${tmp}/full`, `${tmp}/one`, "--resamples", "99"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /# one vs full/);
    assert.match(
      r.stdout,
      /- constitutionPrinciples: \["correctness","follow-spec",.* → \["correctness"\]/,
    );
    assert.match(
      r.stdout,
      /\| baseline \| 4 \| (\d\.\d{3}) \| \1 \| 0\.000 \|/,
      "same first answers",
    );
    const json = await cai([
      "bench",
      "compare",
      `${tmp}/full`,
      `${tmp}/one`,
      "--json",
      "--resamples",
      "99",
    ]);
    const parsed = RunComparisonSchema.parse(JSON.parse(json.stdout));
    assert.deepEqual(parsed.arms.map((a) => a.arm), ["baseline", "judge_symmetric"]);
    const saved = await cai([
      "bench",
      "compare",
      `${tmp}/full`,
      `${tmp}/one`,
      "--resamples",
      "99",
      "--out",
      `${tmp}/cmp`,
    ]);
    assert.equal(saved.code, 0, saved.stderr);
    assert.deepEqual(
      RunComparisonSchema.parse(JSON.parse(await Deno.readTextFile(`${tmp}/cmp/compare.json`))),
      parsed,
    );
    assert.equal(
      await Deno.readTextFile(`${tmp}/cmp/compare.md`),
      r.stdout.replace(/\n$/, ""),
      "compare.md is what was printed",
    );
    const svg = await Deno.readTextFile(`${tmp}/cmp/compare_forest.svg`);
    assert.ok(svg.startsWith("<svg") && svg.includes("SIMULATED") && svg.includes("baseline"));

    // Another dataset does not pair; a missing run, one directory or an unknown arm are usage errors.
    const manifest = JSON.parse(await Deno.readTextFile(`${tmp}/one/manifest.json`));
    await Deno.writeTextFile(
      `${tmp}/one/manifest.json`,
      JSON.stringify({ ...manifest, datasetHash: "0".repeat(64) }),
    );
    const error = await compareRunDirs(`${tmp}/full`, `${tmp}/one`).catch((e) => e);
    assert.ok(error instanceof InputError);
    assert.match(error.message, /one\/manifest\.json: run one used another dataset/);
    for (
      const [args, message] of [
        [["bench", "compare", `${tmp}/full`, `${tmp}/one`], /another dataset/],
        [["bench", "compare", `${tmp}/full`], /needs two run directories/],
        [
          ["bench", "compare", `${tmp}/full`, `${tmp}/nope`],
          /nope\/manifest\.json: file not found/,
        ],
        [
          ["bench", "compare", `${tmp}/full`, `${tmp}/full`, "--arms", "tests"],
          /--arms: .*"tests" is not in both/,
        ],
      ] as const
    ) {
      const bad = await cai([...args]);
      assert.equal(bad.code, 2, `${args.join(" ")}: ${bad.stderr}`);
      assert.match(bad.stderr, message);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
