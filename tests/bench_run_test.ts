/**
 * runBenchmark in-process: honest-measurement invariants, the simulated ablation's direction, and a
 * run recorded against the protocol server (real Ollama wire protocol, real client) that replays
 * with the server stopped to the same records.
 */
import assert from "node:assert/strict";
import { resolveArms } from "../lib/bench/arms.ts";
import { runBenchmark } from "../lib/bench/run_benchmark.ts";
import { createSimulatedProvider } from "../lib/bench/simulate.ts";
import { ItemResultSchema } from "../lib/bench/records.ts";
import { BenchSummarySchema } from "../lib/bench/summary.ts";
import { loadConstitution } from "../lib/constitution/mod.ts";
import { loadDataset } from "../lib/datasets/mod.ts";
import { createProvider } from "../lib/providers/registry.ts";
import { ProviderError } from "../lib/providers/types.ts";
import { type Event, EventSchema } from "../lib/schemas/events.ts";
import { TraceSchema } from "../lib/schemas/trace.ts";
import { parseJsonl } from "../lib/util/jsonl.ts";
import { startProtocolServer } from "./protocol_server.ts";

const HARD = new URL("../datasets/coding_hard.jsonl", import.meta.url).pathname;
const items = await loadDataset(HARD);
const constitution = await loadConstitution();

Deno.test("runBenchmark: every arm starts from the same first answer and best-of-n spends the loop's student calls", async () => {
  const subset = items.slice(0, 4);
  const sim = createSimulatedProvider(subset);
  const events: Event[] = [];
  const { records, summary } = await runBenchmark(
    subset,
    resolveArms(["baseline", "tests", "best_of_n"], { rounds: 2 }),
    {
      provider: sim,
      constitution,
      seeds: [0, 1],
      simulated: true,
      resamples: 999,
      onEvent: (e) => events.push(e),
    },
  );
  assert.equal(records.length, 4 * 2 * 3);
  for (const r of records) ItemResultSchema.parse(r);
  for (const e of events) EventSchema.parse(e);
  BenchSummarySchema.parse(summary);
  const get = (arm: string, id: string, seed: number) =>
    records.find((r) => r.arm === arm && r.id === id && r.seed === seed)!;
  for (const item of subset) {
    for (const seed of [0, 1]) {
      const base = get("baseline", item.id, seed);
      const loop = get("tests", item.id, seed);
      const bon = get("best_of_n", item.id, seed);
      assert.equal(loop.initialScore, base.score, "loop round 0 is the baseline answer");
      assert.equal(bon.initialScore, base.score, "best-of-n sample 0 is the baseline answer");
      assert.equal(bon.studentCalls, loop.studentCalls, "same student budget");
      assert.ok(loop.score >= 0 && loop.score <= 1);
    }
  }
  assert.ok(summary.simulated);
  assert.equal(summary.arms[0].vsBaseline, undefined);
  assert.equal(summary.arms[1].vsBaseline?.n, 4, "paired over items (seeds averaged)");
});

Deno.test("simulated ablation: an unreliable judge gains less than the test-grounded critic", async () => {
  const subset = items.slice(0, 10);
  const sim = createSimulatedProvider(subset);
  const { summary } = await runBenchmark(
    subset,
    resolveArms(["baseline", "tests", "judge_symmetric"], { rounds: 2 }),
    { provider: sim, constitution, seeds: [0], simulated: true, resamples: 999, concurrency: 2 },
  );
  const delta = (arm: string) => summary.arms.find((a) => a.arm === arm)!.vsBaseline!.delta!;
  assert.ok(delta("tests") > 0, `tests Δ ${delta("tests")} > 0`);
  assert.ok(
    delta("judge_symmetric") < delta("tests"),
    `judge Δ ${delta("judge_symmetric")} < tests Δ ${delta("tests")}`,
  );
});

/** Answers like a model: the reference for the student, valid structured output for critic/judge. */
function modelLike(body: Record<string, unknown>, prompt: string): string {
  if (body.format) {
    const schema = JSON.stringify(body.format);
    if (schema.includes('"critiques"')) return JSON.stringify({ critiques: [] });
    return JSON.stringify({ verdict: "compliant", reasons: ["ok"], score: 0.9 });
  }
  const item = items.find((i) => prompt.includes(i.prompt.slice(0, 60)));
  return item ? "Here is my solution:\n```ts\n" + item.reference + "\n```" : "I do not know.";
}

Deno.test("a benchmark recorded against the Ollama protocol server replays with the server stopped to the same records", async () => {
  const tmp = await Deno.makeTempDir();
  const server = startProtocolServer({
    ollamaModels: ["coder:latest"],
    handler: ({ messages, body }) =>
      modelLike(body, messages.filter((m) => m.role === "user").map((m) => m.content).join("\n")),
  });
  const subset = items.slice(0, 2);
  const arms = resolveArms(["baseline", "tests", "judge_symmetric", "best_of_n"], { rounds: 1 });
  try {
    const provider = await createProvider("ollama:coder:latest", {
      env: { OLLAMA_HOST: server.url },
      retry: { baseDelayMs: 1 },
    });
    const recorded = await runBenchmark(subset, arms, {
      provider,
      constitution,
      outDir: `${tmp}/run`,
      resamples: 999,
    });
    assert.ok(server.requests.length > 0, "the real client spoke to the server");
    assert.ok(
      recorded.records.every((r) => !r.error),
      JSON.stringify(recorded.records.find((r) => r.error)),
    );
    assert.equal(recorded.summary.arms[0].meanScore, 1, "the reference passes the hidden tests");
    for (const t of parseJsonl(await Deno.readTextFile(`${tmp}/run/traces.jsonl`), TraceSchema)) {
      assert.ok(t.calls.length > 0);
    }
    await server.close();

    // Replay: a fresh output dir, the recorded cache, zero network.
    const replayed = await runBenchmark(subset, arms, {
      provider,
      constitution,
      outDir: `${tmp}/replay`,
      cache: "replay",
      cacheDir: `${tmp}/run/cache`,
      resamples: 999,
    });
    const strip = (rs: typeof replayed.records) => rs.map(({ ms: _ms, ...r }) => r);
    assert.deepEqual(strip(replayed.records), strip(recorded.records));
    assert.deepEqual({ ...replayed.summary, run: "" }, { ...recorded.summary, run: "" });

    // A replay that misses the cache fails clearly instead of calling out.
    const miss = await runBenchmark(items.slice(2, 3), resolveArms(["baseline"]), {
      provider,
      constitution,
      outDir: `${tmp}/miss`,
      cache: "replay",
      cacheDir: `${tmp}/run/cache`,
      resamples: 999,
    });
    assert.match(miss.records[0].error ?? "", /replay_miss/);
  } finally {
    await server.close().catch(() => {});
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("runBenchmark refuses an output directory that holds a different run", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const subset = items.slice(0, 1);
    const opts = {
      provider: createSimulatedProvider(subset),
      constitution,
      outDir: tmp,
      resamples: 199,
    };
    await runBenchmark(subset, resolveArms(["baseline"]), opts);
    await assert.rejects(
      () => runBenchmark(subset, resolveArms(["baseline", "tests"]), opts),
      /holds a different run/,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("runBenchmark stops at the call budget, keeps finished work, and continues when re-run", async () => {
  const tmp = await Deno.makeTempDir();
  try {
    const subset = items.slice(0, 4);
    const sim = createSimulatedProvider(subset);
    const arms = resolveArms(["baseline"]);
    const first = await runBenchmark(subset, arms, {
      provider: sim,
      constitution,
      outDir: tmp,
      budget: { maxCalls: 2 },
      concurrency: 1,
      resamples: 199,
    });
    assert.equal(first.summary.complete, false);
    assert.equal(first.records.length, 2);
    assert.match(first.summary.notes.join(" "), /call budget 2 reached/);
    const second = await runBenchmark(subset, arms, {
      provider: sim,
      constitution,
      outDir: tmp,
      resamples: 199,
    });
    assert.equal(second.resumed, 2);
    assert.equal(second.records.length, 4);
    assert.ok(second.summary.complete);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a provider that is down is a recorded error for the item, not a crash", async () => {
  const subset = items.slice(0, 2);
  const down = {
    name: "down",
    model: "m",
    chat: () => Promise.reject(new ProviderError("down", "connection", "refused")),
  };
  const { records } = await runBenchmark(subset, resolveArms(["baseline", "tests"]), {
    provider: down,
    constitution,
    resamples: 199,
  });
  assert.equal(records.length, 4);
  for (const r of records) {
    assert.equal(r.score, 0);
    assert.match(r.error ?? "", /refused/);
  }
});

Deno.test("traces.jsonl comes out in the records' order, whichever unit finished first", async () => {
  const items = await loadDataset(HARD, { limit: 6 });
  const sim = createSimulatedProvider(items);
  // Items finish in reverse: the first item's calls are the slowest.
  const slow = {
    name: sim.name,
    model: sim.model,
    async chat(messages: Parameters<typeof sim.chat>[0], options: Parameters<typeof sim.chat>[1]) {
      const rank = items.findIndex((i) => i.id === options?.itemId);
      await new Promise((resolve) => setTimeout(resolve, (items.length - rank) * 15));
      return sim.chat(messages, options);
    },
  };
  const tmp = await Deno.makeTempDir({ prefix: "bench_order_" });
  try {
    await runBenchmark(items, resolveArms(["baseline", "tests"], { rounds: 1 }), {
      provider: slow,
      constitution: await loadConstitution(),
      outDir: tmp,
      concurrency: 6,
      simulated: true,
      resamples: 99,
    });
    const records = parseJsonl(await Deno.readTextFile(`${tmp}/items.jsonl`), ItemResultSchema);
    const traces = parseJsonl(await Deno.readTextFile(`${tmp}/traces.jsonl`), TraceSchema);
    assert.equal(traces.length, records.length);
    assert.deepEqual(traces.map((t) => t.traceId), records.map((r) => r.traceId));
    // Records (and so traces) are sorted by arm, seed, then item id.
    assert.deepEqual(traces.slice(0, 6).map((t) => t.itemId), items.map((i) => i.id).sort());
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("runBenchmark: an unisolated run warns once (not once per candidate) and records it in the manifest", async () => {
  const subset = items.slice(0, 3);
  const outDir = await Deno.makeTempDir();
  const events: Event[] = [];
  await runBenchmark(subset, resolveArms(["baseline", "tests", "best_of_n"], { rounds: 2 }), {
    provider: createSimulatedProvider(subset),
    constitution,
    seeds: [1],
    simulated: true,
    resamples: 99,
    sandbox: { isolation: "none" },
    outDir,
    onEvent: (e) => void events.push(e),
  });
  const warnings = events.filter((e) =>
    e.type === "log" && e.level === "warn" && e.message.includes("NOT ISOLATED")
  );
  assert.equal(warnings.length, 1, "one warning for the whole run");
  const manifest = JSON.parse(await Deno.readTextFile(`${outDir}/manifest.json`));
  assert.equal(manifest.parameters.isolation, "none");
  await Deno.remove(outDir, { recursive: true });
});
