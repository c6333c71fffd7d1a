import assert from "node:assert/strict";
import {
  agreementCi,
  AgreementCiSchema,
  type AlphaLevel,
  cohenKappa,
  krippendorffAlpha,
  rawAgreement,
} from "../lib/stats/mod.ts";
import { createRng } from "../lib/util/prng.ts";
import raw from "./testdata/stats/agreement_fixtures.json" with { type: "json" };

/** A units × coders case with α at each level from scripts/make_agreement_fixtures.py. */
interface AlphaFixture {
  name: string;
  data: (number | null)[][];
  nominal: number;
  ordinal: number;
  interval: number;
}

/** Two raters' labels with κ and raw agreement from the confusion matrix. */
interface KappaFixture {
  name: string;
  a: (string | null)[];
  b: (string | null)[];
  kappa: number;
  raw: number;
}

const fixtures = raw as unknown as {
  workedExample: AlphaFixture & { published: Record<AlphaLevel, number> };
  alpha: AlphaFixture[];
  kappa: KappaFixture[];
};
const LEVELS: readonly AlphaLevel[] = ["nominal", "ordinal", "interval"];

Deno.test("krippendorffAlpha() reproduces Krippendorff's (2011) worked example to 3 decimals at every level", () => {
  const { data, published } = fixtures.workedExample;
  assert.deepEqual(published, { nominal: 0.743, ordinal: 0.815, interval: 0.849 });
  for (const level of LEVELS) {
    const alpha = krippendorffAlpha(data, { level });
    assert.equal(alpha.toFixed(3), published[level].toFixed(3), `${level}: ${alpha}`);
    assert.ok(Math.abs(alpha - fixtures.workedExample[level]) < 1e-9, `${level}: ${alpha}`);
  }
});

for (const c of fixtures.alpha) {
  Deno.test(`krippendorffAlpha() on ${c.name} matches the pairwise-disagreement reference at every level`, () => {
    for (const level of LEVELS) {
      const alpha = krippendorffAlpha(c.data, { level });
      assert.ok(Math.abs(alpha - c[level]) < 1e-9, `${level}: ${alpha} vs ${c[level]}`);
    }
  });
}

for (const c of fixtures.kappa) {
  Deno.test(`cohenKappa() and rawAgreement() on ${c.name} match the confusion-matrix reference`, () => {
    assert.ok(Math.abs(cohenKappa(c.a, c.b) - c.kappa) < 1e-9, `kappa ${cohenKappa(c.a, c.b)}`);
    assert.ok(Math.abs(rawAgreement(c.a, c.b) - c.raw) < 1e-9);
  });
}

Deno.test("identical raters give alpha = 1 at every level and kappa = raw agreement = 1", () => {
  const rows = [[1, 1, 1], [3, 3, null], [2, 2, 2], [5, 5, 5], [null, 4, 4]];
  for (const level of LEVELS) assert.equal(krippendorffAlpha(rows, { level }), 1);
  const labels = ["A", "B", "tie", "A", "B"];
  assert.equal(cohenKappa(labels, labels), 1);
  assert.equal(rawAgreement(labels, labels), 1);
});

Deno.test("krippendorffAlpha() defaults to the interval level", () => {
  const { data } = fixtures.workedExample;
  assert.equal(krippendorffAlpha(data), krippendorffAlpha(data, { level: "interval" }));
});

Deno.test("krippendorffAlpha() is NaN when nothing is pairable or the pairable values do not vary", () => {
  assert.ok(Number.isNaN(krippendorffAlpha([])));
  assert.ok(Number.isNaN(krippendorffAlpha([[1, null], [null, 2], [3]])));
  for (const level of LEVELS) {
    assert.ok(Number.isNaN(krippendorffAlpha([[0.1, 0.1], [0.1, 0.1, 0.1], [7]], { level })));
  }
});

Deno.test("krippendorffAlpha() ignores units with a single value", () => {
  const rows = [[1, 2], [3, 3], [4, 5], [2, 2]];
  const base = krippendorffAlpha(rows);
  assert.equal(krippendorffAlpha([...rows, [9, null], [null, -4]]), base);
});

Deno.test("krippendorffAlpha() does not depend on the order of units or of coders within a unit", () => {
  const rng = createRng(11);
  const { data } = fixtures.alpha[1];
  for (let trial = 0; trial < 5; trial++) {
    const shuffled = shuffle(data.map((row) => shuffle(row, rng)), rng);
    for (const level of LEVELS) {
      const a = krippendorffAlpha(data, { level });
      assert.ok(Math.abs(krippendorffAlpha(shuffled, { level }) - a) < 1e-12);
    }
  }
});

Deno.test("interval alpha is unchanged by an affine rescaling; nominal alpha by relabelling", () => {
  const { data } = fixtures.alpha[0];
  const rescaled = data.map((row) => row.map((v) => (v === null ? null : 10 - 2.5 * v)));
  assert.ok(Math.abs(krippendorffAlpha(rescaled) - krippendorffAlpha(data)) < 1e-12);
  const relabel = new Map([[1, 40], [2, -3], [3, 0.5], [4, 17], [5, 2]]);
  const relabelled = data.map((row) => row.map((v) => (v === null ? null : relabel.get(v)!)));
  assert.equal(
    krippendorffAlpha(relabelled, { level: "nominal" }),
    krippendorffAlpha(data, { level: "nominal" }),
  );
});

Deno.test("krippendorffAlpha() rejects an unknown level and non-numeric values, naming the position", () => {
  assert.throws(
    () => krippendorffAlpha([[1, 2]], { level: "ratio" as AlphaLevel }),
    (e: Error) => e instanceof RangeError && /current value is "ratio"/.test(e.message),
  );
  assert.throws(
    () => krippendorffAlpha([[1, 2], [3, NaN]]),
    (e: Error) => e instanceof TypeError && /data\[1\]\[1\]/.test(e.message),
  );
  assert.throws(
    () => krippendorffAlpha([[1, 2], "3 4" as unknown as number[]]),
    (e: Error) => e instanceof TypeError && /data\[1\]/.test(e.message),
  );
});

Deno.test("cohenKappa() and rawAgreement() skip pairs with a missing label", () => {
  const a = ["A", null, "B", "tie", undefined, "A"];
  const b = ["A", "B", "B", "A", "tie", null];
  assert.equal(rawAgreement(a, b), 2 / 3);
  assert.equal(cohenKappa(a, b), cohenKappa(["A", "B", "tie"], ["A", "B", "A"]));
});

Deno.test("cohenKappa() is NaN when both raters use one label throughout, and with no pairs", () => {
  assert.ok(Number.isNaN(cohenKappa(["tie", "tie"], ["tie", "tie"])));
  assert.equal(rawAgreement(["tie", "tie"], ["tie", "tie"]), 1);
  assert.ok(Number.isNaN(cohenKappa([null], ["A"])));
  assert.ok(Number.isNaN(rawAgreement([], [])));
});

Deno.test("cohenKappa() rejects unpaired inputs and non-string labels", () => {
  assert.throws(() => cohenKappa(["A"], ["A", "B"]), RangeError);
  assert.throws(
    () => rawAgreement(["A", 1 as unknown as string], ["A", "B"]),
    (e: Error) => e instanceof TypeError && /a\[1\]/.test(e.message),
  );
});

Deno.test("agreementCi() of alpha contains the estimate and is the same for the same seed", () => {
  const { data } = fixtures.alpha[0];
  const alpha = (s: readonly (number | null)[][]) => krippendorffAlpha(s);
  const r = agreementCi(data, alpha, { seed: 3, resamples: 1999 });
  assert.ok(AgreementCiSchema.safeParse(r).success);
  assert.equal(r.estimate, krippendorffAlpha(data));
  assert.ok(r.ci !== null && r.ci[0] <= r.estimate! && r.estimate! <= r.ci[1], JSON.stringify(r));
  assert.ok(r.ci[1] - r.ci[0] > 0.02, "a real interval, not a point");
  assert.deepEqual(agreementCi(data, alpha, { seed: 3, resamples: 1999 }), r);
  assert.notDeepEqual(agreementCi(data, alpha, { seed: 4, resamples: 1999 }).ci, r.ci);
  assert.equal(r.units, data.length);
  assert.equal(r.resamples, 1999);
  assert.equal(r.confidence, 0.95);
  assert.equal(r.note, undefined);
});

Deno.test("agreementCi() widens with the confidence level", () => {
  const { a, b } = fixtures.kappa[1];
  const pairs = a.map((x, i) => [x, b[i]] as const);
  const kappa = (s: readonly (readonly [string | null, string | null])[]) =>
    cohenKappa(s.map((p) => p[0]), s.map((p) => p[1]));
  const narrow = agreementCi(pairs, kappa, { confidence: 0.5, resamples: 999 });
  const wide = agreementCi(pairs, kappa, { confidence: 0.99, resamples: 999 });
  assert.ok(wide.ci![0] < narrow.ci![0] && narrow.ci![1] < wide.ci![1]);
});

Deno.test("agreementCi() leaves out and counts resamples where the statistic is undefined", () => {
  // Two units, each with perfect agreement: a resample that draws one unit twice has no variation.
  const r = agreementCi([[1, 1], [2, 2]], (s) => krippendorffAlpha(s), { resamples: 400 });
  assert.equal(r.estimate, 1);
  assert.ok(r.undefinedResamples > 100 && r.undefinedResamples < 300, String(r.undefinedResamples));
  assert.deepEqual(r.ci, [1, 1]);
  assert.match(r.note ?? "", /resamples had an undefined statistic/);
  assert.ok(AgreementCiSchema.safeParse(r).success);
});

Deno.test("agreementCi() gives null fields with a note, never NaN, when the statistic is undefined", () => {
  const none = agreementCi([[1, 1], [1, 1]], (s) => krippendorffAlpha(s));
  assert.equal(none.estimate, null);
  assert.equal(none.ci, null);
  assert.equal(none.resamples, 0);
  assert.match(none.note ?? "", /undefined on these 2 units/);
  assert.ok(AgreementCiSchema.safeParse(none).success);
  const empty = agreementCi([], (s) => krippendorffAlpha(s));
  assert.match(empty.note ?? "", /no units/);
  const one = agreementCi([[1, 2]], () => 0.5);
  assert.equal(one.estimate, 0.5);
  assert.equal(one.ci, null);
  for (const r of [none, empty, one]) assert.doesNotMatch(JSON.stringify(r), /NaN/);
});

Deno.test("agreementCi() rejects bad options and a non-function statistic", () => {
  assert.throws(
    () => agreementCi([[1, 2]], (s) => krippendorffAlpha(s), { resamples: 0 }),
    RangeError,
  );
  assert.throws(
    () => agreementCi([[1, 2]], (s) => krippendorffAlpha(s), { confidence: 1 }),
    RangeError,
  );
  assert.throws(
    () => agreementCi([[1, 2]], (s) => krippendorffAlpha(s), { seed: 0.5 }),
    RangeError,
  );
  assert.throws(
    () => agreementCi([[1, 2]], "alpha" as unknown as () => number),
    (e: Error) => e instanceof TypeError && /statistic as a function/.test(e.message),
  );
});

function shuffle<T>(values: readonly T[], rng: { int(n: number): number }): T[] {
  const out = [...values];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
