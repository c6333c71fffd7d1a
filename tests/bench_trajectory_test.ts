/**
 * The `trajectory` arm: recorded attempts from an answers file (`attempts` arrays or repeated
 * `answer` rows) are scored first to final without a model call; the summary carries the
 * first → final Δ with a bootstrap CI, the flips and the per-attempt curve.
 */
import assert from "node:assert/strict";
import { resolveArms } from "../lib/bench/arms.ts";
import { runBenchmark } from "../lib/bench/run_benchmark.ts";
import { renderReport } from "../lib/bench/report.ts";
import { answerTask } from "../lib/tasks/task.ts";
import { createAnswersProvider } from "../lib/providers/answers.ts";
import { parseConstitution } from "../lib/constitution/parse_constitution.ts";
import { InputError } from "../lib/util/jsonl.ts";
import { BenchSummarySchema } from "../lib/bench/summary.ts";
import { runBench } from "./bench_cli_runner.ts";

const constitution = parseConstitution("## Correctness\n\nBe right.\n");
const ITEMS = ["a", "b", "c", "d"].map((id, i) => ({
  id,
  prompt: `What is ${i} + 1?`,
  gold: String(i + 1),
  answerType: "number" as const,
}));
const ok = (id: string) => `Answer: ${ITEMS.find((i) => i.id === id)!.gold}`;
const bad = "Answer: 99";
/** a: wrong → right (2 attempts); b: right → wrong; c: wrong → wrong → right; d: right (1 attempt). */
const TRAJECTORIES: Record<string, string[]> = {
  a: [bad, ok("a")],
  b: [ok("b"), bad],
  c: [bad, bad, ok("c")],
  d: [ok("d")],
};

async function runWith(text: string) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/attempts.jsonl`, text);
    const provider = await createAnswersProvider(`${dir}/attempts.jsonl`);
    const arms = resolveArms(["trajectory"], { taskKind: "answer" });
    return await runBenchmark(answerTask(ITEMS), arms, {
      provider,
      constitution,
      resamples: 999,
      outDir: `${dir}/run`,
      cache: "off",
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const ARRAY_FORM = Object.entries(TRAJECTORIES)
  .map(([id, attempts]) => JSON.stringify({ id, attempts }))
  .join("\n") + "\n";
// Rows repeated per id, interleaved across ids: each id's rows keep their file order.
const ROW_FORM =
  [0, 1, 2].flatMap((k) =>
    Object.entries(TRAJECTORIES).flatMap(([id, attempts]) =>
      k < attempts.length ? [JSON.stringify({ id, answer: attempts[k] })] : []
    )
  ).join("\n") + "\n";

Deno.test("trajectory arm: attempts arrays give the first→final Δ, flips and per-attempt curve", async () => {
  const { records, summary } = await runWith(ARRAY_FORM);
  BenchSummarySchema.parse(summary);
  assert.equal(records.length, 4);
  assert.ok(records.every((r) => r.calls === 0 && r.studentCalls === 0));
  assert.deepEqual(records.find((r) => r.id === "c")!.attemptScores, [0, 0, 1]);
  const [t] = summary.trajectories!;
  assert.equal(t.arm, "trajectory");
  assert.equal(t.n, 4);
  assert.equal(t.meanAttempts, 2);
  // first: a0 b1 c0 d1 = 0.5; final: a1 b0 c1 d1 = 0.75.
  assert.equal(t.firstToFinal.meanA, 0.5);
  assert.equal(t.firstToFinal.meanB, 0.75);
  assert.equal(t.firstToFinal.delta, 0.25);
  assert.ok(t.firstToFinal.ci.low !== null && t.firstToFinal.ci.low <= 0.25);
  assert.equal(t.flips.wrongToCorrect, 2);
  assert.equal(t.flips.correctToWrong, 1);
  // attempt 1: a1 b0 c0 d1(carried) = 0.5; attempt 2: a1 b0 c1 d1 = 0.75.
  assert.deepEqual(t.curve.map((p) => [p.attempt, p.meanScore, p.passRate, p.reached]), [
    [0, 0.5, 0.5, 4],
    [1, 0.5, 0.5, 3],
    [2, 0.75, 0.75, 1],
  ]);
  const report = renderReport(summary);
  assert.match(
    report,
    /Trajectory trajectory \(4 item × seed, 2\.00 attempts on average\): first 0\.500 → final 0\.750, Δ \+0\.250/,
  );
  assert.match(report, /flips ✗→✓ 2, ✓→✗ 1/);
  assert.match(report, /\| 2 \| 0\.750 \| 75% \| 1 \|/);
});

Deno.test("trajectory arm: repeated answer rows per id give the same trajectories as attempts arrays", async () => {
  const a = await runWith(ARRAY_FORM);
  const b = await runWith(ROW_FORM);
  const strip = (rs: typeof a.records) => rs.map((r) => [r.id, r.attemptScores, r.attemptPassed]);
  assert.deepEqual(strip(b.records), strip(a.records));
  assert.deepEqual(b.summary.trajectories, a.summary.trajectories);
});

Deno.test("an answers row with malformed attempts names file, line and field", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/attempts.jsonl`;
    const cases: [string, string, RegExp][] = [
      ['{"id":"b","attempts":["x", 3]}', "attempts.1", /expected string/],
      ['{"id":"b","attempts":[]}', "attempts", /at least one attempt/],
      ['{"id":"b"}', "answer", /needs "answer" .* or "attempts"/],
      ['{"id":"b","answer":"x","attempts":["y"]}', "attempts", /not both/],
    ];
    for (const [row, field, message] of cases) {
      await Deno.writeTextFile(path, `{"id":"a","attempts":["ok"]}\n${row}\n`);
      const error = await createAnswersProvider(path).then(() => undefined, (e) => e);
      assert.ok(error instanceof InputError, row);
      assert.equal(error.line, 2);
      assert.equal(error.field, field);
      assert.ok(error.message.startsWith(`${path}:2:`), error.message);
      assert.match(error.message, message);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("trajectory arm without recorded attempts for an item records an error naming the item", async () => {
  const { records } = await runWith('{"id":"a","attempts":["Answer: 1"]}\n');
  const b = records.find((r) => r.id === "b")!;
  assert.match(b.error ?? "", /Cannot replay item "b" in arm "trajectory": no recorded attempts/);
});

Deno.test("examples/trajectories prints the numbers its README quotes", async () => {
  const root = new URL("..", import.meta.url).pathname;
  const tmp = await Deno.makeTempDir();
  try {
    const run = await runBench([
      "--dataset",
      "examples/trajectories/dataset.jsonl",
      "--provider",
      "answers:examples/trajectories/attempts.jsonl",
      "--arms",
      "baseline,trajectory",
      "--score-tests",
      "all",
      "--out",
      `${tmp}/run`,
      "--ui",
      "plain",
    ]);
    const stdout = run.stdout;
    assert.equal(run.code, 0, run.stderr);
    const readme = await Deno.readTextFile(`${root}examples/trajectories/README.md`);
    for (const line of stdout.split("\n").filter((l) => /^Trajectory |^\| [0-9] \|/.test(l))) {
      assert.ok(readme.includes(line), `README lacks: ${line}`);
    }
    assert.match(stdout, /first 0\.833 → final 0\.917, Δ \+0\.083 \[-0\.250, \+0\.333\]/);
    await Deno.stat(`${tmp}/run/trajectory.svg`);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
