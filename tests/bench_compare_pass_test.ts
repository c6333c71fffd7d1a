import assert from "node:assert/strict";
import { comparePasses, PassComparisonSchema } from "../lib/bench/pass_comparison.ts";
import type { ItemResult } from "../lib/bench/records.ts";
import { runBench } from "./bench_cli_runner.ts";

const rec = (id: string, seed: number, passed: boolean, extra: Partial<ItemResult> = {}) =>
  ({ id, arm: "baseline", seed, score: passed ? 1 : 0.5, passed, ...extra }) as ItemResult;

/** Exact two-sided binomial(½) p on k of n discordant pairs, by hand. */
function exactP(k: number, n: number): number {
  let tail = 0;
  const choose = (n: number, r: number) => {
    let c = 1;
    for (let i = 1; i <= r; i++) c = (c * (n - i + 1)) / i;
    return c;
  };
  for (let i = 0; i <= Math.min(k, n - k); i++) tail += choose(n, i) / 2 ** n;
  return Math.min(1, 2 * tail);
}

Deno.test("comparePasses: pass rates over paired units, flips both ways, exact McNemar p, paired CI", () => {
  // 10 items × 2 seeds: A passes items 0–3; B passes items 2–9 (so 12 units ✗→✓, 4 units ✓→✗).
  const a: ItemResult[] = [], b: ItemResult[] = [];
  for (let i = 0; i < 10; i++) {
    for (const seed of [0, 1]) {
      a.push(rec(`q${i}`, seed, i < 4));
      b.push(rec(`q${i}`, seed, i >= 2));
    }
  }
  // Left out: an errored unit in B, an unscored one in A, and one with no partner.
  b.push(rec("q10", 0, true));
  a.push(rec("q11", 0, true, { unscored: true } as Partial<ItemResult>));
  b.push(rec("q11", 0, false));
  const c = comparePasses(a, b, { resamples: 1999 });
  assert.equal(PassComparisonSchema.safeParse(c).success, true);
  assert.equal(c.units, 20);
  assert.equal(c.items, 10);
  assert.equal(c.rateA, 8 / 20);
  assert.equal(c.rateB, 16 / 20);
  assert.ok(Math.abs(c.delta! - 0.4) < 1e-12);
  assert.equal(c.mcnemar.improved, 12);
  assert.equal(c.mcnemar.regressed, 4);
  assert.equal(c.mcnemar.bothPass, 4);
  assert.equal(c.mcnemar.bothFail, 0);
  assert.ok(Math.abs(c.mcnemar.p - exactP(4, 16)) < 1e-12, `${c.mcnemar.p} vs ${exactP(4, 16)}`);
  // The CI resamples the 10 items (seed-averaged differences −1, −1, 0, 0, +1 × 6), not the 20 units.
  assert.equal(c.ci.n, 10);
  assert.ok(c.ci.low! >= -1 && c.ci.low! < 0.4 && c.ci.high! > 0.4 && c.ci.high! <= 1);
  // Scores differ from passes (0.5 for a fail): the pass comparison reads `passed`, not `score`.
  const same = comparePasses(a, a, { resamples: 99 });
  assert.equal(same.delta, 0);
  assert.equal(same.mcnemar.p, 1);
});

/** A small simulated bench run with the given repair probability. */
const simRun = (repair: string, out: string) =>
  runBench([
    ...["--provider", "sim", "--arms", "baseline,tests", "--limit", "8", "--sim-repair", repair],
    ...["--resamples", "99", "--ui", "plain", "--out", out],
  ]);

Deno.test("bench compare --metric pass prints pass@1, Δ with CI, McNemar p and flips; --ui works; a bad metric exits 2", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const [name, repair] of [["weak", "0.1"], ["strong", "0.95"]]) {
      const run = await simRun(repair, `${dir}/${name}`);
      assert.equal(run.code, 0, run.stderr);
    }
    const pass = await runBench([
      "compare",
      `${dir}/weak`,
      `${dir}/strong`,
      "--metric",
      "pass",
      "--ui",
      "plain",
      "--resamples",
      "999",
      "--out",
      `${dir}/cmp`,
    ]);
    assert.equal(pass.code, 0, pass.stderr);
    assert.match(pass.stdout, /\| Arm \| Units \| pass@1 weak \| pass@1 strong \| Δ pts/);
    assert.match(pass.stdout, /McNemar p: exact two-sided test/);
    // The simulated behaviour is part of the run's identity: named in the comparison, and a run
    // with other settings refuses to resume into the directory of the first.
    assert.match(pass.stdout, /roles: .*"sim\{repair=0\.1\}".* → .*"sim\{repair=0\.95\}"/);
    const mixed = await simRun("0.95", `${dir}/weak`);
    assert.notEqual(mixed.code, 0);
    assert.match(mixed.stderr, /holds a different run/);
    const json = JSON.parse(await Deno.readTextFile(`${dir}/cmp/compare.json`));
    const tests = json.arms.find((a: { arm: string }) => a.arm === "tests").pass;
    // The printed row is the JSON's numbers.
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    const row = pass.stdout.split("\n").find((l) => l.startsWith("| tests |"))!;
    assert.ok(row.includes(`| ${tests.units} | ${pct(tests.rateA)} | ${pct(tests.rateB)} |`), row);
    assert.ok(row.endsWith(`| ${tests.mcnemar.improved} | ${tests.mcnemar.regressed} |`), row);
    assert.ok(tests.rateB > tests.rateA, "a stronger simulated repair passes more");
    assert.match(await Deno.readTextFile(`${dir}/cmp/compare.md`), /pass@1 weak/);

    const asJson = await runBench(["compare", `${dir}/weak`, `${dir}/strong`, "--ui", "json"]);
    assert.equal(asJson.code, 0, asJson.stderr);
    assert.equal(JSON.parse(asJson.stdout).arms.length, 2);
    const score = await runBench(["compare", `${dir}/weak`, `${dir}/strong`, "--ui", "plain"]);
    assert.match(score.stdout, /\| Arm \| Items \| weak \| strong \| Δ \(B − A\)/);

    const bad = await runBench(["compare", `${dir}/weak`, `${dir}/strong`, "--metric", "accuracy"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--metric must be score or pass: current value is "accuracy"/);
    const badUi = await runBench(["compare", `${dir}/weak`, `${dir}/strong`, "--ui", "fancy"]);
    assert.equal(badUi.code, 2);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
