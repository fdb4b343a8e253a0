#!/usr/bin/env python3
"""First-call latency of genre's features and WAV load in fresh processes,
with the other core quiet or taken by a spinning thread.

    CARGO_TARGET_DIR=/work/target cargo build --release -p genre-benches --bin first_call
    /work/venvs/py5k/bin/python benches/first_call.py [--runs 15] [--python]

Rust rows: `first_call MODE --spin none|busy|yield` (see its doc comment):
a fresh extractor's first mfcc / melspec / segments of a 30 s signal, the
first load of a 30 s 44.1 kHz stereo 16-bit WAV to 22,050 Hz mono and the
first resample of a 30 s 44.1 kHz mono signal to 22,050 Hz, while a
thread spins for 50 ms on the other core (a busy loop, or one that calls
sched_yield) or not. `--install` rows run the call inside rayon's pool like
genre-py does. Python rows (`--python`, needs genre installed in this
interpreter): `import numpy` (whose OpenBLAS worker then busy-waits for
~50-100 ms on the other core), `import genre`, then the first
`genre.load` and the first `genre.feature.mfcc` (timed separately), and the
same with OPENBLAS_NUM_THREADS=1 (no spinning worker). Medians over --runs
fresh processes, interleaved; the load average is printed with each table.
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CLIP = ROOT / "examples" / "traveling_minstrels_20s.ogg"
BIN = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "first_call"

PY_FIRST = """
import time
T = time.perf_counter
import numpy
import genre
t0 = T()
y, sr = genre.load(PATH)
t1 = T()
genre.feature.mfcc(y=y, sr=sr, n_mfcc=13)
t2 = T()
y, sr = genre.load(PATH)
t3 = T()
genre.feature.mfcc(y=y, sr=sr, n_mfcc=13)
t4 = T()
print(json.dumps([(t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3, (t4 - t3) * 1e3]))
"""


def make_wav(out: pathlib.Path) -> pathlib.Path:
    """The 30 s 44.1 kHz stereo 16-bit WAV of benches/compare_python.py."""
    import numpy as np
    import soundfile as sf

    y, sr = sf.read(CLIP, dtype="float64", always_2d=True)
    y = np.concatenate([y, y])[: 30 * sr]
    path = out / "clip.wav"
    sf.write(path, np.clip(y * 0.9, -1, 1), sr, format="WAV", subtype="PCM_16")
    return path


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def rust_rows(wav: pathlib.Path, runs: int, install: bool, binary: pathlib.Path) -> None:
    modes = ["mfcc", "melspec", "segments", "load", "resample"]
    spins = ["none", "busy", "yield"]
    results: dict[tuple[str, str], list[tuple[float, float]]] = {(m, s): [] for m in modes for s in spins}
    before = load_average()
    for _ in range(runs):
        for m in modes:
            for s in spins:
                cmd = [str(binary), m, "--spin", s] + (["--install"] if install else []) + [str(wav)]
                run = subprocess.run(cmd, capture_output=True, text=True)
                if run.returncode == 0:  # an older build may lack a mode
                    out = json.loads(run.stdout)
                    results[(m, s)].append((out["ms"], out["second_ms"]))
    how = "inside rayon's pool (--install)" if install else "on the main thread"
    print(f"\nRust first call {how} ({binary}), median of {runs} fresh processes (ms; load {before} -> {load_average()})")
    print(f"| {'call':<10} | {'quiet':>15} | {'busy spinner':>15} | {'yield spinner':>15} |")
    print(f"|{'-' * 12}|{'-' * 17}|{'-' * 17}|{'-' * 17}|")
    for m in modes:
        cells = []
        for s in spins:
            r = results[(m, s)]
            if not r:
                cells.append("n/a")
                continue
            first = statistics.median(x for x, _ in r)
            second = statistics.median(y for _, y in r)
            cells.append(f"{first:6.2f} ({second:5.2f})")
        print(f"| {m:<10} | " + " | ".join(f"{c:>15}" for c in cells) + " |")
    print("(first call, second call in parentheses; first mfcc/melspec/segments exclude the plan build)")


def python_rows(wav: pathlib.Path, runs: int) -> None:
    code = "import json\n" + PY_FIRST.replace("PATH", repr(str(wav)))
    envs = {
        "after import numpy": {**os.environ},
        "OPENBLAS_NUM_THREADS=1": {**os.environ, "OPENBLAS_NUM_THREADS": "1"},
    }
    results: dict[str, list[list[float]]] = {k: [] for k in envs}
    before = load_average()
    for _ in range(runs):
        for k, env in envs.items():
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
            results[k].append(json.loads(out.stdout))
    print(f"\nPython (import numpy, import genre, then), median of {runs} fresh processes (ms; load {before} -> {load_average()})")
    steps = ["first load", "first mfcc", "second load", "second mfcc"]
    print(f"| {'step':<12} | " + " | ".join(f"{k:>22}" for k in envs) + " |")
    print(f"|{'-' * 14}|" + "|".join("-" * 24 for _ in envs) + "|")
    for i, step in enumerate(steps):
        print(f"| {step:<12} | " + " | ".join(f"{statistics.median(r[i] for r in results[k]):>22.2f}" for k in envs) + " |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=15, help="fresh processes per cell")
    ap.add_argument("--python", action="store_true", help="also time genre-py's first calls")
    ap.add_argument("--no-rust", action="store_true", help="skip the Rust rows")
    ap.add_argument("--bin", type=pathlib.Path, default=BIN, help="the first_call binary (e.g. an older build, for A/B)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wav = make_wav(pathlib.Path(tmp))
        if not args.no_rust:
            rust_rows(wav, args.runs, install=False, binary=args.bin)
            rust_rows(wav, args.runs, install=True, binary=args.bin)
        if args.python:
            python_rows(wav, args.runs)


if __name__ == "__main__":
    main()
