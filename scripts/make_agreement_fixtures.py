#!/usr/bin/env python3
"""Reference values for the inter-rater agreement tests, computed independently of lib/stats.

Writes tests/testdata/stats/agreement_fixtures.json. CI does not need NumPy/SciPy: the JSON is
committed and tests/stats_agreement_test.ts only reads it. Re-run (python3 with numpy and scipy)
after changing the cases:

    python3 scripts/make_agreement_fixtures.py      # needs `deno` on PATH to format the output

How the values are computed (deliberately not the way lib/stats/agreement.ts does it)
-------------------------------------------------------------------------------------
* Krippendorff's alpha, from its pairwise-disagreement definition (Krippendorff 2011, eq. for
  D_o and D_e written over pairs of values rather than through the coincidence matrix):

      D_o = 1/n * sum_u 1/(m_u - 1) * sum_{i != j in unit u} delta2(v_i, v_j)
      D_e = 1/(n (n - 1)) * sum_{i != j over all n pairable values} delta2(v_i, v_j)
      alpha = 1 - D_o / D_e

  where only units with m_u >= 2 values are pairable and n is the number of pairable values.
  The sums run over explicit index pairs with NumPy broadcasting (O(n^2)); the TypeScript code
  uses closed forms / the coincidence matrix instead.
  * nominal: delta2 = [v_i != v_j]
  * interval: delta2 = (v_i - v_j)^2
  * ordinal: Krippendorff's metric taken literally, delta2(c, k) = (sum_{g=c..k} n_g -
    (n_c + n_k)/2)^2, where n_g counts the pooled pairable values equal to the g-th smallest
    distinct value (the TypeScript code uses the equivalent mid-rank form instead).
* Cohen's kappa from the confusion matrix: p_o = trace(M)/N, p_e = sum_c row_c * col_c / N^2,
  kappa = (p_o - p_e) / (1 - p_e), after dropping pairs where either rating is missing.
* The published worked example of Krippendorff (2011), "Computing Krippendorff's Alpha-
  Reliability", section C (4 observers x 12 units, missing values): the paper reports nominal
  0.743, ordinal 0.815, interval 0.849. This script asserts it reproduces them to 3 decimals.
* A few random units x coders matrices with missing values (small-integer ratings, continuous
  scores, judge-like scores in [0, 1]) at all three levels, and random label pairs for kappa and
  raw agreement.
"""

import json
import subprocess
from pathlib import Path

import numpy as np
import scipy

OUT = (Path(__file__).resolve().parent.parent / "tests" / "testdata" / "stats" /
       "agreement_fixtures.json")

# Krippendorff (2011), section C. Rows are observers A-D, columns units 1-12; None = missing.
WORKED_EXAMPLE_OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
PUBLISHED = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849}


def alpha_pairwise(units_by_coders, level):
    """Krippendorff's alpha from pairwise disagreements. Returns None when undefined."""
    units = [[v for v in row if v is not None] for row in units_by_coders]
    units = [u for u in units if len(u) >= 2]
    if not units:
        return None
    pooled = np.array([v for u in units for v in u], dtype=float)
    n = len(pooled)
    distinct, counts = np.unique(pooled, return_counts=True)
    if level == "ordinal":
        v = len(distinct)
        ordinal = np.zeros((v, v))
        for c in range(v):
            for k in range(v):
                lo, hi = min(c, k), max(c, k)
                ordinal[c, k] = (counts[lo:hi + 1].sum() - (counts[c] + counts[k]) / 2) ** 2

    def delta2(x, y):
        if level == "nominal":
            return (x[:, None] != y[None, :]).astype(float)
        if level == "interval":
            return (x[:, None] - y[None, :]) ** 2
        ix, iy = np.searchsorted(distinct, x), np.searchsorted(distinct, y)
        return ordinal[ix[:, None], iy[None, :]]

    observed = 0.0
    for u in units:
        x = np.array(u, dtype=float)
        d = delta2(x, x)
        np.fill_diagonal(d, 0.0)  # pairs of distinct coders only (delta2(v, v) is 0 anyway)
        observed += d.sum() / (len(u) - 1)
    d_all = delta2(pooled, pooled)
    np.fill_diagonal(d_all, 0.0)
    expected_sum = d_all.sum()
    if expected_sum == 0:
        return None
    d_o = observed / n
    d_e = expected_sum / (n * (n - 1))
    return float(1 - d_o / d_e)


def kappa_confusion(a, b):
    pairs = [(x, y) for x, y in zip(a, b) if x is not None and y is not None]
    if not pairs:
        return None, None
    labels = sorted({x for p in pairs for x in p})
    index = {c: i for i, c in enumerate(labels)}
    m = np.zeros((len(labels), len(labels)))
    for x, y in pairs:
        m[index[x], index[y]] += 1
    total = m.sum()
    p_o = np.trace(m) / total
    p_e = float((m.sum(axis=1) * m.sum(axis=0)).sum() / total ** 2)
    kappa = None if p_e == 1 else float((p_o - p_e) / (1 - p_e))
    return kappa, float(p_o)


def alpha_case(name, data):
    entry = {"name": name, "data": data}
    for level in ("nominal", "ordinal", "interval"):
        entry[level] = alpha_pairwise(data, level)
    return entry


def with_missing(rng, matrix, rate):
    out = []
    for row in matrix:
        out.append([None if rng.random() < rate else v for v in row])
    return out


def make_alpha_cases(rng):
    cases = []
    # Small-integer ratings (1..5), 30 units x 3 coders, ~15% missing, coders agree loosely.
    truth = rng.integers(1, 6, 30)
    ratings = np.clip(truth[:, None] + rng.integers(-1, 2, (30, 3)), 1, 5)
    cases.append(alpha_case("likert_30x3_missing",
                            with_missing(rng, ratings.astype(int).tolist(), 0.15)))
    # Judge-like scores in [0, 1] on a 0.1 grid, 25 units x 4 coders, ~25% missing.
    truth = rng.random(25)
    scores = np.clip(np.round(truth[:, None] + rng.normal(0, 0.15, (25, 4)), 1), 0, 1)
    cases.append(alpha_case("judge_scores_25x4_missing",
                            with_missing(rng, [[float(v) for v in row] for row in scores], 0.25)))
    # Continuous scores (4 decimals), 15 units x 2 coders, ~10% missing.
    truth = rng.normal(0.5, 0.2, 15)
    cont = np.round(truth[:, None] + rng.normal(0, 0.1, (15, 2)), 4)
    cases.append(alpha_case("continuous_15x2_missing",
                            with_missing(rng, [[float(v) for v in row] for row in cont], 0.1)))
    # Binary pass/fail, 40 units x 3 coders, ~20% missing.
    truth = rng.random(40) < 0.5
    flips = rng.random((40, 3)) < 0.15
    binary = np.where(flips, ~truth[:, None], truth[:, None]).astype(int)
    cases.append(alpha_case("binary_40x3_missing", with_missing(rng, binary.tolist(), 0.2)))
    # Pairwise outcome scores {0, 0.5, 1}, 20 units x 3 coders, no missing.
    truth = rng.integers(0, 3, 20)
    noisy = np.clip(truth[:, None] + rng.integers(-1, 2, (20, 3)) * (rng.random((20, 3)) < 0.3),
                    0, 2)
    cases.append(alpha_case("win_tie_loss_20x3", (noisy / 2).tolist()))
    return cases


def make_kappa_cases(rng):
    cases = []
    labels = ["A", "B", "tie"]
    for name, n, agree, missing in (("verdicts_40", 40, 0.7, 0.0),
                                     ("verdicts_60_missing", 60, 0.6, 0.1),
                                     ("verdicts_15_skewed", 15, 0.8, 0.0)):
        p = [0.7, 0.2, 0.1] if "skewed" in name else [0.4, 0.4, 0.2]
        a = rng.choice(labels, n, p=p).tolist()
        b = [x if rng.random() < agree else str(rng.choice(labels, p=p)) for x in a]
        a = [None if rng.random() < missing else x for x in a]
        b = [None if rng.random() < missing else x for x in b]
        kappa, raw = kappa_confusion(a, b)
        cases.append({"name": name, "a": a, "b": b, "kappa": kappa, "raw": raw})
    # Hand-checkable: 10 pairs, 8 equal; marginals A 5/5, B 5/5 (two swapped).
    a = ["A"] * 5 + ["B"] * 5
    b = ["A"] * 4 + ["B"] + ["A"] + ["B"] * 4
    kappa, raw = kappa_confusion(a, b)
    cases.append({"name": "hand_10", "a": a, "b": b, "kappa": kappa, "raw": raw})
    return cases


def main():
    worked = alpha_case("krippendorff_2011_section_c",
                        [list(unit) for unit in zip(*WORKED_EXAMPLE_OBSERVERS)])
    for level, published in PUBLISHED.items():
        got = worked[level]
        assert round(got, 3) == published, f"{level}: {got} does not round to {published}"
        print(f"worked example {level}: {got:.6f} (published {published})")
    worked["published"] = PUBLISHED
    rng = np.random.default_rng(20240917)
    fixtures = {
        "generator": "scripts/make_agreement_fixtures.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "workedExample": worked,
        "alpha": make_alpha_cases(rng),
        "kappa": make_kappa_cases(rng),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixtures, indent=2, allow_nan=False) + "\n")
    # Keep the file in the repository's formatting so `deno fmt --check` stays clean.
    subprocess.run(["deno", "fmt", "--quiet", str(OUT)], check=True)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
