import assert from "node:assert/strict";
import {
  compareLexicographic,
  convexSum,
  epsilonConstraint,
  lexicographicScalar,
  scalarize,
  weightedTchebycheff,
} from "../lib/research/scalarize.ts";

const both = [
  { name: "lat", direction: "minimize" as const, weight: 1, scale: 100 },
  { name: "acc", direction: "maximize" as const, weight: 1, scale: 1 },
];

Deno.test("the convex sum orients maximised objectives, scales, and normalises weights", () => {
  const v = convexSum({ lat: 200, acc: 0.5 }, { objectives: both });
  assert.equal(v, (2 - 0.5) / 2);
  const doubled = convexSum({ lat: 200, acc: 0.5 }, {
    objectives: both.map((o) => ({ ...o, weight: 2 })),
  });
  assert.equal(doubled, v, "only relative weights matter");
  assert.throws(() => convexSum({ lat: 1 }, { objectives: both }), /"acc" has no finite value/);
});

Deno.test("Tchebycheff reaches a point a convex sum cannot prefer (non-convex front)", () => {
  const objectives = [
    { name: "a", direction: "minimize" as const, ideal: 0 },
    { name: "b", direction: "minimize" as const, ideal: 0 },
  ];
  // Three Pareto points: two extremes and a balanced point above the line joining them.
  const extremes = [{ a: 0, b: 1 }, { a: 1, b: 0 }], middle = { a: 0.55, b: 0.55 };
  const sum = (p: Record<string, number>) => convexSum(p, { objectives });
  const tch = (p: Record<string, number>) => weightedTchebycheff(p, { objectives });
  assert.ok(extremes.every((e) => sum(e) < sum(middle)), "convex sum never picks the middle");
  assert.ok(extremes.every((e) => tch(middle) < tch(e)), "Tchebycheff does");
  assert.ok(
    weightedTchebycheff({ a: 0.5, b: 0.5 }, { objectives, rho: 0.1 }) >
      weightedTchebycheff({ a: 0.5, b: 0.4 }, { objectives, rho: 0.1 }),
    "the augmentation breaks ties toward dominance",
  );
});

Deno.test("lexicographic priorities hold in the scalar and the exact comparison honours tolerances", () => {
  const objectives = [
    { name: "err", direction: "minimize" as const, tolerance: 0.01 },
    { name: "ms", direction: "minimize" as const, scale: 1000 },
  ];
  assert.ok(
    lexicographicScalar({ err: 0.1, ms: 900 }, { objectives }) <
      lexicographicScalar({ err: 0.2, ms: 1 }, { objectives }),
  );
  assert.equal(
    compareLexicographic({ err: 0.1, ms: 900 }, { err: 0.105, ms: 100 }, { objectives }),
    1,
  );
  assert.equal(
    compareLexicographic({ err: 0.1, ms: 900 }, { err: 0.2, ms: 100 }, { objectives }),
    -1,
  );
  assert.equal(compareLexicographic({ err: 0.1, ms: 5 }, { err: 0.1, ms: 5 }, { objectives }), 0);
});

Deno.test("the epsilon constraint optimises the primary and penalises bound violations", () => {
  const options = {
    primary: "ms",
    objectives: [
      { name: "ms", direction: "minimize" as const },
      { name: "acc", direction: "maximize" as const, bound: 0.9 },
    ],
    penalty: 1000,
  };
  assert.equal(epsilonConstraint({ ms: 20, acc: 0.95 }, options), 20);
  assert.ok(Math.abs(epsilonConstraint({ ms: 10, acc: 0.8 }, options) - (10 + 100)) < 1e-9);
  assert.throws(
    () => epsilonConstraint({ ms: 1 }, { ...options, primary: "nope" }),
    /primary "nope"/,
  );
  assert.throws(
    () =>
      epsilonConstraint({ ms: 1, acc: 1 }, {
        ...options,
        objectives: [options.objectives[0], { name: "acc", direction: "maximize" as const }],
      }),
    /needs a bound/,
  );
});

Deno.test("scalarize dispatches on kind and validates the spec", () => {
  const values = { lat: 100, acc: 0.9 };
  assert.equal(
    scalarize(values, { kind: "convex", objectives: both }),
    convexSum(values, { objectives: both }),
  );
  assert.equal(
    scalarize(values, { kind: "tchebycheff", objectives: both }),
    weightedTchebycheff(values, { objectives: both }),
  );
  assert.throws(() => scalarize(values, { kind: "convex", objectives: [] }));
});
