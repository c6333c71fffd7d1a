import assert from "node:assert/strict";
import { join } from "node:path";
import { cai, type CliResult } from "./testdata/cli/cli_helpers.ts";

const DATA = "tests/testdata/cli";

async function listFiles(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names;
}

/** Runs the cases two at a time (2 cores) and returns their results in order. */
async function runAll(cases: string[][]): Promise<CliResult[]> {
  const results: CliResult[] = new Array(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      results[i] = await cai(cases[i]);
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

Deno.test("bad usage and bad input exit 2 with a message naming the flag, file, line or field, and write nothing", async () => {
  const dir = await Deno.makeTempDir();
  const out = join(dir, "pairs.jsonl");
  const cases: { args: string[]; expect: RegExp[] }[] = [
    { args: ["run", "-p", "hi", "-o", out, "--bogus"], expect: [/--bogus/] },
    {
      args: ["run", "-p", "hi", "-o", out, "--max-rounds", "two"],
      expect: [/--max-rounds/, /"two"/],
    },
    { args: ["run", "-p", "hi", "-o", out, "--max-rounds", "-1"], expect: [/--max-rounds/] },
    {
      args: ["run", "-f", `${DATA}/bad_prompts.jsonl`, "-o", out],
      expect: [/bad_prompts\.jsonl:2/, /field "prompt"/],
    },
    {
      args: ["run", "-p", "hi", "-o", out, "--constitution", `${DATA}/missing.md`],
      expect: [/missing\.md/, /not found/],
    },
    {
      args: ["run", "-p", "hi", "-o", out, "--constitution", `${DATA}/broken_constitution.md`],
      expect: [/broken_constitution\.md:5/, /duplicate principle id "clarity"/],
    },
    {
      args: ["run", "-p", "hi", "-o", out, "--critique-mode", "tests"],
      expect: [/cai bench --critique-mode tests/],
    },
    { args: ["run", "-o", out], expect: [/no prompts/] },
    {
      args: ["run", "-p", "hi", "--ui", "fancy"],
      expect: [/--ui must be one of auto\|live\|plain\|json/],
    },
    { args: ["frobnicate"], expect: [/unknown command "frobnicate"/] },
    { args: ["bench", "--bogus"], expect: [/--bogus/, /cai bench --help/] },
    {
      args: ["bench", "--seed", "3"],
      expect: [/unknown option --seed \(did you mean --seeds\?\)/],
    },
    { args: ["run", "--promt", "hi"], expect: [/did you mean --prompt\?/] },
    {
      args: ["run", "-p", "hi", "-o", out, "--principles", "correctness,nope"],
      expect: [/--principles: unknown principle id "nope"/],
    },
    { args: ["bench", "--principle-tags", "nope"], expect: [/--principle-tags: no principle has/] },
    { args: ["bench", "--max-cost", "1"], expect: [/--max-cost needs --prices FILE/] },
    { args: ["demo", "--principles", "nope"], expect: [/--principles: unknown principle id/] },
    { args: ["providers", "--timeout", "0"], expect: [/--timeout/] },
    { args: ["demo", "--offline", "--provider", "scripted"], expect: [/exclude each other/] },
  ];
  const results = await runAll(cases.map((c) => c.args));
  results.forEach((r, i) => {
    const label = cases[i].args.join(" ");
    assert.equal(r.code, 2, `${label}: exit ${r.code}\n${r.stderr}`);
    for (const re of cases[i].expect) assert.match(r.stderr, re, label);
    assert.equal(r.stdout, "", `${label}: nothing on stdout`);
  });
  assert.deepEqual(await listFiles(dir), [], "no output file was written");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("an explicitly requested provider that is unavailable exits 3 with the reason, never swapping", async () => {
  const dir = await Deno.makeTempDir();
  const out = join(dir, "pairs.jsonl");
  const [ollama, kimi, demo] = await runAll([
    ["run", "-p", "hi", "-o", out, "--provider", "ollama:llama3.2"],
    ["run", "-p", "hi", "-o", out, "--provider", "kimi"],
    ["demo", "--provider", "anthropic", "--ui", "plain"],
  ]);
  assert.equal(ollama.code, 3, ollama.stderr);
  assert.match(
    ollama.stderr,
    /ollama:llama3\.2 is unavailable \(unreachable\): cannot reach http:\/\/127\.0\.0\.1:9/,
  );
  assert.equal(kimi.code, 3, kimi.stderr);
  assert.match(kimi.stderr, /MOONSHOT_API_KEY/);
  assert.equal(demo.code, 3, demo.stderr);
  assert.match(demo.stderr, /ANTHROPIC_API_KEY/);
  assert.deepEqual(await listFiles(dir), []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("every command answers --help with examples and exit 0", async () => {
  const results = await runAll([
    ["--help"],
    ["run", "--help"],
    ["providers", "-h"],
    ["demo", "--help"],
    ["bench", "--help"],
  ]);
  for (const r of results) {
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /usage: deno task/);
    assert.match(r.stdout, /Examples:/);
  }
  assert.match(results[4].stdout, /deno task bench/, "cai bench delegates to scripts/bench.ts");
  assert.match(results[1].stdout, /--judge-provider/);
  assert.match(results[1].stdout, /--replay/);
});
