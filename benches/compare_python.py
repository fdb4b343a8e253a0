"""The Python package against the Python anchors, in one run.

    python benches/compare_python.py [--repeat 15] [--files 200] [--quick]

Needs a Python with genre installed (``pip install ./genre-py``), librosa
0.11 + soundfile + soxr, joblib and onnxruntime (``genre-py/requirements-test.txt``);
Keras rows appear when ``keras`` is importable (python-examples/training/requirements.txt). Prints, with ratios:

1. ``genre.load`` + ``genre.feature.mfcc`` vs librosa on a 30 s MP3 and WAV
   (warm calls: median of --repeat calls per round, median of --rounds rounds
   alternated between the sides; single call each side);
2. ``genre.extract`` over --files 30 s files vs the seed's librosa loop and
   vs the same loop under joblib with all cores;
3. ``Classifier.predict`` (file → genre) vs librosa + onnxruntime (and Keras);
4. first-call latency in a fresh process: ``import`` + one load + mfcc
   (median of --first-calls processes per side, alternated);
5. genre's first call step by step (``import genre``, first load, first
   mfcc, then a second load and mfcc in the same process) in two orders,
   alternated: ``import numpy`` first, and ``import genre`` first (whose
   first load then imports numpy while the file decodes).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable

import numpy as np
import soundfile as sf

ROOT = pathlib.Path(__file__).resolve().parents[1]
CLIP = ROOT / "examples" / "traveling_minstrels_20s.ogg"
MODELS = [
    ROOT / "genre-core" / "src" / "model" / "default_model.onnx",
    ROOT / "tests" / "fixtures" / "models" / "keras_nhwc_meta.onnx",
]
SR = 22050


def make_files(out: pathlib.Path) -> dict[str, pathlib.Path]:
    y, sr = sf.read(CLIP, dtype="float64", always_2d=True)
    y = np.concatenate([y, y])[: 30 * sr]
    files = {"30 s MP3 (44.1 kHz stereo)": out / "clip.mp3", "30 s WAV (44.1 kHz stereo)": out / "clip.wav"}
    sf.write(files["30 s MP3 (44.1 kHz stereo)"], np.clip(y * 0.9, -1, 1), sr, format="MP3", subtype="MPEG_LAYER_III")
    sf.write(files["30 s WAV (44.1 kHz stereo)"], np.clip(y * 0.9, -1, 1), sr, format="WAV", subtype="PCM_16")
    return files


#: Seconds to wait before timing a side. numpy's OpenBLAS workers (and
#: onnxruntime's intra-op threads) busy-wait for ~0.1 s after each call of the
#: anchor, taking a core from the side timed next: genre's two-thread Vorbis
#: and MP3 decoding measured 25-45 ms instead of 15 ms right after librosa.
SETTLE = 0.3


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    time.sleep(SETTLE)
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def paired_ms(anchor: Callable[[], Any], ours: Callable[[], Any], repeat: int, rounds: int) -> tuple[float, float]:
    """Each side's median of ``repeat`` warm calls, in ``rounds`` rounds alternated
    between the sides; the median of each side's round medians.

    genre's 15 calls take ~0.1 s, the anchor's ~1 s: one of the VM's slow phases
    (every thread ~1.5x slower for 0.05-0.5 s, with no other process running) can
    cover a whole genre series. Rounds seconds apart keep one slow phase from
    setting either side's number.
    """
    a, o = [], []
    for _ in range(rounds):
        a.append(median_ms(anchor, repeat))
        o.append(median_ms(ours, repeat))
    return statistics.median(a), statistics.median(o)


def row(label: str, anchor: float, ours: float, unit: str = "ms") -> None:
    print(f"| {label:<58} | {anchor:>10.1f} {unit} | {ours:>9.1f} {unit} | {anchor / ours:>7.1f}× |")


def header(title: str, anchor: str) -> None:
    print(f"\n{title}\n| {'case':<58} | {anchor:>13} | {'genre':>12} | {'ratio':>8} |")
    print(f"|{'-' * 60}|{'-' * 15}|{'-' * 14}|{'-' * 10}|")


def seed_segments(path: str) -> np.ndarray:
    """The seed's preprocessing of one file with librosa."""
    import librosa

    y, _ = librosa.load(path, sr=SR)
    per = SR * 30 // 10
    out = []
    for d in range(10):
        m = librosa.feature.mfcc(y=y[d * per : (d + 1) * per], sr=SR, n_mfcc=13, n_fft=2048, hop_length=512).T
        if len(m) == 130:
            out.append(m)
    return np.array(out, np.float32)


FIRST_CALL_STEPS = ["import", "first load", "first mfcc"]


def first_call(kind: str, path: pathlib.Path) -> list[float]:
    """``import`` + first load + first mfcc in a fresh process, written as a
    user would (``genre`` or ``librosa`` in each statement): each step's
    milliseconds."""
    code = (
        "import time\nT = time.perf_counter\nt = [T()]\n"
        f"import {kind}\nt.append(T())\n"
        f"y, sr = {kind}.load({str(path)!r})\nt.append(T())\n"
        f"{kind}.feature.mfcc(y=y, sr=sr, n_mfcc=13)\nt.append(T())\n"
        'print(" ".join(f"{(b - a) * 1e3:.3f}" for a, b in zip(t, t[1:])))'
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [float(x) for x in out.stdout.split()]


def first_calls(path: pathlib.Path, rounds: int) -> None:
    """The first-call row, fair to both sides.

    A new process ran slower right after a process of the *other* library
    than after one of its own: genre's first call measured ~77 ms median
    after genre processes, 83-94 ms right after librosa processes (2 cores;
    not isolated further: the CPU caches then hold the ~255 MB librosa process
    (numba, scipy) instead of genre's ~60 MB). Each round therefore
    runs librosa twice, then genre twice (after ``SETTLE`` each): the first
    of each pair follows the other library, the second its own. The headline
    row compares the second ones (each side after itself, as when a service
    restarts its workers or a tool runs again); the row below compares the
    first ones.
    """
    runs: dict[tuple[str, bool], list[list[float]]] = {}
    for _ in range(rounds):
        for kind in ("librosa", "genre"):
            for after_own in (False, True):
                time.sleep(SETTLE)
                runs.setdefault((kind, after_own), []).append(first_call(kind, path))
    header(f"First call in a new process (import + load + mfcc of 30 s WAV), median of {rounds} processes", "librosa")
    for after_own, label in ((True, "each after its own kind"), (False, "each right after the other")):
        lib = [sum(r) for r in runs[("librosa", after_own)]]
        ours = [sum(r) for r in runs[("genre", after_own)]]
        row(f"import + load + mfcc, {label}", statistics.median(lib), statistics.median(ours))
        ratios = [a / b for a, b in zip(lib, ours)]
        print(f"|   per-pair ratios: {' '.join(f'{r:.1f}' for r in ratios)} (min {min(ratios):.1f}×, "
              f"median {statistics.median(ratios):.1f}×); genre {min(ours):.1f}-{max(ours):.1f} ms, "
              f"librosa {min(lib):.0f}-{max(lib):.0f} ms")
    # Per step, without ratios: `import librosa` is lazy (its first load
    # imports numpy, scipy, numba ...), so the steps do not pair up.
    for after_own in (True, False):
        cells = []
        for kind in ("librosa", "genre"):
            medians = [statistics.median(r[i] for r in runs[(kind, after_own)]) for i in range(len(FIRST_CALL_STEPS))]
            cells.append(" + ".join(f"{step} {ms:.1f}" for step, ms in zip(FIRST_CALL_STEPS, medians)))
        print(f"|   steps, {'after own' if after_own else 'after other'} (median ms): "
              f"librosa {cells[0]}; genre {cells[1]}")


#: genre's first call step by step in a fresh process: each step's
#: milliseconds, then its minor page faults (all threads), one line each.
#: FIRST is "import numpy" (timed as the first step) or "pass".
BREAKDOWN = """
import resource, time
T = time.perf_counter
def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
t, f = [T()], [faults()]
FIRST
t.append(T()); f.append(faults())
import genre
t.append(T()); f.append(faults())
y, sr = genre.load(PATH)
t.append(T()); f.append(faults())
genre.feature.mfcc(y=y, sr=sr, n_mfcc=13)
t.append(T()); f.append(faults())
y, sr = genre.load(PATH)
t.append(T()); f.append(faults())
genre.feature.mfcc(y=y, sr=sr, n_mfcc=13)
t.append(T()); f.append(faults())
print(" ".join(f"{(b - a) * 1e3:.3f}" for a, b in zip(t, t[1:])))
print(" ".join(str(b - a) for a, b in zip(f, f[1:])))
"""
BREAKDOWN_STEPS = ["import numpy", "import genre", "first load", "first mfcc", "second load", "second mfcc"]


def breakdown(path: pathlib.Path, runs: int) -> None:
    """Medians of each step of genre's first call in fresh processes,
    alternating two orders: ``import genre`` first (its first load then
    imports numpy while the file decodes), and ``import numpy`` first."""
    variants: dict[str, list[tuple[list[float], list[int]]]] = {"import numpy": [], "pass": []}
    for _ in range(runs):
        for first, out in variants.items():
            time.sleep(SETTLE)
            code = BREAKDOWN.replace("PATH", repr(str(path))).replace("FIRST", first)
            res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            ms, faults = res.stdout.splitlines()[-2:]
            out.append(([float(x) for x in ms.split()], [int(x) for x in faults.split()]))
    print(f"\ngenre's first call step by step (30 s WAV), median of {runs} fresh processes each "
          "(minor page faults of all threads in brackets)")
    print(f"| {'step':<40} | {'numpy imported first':>20} | {'genre imported first':>20} |")
    print(f"|{'-' * 42}|{'-' * 22}|{'-' * 22}|")

    def cell(runs_: list[tuple[list[float], list[int]]], i: int) -> str:
        ms = statistics.median(r[0][i] for r in runs_)
        faults = statistics.median(r[1][i] for r in runs_)
        return f"{ms:>9.2f} ms [{faults:>5.0f}]"

    numpy_first, genre_first = variants["import numpy"], variants["pass"]
    for i, step in enumerate(BREAKDOWN_STEPS):
        print(f"| {step:<40} | {cell(numpy_first, i)} | {cell(genre_first, i)} |")
    totals = [statistics.median(sum(r[0][:4]) for r in v) for v in (numpy_first, genre_first)]
    print(f"| {'numpy + genre + first load + first mfcc':<40} | {totals[0]:>9.2f} ms{'':>8} | {totals[1]:>9.2f} ms{'':>8} |")
    print("(genre imported first: `import genre` leaves numpy to the first load, which imports it while the file decodes)")


def keras_rows(tmp: pathlib.Path, files: dict[str, pathlib.Path], repeat: int, rounds: int) -> None:
    """librosa + Keras (the seed's serving path) against genre on the same CNN.

    The seed's CNN is built with the training pipeline's own code
    (python-examples/training), exported to ONNX the way the pipeline exports it,
    and both sides run that one architecture: the speed does not depend on the
    (untrained) weights. Needs tensorflow-cpu + keras + onnx
    (python-examples/training/requirements.txt).
    """
    try:
        import keras  # noqa: F401
    except ImportError:
        print("(keras not installed: the librosa + Keras rows are skipped; "
              "install python-examples/training/requirements.txt)")
        return
    import genre

    sys.path.insert(0, str(ROOT / "python-examples" / "training"))
    from music_genre import cnn, export

    model = cnn.build_model((130, 13, 1), 10, cnn.TrainConfig())
    model(np.zeros((1, 130, 13, 1), np.float32))  # Keras exports only a model that has been called
    onnx_path = export.export_onnx(model, tmp / "seed_cnn.onnx", tuple(f"g{i}" for i in range(10)))
    clf = genre.Classifier(str(onnx_path))

    def librosa_keras(p: str, call: bool) -> np.ndarray:
        x = cnn.with_channel(seed_segments(p))
        proba = model(x, training=False) if call else model.predict(x, verbose=0)
        return np.asarray(proba).mean(axis=0)

    header("Classifier.predict vs librosa + Keras (the seed's CNN, same architecture)", "anchor")
    for label, path in files.items():
        p = str(path)
        row(f"librosa + Keras model.predict, {label}", *paired_ms(lambda: librosa_keras(p, False),
            lambda: clf.predict(p), repeat, rounds))
        row(f"librosa + Keras model(x), {label}", *paired_ms(lambda: librosa_keras(p, True),
            lambda: clf.predict(p), repeat, rounds))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # 15, not 7: on the 2-core VM, bursts of ~60 ms in which every thread ran
    # ~1.4x slower (CPU time and wall time alike, with no other process
    # running) took several consecutive calls of a 7-call median.
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--rounds", type=int, default=3, help="alternated rounds per warm row (median of the round medians)")
    ap.add_argument("--files", type=int, default=200)
    ap.add_argument("--first-calls", type=int, default=9, help="rounds of the first call (two fresh processes per side each)")
    ap.add_argument("--breakdown", type=int, default=9, help="fresh processes per variant for the step-by-step first call")
    ap.add_argument("--quick", action="store_true", help="--repeat 3 --rounds 1 --files 24 --first-calls 3 --breakdown 3")
    args = ap.parse_args()
    if args.quick:
        args.repeat, args.rounds, args.files, args.first_calls, args.breakdown = 3, 1, 24, 3, 3

    import joblib
    import librosa

    import genre

    started = time.perf_counter()
    cores = os.cpu_count() or 1
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="genre-bench-"))
    try:
        files = make_files(tmp)
        print(f"genre {genre.__version__} vs librosa {librosa.__version__}, {cores} cores, median of {args.repeat} calls × {args.rounds} rounds, "
              f"load average {load_average()}")

        header("Warm calls (one file per call; librosa on one thread, genre on its pool)", "librosa")
        for label, path in files.items():
            p = str(path)
            y_l, _ = librosa.load(p, sr=SR)
            y_g, _ = genre.load(p)
            row(f"load {label}", *paired_ms(lambda: librosa.load(p, sr=SR),
                lambda: genre.load(p), args.repeat, args.rounds))
            row("mfcc(n_mfcc=13) of 30 s", *paired_ms(lambda: librosa.feature.mfcc(y=y_l, sr=SR, n_mfcc=13),
                lambda: genre.feature.mfcc(y=y_g, sr=SR, n_mfcc=13), args.repeat, args.rounds))
            row(f"load + mfcc {label}",
                *paired_ms(lambda: librosa.feature.mfcc(y=librosa.load(p, sr=SR)[0], sr=SR, n_mfcc=13),
                lambda: genre.feature.mfcc(y=genre.load(p)[0], sr=SR, n_mfcc=13), args.repeat, args.rounds))
            row(f"segments (seed: 10 × 3 s MFCC) {label}", *paired_ms(lambda: seed_segments(p),
                lambda: genre.segments(p), args.repeat, args.rounds))

        corpus = tmp / "corpus"
        corpus.mkdir()
        wav = files["30 s WAV (44.1 kHz stereo)"]
        paths = []
        for i in range(args.files):
            dst = corpus / f"g{i % 10}" / f"{i:05d}.wav"
            dst.parent.mkdir(exist_ok=True)
            shutil.copyfile(wav, dst)
            paths.append(str(dst))
        header(f"Extraction over {args.files} × 30 s WAV files", "anchor")
        t = time.perf_counter()
        want = [seed_segments(p) for p in paths]
        loop = (time.perf_counter() - t) * 1e3
        t = time.perf_counter()
        joblib.Parallel(n_jobs=-1)(joblib.delayed(seed_segments)(p) for p in paths)
        par = (time.perf_counter() - t) * 1e3
        # genre warm, median of --repeat; the librosa loops take seconds and run once.
        ours = median_ms(lambda: genre.extract(paths), args.repeat)
        got = genre.extract(paths)
        row("genre.extract (all cores) vs librosa loop", loop, ours)
        row("genre.extract (all cores) vs librosa loop under joblib -1", par, ours)
        err = float(np.max(np.abs(got.segments - np.concatenate(want))))
        print(f"(max |Δ| genre vs librosa segments over the corpus: {err:.2e})")

        model = next((m for m in MODELS if m.exists()), None)
        if hasattr(genre, "Classifier") and model is not None:
            import onnxruntime as ort

            clf = genre.Classifier(str(model))
            sess = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
            inp = sess.get_inputs()[0]
            rank = len(inp.shape)

            def librosa_ort(p: str) -> np.ndarray:
                x = seed_segments(p)
                x = x[..., None] if rank == 4 else x
                return np.asarray(sess.run(None, {inp.name: x})[0]).mean(axis=0)

            header(f"Classifier.predict, file → genre ({model.name})", "anchor")
            for label, path in files.items():
                p = str(path)
                row(f"librosa + onnxruntime, {label}", *paired_ms(lambda: librosa_ort(p),
                    lambda: clf.predict(p), args.repeat, args.rounds))
            keras_rows(tmp, files, args.repeat, args.rounds)
        else:
            print("\n(Classifier rows skipped: genre.Classifier or a model file is not available)")

        path = files["30 s WAV (44.1 kHz stereo)"]
        first_calls(path, args.first_calls)
        breakdown(path, args.breakdown)
        print(f"\n(load average at the end: {load_average()}; the run took {time.perf_counter() - started:.0f} s)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
