/**
 * The equal-budget frontier estimator: pass@k's closed form, the subsampling estimate agreeing with
 * it (and with exact values for repairs) within Monte-Carlo error, the cost definition, the
 * equal-cost comparison and its verdict, determinism, bad input, and the chart.
 */
import assert from "node:assert/strict";
import { estimateFrontier, frontierVerdict, passAtK } from "../lib/bench/frontier.ts";
import { FrontierSchema } from "../lib/bench/frontier_schema.ts";
import { renderFrontier, writeFrontier } from "../lib/bench/frontier_report.ts";
import { readPoolFile } from "../lib/bench/pool_file.ts";
import type { PoolRow } from "../lib/bench/pool_row.ts";
import { frontierChart } from "../lib/plot/frontier_chart.ts";
import { createRng } from "../lib/util/prng.ts";
import { InputError } from "../lib/util/jsonl.ts";

function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

interface SynthOptions {
  items?: number;
  samples?: number;
  repairs?: number;
  /** Per-item initial pass probability is drawn uniform in [0, maxPass]. */
  maxPass?: number;
  /** Probability that a repair of a failing sample passes. */
  repairPass?: number;
  sampleTokens?: number;
  repairTokens?: number;
  seed?: number;
}

/** A synthetic pool: the gate is exact (a failing sample fails its gate). */
function synthPool(o: SynthOptions = {}): PoolRow[] {
  const rng = createRng(o.seed ?? 7);
  const rows: PoolRow[] = [];
  for (let j = 0; j < (o.items ?? 30); j++) {
    const p = rng.next() * (o.maxPass ?? 0.6);
    for (let k = 0; k < (o.samples ?? 10); k++) {
      const passed = rng.next() < p;
      const tokens = (o.sampleTokens ?? 100) + rng.int(20);
      rows.push({
        id: `item-${j}`,
        seed: 0,
        sample: k,
        passed,
        score: passed ? 1 : 0,
        tokens,
        promptTokens: 40,
        completionTokens: tokens - 40,
        gatePassed: passed,
        gateTokens: 0,
        repairs: passed ? [] : Array.from({ length: o.repairs ?? 3 }, (_, r) => {
          const ok = rng.next() < (o.repairPass ?? 0.5);
          const t = (o.repairTokens ?? 60) + rng.int(10);
          return {
            repair: r,
            passed: ok,
            score: ok ? 1 : 0,
            tokens: t,
            promptTokens: t - 20,
            completionTokens: 20,
            feedbackTokens: 15,
          };
        }),
      });
    }
  }
  return rows;
}

/** Monte-Carlo standard error of a mean over items of per-item draw means. */
function mcError(perItemP: number[], draws: number): number {
  const v = perItemP.reduce((s, p) => s + p * (1 - p) / draws, 0);
  return Math.sqrt(v) / perItemP.length;
}

Deno.test("passAtK() equals 1 − C(n−c, k)/C(n, k) and stays stable for large n", () => {
  for (let n = 1; n <= 12; n++) {
    for (let c = 0; c <= n; c++) {
      for (let k = 1; k <= n; k++) {
        const exact = 1 - choose(n - c, k) / choose(n, k);
        assert.ok(Math.abs(passAtK(n, c, k) - exact) < 1e-12, `n=${n} c=${c} k=${k}`);
      }
    }
  }
  // C(1000, 500) overflows doubles; the product form does not.
  assert.ok(Math.abs(passAtK(1000, 1, 500) - 0.5) < 1e-12);
  assert.ok(Number.isFinite(passAtK(1000, 3, 400)));
  assert.throws(() => passAtK(5, 6, 1), RangeError);
  assert.throws(() => passAtK(5, 2, 0), RangeError);
});

Deno.test("estimateFrontier() n_fr = 0 points agree with closed-form pass@k within Monte-Carlo error", () => {
  const pool = synthPool({ items: 40, samples: 10 });
  const draws = 1000;
  const f = estimateFrontier(pool, { np: [1, 2, 3, 5, 10], nfr: [0] }, { draws });
  const ids = [...new Set(pool.map((r) => r.id))];
  for (const point of f.points) {
    const perItem = ids.map((id) => {
      const rows = pool.filter((r) => r.id === id);
      return passAtK(rows.length, rows.filter((r) => r.passed).length, point.np);
    });
    const exact = perItem.reduce((a, b) => a + b, 0) / perItem.length;
    assert.ok(Math.abs(point.exact! - exact) < 1e-12);
    const se = mcError(perItem, draws);
    assert.ok(
      Math.abs(point.passRate - exact) <= 4 * se + 1e-12,
      `n_p=${point.np}: estimate ${point.passRate} vs closed form ${exact} (4·se = ${4 * se})`,
    );
  }
});

Deno.test("estimateFrontier() repairs and cost follow the documented definition (n_p = 1, n_fr = 1 exactly, first or subsampled repairs)", () => {
  const pool = synthPool({ items: 25, samples: 6, repairs: 4 });
  const draws = 4000;
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const repairCost = (x: PoolRow["repairs"][number]) => x.tokens + x.feedbackTokens;
  const ids = [...new Set(pool.map((r) => r.id))];
  for (const repairOrder of ["first", "subsample"] as const) {
    // "first": repair 0 of each failing sample; "subsample": any of its repairs, equally likely.
    const used = (r: PoolRow) => (repairOrder === "first" ? r.repairs.slice(0, 1) : r.repairs);
    const perItem = ids.map((id) => {
      const rows = pool.filter((r) => r.id === id);
      const pass = rows.map((r) => r.passed ? 1 : mean(used(r).map((x) => x.passed ? 1 : 0)));
      const cost = rows.map((r) =>
        r.tokens + r.gateTokens + (r.gatePassed ? 0 : mean(used(r).map(repairCost)))
      );
      return { pass: mean(pass), cost: mean(cost) };
    });
    const exactPass = mean(perItem.map((x) => x.pass));
    const exactCost = mean(perItem.map((x) => x.cost));
    const f = estimateFrontier(pool, { np: [1], nfr: [1] }, { draws, repairOrder });
    assert.equal(f.repairOrder, repairOrder);
    const [point] = f.points;
    const se = mcError(perItem.map((x) => x.pass), draws);
    assert.ok(
      Math.abs(point.passRate - exactPass) <= 4 * se,
      `${repairOrder}: ${point.passRate} vs ${exactPass}`,
    );
    assert.ok(Math.abs(point.meanTokens - exactCost) / exactCost < 0.01, repairOrder);
  }
  // More repairs never lower the pass rate and always cost more.
  const more = estimateFrontier(pool, { np: [1], nfr: [1, 3] }, { draws: 500 });
  assert.ok(more.points[1].passRate >= more.points[0].passRate - 0.01);
  assert.ok(more.points[1].meanTokens > more.points[0].meanTokens);
  assert.throws(
    () => estimateFrontier(pool, {}, { repairOrder: "random" as "first" }),
    /repairOrder "random"/,
  );
});

Deno.test("estimateFrontier() is deterministic for a seed and validates against FrontierSchema", () => {
  const pool = synthPool();
  const a = estimateFrontier(pool, {}, { draws: 300, resamples: 199 });
  const b = estimateFrontier(pool, {}, { draws: 300, resamples: 199 });
  assert.deepEqual(a, b);
  assert.ok(FrontierSchema.safeParse(a).success);
  assert.deepEqual([...new Set(a.points.map((p) => p.np))], [1, 2, 5, 10]);
  assert.deepEqual([...new Set(a.points.map((p) => p.nfr))], [0, 1, 3]);
  const c = estimateFrontier(pool, {}, { draws: 300, resamples: 199, seed: 5 });
  assert.notDeepEqual(a.points, c.points);
});

Deno.test("the equal-cost comparison finds cheap, strong repairs and rejects weak ones", () => {
  const strong = estimateFrontier(
    synthPool({ repairPass: 0.9, repairTokens: 20, maxPass: 0.3 }),
    {},
    { draws: 400, resamples: 499 },
  );
  assert.match(
    strong.verdict,
    /^repair beats sampling at \S+ tokens \(n_p = \d+, n_fr = \d+\): \+/,
  );
  const weak = estimateFrontier(
    synthPool({ repairPass: 0.02, repairTokens: 200 }),
    {},
    { draws: 400, resamples: 499 },
  );
  assert.match(weak.verdict, /^no configuration beats sampling/);
  // Expensive configurations lie beyond the sampling curve and say so.
  const beyond = weak.comparisons.filter((c) => c.delta === null);
  assert.ok(beyond.length > 0 && beyond.every((c) => /beyond the sampling curve/.test(c.note!)));
  const compared = strong.comparisons.find((c) => c.delta !== null)!;
  assert.ok(compared.samplingK! >= 1 && compared.samplingK! <= strong.poolInitial);
  assert.equal(frontierVerdict([]), "no configuration beats sampling (the pool has no repairs)");
});

Deno.test("estimateFrontier() refuses a grid the pool cannot support and repeated rows", () => {
  const pool = synthPool({ samples: 4, repairs: 2 });
  assert.throws(() => estimateFrontier(pool, { np: [5] }), /n_p = 5.*\[1, 4\]/);
  assert.throws(() => estimateFrontier(pool, { nfr: [3] }), /n_fr = 3.*\[0, 2\]/);
  assert.throws(() => estimateFrontier([]), /empty pool/);
  assert.throws(
    () => estimateFrontier([...pool, pool[0]]),
    /repeats id "item-0", seed 0, sample 0/,
  );
});

Deno.test("readPoolFile() names the file, line and field of a malformed row", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const [row] = synthPool({ items: 1, samples: 1 });
    const good = JSON.stringify(row);
    const bad = JSON.stringify({ ...row, sample: 1, tokens: "many" });
    await Deno.writeTextFile(`${dir}/pool.jsonl`, `${good}\n${bad}\n`);
    const error = await readPoolFile(`${dir}/pool.jsonl`).catch((e) => e);
    assert.ok(error instanceof InputError);
    assert.match(error.message, /pool\.jsonl:2: .*\(field "tokens"\)/);
    await Deno.writeTextFile(`${dir}/pool.jsonl`, `${good}\n\n${good}\n`);
    const repeated = await readPoolFile(`${dir}/pool.jsonl`).catch((e) => e);
    assert.match(repeated.message, /pool\.jsonl:3: repeats .* \(first at line 1\)/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeFrontier() writes json, md, svg and Vega-Lite, SIMULATED when simulated", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const f = estimateFrontier(synthPool(), {}, {
      draws: 200,
      resamples: 199,
      simulated: true,
      run: "synthetic",
    });
    const paths = await writeFrontier(dir, f);
    assert.deepEqual(paths.map((p) => p.split("/").pop()), [
      "frontier.json",
      "frontier.md",
      "frontier.svg",
      "frontier.vl.json",
    ]);
    assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/frontier.json`)), f);
    assert.match(await Deno.readTextFile(`${dir}/frontier.svg`), /SIMULATED/);
    const spec = JSON.parse(await Deno.readTextFile(`${dir}/frontier.vl.json`));
    assert.match(spec.title.text, /^SIMULATED: /);
    const md = renderFrontier(f);
    assert.ok(md.includes(`verdict: ${f.verdict}`) && md.includes("Cost: cost of (n_p, n_fr)"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("frontierChart() draws one line per n_fr, sampling emphasised, and names bad rows", () => {
  const spec = frontierChart([
    { np: 1, nfr: 0, meanTokens: 100, passRate: 0.3, low: 0.2, high: 0.4 },
    { np: 2, nfr: 0, meanTokens: 200, passRate: 0.45, low: null, high: null },
    { np: 1, nfr: 1, meanTokens: 250, passRate: 0.5, low: 0.4, high: 0.6 },
  ]);
  const layers = spec.layer as { mark: { type: string } }[];
  assert.deepEqual(layers.map((l) => l.mark.type), ["area", "line", "point"]);
  const values = (spec.data as { values: { series: string; emphasis: number }[] }).values;
  assert.deepEqual([...new Set(values.map((v) => v.series))], [
    "sampling (n_fr = 0)",
    "repair n_fr = 1",
  ]);
  assert.equal(values.filter((v) => v.emphasis === 1).length, 2);
  assert.throws(
    () => frontierChart([{ np: 1, nfr: 0, meanTokens: 1, passRate: 2, low: null, high: null }]),
    /rows\[0\]\.passRate/,
  );
  assert.throws(
    () =>
      frontierChart([
        { np: 1, nfr: 0, meanTokens: 1, passRate: 0.1, low: null, high: null },
        { np: 1, nfr: 0, meanTokens: 1, passRate: 0.1, low: null, high: null },
      ]),
    /repeats n_p = 1, n_fr = 0/,
  );
});
