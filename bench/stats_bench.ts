/**
 * Timings of the statistics that run on every report: the default BCa interval (9,999 resamples)
 * at typical experiment sizes, and a small power-analysis grid.
 *
 * Run: `deno bench bench/stats_bench.ts`
 *
 * @module
 */
import { bootstrapCi, powerAnalysis, summarizePaired } from "../lib/stats/mod.ts";
import { createRng } from "../lib/util/prng.ts";

function pairedData(n: number): { a: number[]; b: number[] } {
  const rng = createRng(n);
  const a = Array.from({ length: n }, () => rng.next());
  const b = a.map((x) => Math.min(1, Math.max(0, x + 0.1 * (rng.next() - 0.3))));
  return { a, b };
}

for (const n of [12, 186, 1000]) {
  const { a, b } = pairedData(n);
  Deno.bench({
    name: `BCa CI, 9,999 resamples, n=${n}`,
    group: "bootstrap",
    baseline: n === 12,
    fn: () => {
      bootstrapCi(a, b);
    },
  });
}

{
  const { a, b } = pairedData(186);
  Deno.bench({
    name: "percentile CI, 9,999 resamples, n=186",
    group: "bootstrap",
    fn: () => {
      bootstrapCi(a, b, { method: "percentile" });
    },
  });
  Deno.bench({
    name: "summarizePaired (BCa + sign + permutation), n=186",
    group: "summary",
    fn: () => {
      summarizePaired(a, b);
    },
  });
}

Deno.bench({
  name: "power grid 3 sizes × 3 effects, percentile test (499 resamples), 200 simulations each",
  group: "power",
  n: 3,
  fn: () => {
    for (const nItems of [12, 50, 186]) {
      for (const effect of [0.05, 0.1, 0.2]) {
        powerAnalysis({ nItems, effect, seeds: 1, simulations: 200 });
      }
    }
  },
});

Deno.bench({
  name: "power grid 3 sizes × 3 effects, sign test, 1,000 simulations each",
  group: "power",
  n: 5,
  fn: () => {
    for (const nItems of [12, 50, 186]) {
      for (const effect of [0.05, 0.1, 0.2]) {
        powerAnalysis({ nItems, effect, seeds: 3, simulations: 1000, test: "sign" });
      }
    }
  },
});
