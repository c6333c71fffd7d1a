import assert from "node:assert/strict";
import {
  bootstrapCi,
  clusterBootstrapCi,
  ClusterBootstrapCiSchema,
  type PairedObservation,
} from "../lib/stats/mod.ts";
import { endpointAgrees, fixtures } from "./testdata/stats/fixtures.ts";

for (const c of fixtures.clusters) {
  for (const method of ["bca", "percentile"] as const) {
    Deno.test(`cluster ${method} interval of ${c.name} agrees with SciPy's paired bootstrap over items`, () => {
      const ci = clusterBootstrapCi(c.rows, { method, weighting: c.weighting });
      assert.equal(ci.n, c.items);
      assert.equal(ci.observations, c.rows.length);
      assert.equal(ci.weighting, c.weighting);
      assert.ok(Math.abs(ci.mean! - c.mean) < 1e-12, `mean ${ci.mean} vs ${c.mean}`);
      const r = c.bootstrap[method];
      const low = endpointAgrees(ci.low!, r.lowMean, r.lowSd, r.lowMin, r.lowMax);
      const high = endpointAgrees(ci.high!, r.highMean, r.highSd, r.highMin, r.highMax);
      assert.ok(low.ok, `low ${ci.low} vs scipy ${r.lowMean} ± ${low.tolerance}`);
      assert.ok(high.ok, `high ${ci.high} vs scipy ${r.highMean} ± ${high.tolerance}`);
      assert.ok(ClusterBootstrapCiSchema.safeParse(ci).success);
    });
  }
}

Deno.test("item and observation weighting agree when every item has the same number of seeds", () => {
  const rows = fixtures.clusters.find((c) => c.name === "binary_30x3")!.rows;
  const byItem = clusterBootstrapCi(rows, { resamples: 999 });
  const byObs = clusterBootstrapCi(rows, { resamples: 999, weighting: "observation" });
  assert.ok(Math.abs(byItem.mean! - byObs.mean!) < 1e-12);
  assert.ok(Math.abs(byItem.low! - byObs.low!) < 1e-12);
  assert.ok(Math.abs(byItem.high! - byObs.high!) < 1e-12);
});

Deno.test("treating correlated seeds as independent pairs gives a narrower interval than resampling items", () => {
  // Each item's seeds share the item's effect, so seeds are not independent evidence.
  const rows: PairedObservation[] = [];
  for (let i = 0; i < 20; i++) {
    const itemEffect = ((i * 37) % 11) / 10 - 0.4;
    for (let s = 0; s < 5; s++) {
      rows.push({ item: `i${i}`, a: 0.5, b: 0.5 + itemEffect + ((s * 13 + i) % 5 - 2) / 100 });
    }
  }
  const cluster = clusterBootstrapCi(rows);
  const naive = bootstrapCi(rows.map((r) => r.a), rows.map((r) => r.b));
  assert.equal(cluster.n, 20);
  assert.equal(naive.n, 100);
  assert.ok(Math.abs(cluster.mean! - naive.mean!) < 1e-12, "same point estimate");
  const clusterWidth = cluster.high! - cluster.low!;
  const naiveWidth = naive.high! - naive.low!;
  assert.ok(clusterWidth > 1.8 * naiveWidth, `cluster ${clusterWidth} vs naive ${naiveWidth}`);
});

Deno.test("the order of rows does not change the estimate or the number of items", () => {
  const rows = fixtures.clusters.find((c) => c.name === "unequal_25_item")!.rows;
  const shuffled = [...rows].reverse();
  const a = clusterBootstrapCi(rows, { resamples: 500 });
  const b = clusterBootstrapCi(shuffled, { resamples: 500 });
  assert.ok(Math.abs(a.mean! - b.mean!) < 1e-12);
  assert.equal(a.n, b.n);
});

Deno.test("a single item or no rows give null bounds with a note", () => {
  const one = clusterBootstrapCi([{ item: "x", a: 0, b: 1 }, { item: "x", a: 0, b: 0 }]);
  assert.equal(one.n, 1);
  assert.equal(one.observations, 2);
  assert.equal(one.mean, 0.5);
  assert.equal(one.low, null);
  assert.match(one.note ?? "", /single/);
  const none = clusterBootstrapCi([]);
  assert.equal(none.n, 0);
  assert.equal(none.mean, null);
});

Deno.test("malformed rows and options throw naming the row and field", () => {
  assert.throws(
    () => clusterBootstrapCi([{ item: "x", a: 0, b: 1 }, { item: "y", a: NaN, b: 1 }]),
    /rows\[1\]\.a/,
  );
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => clusterBootstrapCi([{ item: "", a: 0, b: 1 } as any]),
    /rows\[0\]\.item/,
  );
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => clusterBootstrapCi([], { weighting: "seed" as any }),
    /weighting must be "item" or "observation", got "seed"/,
  );
});
