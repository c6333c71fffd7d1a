#!/usr/bin/env python3
"""Reference values for the lib/stats tests, computed independently with SciPy.

Writes tests/testdata/stats/fixtures.json. CI does not have SciPy: the JSON is committed and the
tests only read it. Re-run (python3 with numpy and scipy >= 1.15) after changing the datasets:

    python3 scripts/make_stats_fixtures.py      # needs `deno` on PATH to format the output

What is stored
--------------
* datasets: paired scores (a, b) of several shapes -- small integers, continuous, skewed, binary
  pass/fail with many ties -- at n = 12, 20 and 50, with values rounded so JSON holds them exactly.
* For each dataset and each method ('BCa', 'percentile'), ``scipy.stats.bootstrap((a, b),
  mean(b - a), paired=True, n_resamples=9999)`` repeated REPS times with seeds 0..REPS-1: the mean
  and the standard deviation of each endpoint over the repetitions. A bootstrap endpoint is a Monte
  Carlo estimate, so two correct implementations with different random streams disagree by about
  SD * sqrt(2); the SD lets the test state its tolerance in units of the endpoint's own Monte Carlo
  error instead of an arbitrary constant.
* Exact values where they exist: the exact paired permutation p-value
  (``scipy.stats.permutation_test``, permutation_type='samples', all 2^n sign assignments) for
  n <= 20, a 199,999-resample Monte Carlo p-value otherwise; ``scipy.stats.binomtest`` p-values for
  the sign test / exact McNemar test and the mid-p from ``scipy.stats.binom``.
* Cluster datasets (items x seeds): the cluster bootstrap over items equals the paired bootstrap
  of per-item means ("item" weighting) or of the ratio sum(delta)/count over items ("observation"
  weighting), both of which scipy can compute with paired=True.
* ``scipy.special.ndtr`` and ``ndtri`` on a grid, for the normal-distribution helpers.
"""

import json
import subprocess
import warnings
from pathlib import Path

import numpy as np
import scipy
from scipy import special, stats

REPS = 200
RESAMPLES = 9999
OUT = Path(__file__).resolve().parent.parent / "tests" / "testdata" / "stats" / "fixtures.json"


def mean_diff(x, y, axis=-1):
    return np.mean(y - x, axis=axis)


def summarize_endpoints(lows, highs):
    lows, highs = np.array(lows), np.array(highs)
    if np.isnan(lows).any() or np.isnan(highs).any():
        return None  # undefined (SciPy's BCa on degenerate data)
    return {
        "lowMean": float(lows.mean()), "lowSd": float(lows.std(ddof=1)),
        "highMean": float(highs.mean()), "highSd": float(highs.std(ddof=1)),
        "lowMin": float(lows.min()), "lowMax": float(lows.max()),
        "highMin": float(highs.min()), "highMax": float(highs.max()),
    }


def bootstrap_reference(a, b, method):
    lows, highs = [], []
    for seed in range(REPS):
        res = stats.bootstrap(
            (a, b), mean_diff, paired=True, vectorized=True, n_resamples=RESAMPLES,
            method=method, confidence_level=0.95, rng=np.random.default_rng(seed),
        )
        lows.append(res.confidence_interval.low)
        highs.append(res.confidence_interval.high)
    return summarize_endpoints(lows, highs)


def permutation_reference(a, b):
    n = len(a)
    exact = n <= 20
    res = stats.permutation_test(
        (a, b), mean_diff, permutation_type="samples", vectorized=True,
        n_resamples=np.inf if exact else 199_999, alternative="two-sided",
        batch=2 ** 16, rng=np.random.default_rng(0),
    )
    out = {"exact": exact, "p": float(res.pvalue)}
    if not exact:
        out["resamples"] = 199_999
    return out


def sign_reference(wins, losses):
    n = wins + losses
    if n == 0:
        return {"p": 1.0, "midP": 1.0}
    k = min(wins, losses)
    p = stats.binomtest(wins, n, 0.5, alternative="two-sided").pvalue
    mid = min(1.0, 2 * (stats.binom.cdf(k, n, 0.5) - 0.5 * stats.binom.pmf(k, n, 0.5)))
    return {"p": float(p), "midP": float(mid)}


def dataset(name, kind, a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    d = b - a
    wins, losses = int((d > 0).sum()), int((d < 0).sum())
    entry = {
        "name": name, "kind": kind, "n": len(a), "a": a.tolist(), "b": b.tolist(),
        "mean": float(d.mean()),
        "sdDelta": float(d.std(ddof=1)),
        "wins": wins, "ties": int((d == 0).sum()), "losses": losses,
        "sign": sign_reference(wins, losses),
        "permutation": permutation_reference(a, b),
        "bootstrap": {
            "bca": bootstrap_reference(a, b, "BCa"),
            "percentile": bootstrap_reference(a, b, "percentile"),
        },
    }
    if kind == "binary":
        entry["mcnemar"] = {
            "improved": int(((a == 0) & (b == 1)).sum()),
            "regressed": int(((a == 1) & (b == 0)).sum()),
            **sign_reference(int(((a == 0) & (b == 1)).sum()), int(((a == 1) & (b == 0)).sum())),
        }
    return entry


def make_datasets(rng):
    out = []
    for n in (12, 50):
        a = rng.integers(1, 6, n)
        b = np.clip(a + rng.integers(-1, 3, n), 1, 5)
        out.append(dataset(f"small_int_n{n}", "integer", a, b))

        a = np.round(rng.normal(0.55, 0.15, n), 4)
        b = np.round(a + rng.normal(0.04, 0.1, n), 4)
        out.append(dataset(f"continuous_n{n}", "continuous", a, b))

        a = np.round(rng.exponential(0.5, n), 4)
        b = np.round(a + rng.lognormal(-1.5, 1.2, n) - 0.2, 4)
        out.append(dataset(f"skewed_n{n}", "continuous", a, b))

        if n == 12:  # written out so the small binary case is sure to have both kinds of discordance
            a = [0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1]
            b = [1, 0, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1]
        else:
            base = rng.random(n) < 0.45
            flip_up = rng.random(n) < 0.35
            flip_down = rng.random(n) < 0.1
            a = base.astype(int)
            b = np.where(base, np.where(flip_down, 0, 1), np.where(flip_up, 1, 0))
        out.append(dataset(f"binary_ties_n{n}", "binary", a, b))
    a = rng.integers(0, 11, 20)
    b = np.clip(a + rng.integers(-3, 5, 20), 0, 10)
    out.append(dataset("small_int_n20", "integer", a, b))
    # The hand-derivable case: 3 wins, 9 ties, 0 losses.
    out.append(dataset("three_wins_nine_ties", "binary", [0] * 12, [1, 1, 1] + [0] * 9))
    # Degenerate: every pair tied. SciPy's BCa is undefined here (NaN, stored as null); the
    # percentile interval is the point 0.
    a = rng.integers(0, 2, 12)
    with warnings.catch_warnings():  # SciPy warns that BCa is undefined here; that is the point
        warnings.simplefilter("ignore")
        out.append(dataset("all_ties_n12", "binary", a, a))
    return out


def cluster_reference(items, weighting):
    """items: list of (a_list, b_list) per item. Returns bootstrap reference over items."""
    sums = np.array([np.sum(np.array(b) - np.array(a)) for a, b in items])
    counts = np.array([len(a) for a, _ in items], dtype=float)
    if weighting == "item":
        data = (sums / counts,)

        def stat(m, axis=-1):
            return np.mean(m, axis=axis)
    else:
        data = (sums, counts)

        def stat(s, c, axis=-1):
            return np.sum(s, axis=axis) / np.sum(c, axis=axis)
    out = {}
    for method in ("BCa", "percentile"):
        lows, highs = [], []
        for seed in range(REPS):
            res = stats.bootstrap(
                data, stat, paired=True, vectorized=True, n_resamples=RESAMPLES, method=method,
                rng=np.random.default_rng(seed),
            )
            lows.append(res.confidence_interval.low)
            highs.append(res.confidence_interval.high)
        out["bca" if method == "BCa" else "percentile"] = summarize_endpoints(lows, highs)
    return {"mean": float(stat(*data)), "bootstrap": out}


def make_clusters(rng):
    out = []
    # 30 items x 3 seeds of pass/fail with per-item difficulty.
    rows, items = [], []
    for i in range(30):
        p = 1 / (1 + np.exp(-rng.normal(0, 1.5)))
        q = min(1.0, p + 0.15)
        a = (rng.random(3) < p).astype(int).tolist()
        b = (rng.random(3) < q).astype(int).tolist()
        items.append((a, b))
        rows += [{"item": f"item{i:02d}", "seed": s, "a": a[s], "b": b[s]} for s in range(3)]
    out.append({"name": "binary_30x3", "weighting": "item", "rows": rows,
                "items": 30, **cluster_reference(items, "item")})
    # 25 items with 1-4 completed seeds of continuous scores (unequal cluster sizes).
    rows, items = [], []
    for i in range(25):
        k = int(rng.integers(1, 5))
        level = rng.normal(0.5, 0.2)
        a = np.round(level + rng.normal(0, 0.1, k), 4).tolist()
        b = np.round(np.array(a) + rng.normal(0.05, 0.15) + rng.normal(0, 0.05, k), 4).tolist()
        items.append((a, b))
        rows += [{"item": f"q{i}", "seed": s, "a": a[s], "b": b[s]} for s in range(k)]
    for weighting in ("item", "observation"):
        out.append({"name": f"unequal_25_{weighting}", "weighting": weighting, "rows": rows,
                    "items": 25, **cluster_reference(items, weighting)})
    return out


def main():
    rng = np.random.default_rng(20240917)
    binom_cases = [(3, 3), (0, 3), (8, 1), (1, 8), (5, 5), (0, 1), (10, 20), (12, 18), (30, 70),
                   (1, 0), (0, 25), (480, 620), (700, 700), (1, 2000), (300, 1700)]
    fixtures = {
        "generator": "scripts/make_stats_fixtures.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "reps": REPS,
        "resamples": RESAMPLES,
        "confidence": 0.95,
        "datasets": make_datasets(rng),
        "clusters": make_clusters(rng),
        "binomial": [{"wins": w, "losses": l, **sign_reference(w, l)} for w, l in binom_cases],
        "ndtr": [{"x": x, "p": float(special.ndtr(x))}
                 for x in (-38.0, -20.0, -8.0, -5.0, -3.0, -1.96, -1.0, -0.25, 0.0, 0.1, 0.5,
                           1.0, 1.6448536269514722, 2.5, 4.0, 7.5, 9.0)],
        "ndtri": [{"p": p, "x": float(special.ndtri(p))}
                  for p in (1e-300, 1e-100, 1e-20, 1e-8, 1e-4, 0.001, 0.01, 0.025, 0.05, 0.1,
                            0.2, 0.3, 0.42, 0.5, 0.575, 0.7, 0.9, 0.95, 0.975, 0.99, 0.9999,
                            1 - 1e-10)],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixtures, indent=2, allow_nan=False) + "\n")
    # Keep the file in the repository's formatting so `deno fmt --check` stays clean.
    subprocess.run(["deno", "fmt", "--quiet", str(OUT)], check=True)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
