/**
 * Typed access to `fixtures.json`, the SciPy reference values written by
 * `scripts/make_stats_fixtures.py` (see that script for how each value was computed), and the
 * tolerance rule the tests use to compare bootstrap endpoints with them.
 *
 * @module
 */
import raw from "./fixtures.json" with { type: "json" };

/** SciPy's endpoints over `reps` repetitions with different seeds. */
export interface EndpointReference {
  lowMean: number;
  lowSd: number;
  highMean: number;
  highSd: number;
  lowMin: number;
  lowMax: number;
  highMin: number;
  highMax: number;
}

/** A stored paired dataset with its reference values. */
export interface DatasetFixture {
  name: string;
  kind: "integer" | "continuous" | "binary";
  n: number;
  a: number[];
  b: number[];
  mean: number;
  sdDelta: number;
  wins: number;
  ties: number;
  losses: number;
  sign: { p: number; midP: number };
  permutation: { exact: boolean; p: number; resamples?: number };
  /** null where SciPy's interval is undefined (BCa on all-tied data). */
  bootstrap: { bca: EndpointReference | null; percentile: EndpointReference | null };
  mcnemar?: { improved: number; regressed: number; p: number; midP: number };
}

/** A stored cluster dataset (items × seeds). */
export interface ClusterFixture {
  name: string;
  weighting: "item" | "observation";
  rows: { item: string; seed: number; a: number; b: number }[];
  items: number;
  mean: number;
  bootstrap: { bca: EndpointReference; percentile: EndpointReference };
}

/** The whole fixture file. */
export interface StatsFixtures {
  scipy: string;
  reps: number;
  resamples: number;
  confidence: number;
  datasets: DatasetFixture[];
  clusters: ClusterFixture[];
  binomial: { wins: number; losses: number; p: number; midP: number }[];
  ndtr: { x: number; p: number }[];
  ndtri: { p: number; x: number }[];
}

/** The reference values. */
export const fixtures: StatsFixtures = raw as unknown as StatsFixtures;

/**
 * Whether our bootstrap endpoint agrees with SciPy's. A bootstrap endpoint is a Monte Carlo estimate:
 * SciPy's own endpoint, rerun with `reps` different seeds, has standard deviation `sd`. Our single
 * run and SciPy's mean over `reps` runs then differ by a random amount with standard deviation
 * sd·√(1 + 1/reps), so we accept differences up to 5 of those (a correct implementation fails this
 * with probability below 1e-6 if the error is roughly normal). Discrete data make endpoints jump
 * between a few atoms (e.g. multiples of 1/12), where the SD understates the spread, so a value
 * SciPy itself produced in one of its runs (within [min, max]) is accepted too. A floor of 1e-9
 * covers rounding.
 *
 * @returns The tolerance used and whether the value passed.
 */
export function endpointAgrees(
  ours: number,
  mean: number,
  sd: number,
  min: number,
  max: number,
): { ok: boolean; tolerance: number } {
  const tolerance = Math.max(1e-9, 5 * sd * Math.sqrt(1 + 1 / fixtures.reps));
  const ok = Math.abs(ours - mean) <= tolerance || (ours >= min - 1e-12 && ours <= max + 1e-12);
  return { ok, tolerance };
}
