/**
 * Repair pools (`runPool`, `deno task bench pool`): deterministic and resumable generation,
 * record/replay with zero provider calls, answer-key flags, the CLI on a code task and on GSM8K
 * (the n_fr = 0 points of frontier.json recomputed from pool.jsonl as closed-form pass@k), and
 * bad input exiting 2 with nothing half-written.
 */
import assert from "node:assert/strict";
import { runPool } from "../lib/bench/pool.ts";
import { PoolRowSchema } from "../lib/bench/pool_row.ts";
import { passAtK } from "../lib/bench/frontier.ts";
import { FrontierSchema } from "../lib/bench/frontier_schema.ts";
import { simulatedModels } from "../lib/bench/bench_setup.ts";
import { parseConstitution } from "../lib/constitution/parse_constitution.ts";
import type { Provider } from "../lib/providers/types.ts";
import type { AnswerItem } from "../lib/schemas/task_item.ts";
import { answerTask } from "../lib/tasks/task.ts";
import { parseJsonl } from "../lib/util/jsonl.ts";
import { runBench } from "./bench_cli_runner.ts";

const GSM8K = new URL("../../shared/datasets/gsm8k-test-660.jsonl", import.meta.url).pathname;
const HAS_GSM8K = await Deno.stat(GSM8K).then(() => true, () => false);
if (!HAS_GSM8K) {
  console.warn(
    `skipping the GSM8K pool test: ${GSM8K} is absent (../shared is not part of a clone)`,
  );
}
const constitution = parseConstitution("## Correctness {#correctness}\n\nBe right.\n");
const items: AnswerItem[] = Array.from({ length: 6 }, (_, i) => ({
  id: `q${i}`,
  prompt: `What is ${i} + ${i + 3}?`,
  gold: String(2 * i + 3),
  answerType: "number" as const,
}));

function poolOptions(outDir: string) {
  return {
    provider: simulatedModels({ kind: "answer", items }).student,
    constitution,
    initial: 4,
    repairs: 2,
    outDir,
    simulated: true,
  };
}

/** `bench pool --ui plain …`. */
function bench(args: string[]) {
  return runBench(["pool", "--ui", "plain", ...args]);
}

/** Recomputes closed-form pass@k from pool.jsonl and compares frontier.json's n_fr = 0 points. */
async function checkClosedForm(dir: string): Promise<string[]> {
  const rows = parseJsonl(await Deno.readTextFile(`${dir}/pool.jsonl`), PoolRowSchema);
  const frontier = FrontierSchema.parse(
    JSON.parse(await Deno.readTextFile(`${dir}/frontier.json`)),
  );
  const ids = [...new Set(rows.map((r) => r.id))];
  const lines: string[] = [];
  for (const point of frontier.points.filter((p) => p.nfr === 0)) {
    const perItem = ids.map((id) => {
      const mine = rows.filter((r) => r.id === id);
      return passAtK(mine.length, mine.filter((r) => r.passed).length, point.np);
    });
    const exact = perItem.reduce((a, b) => a + b, 0) / perItem.length;
    const se = Math.sqrt(perItem.reduce((s, p) => s + p * (1 - p) / frontier.draws, 0)) /
      perItem.length;
    assert.ok(Math.abs(point.exact! - exact) < 1e-12, `exact pass@${point.np}`);
    assert.ok(
      Math.abs(point.passRate - exact) <= 4 * se + 1e-12,
      `pass@${point.np}: estimated ${point.passRate}, closed form ${exact}, 4·se ${4 * se}`,
    );
    lines.push(`pass@${point.np}: ${point.passRate.toFixed(4)} vs ${exact.toFixed(4)}`);
  }
  return lines;
}

Deno.test("runPool() gives byte-identical pool.jsonl twice, and a killed pool resumes to the same bytes without redoing finished samples", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = await runPool(answerTask(items), poolOptions(`${dir}/a`));
    const b = await runPool(answerTask(items), poolOptions(`${dir}/b`));
    assert.ok(a.complete && b.complete && a.rows.length === 24);
    const bytes = await Deno.readTextFile(`${dir}/a/pool.jsonl`);
    assert.equal(await Deno.readTextFile(`${dir}/b/pool.jsonl`), bytes);
    assert.ok(a.rows.some((r) => r.repairs.length === 2) && a.rows.some((r) => r.gatePassed));

    // Kill after 7 finished samples.
    const controller = new AbortController();
    let finished = 0;
    const killed = await runPool(answerTask(items), {
      ...poolOptions(`${dir}/c`),
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === "progress" && ++finished === 7) controller.abort();
      },
    });
    assert.equal(killed.complete, false);
    assert.equal(await Deno.stat(`${dir}/c/pool.jsonl`).then(() => true, () => false), false);
    const journaled = (await Deno.readTextFile(`${dir}/c/pool.journal.jsonl`)).trim().split("\n");
    assert.ok(journaled.length >= 7 && journaled.length < 24);
    // A kill in the middle of an append leaves a torn last line.
    await Deno.writeTextFile(`${dir}/c/pool.journal.jsonl`, '{"id":"q5","se', { append: true });
    const resumed = await runPool(answerTask(items), poolOptions(`${dir}/c`));
    assert.ok(resumed.complete);
    assert.equal(resumed.resumed, journaled.length);
    assert.ok(resumed.calls < a.calls, `resumed run made ${resumed.calls} of ${a.calls} calls`);
    assert.equal(await Deno.readTextFile(`${dir}/c/pool.jsonl`), bytes);
    // The journal stays readable (the torn line was dropped, not appended to).
    const journal = await Deno.readTextFile(`${dir}/c/pool.journal.jsonl`);
    assert.equal(parseJsonl(journal, PoolRowSchema).length, 24);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runPool() replays a recorded pool without a single provider call", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const recorded = await runPool(answerTask(items), {
      ...poolOptions(`${dir}/rec`),
      cache: "record",
    });
    let providerCalls = 0;
    const dead: Provider = {
      name: "sim",
      model: "sim",
      chat() {
        providerCalls++;
        return Promise.reject(new Error("the provider was called during replay"));
      },
    };
    const replayed = await runPool(answerTask(items), {
      ...poolOptions(`${dir}/replay`),
      provider: dead,
      cache: "replay",
      cacheDir: `${dir}/rec/cache`,
    });
    assert.equal(providerCalls, 0);
    assert.ok(replayed.complete && replayed.calls === recorded.calls);
    assert.equal(
      await Deno.readTextFile(`${dir}/replay/pool.jsonl`),
      await Deno.readTextFile(`${dir}/rec/pool.jsonl`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runPool() flags an oracle gate or critic as seeing the answer key and refuses parts that do not fit", async () => {
  const provider = simulatedModels({ kind: "answer", items }).student;
  const oracle = await runPool(answerTask(items.slice(0, 2)), {
    provider,
    constitution,
    initial: 3,
    repairs: 1,
    gate: "oracle",
  });
  assert.equal(oracle.info.answerKey.length, 1);
  assert.match(oracle.info.answerKey[0], /^gate oracle: /);
  // An oracle gate repairs exactly the samples the answer key fails.
  assert.ok(oracle.rows.every((r) => r.gatePassed === r.passed));
  const honest = await runPool(answerTask(items.slice(0, 2)), {
    provider,
    constitution,
    initial: 2,
    repairs: 1,
  });
  assert.deepEqual(honest.info.answerKey, []);
  await assert.rejects(
    () => runPool(answerTask(items), { provider, constitution, critic: "tests" }),
    /critic "tests"/,
  );
  await assert.rejects(
    () => runPool(answerTask(items), { provider, constitution, gate: "visible_tests" }),
    /visible tests/,
  );
});

Deno.test("bench pool on a code task writes pool.jsonl and the frontier, whose n_fr = 0 points are pass@k of pool.jsonl, byte-identical when run twice", async () => {
  const dir = await Deno.makeTempDir();
  const again = await Deno.makeTempDir();
  const codePool = (out: string) =>
    bench([
      "--dataset",
      "datasets/coding_hard.jsonl",
      "--limit",
      "3",
      "--provider",
      "sim",
      "--initial",
      "4",
      "--repairs",
      "2",
      "--out",
      out,
    ]);
  try {
    const run = await codePool(dir);
    assert.equal(run.code, 0, run.stderr);
    // Sandbox verdicts (and the scores and tokens derived from them) are the same on a re-run.
    assert.equal((await codePool(again)).code, 0);
    assert.equal(
      await Deno.readTextFile(`${again}/pool.jsonl`),
      await Deno.readTextFile(`${dir}/pool.jsonl`),
    );
    assert.match(run.stdout, /^verdict: (repair beats sampling|no configuration beats sampling)/m);
    for (const f of ["pool.jsonl", "frontier.json", "frontier.md", "frontier.svg"]) {
      assert.ok((await Deno.stat(`${dir}/${f}`)).size > 0, f);
    }
    const lines = await checkClosedForm(dir);
    assert.equal(lines.length, 3); // n_p = 1, 2, 4
    const frontier = JSON.parse(await Deno.readTextFile(`${dir}/frontier.json`));
    assert.equal(frontier.simulated, true);
    assert.equal(frontier.critic, "tests");
    assert.equal(frontier.gate, "visible_tests");
    assert.match(await Deno.readTextFile(`${dir}/frontier.svg`), /SIMULATED/);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(again, { recursive: true });
  }
});

Deno.test({
  name:
    "bench pool on GSM8K (answer task), then --replay of its recording with zero calls to the same bytes",
  ignore: !HAS_GSM8K,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      const common = ["--dataset", GSM8K, "--limit", "40", "--provider", "sim"];
      const sizes = ["--initial", "5", "--repairs", "3"];
      const run = await bench([...common, ...sizes, "--record", "--out", `${dir}/rec`]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^verdict: /m);
      await checkClosedForm(`${dir}/rec`);
      const frontier = JSON.parse(await Deno.readTextFile(`${dir}/rec/frontier.json`));
      assert.equal(frontier.task, "answer");
      assert.equal(frontier.gate, "critic");

      const replay = await bench([
        ...common,
        ...sizes,
        "--replay",
        "--cache-dir",
        `${dir}/rec/cache`,
        "--out",
        `${dir}/replay`,
      ]);
      assert.equal(replay.code, 0, replay.stderr);
      assert.match(replay.stdout, /\(all from the cache\)/);
      assert.equal(
        await Deno.readTextFile(`${dir}/replay/pool.jsonl`),
        await Deno.readTextFile(`${dir}/rec/pool.jsonl`),
      );
      const read = async (d: string) => ({
        ...JSON.parse(await Deno.readTextFile(`${dir}/${d}/frontier.json`)),
        run: "",
      });
      assert.deepEqual(await read("replay"), await read("rec"));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("bench pool exits 2 naming the file, line and field of a bad pool row or the bad flag, and writes nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const dataset = `${dir}/sums.jsonl`;
    await Deno.writeTextFile(
      dataset,
      items.map((it) => JSON.stringify({ question: it.prompt, answer: `so\n#### ${it.gold}` }))
        .join("\n") + "\n",
    );
    const ok = await bench([
      "--dataset",
      dataset,
      "--initial",
      "3",
      "--repairs",
      "1",
      "--out",
      `${dir}/p`,
    ]);
    assert.equal(ok.code, 0, ok.stderr);

    // A malformed row: --estimate-only refuses it and leaves the earlier outputs untouched.
    const before = await Deno.readTextFile(`${dir}/p/frontier.json`);
    const original = await Deno.readTextFile(`${dir}/p/pool.jsonl`);
    const rows = original.trim().split("\n");
    rows[2] = JSON.stringify({ ...JSON.parse(rows[2]), passed: "yes" });
    await Deno.writeTextFile(`${dir}/p/pool.jsonl`, rows.join("\n") + "\n");
    const bad = await bench(["--estimate-only", "--out", `${dir}/p`]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /pool\.jsonl:3: .*\(field "passed"\)/);
    assert.equal(await Deno.readTextFile(`${dir}/p/frontier.json`), before);

    for (
      const [args, message] of [
        [["--initial", "0"], /--initial must be an integer ≥ 1/],
        [["--critic", "tests"], /--critic\/--gate: .*critic "tests"/],
        [["--gate", "hidden"], /--gate must be one of/],
        [["--nfr", "1,x"], /--nfr must be a comma-separated list/],
        [["--bogus"], /unknown option --bogus/],
      ] as const
    ) {
      const out = `${dir}/flags`;
      const r = await bench(["--dataset", dataset, ...args, "--out", out]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(await Deno.stat(out).then(() => true, () => false), false, "nothing written");
    }
    await Deno.writeTextFile(`${dir}/p/pool.jsonl`, original);
    const grid = await bench(["--estimate-only", "--out", `${dir}/p`, "--np", "9"]);
    assert.equal(grid.code, 2);
    assert.match(grid.stderr, /--np\/--nfr: Cannot estimate n_p = 9/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
