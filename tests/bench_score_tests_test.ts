/**
 * `--score-tests hidden|all`: `all` scores on visible + hidden tests and is refused for an arm in
 * which a role sees test results; the manifest, summary.json, report.md and the CLI header say which
 * set scored.
 */
import assert from "node:assert/strict";
import { BenchSummarySchema } from "../lib/bench/summary.ts";
import { ItemResultSchema } from "../lib/bench/records.ts";
import { parseJsonl } from "../lib/util/jsonl.ts";
import { checkScoreTests, testSeeingParts } from "../lib/bench/parts.ts";
import { resolveArms } from "../lib/bench/arms.ts";
import { poolParts } from "../lib/bench/pool.ts";
import { codeTask } from "../lib/tasks/task.ts";
import { runBench } from "./bench_cli_runner.ts";

/** Two items; `abs` has a visible test for negatives that the hidden tests never exercise. */
const ITEMS = [
  {
    id: "abs",
    prompt: "Write abs(x).",
    language: "typescript",
    entryPoint: "abs",
    reference: "export function abs(x: number): number { return x < 0 ? -x : x; }",
    visibleTests: [{ name: "negative", code: "assert.strictEqual(abs(-2), 2);" }],
    hiddenTests: [
      { name: "positive", code: "assert.strictEqual(abs(3), 3);" },
      { name: "zero", code: "assert.strictEqual(abs(0), 0);" },
    ],
  },
  {
    id: "inc",
    prompt: "Write inc(x).",
    language: "typescript",
    entryPoint: "inc",
    reference: "export function inc(x: number): number { return x + 1; }",
    visibleTests: [{ name: "one", code: "assert.strictEqual(inc(1), 2);" }],
    hiddenTests: [{ name: "two", code: "assert.strictEqual(inc(2), 3);" }],
  },
];
const fence = "`".repeat(3);
const ANSWERS = [
  // Passes every hidden test, fails the visible one.
  {
    id: "abs",
    answer: `${fence}ts\nexport function abs(x: number): number { return x; }\n${fence}`,
  },
  {
    id: "inc",
    answer: `${fence}ts\nexport function inc(x: number): number { return x + 1; }\n${fence}`,
  },
];

async function fixture(): Promise<{ dir: string; dataset: string; answers: string }> {
  const dir = await Deno.makeTempDir();
  const dataset = `${dir}/items.jsonl`;
  const answers = `${dir}/answers.jsonl`;
  await Deno.writeTextFile(dataset, ITEMS.map((i) => JSON.stringify(i)).join("\n") + "\n");
  await Deno.writeTextFile(answers, ANSWERS.map((a) => JSON.stringify(a)).join("\n") + "\n");
  return { dir, dataset, answers };
}

Deno.test("checkScoreTests refuses all for an arm whose critic or gate sees tests, naming the arm", () => {
  const arms = resolveArms(["baseline", "tests", "best_of_n"]);
  assert.deepEqual(testSeeingParts(arms[0]), []);
  assert.deepEqual(testSeeingParts(arms[1]), ["critic tests", "gate visible_tests"]);
  assert.deepEqual(testSeeingParts(arms[2]), ["selectBy visible_tests"]);
  checkScoreTests("hidden", arms);
  assert.throws(
    () => checkScoreTests("all", arms),
    {
      message:
        '--score-tests all: arm "tests" lets a role see test results (critic tests, gate visible_tests); use --score-tests hidden',
    },
  );
  checkScoreTests("all", resolveArms(["baseline", "trajectory"]));
  const [anchor] = resolveArms(["tests_anchor"]);
  assert.deepEqual(testSeeingParts(anchor), ["critic tests_anchor", "gate hidden_tests"]);
});

Deno.test("a pool scoring on all tests refuses a test critic or gate, and allows self + critic", () => {
  const task = codeTask([], { scoreTests: "all" });
  assert.throws(() => poolParts(task), /--score-tests all: the pool lets a role see test results/);
  assert.throws(
    () => poolParts(task, { critic: "self", gate: "visible_tests" }),
    /gate visible_tests/,
  );
  assert.equal(poolParts(task, { critic: "self", gate: "critic" }).critic, "self");
});

Deno.test("bench --score-tests all with a test-seeing arm exits 2 naming the arm and writes nothing", async () => {
  const { dir, dataset, answers } = await fixture();
  try {
    const out = `${dir}/run`;
    const r = await runBench([
      "--dataset",
      dataset,
      "--provider",
      `answers:${answers}`,
      "--arms",
      "baseline,tests",
      "--score-tests",
      "all",
      "--out",
      out,
      "--ui",
      "plain",
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /--score-tests all: arm "tests" lets a role see test results \(critic tests, gate visible_tests\)/,
    );
    await assert.rejects(Deno.stat(out));
    const bad = await runBench(["--dataset", dataset, "--score-tests", "some", "--ui", "plain"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--score-tests must be hidden\|all: current value is "some"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bench --score-tests all scores visible + hidden tests and every output says so; hidden does not", async () => {
  const { dir, dataset, answers } = await fixture();
  try {
    const runs: Record<string, { stdout: string; dir: string }> = {};
    for (const which of ["hidden", "all"]) {
      const out = `${dir}/${which}`;
      const r = await runBench([
        "--dataset",
        dataset,
        "--provider",
        `answers:${answers}`,
        "--arms",
        "baseline",
        "--score-tests",
        which,
        "--resamples",
        "99",
        "--out",
        out,
        "--ui",
        "plain",
      ]);
      assert.equal(r.code, 0, r.stderr);
      runs[which] = { stdout: r.stdout + r.stderr, dir: out };
    }
    const read = async (which: string) => {
      const d = runs[which].dir;
      return {
        manifest: JSON.parse(await Deno.readTextFile(`${d}/manifest.json`)),
        summary: BenchSummarySchema.parse(JSON.parse(await Deno.readTextFile(`${d}/summary.json`))),
        report: await Deno.readTextFile(`${d}/report.md`),
        items: parseJsonl(await Deno.readTextFile(`${d}/items.jsonl`), ItemResultSchema),
      };
    };
    const hidden = await read("hidden");
    const all = await read("all");
    assert.equal(hidden.manifest.parameters.scoreTests, "hidden");
    assert.equal(all.manifest.parameters.scoreTests, "all");
    assert.equal(
      all.manifest.parameters.scoring.scoring,
      "all tests, visible + hidden (pass fraction)",
    );
    assert.equal(hidden.summary.scoreTests, "hidden");
    assert.equal(all.summary.scoreTests, "all");
    assert.match(hidden.report, /hidden-test pass fractions \(--score-tests hidden\)/);
    assert.match(all.report, /all tests \(visible \+ hidden: --score-tests all\)/);
    assert.match(runs.hidden.stdout, /scored on hidden tests/);
    assert.match(runs.all.stdout, /scored on all tests, visible \+ hidden/);
    const abs = (rs: typeof hidden.items) => rs.find((r) => r.id === "abs")!;
    // Hidden tests only: abs(x) = x passes both. All tests: it fails the visible abs(-2).
    assert.equal(abs(hidden.items).passed, true);
    assert.equal(abs(hidden.items).score, 1);
    assert.equal(abs(all.items).passed, false);
    assert.ok(Math.abs(abs(all.items).score - 2 / 3) < 1e-9, String(abs(all.items).score));
    assert.equal(all.items.find((r) => r.id === "inc")!.passed, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bench pool --score-tests all refuses the default test critic and records all in the manifest and frontier.md", async () => {
  const { dir, dataset } = await fixture();
  try {
    const refused = await runBench([
      "pool",
      "--dataset",
      dataset,
      "--score-tests",
      "all",
      "--out",
      `${dir}/refused`,
      "--ui",
      "plain",
    ]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /--score-tests all: the pool lets a role see test results \(critic tests, gate visible_tests\)/,
    );
    const out = `${dir}/pool`;
    const ok = await runBench([
      "pool",
      "--dataset",
      dataset,
      "--critic",
      "self",
      "--gate",
      "critic",
      "--initial",
      "2",
      "--repairs",
      "1",
      "--score-tests",
      "all",
      "--out",
      out,
      "--ui",
      "plain",
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /scored on all tests, visible \+ hidden/);
    const manifest = JSON.parse(await Deno.readTextFile(`${out}/pool.manifest.json`));
    assert.equal(manifest.scoreTests, "all");
    assert.match(
      await Deno.readTextFile(`${out}/frontier.md`),
      /scored on all tests \(visible \+ hidden\)/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
