#!/usr/bin/env python3
"""Drift timing, one run, one table: Evidently 0.7 `Report([DataDriftPreset()]).run`,
the scipy-only equivalent (the same default tests called directly), and genre
(`drift_bench`, the Rust timing binary), on identical seed-shaped data
(13 float MFCC-mean columns + `predicted_genre`), plus a 1,000,000-row genre run.

Data generation is excluded from every timing. genre runs with all cores (rayon
over columns) and with RAYON_NUM_THREADS=1; Evidently and scipy are single-threaded.

`--methods` adds a second table: anderson, cramer_von_mises, es and
empirical_mmd on the 13 float columns — Evidently's own stattest functions, the
scipy calls they wrap, and genre (`drift_bench --method`), at 5,000 rows
(empirical_mmd at 1,000: Evidently holds the (n+m)^2 kernel matrix).

Usage (from the repository root, after `cargo build --release -p genre-benches`):
    /work/venvs/golden/bin/python benches/compare_drift.py [--quick] [--methods]
"""
import json
import os
import statistics
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "scripts"))
from gen_drift_golden import SHIFT, seed_frame  # noqa: E402  (the generator genre mirrors)

from scipy import stats  # noqa: E402
from scipy.spatial import distance  # noqa: E402

TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
BENCH = os.path.join(TARGET, "release", "drift_bench")


def frames(rows):
    return seed_frame(101, rows, [0.0] * 13, False), seed_frame(102, rows, SHIFT, True)


def timed(fn, repeats):
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts)


def evidently_run(ref, cur):
    from evidently import Report
    from evidently.presets import DataDriftPreset
    Report([DataDriftPreset()]).run(cur, ref)


def scipy_only(ref, cur):
    """Evidently's default tests, computed directly: cleaning, default choice, statistic."""
    n_ref = len(ref)
    for col in ref.columns:
        r = ref[col].replace([np.inf, -np.inf], np.nan).dropna()
        c = cur[col].replace([np.inf, -np.inf], np.nan).dropna()
        if r.dtype == object:
            keys = sorted(set(r.unique()) | set(c.unique()))
            rc, cc = r.value_counts(), c.value_counts()
            rp = np.array([rc.get(k, 0) for k in keys]) / len(r)
            cp = np.array([cc.get(k, 0) for k in keys]) / len(c)
            if n_ref > 1000:
                distance.jensenshannon(rp, cp)
            else:
                stats.chisquare(cp * len(c), rp * len(c))
        elif n_ref > 1000:
            stats.wasserstein_distance(r, c) / max(np.std(r), 0.001)
        else:
            stats.ks_2samp(r, c)


def genre(rows, repeats, threads=None, method=None):
    env = dict(os.environ)
    if threads:
        env["RAYON_NUM_THREADS"] = str(threads)
    extra = ["--method", method] if method else []
    out = subprocess.run([BENCH, str(rows), str(rows), str(repeats)] + extra, capture_output=True, text=True,
                         env=env, check=True)
    return json.loads(out.stdout)


MFCC = [f"mfcc_{i + 1}" for i in range(13)]


def evidently_method(name, ref, cur):
    from evidently.legacy.calculations.stattests import registry
    from evidently.legacy.core import ColumnType
    st = registry.get_registered_stattest(name, ColumnType.Numerical)
    for col in MFCC:
        st(ref[col], cur[col], ColumnType.Numerical, None)


def scipy_method(name, ref, cur):
    for col in MFCC:
        r, c = ref[col].to_numpy(), cur[col].to_numpy()
        if name == "anderson":
            stats.anderson_ksamp([r, c], variant="midrank")
        elif name == "cramer_von_mises":
            stats.cramervonmises_2samp(r, c)
        elif name == "es":
            stats.epps_singleton_2samp(r, c)


def methods_table():
    print(f"\n{'method (13 columns)':>20} {'rows':>6} {'Evidently':>11} {'scipy':>9} {'genre':>9}"
          f" {'vs Evidently':>13} {'vs scipy':>9}")
    for name, rows in [("anderson", 5_000), ("cramer_von_mises", 5_000), ("es", 5_000), ("empirical_mmd", 1_000)]:
        ref, cur = frames(rows)
        ev = timed(lambda: evidently_method(name, ref, cur), 1 if name == "empirical_mmd" else 3)
        sp = timed(lambda: scipy_method(name, ref, cur), 3) if name != "empirical_mmd" else float("nan")
        g = genre(rows, 5, method=name)["median_s"]
        sp_txt = f"{sp:>8.3f}s" if sp == sp else f"{'-':>9}"
        ratio = f"{sp / g:>8.1f}x" if sp == sp else f"{'-':>9}"
        print(f"{name:>20} {rows:>6,} {ev:>10.3f}s {sp_txt} {g:>8.4f}s {ev / g:>12.0f}x {ratio}")


def main():
    quick = "--quick" in sys.argv
    if not os.path.exists(BENCH):
        sys.exit(f"{BENCH} not found: cargo build --release -p genre-benches")
    rows_list = [5_000] if quick else [5_000, 100_000]
    print(f"{'rows (ref = cur)':>18} {'Evidently':>11} {'scipy-only':>11} {'genre':>9} {'genre 1T':>9}"
          f" {'vs Evidently':>13} {'vs scipy':>9} {'1T vs Ev.':>10} {'1T vs scipy':>12}")
    for rows in rows_list:
        ref, cur = frames(rows)
        reps = 3 if rows <= 5_000 else 2
        evidently_run(ref, cur)  # warm-up: imports and first-call caches
        ev = timed(lambda: evidently_run(ref, cur), reps)
        sp = timed(lambda: scipy_only(ref, cur), 5)
        g = genre(rows, 7)["median_s"]
        g1 = genre(rows, 7, threads=1)["median_s"]
        print(f"{rows:>18,} {ev:>10.3f}s {sp:>10.3f}s {g:>8.4f}s {g1:>8.4f}s {ev / g:>12.0f}x {sp / g:>8.1f}x"
              f" {ev / g1:>9.0f}x {sp / g1:>11.1f}x")
    if "--methods" in sys.argv:
        methods_table()
    if not quick:
        big = genre(1_000_000, 3)
        big1 = genre(1_000_000, 3, threads=1)
        print(f"\ngenre 1,000,000 vs 1,000,000 rows: {big['median_s']:.3f} s (all cores), "
              f"{big1['median_s']:.3f} s (1 thread); peak RSS {big['peak_rss_mb']:.0f} MiB "
              f"(of which the two generated input tables are ~{2 * 1_000_000 * (13 * 8 + 40) / 2**20:.0f} MiB)")


if __name__ == "__main__":
    main()
