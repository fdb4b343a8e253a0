#!/usr/bin/env python3
"""Side-by-side timing of genre's features against librosa 0.11, one run.

    CARGO_TARGET_DIR=/work/target cargo build --release -p genre-benches --bin features_time
    /work/venvs/golden/bin/python benches/compare_features.py [--repeats 30] [--files 8]

Prints a table: librosa single-threaded (BLAS/OpenMP pinned to 1 thread)
against genre (the release `features_time` binary, single-threaded except the
rows saying "rayon, N threads", which use all N cores: over the frames of one
signal, the 10 segments of one track, or over files; librosa stays on one
thread in every row), with ratios, and genre's
ratio to the ~2 ms physical limit for 1,300 frames (see
shared/design/performance.md). Medians and minima over --repeats calls.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402
import librosa  # noqa: E402

SR = 22050
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHYSICAL_LIMIT_MS = 2.0


def music_like(seconds, seed):
    """Deterministic music-like signal: harmonics with vibrato + noise."""
    t = np.arange(int(seconds * SR)) / SR
    rng = np.random.default_rng(seed)
    f0 = 220.0 * (1.0 + 0.01 * np.sin(2 * np.pi * 5.0 * t)) * (1 + 0.25 * seed % 3)
    tone = sum(np.sin(2 * np.pi * f0 * h * t) / h for h in range(1, 6))
    env = 0.5 + 0.5 * np.abs(np.sin(2 * np.pi * 0.5 * t))
    return (0.25 * env * tone + 0.05 * rng.standard_normal(t.size)).astype(np.float32)


def seed_segments(signal):
    """The seed's preprocessing loop (10 x 3 s, MFCC per segment)."""
    per = int(SR * 30 / 10)
    out = []
    for d in range(10):
        mfcc = librosa.feature.mfcc(y=signal[per * d:per * (d + 1)], sr=SR, n_mfcc=13, n_fft=2048,
                                    hop_length=512).T
        if len(mfcc) == 130:
            out.append(mfcc)
    return out


def timeit(fn, repeats):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1e3)
    return float(np.min(times)), float(np.median(times))


def genre_time(binary, mode, path, repeats):
    out = subprocess.run([binary, mode, path, str(repeats)], check=True, capture_output=True, text=True)
    r = json.loads(out.stdout)
    return r["min_ms"], r["median_ms"], r["threads"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--files", type=int, default=8)
    ap.add_argument("--binary", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")),
                                                     "release", "features_time"))
    args = ap.parse_args()
    if not os.path.exists(args.binary):
        sys.exit(f"{args.binary} missing: cargo build --release -p genre-benches --bin features_time")

    y = music_like(30.0, 0)
    files = np.stack([music_like(30.0, i + 1) for i in range(args.files)])
    with tempfile.TemporaryDirectory() as tmp:
        one = os.path.join(tmp, "y30.npy")
        many = os.path.join(tmp, "files.npy")
        np.save(one, y)
        np.save(many, files)

        # Warm up librosa (imports, numba JIT, caches) before timing.
        librosa.feature.mfcc(y=y, sr=SR, n_mfcc=13)
        seed_segments(y)
        rows = []
        lib = timeit(lambda: librosa.feature.mfcc(y=y, sr=SR, n_mfcc=13), args.repeats)
        gen = genre_time(args.binary, "mfcc", one, args.repeats * 5)
        rows.append(("MFCC of 30 s (13 x 1,292), 1 thread", lib, gen))
        gen = genre_time(args.binary, "mfcc-par", one, args.repeats * 5)
        rows.append((f"MFCC of 30 s (genre: rayon, {gen[2]} threads)", lib, gen))
        lib = timeit(lambda: seed_segments(y), args.repeats)
        gen = genre_time(args.binary, "segments", one, args.repeats * 5)
        rows.append(("10 x 3 s segments (seed loop), 1 thread", lib, gen))
        gen = genre_time(args.binary, "segments-par", one, args.repeats * 5)
        rows.append((f"10 x 3 s segments (genre: rayon, {gen[2]} threads)", lib, gen))
        reps = max(3, args.repeats // 10)
        lib = timeit(lambda: [seed_segments(f) for f in files], reps)
        gen = genre_time(args.binary, "batch", many, reps * 3)
        rows.append((f"{args.files} files x 10 segments (genre: rayon, {gen[2]} threads)", lib, gen))

    print(f"librosa {librosa.__version__}, numpy {np.__version__}; times in ms (min / median)")
    print(f"| {'what':<48} | {'librosa':>17} | {'genre':>15} | {'ratio (median)':>14} | {'ratio (min)':>11} |")
    print(f"|{'-' * 50}|{'-' * 19}|{'-' * 17}|{'-' * 16}|{'-' * 13}|")
    for what, (lmin, lmed), (gmin, gmed, _) in rows:
        print(f"| {what:<48} | {lmin:>7.2f} / {lmed:>7.2f} | {gmin:>6.2f} / {gmed:>6.2f} | "
              f"{lmed / gmed:>13.1f}x | {lmin / gmin:>10.1f}x |")
    gmin = rows[0][2][0]
    print(f"genre MFCC of 30 s vs the ~{PHYSICAL_LIMIT_MS:.0f} ms physical limit: {gmin / PHYSICAL_LIMIT_MS:.1f}x (min)")
    print(f"load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
