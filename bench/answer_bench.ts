/**
 * Throughput of the benchmark on an answer-key task in simulation (a benchmark, not a test): GSM8K
 * (660 items from ../shared) × 2 seeds × 5 arms — baseline, intrinsic, oracle_stop, critic_other and
 * self_consistency — with the simulated authors, scored against the gold answers, no outputs
 * written. Prints the wall time and units per second.
 *
 * Run: `deno task bench:answers [--dataset PATH] [--seeds 2] [--limit N]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { answerTask } from "../lib/tasks/task.ts";
import { loadTaskDataset } from "../lib/datasets/load_task_dataset.ts";
import { armsFor, simulatedModels } from "../lib/bench/bench_setup.ts";
import { runBenchmark } from "../lib/bench/run_benchmark.ts";
import { loadConstitution } from "../lib/constitution/mod.ts";

const { values } = parseArgs({
  options: {
    dataset: { type: "string", default: "../shared/datasets/gsm8k-test-660.jsonl" },
    seeds: { type: "string", default: "2" },
    limit: { type: "string" },
  },
});
const dataset = await loadTaskDataset(values.dataset!, {
  limit: values.limit === undefined ? undefined : Number(values.limit),
});
if (dataset.kind !== "answer") throw new TypeError(`${values.dataset} is not an answer dataset`);
const arms = armsFor("answer", {
  presets: ["baseline", "intrinsic", "oracle_stop", "critic_other", "self_consistency"],
});
const sim = simulatedModels(dataset);
const seeds = Array.from({ length: Number(values.seeds) }, (_, i) => i);
const t0 = performance.now();
const { records, summary } = await runBenchmark(answerTask(dataset.items), arms, {
  provider: sim.student,
  judgeProvider: sim.judge,
  constitution: await loadConstitution(),
  seeds,
  simulated: true,
});
const ms = performance.now() - t0;
console.log(
  `answer task (SIMULATED): ${dataset.items.length} items × ${seeds.length} seeds × ${arms.length} arms = ${records.length} units`,
);
console.log(`  wall_ms: ${ms.toFixed(0)}`);
console.log(`  units_per_s: ${(records.length / (ms / 1000)).toFixed(0)}`);
console.log(`  calls: ${records.reduce((n, r) => n + r.calls, 0)}`);
for (const a of summary.arms) {
  console.log(
    `  ${a.arm}: score ${a.meanScore.toFixed(3)}${
      a.vsBaseline ? ` Δ ${a.vsBaseline.delta?.toFixed(3)}` : ""
    }${a.flips ? ` flips ✓→✗ ${a.flips.correctToWrong} ✗→✓ ${a.flips.wrongToCorrect}` : ""}`,
  );
}
