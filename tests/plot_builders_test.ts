import assert from "node:assert/strict";
import {
  compileSpec,
  convergenceChart,
  type ConvergenceRow,
  forestPlot,
  type ForestRow,
  powerCurve,
  type PowerRow,
  slopeChart,
  type SlopeRow,
  toSVG,
  trajectoryChart,
  type TrajectoryRow,
} from "../lib/plot/mod.ts";
import { createRng } from "../lib/util/prng.ts";

/** Elements of a rendered mark type, by Vega's aria role description ("point", "line mark", …). */
function marks(svg: string, role: string): string[] {
  return svg.match(new RegExp(`<[a-z]+ [^>]*aria-roledescription="${role}"[^>]*>`, "g")) ?? [];
}

/** Texts inside the groups of one Vega role class (e.g. "role-axis-title"). */
function texts(svg: string, roleClass: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<g class="mark-text ${roleClass}"[^>]*>(.*?)</g>`, "g");
  for (const m of svg.matchAll(re)) {
    for (const t of m[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)) out.push(t[1]);
  }
  return out;
}

/** The chart's own title: Vega renders it last, after marks and facet headers. */
function chartTitle(svg: string): string {
  return titleLabels(svg).at(-1) ?? "";
}

/** Every title text Vega rendered (chart title, facet column title and headers), by aria label. */
function titleLabels(svg: string): string[] {
  return [...svg.matchAll(/aria-label="Title text '([^']*)'"/g)].map((m) => m[1]);
}

/** All rendered data-mark texts (text marks, not axes). */
function markTexts(svg: string): string[] {
  return [...svg.matchAll(/<text [^>]*aria-roledescription="text mark"[^>]*>([^<]*)<\/text>/g)].map(
    (m) => m[1],
  );
}

async function render(
  spec: Parameters<typeof toSVG>[0],
): Promise<{ svg: string; warnings: string[] }> {
  const warnings: string[] = [];
  const svg = await toSVG(spec, { onWarning: (w) => warnings.push(w) });
  return { svg, warnings };
}

const forestRows: ForestRow[] = [
  { arm: "self", delta: 0.05, lo: -0.01, hi: 0.11, wins: 6, ties: 10, losses: 4 },
  { arm: "tests", critic: "tests", delta: 0.2, lo: 0.1, hi: 0.3, method: "bootstrap" },
  { arm: "hybrid", delta: -0.1, lo: -0.2, hi: 0.02, wins: 1, ties: 2, losses: 3 },
];

Deno.test("forestPlot draws one whisker and one point per arm, plus a single zero rule", async () => {
  const { svg, warnings } = await render(forestPlot(forestRows));
  assert.deepEqual(warnings, []);
  assert.equal(marks(svg, "point").length, forestRows.length);
  assert.equal(marks(svg, "rule mark").length, forestRows.length + 1);
  const zero = marks(svg, "rule mark").filter((m) => m.includes("stroke-dasharray"));
  assert.equal(zero.length, 1);
});

Deno.test("forestPlot labels only the arms that have win/tie/loss counts", async () => {
  const { svg } = await render(forestPlot(forestRows));
  const expected = forestRows
    .filter((r) => r.wins !== undefined)
    .map((r) => `W/T/L ${r.wins}/${r.ties}/${r.losses}`);
  assert.deepEqual(markTexts(svg).sort(), expected.sort());
});

Deno.test("forestPlot keeps the input order of arms and titles both axes", async () => {
  const { svg } = await render(forestPlot(forestRows, { xTitle: "Δ hidden-test pass rate" }));
  assert.deepEqual(texts(svg, "role-axis-title").sort(), ["Δ hidden-test pass rate", "arm"].sort());
  const labels = texts(svg, "role-axis-label").filter((t) => /[a-z]/.test(t));
  assert.deepEqual(labels, ["self", "tests · tests", "hybrid"]);
});

Deno.test("forestPlot rejects an interval whose lower bound exceeds its upper bound", () => {
  assert.throws(
    () => forestPlot([{ arm: "a", delta: 0, lo: 0.2, hi: 0.1 }]),
    (e: Error) => e instanceof TypeError && e.message.includes("rows[0].lo"),
  );
});

Deno.test("forestPlot rejects two rows that would share a label", () => {
  assert.throws(
    () => forestPlot([{ arm: "a", delta: 0, lo: 0, hi: 0 }, { arm: "a", delta: 1, lo: 0, hi: 2 }]),
    /rows\[1\] repeats the label "a"/,
  );
});

const slopeRows: SlopeRow[] = [
  { id: "a", arm: "self", before: 0.2, after: 0.8 },
  { id: "b", arm: "self", before: 0.5, after: 0.5 },
  { id: "c", arm: "self", before: 0.9, after: 0.4 },
  { id: "a", arm: "tests", before: 0.2, after: 0.9 },
  { id: "b", arm: "tests", before: 0.5, after: 0.45 },
];

Deno.test("slopeChart draws one line and two points per item", async () => {
  const { svg, warnings } = await render(slopeChart(slopeRows));
  assert.deepEqual(warnings, []);
  assert.equal(marks(svg, "line mark").length, slopeRows.length);
  assert.equal(marks(svg, "point").length, 2 * slopeRows.length);
});

Deno.test("slopeChart colours each item's line by win, tie or loss", async () => {
  const { svg } = await render(slopeChart(slopeRows));
  const lines = marks(svg, "line mark");
  const count = (color: string) => lines.filter((l) => l.includes(`stroke="${color}"`)).length;
  assert.equal(count("#2ca02c"), slopeRows.filter((r) => r.after > r.before).length);
  assert.equal(count("#9e9e9e"), slopeRows.filter((r) => r.after === r.before).length);
  assert.equal(count("#d62728"), slopeRows.filter((r) => r.after < r.before).length);
});

Deno.test("slopeChart counts changes within the tie tolerance as ties", async () => {
  const { svg } = await render(slopeChart(slopeRows, { tieTolerance: 0.1 }));
  const ties = marks(svg, "line mark").filter((l) => l.includes('stroke="#9e9e9e"')).length;
  assert.equal(ties, slopeRows.filter((r) => Math.abs(r.after - r.before) <= 0.1).length);
});

Deno.test("slopeChart makes one panel per arm", async () => {
  const { svg } = await render(slopeChart(slopeRows));
  const arms = [...new Set(slopeRows.map((r) => r.arm))];
  const title = chartTitle(svg);
  assert.deepEqual(titleLabels(svg).sort(), ["arm", ...arms, title].sort());
});

const trajectoryRows: TrajectoryRow[] = [
  { arm: "self", round: 0, score: 0.5 },
  { arm: "self", round: 1, score: 0.55 },
  { arm: "self", round: 2, score: 0.56 },
  { arm: "tests", round: 0, score: 0.5, lo: 0.4, hi: 0.6 },
  { arm: "tests", round: 1, score: 0.7, lo: 0.6, hi: 0.8 },
  { arm: "tests", round: 2, score: 0.75, lo: 0.66, hi: 0.83 },
];

Deno.test("trajectoryChart draws one line per arm, one point per round, and bands only where given", async () => {
  const { svg, warnings } = await render(trajectoryChart(trajectoryRows));
  assert.deepEqual(warnings, []);
  const arms = new Set(trajectoryRows.map((r) => r.arm));
  const banded = new Set(trajectoryRows.filter((r) => r.lo !== undefined).map((r) => r.arm));
  assert.equal(marks(svg, "line mark").length, arms.size);
  assert.equal(marks(svg, "point").length, trajectoryRows.length);
  assert.equal(marks(svg, "area mark").length, banded.size);
  assert.deepEqual(texts(svg, "role-axis-title").sort(), ["mean score", "round"]);
});

Deno.test("trajectoryChart without any bounds has no band layer", async () => {
  const rows = trajectoryRows.map(({ arm, round, score }) => ({ arm, round, score }));
  const spec = trajectoryChart(rows);
  assert.ok("layer" in spec && (spec.layer as unknown[]).length === 1);
  const { svg } = await render(spec);
  assert.equal(marks(svg, "area mark").length, 0);
});

Deno.test("trajectoryChart rejects a row with only one bound and a repeated round", () => {
  assert.throws(() => trajectoryChart([{ arm: "a", round: 0, score: 1, lo: 0 }]), /rows\[0\]\.lo/);
  assert.throws(
    () => trajectoryChart([{ arm: "a", round: 0, score: 1 }, { arm: "a", round: 0, score: 2 }]),
    /rows\[1\] repeats arm "a" round 0/,
  );
});

function powerRows(): PowerRow[] {
  const rows: PowerRow[] = [];
  for (const nItems of [10, 20, 40, 80]) {
    for (const effect of [0.05, 0.1, 0.2]) {
      for (const seeds of [1, 3]) {
        rows.push({
          nItems,
          seeds,
          effect,
          power: 1 - Math.exp((-nItems * effect * effect * seeds) / 3),
        });
      }
    }
  }
  return rows;
}

Deno.test("powerCurve draws one line per (effect, seeds) series, a point per row, and the target rule", async () => {
  const rows = powerRows();
  const { svg, warnings } = await render(powerCurve(rows, { target: 0.9 }));
  assert.deepEqual(warnings, []);
  const series = new Set(rows.map((r) => `${r.effect}/${r.seeds}`));
  assert.equal(marks(svg, "line mark").length, series.size);
  assert.equal(marks(svg, "point").length, rows.length);
  const rules = marks(svg, "rule mark");
  assert.equal(rules.length, 1);
  assert.match(rules[0], /aria-label="power: 0\.9"/);
});

Deno.test("powerCurve colours by effect by default and by seeds when asked, dashing the other", async () => {
  const rows = powerRows();
  const byEffect = await render(powerCurve(rows));
  assert.deepEqual(texts(byEffect.svg, "role-legend-title"), ["effect", "seeds"]);
  const bySeeds = await render(powerCurve(rows, { lineBy: "seeds" }));
  assert.deepEqual(texts(bySeeds.svg, "role-legend-title"), ["seeds", "effect"]);
  const oneSeed = await render(powerCurve(rows.filter((r) => r.seeds === 1)));
  assert.deepEqual(texts(oneSeed.svg, "role-legend-title"), ["effect"]);
});

Deno.test("powerCurve rejects power outside [0, 1] and a target outside [0, 1]", () => {
  assert.throws(
    () => powerCurve([{ nItems: 10, seeds: 1, effect: 0.1, power: 1.5 }]),
    /rows\[0\]\.power/,
  );
  assert.throws(() => powerCurve(powerRows(), { target: 2 }), /target must be in \[0, 1\], got 2/);
});

const convergenceRows: ConvergenceRow[] = [
  { iteration: 0, metric: 0.5, status: "keep", bestSoFar: 0.5 },
  { iteration: 1, metric: 0.45, status: "discard", bestSoFar: 0.5 },
  { iteration: 2, metric: null, status: "crash", bestSoFar: 0.5 },
  { iteration: 3, metric: 0.62, status: "keep", bestSoFar: 0.62 },
  { iteration: 4, metric: 0.62, status: "noop", bestSoFar: 0.62 },
  { iteration: 5, metric: 0.7, status: "rejected", bestSoFar: 0.62 },
  { iteration: 6, metric: 0.66, status: "keep", bestSoFar: 0.66 },
];

Deno.test("convergenceChart marks every iteration with a metric and rules the ones without", async () => {
  const { svg, warnings } = await render(convergenceChart(convergenceRows));
  assert.deepEqual(warnings, []);
  const points = marks(svg, "point");
  assert.equal(points.length, convergenceRows.filter((r) => r.metric !== null).length);
  assert.equal(
    marks(svg, "rule mark").length,
    convergenceRows.filter((r) => r.metric === null).length,
  );
  const keep = points.filter((p) => p.includes('fill="#2ca02c"')).length;
  assert.equal(keep, convergenceRows.filter((r) => r.status === "keep").length);
});

Deno.test("convergenceChart draws best-so-far as a single step line", async () => {
  const { svg } = await render(convergenceChart(convergenceRows));
  const lines = marks(svg, "line mark");
  assert.equal(lines.length, 1);
  const d = lines[0].match(/ d="([^"]+)"/)?.[1] ?? "";
  // a step-after line only moves horizontally or vertically
  const coords = [...d.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.ok(coords.length > 2, d);
  for (let i = 1; i < coords.length; i++) {
    const [x0, y0] = coords[i - 1], [x1, y1] = coords[i];
    assert.ok(Math.abs(x0 - x1) < 1e-6 || Math.abs(y0 - y1) < 1e-6, `diagonal segment in ${d}`);
  }
});

Deno.test("every builder puts SIMULATED in the title and subtitle when asked, and not otherwise", async () => {
  const specs = (simulated: boolean) => [
    forestPlot(forestRows, { simulated, title: "T" }),
    slopeChart(slopeRows, { simulated, title: "T" }),
    trajectoryChart(trajectoryRows, { simulated, title: "T" }),
    powerCurve(powerRows(), { simulated, title: "T" }),
    convergenceChart(convergenceRows, { simulated, title: "T" }),
  ];
  for (const spec of specs(true)) {
    const { svg } = await render(spec);
    assert.equal(chartTitle(svg), "SIMULATED: T");
    assert.ok(texts(svg, "role-title-subtitle").some((t) => t.includes("SIMULATED")));
  }
  for (const spec of specs(false)) {
    const { svg } = await render(spec);
    assert.equal(chartTitle(svg), "T");
    assert.ok(!svg.includes("SIMULATED"));
  }
});

Deno.test("every builder's spec compiles without warnings for random valid rows", () => {
  const rng = createRng(7);
  for (let trial = 0; trial < 5; trial++) {
    const n = 1 + rng.int(6);
    const arms = Array.from({ length: n }, (_, i) => `arm${i}`);
    const specs = [
      forestPlot(arms.map((arm) => {
        const delta = rng.next() - 0.5;
        return { arm, delta, lo: delta - rng.next(), hi: delta + rng.next() };
      })),
      slopeChart(
        arms.map((arm, i) => ({ id: `i${i}`, arm, before: rng.next(), after: rng.next() })),
      ),
      trajectoryChart(arms.map((_, round) => ({ arm: "a", round, score: rng.next() }))),
      powerCurve(
        arms.map((_, i) => ({ nItems: 10 * (i + 1), seeds: 1, effect: 0.1, power: rng.next() })),
      ),
      convergenceChart(arms.map((_, iteration) => ({
        iteration,
        metric: rng.next() < 0.2 ? null : rng.next(),
        status: (["keep", "discard", "crash", "noop", "rejected"] as const)[rng.int(5)],
        bestSoFar: rng.next(),
      }))),
    ];
    for (const spec of specs) {
      const warnings: string[] = [];
      const vg = compileSpec(spec, { onWarning: (w) => warnings.push(w) });
      assert.ok(Array.isArray(vg.marks) && vg.marks.length > 0);
      assert.deepEqual(warnings, []);
    }
  }
});

Deno.test("builders reject empty rows and name the bad field of a bad row", () => {
  assert.throws(() => forestPlot([]), /forestPlot: rows is empty/);
  assert.throws(
    () => slopeChart([{ id: "a", arm: "x", before: Number.NaN, after: 1 }]),
    /slopeChart: rows\[0\]\.before/,
  );
  assert.throws(
    () => convergenceChart([{ iteration: 0, metric: 1, status: "maybe" as "keep", bestSoFar: 1 }]),
    /convergenceChart: rows\[0\]\.status/,
  );
  assert.throws(() => forestPlot(forestRows, { width: -1 }), /options\.width/);
});
