/**
 * Costs in a benchmark: with a price table every record's `costUsd` is what its calls cost, the
 * summary has a mean per arm and the report a column; without one, none of it appears.
 */
import assert from "node:assert/strict";
import { renderReport, resolveArms, runBenchmark } from "../lib/bench/mod.ts";
import { createSimulatedProvider } from "../lib/bench/simulate.ts";
import { loadDataset } from "../lib/datasets/load_dataset.ts";
import { loadConstitution } from "../lib/constitution/load_constitution.ts";
import { callsCost } from "../lib/providers/pricing.ts";
import { TraceSchema } from "../lib/schemas/trace.ts";
import { readJsonl } from "../lib/util/jsonl.ts";
import { cai } from "./testdata/cli/cli_helpers.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const PRICES = { "sim:*": { input: 1, output: 2 } };

Deno.test("with prices each record costs what its calls cost; without, no cost appears", async () => {
  const items = await loadDataset(`${ROOT}datasets/coding_hard.jsonl`, { limit: 3 });
  const constitution = await loadConstitution(`${ROOT}constitution.md`);
  const arms = resolveArms(["baseline", "tests", "judge_symmetric", "best_of_n"], { rounds: 1 });
  const run = async (prices?: Record<string, { input: number; output: number }>) => {
    const outDir = await Deno.makeTempDir({ prefix: "bench_cost_" });
    const result = await runBenchmark(items, arms, {
      provider: createSimulatedProvider(items),
      constitution,
      simulated: true,
      outDir,
      resamples: 99,
      prices,
    });
    const traces = await readJsonl(`${outDir}/traces.jsonl`, TraceSchema);
    await Deno.remove(outDir, { recursive: true });
    return { ...result, traces };
  };
  const priced = await run(PRICES);
  for (const r of priced.records) {
    assert.ok(r.costUsd !== undefined && r.costUsd > 0, `${r.arm} ${r.id}`);
    const trace = priced.traces.find((t) => t.traceId === r.traceId);
    if (trace) assert.equal(r.costUsd, callsCost(trace.calls, PRICES).usd);
    // tokens and cost agree: at $1/$2 per million, cost lies between tokens × 1e-6 and × 2e-6.
    assert.ok(r.costUsd! >= r.tokens * 1e-6 - 1e-12 && r.costUsd! <= r.tokens * 2e-6 + 1e-12);
  }
  for (const a of priced.summary.arms) {
    const own = priced.records.filter((r) => r.arm === a.arm);
    const mean = own.reduce((s, r) => s + r.costUsd!, 0) / own.length;
    assert.ok(Math.abs(a.meanCostUsd! - mean) < 1e-15, a.arm);
  }
  assert.match(renderReport(priced.summary), /\| calls \| \$\/item \|/);

  const plain = await run();
  assert.ok(plain.records.every((r) => r.costUsd === undefined));
  assert.ok(plain.summary.arms.every((a) => a.meanCostUsd === undefined));
  assert.doesNotMatch(renderReport(plain.summary), /\$\/item/);
  // Same results either way: prices only add costs.
  assert.deepEqual(
    plain.records.map((r) => [r.id, r.arm, r.score]),
    priced.records.map((r) => [r.id, r.arm, r.score]),
  );

  // A table that does not price the model gives no cost rather than a wrong one.
  const unpriced = await run({ "openai:*": { input: 1, output: 1 } });
  assert.ok(unpriced.records.every((r) => r.costUsd === undefined));
});

Deno.test("bench --prices with a bad file exits 2 naming the file and field, and writes nothing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bench_prices_" });
  try {
    await Deno.writeTextFile(`${dir}/p.json`, '{"sim:*": {"input": "cheap", "output": 1}}');
    const r = await cai(["bench", "--prices", `${dir}/p.json`, "--out", `${dir}/run`]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /p\.json: .*\(field "sim:\*\.input"\)/);
    await assert.rejects(() => Deno.stat(`${dir}/run`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a cost budget stops scheduling once the priced calls reach it, and a re-run continues", async () => {
  const items = await loadDataset(`${ROOT}datasets/coding_hard.jsonl`, { limit: 6 });
  const constitution = await loadConstitution(`${ROOT}constitution.md`);
  const arms = resolveArms(["baseline", "tests"], { rounds: 1 });
  const outDir = await Deno.makeTempDir({ prefix: "bench_cost_budget_" });
  const prices = { "sim:*": { input: 1000, output: 1000 } }; // about $0.3 an answer
  const options = (maxCostUsd: number) => ({
    provider: createSimulatedProvider(items),
    constitution,
    simulated: true,
    outDir,
    resamples: 99,
    concurrency: 1,
    prices,
    budget: { maxCostUsd },
  });
  try {
    const first = await runBenchmark(items, arms, options(1));
    const spent = first.records.reduce((s, r) => s + r.costUsd!, 0);
    assert.equal(first.summary.complete, false);
    assert.ok(first.records.length > 0 && first.records.length < 12, `${first.records.length}`);
    assert.ok(spent >= 1, `stopped only once $1 was spent: ${spent}`);
    // Before its last unit it had not reached the budget (it stops scheduling, never mid-unit), so
    // the spend minus the dearest unit is below it.
    const unitCost = new Map<string, number>();
    for (const r of first.records) unitCost.set(r.id, (unitCost.get(r.id) ?? 0) + r.costUsd!);
    assert.ok(spent - Math.max(...unitCost.values()) < 1);
    assert.match(first.summary.notes.join(), /cost budget \$1 reached/);
    const second = await runBenchmark(items, arms, options(1000));
    assert.equal(second.summary.complete, true);
    assert.equal(second.resumed, first.records.length, "finished units are not re-run");
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
  await assert.rejects(
    () =>
      runBenchmark(items, arms, {
        provider: createSimulatedProvider(items),
        constitution,
        prices: { "openai:*": { input: 1, output: 1 } },
        budget: { maxCostUsd: 1 },
      }),
    /no price for sim:sim/,
  );
});
