/**
 * Speed of the equal-budget frontier estimator (a benchmark, not a test): a synthetic pool of
 * 200 items × 10 initial samples × 3 repairs per failing sample, estimated over the default grid
 * (n_p ∈ {1, 2, 5, 10}, n_fr ∈ {0, 1, 3}) with 1,000 subsampling draws per item and configuration
 * and bootstrap CIs over items. Prints the wall time.
 *
 * Run: `deno task bench:frontier [--items 200] [--initial 10] [--repairs 3] [--draws 1000]`
 *
 * @module
 */
import { parseArgs } from "node:util";
import { estimateFrontier } from "../lib/bench/frontier.ts";
import type { PoolRow } from "../lib/bench/pool_row.ts";
import { createRng } from "../lib/util/prng.ts";

const { values } = parseArgs({
  options: {
    items: { type: "string", default: "200" },
    initial: { type: "string", default: "10" },
    repairs: { type: "string", default: "3" },
    draws: { type: "string", default: "1000" },
  },
});
const [nItems, initial, repairs, draws] = [
  values.items,
  values.initial,
  values.repairs,
  values.draws,
]
  .map(Number);

const rng = createRng(1);
const pool: PoolRow[] = [];
for (let j = 0; j < nItems; j++) {
  const p = rng.next() * 0.7;
  for (let k = 0; k < initial; k++) {
    const passed = rng.next() < p;
    const tokens = 150 + rng.int(100);
    pool.push({
      id: `item-${j}`,
      seed: 0,
      sample: k,
      passed,
      score: passed ? 1 : 0,
      tokens,
      promptTokens: 100,
      completionTokens: tokens - 100,
      gatePassed: passed,
      gateTokens: 0,
      repairs: passed ? [] : Array.from({ length: repairs }, (_, r) => {
        const ok = rng.next() < 0.3;
        return {
          repair: r,
          passed: ok,
          score: ok ? 1 : 0,
          tokens: 300,
          promptTokens: 250,
          completionTokens: 50,
          feedbackTokens: 120,
        };
      }),
    });
  }
}

const t0 = performance.now();
const frontier = estimateFrontier(pool, {}, { draws });
const seconds = (performance.now() - t0) / 1000;
console.log(
  `pool: ${nItems} items × ${initial} samples × ${repairs} repairs (${pool.length} rows)`,
);
console.log(
  `grid: n_p ∈ {${[...new Set(frontier.points.map((p) => p.np))].join(", ")}}, n_fr ∈ {${
    [...new Set(frontier.points.map((p) => p.nfr))].join(", ")
  }}; ${draws} draws per item and configuration; ${frontier.resamples} bootstrap resamples`,
);
console.log(`verdict: ${frontier.verdict}`);
console.log(`estimate_seconds: ${seconds.toFixed(3)}`);
