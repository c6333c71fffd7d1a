/**
 * The benchmark beyond code: answer-key tasks (GSM8K) and open tasks judged by a panel, arms as
 * compositions of parts (presets, an arm file, a critic written outside lib/), protocol flags for
 * arms that see the answer key, flips, and completions from elsewhere scored through `answers:`.
 */
import assert from "node:assert/strict";
import { resolveArms } from "../lib/bench/arms.ts";
import { parseArmFile } from "../lib/bench/arm_file.ts";
import { armsFor, simulatedModels } from "../lib/bench/bench_setup.ts";
import { withParts } from "../lib/bench/parts.ts";
import { ItemResultSchema } from "../lib/bench/records.ts";
import { runBenchmark } from "../lib/bench/run_benchmark.ts";
import { BenchSummarySchema } from "../lib/bench/summary.ts";
import { createSimulatedAnswerProvider } from "../lib/bench/simulate_tasks.ts";
import { parseConstitution } from "../lib/constitution/parse_constitution.ts";
import { loadTaskDataset } from "../lib/datasets/load_task_dataset.ts";
import { createProvider } from "../lib/providers/registry.ts";
import { createScriptedProvider } from "../lib/providers/scripted.ts";
import { JUDGE_SYSTEM_PROMPT, STUDENT_SYSTEM_PROMPT } from "../lib/roles/prompts.ts";
import type { AnswerItem, OpenItem } from "../lib/schemas/task_item.ts";
import { answerTask, openTask } from "../lib/tasks/task.ts";
import { krippendorffAlpha } from "../lib/stats/agreement.ts";
import { InputError, parseJsonl } from "../lib/util/jsonl.ts";
import { startProtocolServer } from "./protocol_server.ts";
import { exportPreferencePairs } from "../lib/export/export_preference_pairs.ts";
import { compareRuns } from "../lib/bench/compare_runs.ts";
import { TraceSchema } from "../lib/schemas/trace.ts";
import { runBench } from "./bench_cli_runner.ts";

const GSM8K = new URL("../../shared/datasets/gsm8k-test-660.jsonl", import.meta.url).pathname;
const HAS_GSM8K = await Deno.stat(GSM8K).then(() => true, () => false);
const NO_GSM8K = !HAS_GSM8K;
if (NO_GSM8K) {
  console.warn(
    `skipping the GSM8K bench tests: ${GSM8K} is absent (../shared is not part of a clone)`,
  );
}
const constitution = parseConstitution(
  "## Correctness {#correctness}\n\nThe final answer is right.\n\n## Clarity {#clarity}\n\nSay it plainly.\n",
);

/** Small arithmetic items written for this test. */
function arithmetic(n: number): AnswerItem[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `add-${i}`,
    prompt: `What is ${i} + ${i + 1}?`,
    gold: String(2 * i + 1),
    answerType: "number" as const,
  }));
}

Deno.test("answer task: intrinsic self-correction can only be read against oracle stopping, which never flips right to wrong", async () => {
  const items = arithmetic(60);
  const arms = resolveArms(
    ["baseline", "intrinsic", "oracle_stop", "critic_other", "self_consistency"],
    { taskKind: "answer" },
  );
  const sim = simulatedModels({ kind: "answer", items });
  const { records, summary } = await runBenchmark(answerTask(items), arms, {
    provider: sim.student,
    judgeProvider: sim.judge,
    constitution,
    seeds: [0, 1],
    simulated: true,
    resamples: 499,
  });
  assert.equal(records.length, 60 * 2 * 5);
  for (const r of records) {
    ItemResultSchema.parse(r);
    assert.ok(r.extractRule !== undefined, `${r.arm} ${r.id}: the extraction rule is recorded`);
    if (r.extractRule !== "none") assert.equal(typeof r.extracted, "string");
  }
  BenchSummarySchema.parse(summary);
  const arm = (name: string) => summary.arms.find((a) => a.arm === name)!;
  // Oracle stopping sees the answer key: flagged, and a right answer is never revised into a wrong one.
  assert.equal(arm("oracle_stop").answerKey.length, 1);
  assert.match(arm("oracle_stop").answerKey[0], /stop oracle: stops with the answer key/);
  assert.equal(arm("oracle_stop").flips!.correctToWrong, 0);
  assert.ok(arm("oracle_stop").vsBaseline!.delta! >= 0);
  // Intrinsic self-correction is honest (no flag) and, under the simulator's defaults, flips
  // right answers to wrong more often than the reverse.
  assert.deepEqual(arm("intrinsic").answerKey, []);
  const f = arm("intrinsic").flips!;
  assert.equal(f.pairs, 120);
  assert.ok(f.correctToWrong > f.wrongToCorrect, JSON.stringify(f));
  assert.ok(arm("intrinsic").vsBaseline!.delta! < 0);
  // Every arm starts from the same first answer.
  const first = new Map<string, number>();
  for (const r of records) {
    const key = `${r.seed}:${r.id}`;
    if (first.has(key)) assert.equal(first.get(key), r.initialScore, `${r.arm} ${key}`);
    else first.set(key, r.initialScore);
  }
  // Self-consistency spends intrinsic's student calls, item by item.
  const calls = new Map(
    records.filter((r) => r.arm === "intrinsic").map((r) => [
      `${r.seed}:${r.id}`,
      r.studentCalls,
    ]),
  );
  for (const r of records.filter((r) => r.arm === "self_consistency")) {
    assert.equal(r.studentCalls, calls.get(`${r.seed}:${r.id}`));
  }
});

Deno.test("a critic written outside lib/ runs through withParts and appears in the manifest and the report", async () => {
  const items = arithmetic(6);
  const parts = withParts({
    critics: {
      doubter: {
        description: "always asks to double-check",
        create: () => ({
          name: "doubter",
          critique: () =>
            Promise.resolve({
              critiques: [{
                principleId: "correctness",
                quote: "",
                issue: "Are you sure?",
                fix: "Double-check.",
                severity: "low" as const,
              }],
              text: "Are you sure? Double-check.",
            }),
        }),
      },
    },
  });
  const arms = resolveArms(["baseline", { name: "doubt", critic: "doubter", rounds: 1 }], {
    taskKind: "answer",
    parts,
  });
  const out = await Deno.makeTempDir();
  try {
    const { summary } = await runBenchmark(answerTask(items), arms, {
      provider: createSimulatedAnswerProvider(items),
      constitution,
      parts,
      simulated: true,
      resamples: 99,
      outDir: out,
    });
    assert.equal(summary.arms[1].arm, "doubt");
    assert.equal(summary.arms[1].critic, "doubter");
    assert.equal(summary.arms[1].n, 6);
    const manifest = JSON.parse(await Deno.readTextFile(`${out}/manifest.json`));
    const recorded = manifest.parameters.arms.find((a: { name: string }) => a.name === "doubt");
    assert.deepEqual(
      [recorded.solver, recorded.critic, recorded.gate, recorded.stop, recorded.rounds],
      ["loop", "doubter", "none", "critic_done", 1],
    );
    assert.deepEqual(manifest.parameters.answerKey.doubt, []);
    assert.match(await Deno.readTextFile(`${out}/report.md`), /\| doubt \| doubter \| none \|/);
    const traces = (await Deno.readTextFile(`${out}/traces.jsonl`)).trim().split("\n").map((l) =>
      JSON.parse(l)
    );
    const doubted = traces.filter((t) => t.candidates.length === 2);
    assert.equal(doubted.length, 6, "every doubted item was revised once");
    assert.ok(doubted.every((t) => t.keepsEveryRevision === true));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("arms refuse parts that do not fit: unknown names list the known ones, code-only parts on answers, controls selecting by the answer key", () => {
  assert.throws(
    () => resolveArms([{ name: "x", critic: "psychic" }], { taskKind: "answer" }),
    /unknown critic "psychic" \(known: none, llm, self, other, tests, tests_anchor, hybrid, oracle\)/,
  );
  assert.throws(
    () => resolveArms([{ name: "x", critic: "self", stop: "whenever" }], { taskKind: "answer" }),
    /unknown stop "whenever" \(known: gate, critic_done, oracle\)/,
  );
  assert.throws(() => resolveArms(["tests"], { taskKind: "answer" }), /works on code tasks/);
  assert.throws(
    () =>
      resolveArms(["intrinsic", { name: "cheat", solver: "best_of_n", selectBy: "oracle" }], {
        taskKind: "answer",
      }),
    /sees the answer key; a control never selects by it/,
  );
  assert.throws(
    () => resolveArms([{ name: "x", critic: "self", stop: "gate" }], { taskKind: "answer" }),
    /stop "gate" needs a gate/,
  );
  assert.throws(() => resolveArms(["self_consistency"]), /vote" works on answer tasks/);
  assert.throws(
    () => resolveArms([{ name: "x", critic: "self", temperature: 1 } as never]),
    /Unrecognized key|unrecognized/i,
  );
});

Deno.test("arm files: entries keep their lines, and a bad entry names the file, line and field", () => {
  const text = "# arms\narms:\n  - { name: a, critic: self }\n  - name: b\n    rounds: -1\n";
  assert.throws(
    () => parseArmFile(text, "arms.yaml"),
    (e: unknown) =>
      e instanceof InputError && e.line === 4 && e.field === "arms[1].rounds" &&
      e.message.startsWith("arms.yaml:4:"),
  );
  const ok = parseArmFile(
    "arms:\n  - { name: a, critic: self }\n  - { name: b, solver: vote }\n",
    "f",
  );
  assert.deepEqual(ok.map((e) => [e.arm.name, e.line]), [["a", 2], ["b", 3]]);
  assert.throws(() => parseArmFile("arms: {}\n", "f.yaml"), /f\.yaml: expected a list of arms/);
  assert.throws(() => parseArmFile("arms: [\n", "f.yaml"), /f\.yaml:\d+: invalid YAML/);
  // A file arm named like a preset replaces it; the others are appended.
  const arms = armsFor("answer", {
    presets: ["baseline", "intrinsic"],
    extra: [{ name: "intrinsic", critic: "self", rounds: 4 }, { name: "more", critic: "other" }],
  });
  assert.deepEqual(arms.map((a) => [a.name, a.rounds]), [["baseline", 3], ["intrinsic", 4], [
    "more",
    3,
  ]]);
});

Deno.test({
  name:
    "bench on GSM8K (SIMULATED): every answer preset and an arm-file arm, with flips and protocol flags in the run files",
  ignore: NO_GSM8K,
  async fn() {
    const out = await Deno.makeTempDir();
    try {
      const r = await runBench([
        "--dataset",
        GSM8K,
        "--limit",
        "40",
        "--seeds",
        "2",
        "--arm-file",
        "examples/arms/self_correction.yaml",
        "--resamples",
        "199",
        "--ui",
        "plain",
        "--out",
        out,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const items = parseJsonl(await Deno.readTextFile(`${out}/items.jsonl`), ItemResultSchema);
      const names = [...new Set(items.map((i) => i.arm))];
      assert.deepEqual(names, [
        "baseline",
        "intrinsic",
        "oracle_stop",
        "critic_other",
        "judge_symmetric",
        "judge_asymmetric",
        "self_consistency",
        "best_of_n",
        "oracle_feedback",
        "intrinsic_3",
        "vote_3",
      ]);
      assert.equal(items.length, 40 * 2 * names.length);
      for (const row of items) {
        for (const key of ["id", "arm", "seed", "score", "passed"]) assert.ok(key in row);
      }
      const summary = BenchSummarySchema.parse(
        JSON.parse(await Deno.readTextFile(`${out}/summary.json`)),
      );
      assert.equal(summary.task, "answer");
      const flagged = summary.arms.filter((a) => a.answerKey.length).map((a) => a.arm);
      assert.deepEqual(flagged, ["oracle_stop", "oracle_feedback"]);
      assert.ok(summary.arms.slice(1).every((a) => a.flips && a.flips.pairs === 80));
      const report = await Deno.readTextFile(`${out}/report.md`);
      assert.match(report, /\| oracle_stop † \|/);
      assert.match(report, /- oracle_feedback: critic oracle: the answer key gives the feedback/);
      assert.match(report, /scores are 1\/0 against the gold answer/);
      assert.match(r.stdout, /SIMULATED/);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test({
  name: "bench --provider answers:FILE scores completions made elsewhere on an answer task",
  ignore: NO_GSM8K,
  async fn() {
    const dir = await Deno.makeTempDir();
    try {
      // The dataset's own worked solutions as the "completions", every third one made wrong.
      const rows = (await Deno.readTextFile(GSM8K)).trim().split("\n").slice(0, 12).map((l) =>
        JSON.parse(l)
      );
      const answers = rows.map((row, i) => ({
        id: `gsm8k-test-660-${i}`,
        answer: i % 3 === 0 ? "I am not sure.\n#### -1" : row.answer,
      }));
      await Deno.writeTextFile(
        `${dir}/answers.jsonl`,
        answers.map((a) => JSON.stringify(a)).join("\n") + "\n",
      );
      const r = await runBench([
        "--dataset",
        GSM8K,
        "--limit",
        "12",
        "--provider",
        `answers:${dir}/answers.jsonl`,
        "--ui",
        "json",
        "--out",
        `${dir}/run`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const items = parseJsonl(await Deno.readTextFile(`${dir}/run/items.jsonl`), ItemResultSchema);
      assert.deepEqual([...new Set(items.map((i) => i.arm))], ["baseline"]);
      for (const item of items) {
        const index = Number(item.id.split("-").at(-1));
        assert.equal(item.passed, index % 3 !== 0, item.id);
      }
      assert.ok(items.every((i) => i.extractRule === "hash"));
      assert.ok(items.every((i) => !i.simulated));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("open task over real HTTP: a panel of two judges (Ollama and OpenAI protocols) scores, reports agreement and counts unparseable verdicts as unscored", async () => {
  const items: OpenItem[] = Array.from({ length: 8 }, (_, i) => ({
    id: `open-${i}`,
    prompt: `Explain topic ${i} in one sentence.`,
  }));
  // Judge B never gives parseable JSON for open-7 (original request and the re-ask).
  const server = startProtocolServer({
    handler: ({ model, messages }) => {
      const system = messages[0]?.content ?? "";
      const user = messages.findLast((m) => m.role === "user")?.content ?? "";
      const item = /topic (\d+)/.exec(messages.map((m) => m.content).join("\n"))?.[1] ?? "0";
      if (system === STUDENT_SYSTEM_PROMPT) return `Topic ${item} is explained plainly.`;
      if (system === JUDGE_SYSTEM_PROMPT || /verdict/i.test(user)) {
        if (model === "gpt-4o-mini" && item === "7") return "no JSON today, sorry";
        const score = model === "gpt-4o-mini" ? 0.5 + 0.05 * +item : 0.45 + 0.05 * +item;
        return JSON.stringify({ verdict: "compliant", reasons: ["clear"], score });
      }
      return JSON.stringify({ critiques: [] });
    },
  });
  try {
    const env = { OPENAI_API_KEY: "test-key" };
    const student = await createProvider("ollama:llama3.2:latest", {
      baseURL: server.url,
      retry: false,
    });
    const judgeA = await createProvider("ollama:llama3.2:latest", {
      baseURL: server.url,
      retry: false,
    });
    const judgeB = await createProvider("openai:gpt-4o-mini", {
      env,
      baseURL: `${server.url}/v1`,
      retry: false,
    });
    const task = openTask(items, { judges: [judgeA, judgeB], constitution });
    const { records, summary } = await runBenchmark(
      task,
      resolveArms(["baseline", "intrinsic"], { taskKind: "open" }),
      { provider: student, constitution, resamples: 199 },
    );
    const base = records.filter((r) => r.arm === "baseline");
    assert.equal(base.length, 8);
    assert.deepEqual(base.find((r) => r.id === "open-7")!.judgeScores, [0.8, null]);
    assert.deepEqual(base.find((r) => r.id === "open-2")!.judgeScores, [0.55, 0.6]);
    assert.equal(base.find((r) => r.id === "open-2")!.score, 0.575);
    const agreement = summary.agreement;
    assert.ok(agreement && agreement.mode === "pointwise");
    assert.equal(agreement.judges, 2);
    assert.equal(agreement.unscoredVerdicts, 2, "open-7 in both arms");
    // Judge B scores every answer 0.05 above judge A: high but imperfect interval agreement.
    const direct = krippendorffAlpha(records.map((r) => r.judgeScores!));
    assert.ok(Math.abs(agreement.alpha.estimate! - direct) < 1e-12);
    assert.ok(direct > 0.8 && direct < 1, String(direct));
    assert.match(
      (await import("../lib/bench/report.ts")).renderReport(summary),
      /Judge agreement \(2 judges, 16 scored answers, pointwise\): Krippendorff's α \(interval\)/,
    );
    // Both protocols were really spoken.
    const protocols = new Set(server.requests.map((r) => r.protocol).filter(Boolean));
    assert.deepEqual([...protocols].sort(), ["ollama", "openai"]);
  } finally {
    await server.close();
  }
});

Deno.test("open task: a record no judge could score is unscored and left out of the statistics with a note", async () => {
  const items: OpenItem[] = [{ id: "a", prompt: "Say hi." }, { id: "b", prompt: "Say bye." }];
  const server = startProtocolServer({
    handler: ({ messages }) => {
      const system = messages[0]?.content ?? "";
      const all = messages.map((m) => m.content).join("\n");
      if (system === STUDENT_SYSTEM_PROMPT) return all.includes("bye") ? "Bye." : "Hi.";
      if (all.includes("Bye.")) return "garbage";
      return JSON.stringify({ verdict: "compliant", reasons: ["ok"], score: 0.9 });
    },
  });
  try {
    const judge = await createProvider("ollama:llama3.2:latest", {
      baseURL: server.url,
      retry: false,
    });
    const { records, summary } = await runBenchmark(
      openTask(items, { judges: [judge], constitution }),
      resolveArms(["baseline"], { taskKind: "open" }),
      { provider: judge, constitution, resamples: 99 },
    );
    const b = records.find((r) => r.id === "b")!;
    assert.equal(b.unscored, true);
    assert.deepEqual(b.judgeScores, [null]);
    assert.equal(summary.arms[0].unscored, 1);
    assert.equal(summary.arms[0].n, 1);
    assert.equal(summary.arms[0].meanScore, 0.9);
    assert.ok(summary.notes.some((n) => /baseline: 1 unscored record/.test(n)));
  } finally {
    await server.close();
  }
});

Deno.test({
  name: "GSM8K loads as an answer task whose gold answers no prompt contains",
  ignore: NO_GSM8K,
  async fn() {
    const dataset = await loadTaskDataset(GSM8K, { limit: 20 });
    assert.equal(dataset.kind, "answer");
    for (const item of dataset.items as AnswerItem[]) {
      assert.ok(!item.prompt.includes("####"), item.id);
      assert.ok(!JSON.stringify(item.metadata ?? {}).includes("<<"), item.id);
    }
  },
});

Deno.test("DPO pairs from an answer task keep only revisions the gold answer scores strictly better", async () => {
  const items = arithmetic(40);
  const sim = simulatedModels({ kind: "answer", items });
  const out = await Deno.makeTempDir();
  try {
    const { records } = await runBenchmark(
      answerTask(items),
      resolveArms(["baseline", "critic_other"], { taskKind: "answer" }),
      {
        provider: sim.student,
        judgeProvider: sim.judge,
        constitution,
        simulated: true,
        resamples: 99,
        outDir: out,
      },
    );
    const traces = parseJsonl(await Deno.readTextFile(`${out}/traces.jsonl`), TraceSchema);
    const heldOutScores = Object.fromEntries(
      records.filter((r) => r.traceId).map((r) => [
        r.traceId!,
        { chosen: r.score, rejected: r.initialScore },
      ]),
    );
    const { rows } = exportPreferencePairs(traces, { heldOutScores, requireHeldOutScores: true });
    assert.ok(rows.length > 0, "the asymmetric critic fixed some answers");
    const byTrace = new Map(records.map((r) => [r.traceId, r]));
    for (const row of rows) {
      const record = byTrace.get(row.metadata.trace_id)!;
      assert.equal(record.score, 1);
      assert.equal(record.initialScore, 0);
    }
    // And bench compare counts the same flips from two runs' records.
    const base = records.filter((r) => r.arm === "baseline");
    const other = records.filter((r) => r.arm === "critic_other").map((r) => ({
      ...r,
      arm: "baseline",
    }));
    const c = compareRuns({ name: "A", records: base }, { name: "B", records: other }, {
      resamples: 99,
    });
    const f = c.arms[0].flips;
    assert.equal(f.pairs, 40);
    assert.equal(
      f.wrongToCorrect,
      records.filter((r) => r.arm === "critic_other" && r.passed && r.initialScore === 0).length,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("completions made elsewhere (answers provider) are scored on an open task by the judge panel", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const items: OpenItem[] = [
      { id: "a", prompt: "Explain caching.", reference: "A cache keeps recent results." },
      { id: "b", prompt: "Explain hashing." },
    ];
    await Deno.writeTextFile(
      `${dir}/answers.jsonl`,
      '{"id": "a", "answer": "Caches store results to reuse them."}\n' +
        '{"id": "b", "answer": "A hash maps data to a fixed-size value."}\n',
    );
    const student = await createProvider(`answers:${dir}/answers.jsonl`);
    const judge = createScriptedProvider({
      byRole: { judge: '{"verdict": "compliant", "reasons": ["clear"], "score": 0.7}' },
    });
    const { records, summary } = await runBenchmark(
      openTask(items, { judges: [judge, judge], constitution }),
      resolveArms(["baseline"], { taskKind: "open" }),
      { provider: student, constitution, resamples: 99 },
    );
    assert.deepEqual(records.map((r) => [r.id, r.score, r.judgeScores]), [
      ["a", 0.7, [0.7, 0.7]],
      ["b", 0.7, [0.7, 0.7]],
    ]);
    assert.equal(summary.task, "open");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a journal whose last line a kill tore is healed on resume, so a second resume still reads it", async () => {
  const items = arithmetic(8);
  const arms = resolveArms(["baseline", "intrinsic"], { taskKind: "answer" });
  const out = await Deno.makeTempDir();
  try {
    const run = () =>
      runBenchmark(answerTask(items), arms, {
        provider: createSimulatedAnswerProvider(items),
        constitution,
        simulated: true,
        resamples: 99,
        outDir: out,
      });
    const whole = await run();
    // Simulate a kill mid-write: keep 5 whole records and half of the sixth, drop the final files.
    const lines = (await Deno.readTextFile(`${out}/journal.jsonl`)).trim().split("\n");
    await Deno.writeTextFile(
      `${out}/journal.jsonl`,
      lines.slice(0, 5).join("\n") + "\n" + lines[5].slice(0, 20),
    );
    await Deno.remove(`${out}/summary.json`);
    const resumed = await run();
    assert.equal(resumed.resumed, 5);
    const again = await run(); // reads the journal the first resume appended to
    assert.equal(again.resumed, 16);
    assert.deepEqual(
      again.records.map((r) => [r.id, r.arm, r.score]),
      whole.records.map((r) => [r.id, r.arm, r.score]),
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
