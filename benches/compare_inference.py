#!/usr/bin/env python3
"""Side-by-side inference timings on the seed's CNN: onnxruntime (1 thread), Keras
`predict` and `model(x)`, and genre (tract) with each batching strategy — for 1 segment
and one 10-segment track. Optionally (--audio FILE) the end-to-end file -> genre
pipeline: `genre predict` vs librosa + onnxruntime and librosa + Keras.

    cargo build --release -p genre-benches --bin bench_inference -p genre-cli
    # the shared target dir's binaries may come from another branch:
    # GENRE_BIN=path / GENRE_BENCH_BIN=path override `genre` / `bench_inference`
    /work/venvs/ml/bin/python benches/compare_inference.py [--audio clip.mp3]

Needs onnxruntime, numpy, tensorflow-cpu/keras (see tests/scripts/requirements-model.txt)
and, for --audio, librosa. Medians; ratios are anchor time / genre time (>1: genre faster).
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release"
MODEL = ROOT / "tests" / "fixtures" / "models" / "keras_nhwc_meta.onnx"


def median_ms(f, runs=200, warmup=10):
    for _ in range(warmup):
        f()
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        ts.append((time.perf_counter() - t) * 1e3)
    return float(np.median(ts))


def segments(n):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 130, 13)).astype(np.float32) * 0.6
    x[..., 0] -= 5.0
    return x


def onnxruntime_times(threads=1):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(MODEL), so, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    return {n: median_ms(lambda x=segments(n)[..., None]: sess.run(None, {name: x})) for n in (1, 10)}


def keras_model():
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    sys.path.insert(0, str(ROOT / "tests" / "scripts"))
    from gen_model_golden import SEED, keras_cnn

    return keras_cnn(seq_input=False, logits=False, seed=SEED)


def keras_times(model):
    out = {}
    for n in (1, 10):
        x = segments(n)[..., None]
        out[f"predict_{n}"] = median_ms(lambda: model.predict(x, verbose=0), runs=30, warmup=3)
        out[f"call_{n}"] = median_ms(lambda: model(x, training=False), runs=100, warmup=5)
    return out


def genre_times(audio=None):
    env = dict(os.environ)
    if audio:
        env["GENRE_BENCH_AUDIO"] = str(audio)
    bench = os.environ.get("GENRE_BENCH_BIN", str(TARGET / "bench_inference"))
    out = subprocess.run([bench, str(MODEL), "300"], env=env,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def e2e(audio, keras):
    import librosa
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(MODEL), so, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name

    def seed_segments(path):
        y, sr = librosa.load(path, sr=22050)
        per = 22050 * 30 // 10
        segs = []
        for d in range(10):
            seg = y[d * per:(d + 1) * per]
            m = librosa.feature.mfcc(y=seg, sr=sr, n_mfcc=13, n_fft=2048, hop_length=512).T
            if len(m) == 130:
                segs.append(m)
        return np.asarray(segs, dtype=np.float32)[..., None]

    def with_ort():
        return sess.run(None, {name: seed_segments(audio)})[0].mean(axis=0).argmax()

    def with_keras():
        return keras.predict(seed_segments(audio), verbose=0).mean(axis=0).argmax()

    cli = [os.environ.get("GENRE_BIN", str(TARGET / "genre")), "predict", "--model", str(MODEL), str(audio)]
    subprocess.run(cli, check=True, capture_output=True)
    return {
        "librosa_ort": median_ms(with_ort, runs=10, warmup=2),
        "librosa_keras": median_ms(with_keras, runs=10, warmup=2),
        "genre_cli": median_ms(lambda: subprocess.run(cli, check=True, capture_output=True), runs=10, warmup=2),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--audio", help="a 30 s clip for the end-to-end comparison")
    ap.add_argument("--no-keras", action="store_true")
    args = ap.parse_args()

    print(f"load average before: {os.getloadavg()[0]:.2f}")
    g = genre_times(args.audio)
    ort_t = onnxruntime_times()
    ort_2 = onnxruntime_times(threads=2)
    keras = None if args.no_keras else keras_model()
    k = keras_times(keras) if keras is not None else {}
    print(f"seed CNN ({MODEL.name}), medians in ms; ratio = anchor / genre auto")
    print(f"{'what':44s} {'1 segment':>10s} {'10 segments':>12s}")
    rows = [
        ("onnxruntime 1.32, 1 thread", ort_t[1], ort_t[10]),
        ("onnxruntime 1.32, 2 intra-op threads", ort_2[1], ort_2[10]),
        ("Keras model.predict", k.get("predict_1"), k.get("predict_10")),
        ("Keras model(x)", k.get("call_1"), k.get("call_10")),
        ("genre sequential (batch-1 plan, 1 thread)", g["sequential_1"], g["sequential_10"]),
        ("genre parallel (batch-1 plan, rayon)", g["parallel_1"], g["parallel_10"]),
        ("genre one batch (symbolic-N plan)", g["one_batch_1"], g["one_batch_10"]),
        ("genre auto (default)", g["auto_1"], g["auto_10"]),
    ]
    for name, a, b in rows:
        fa = f"{a:10.3f}" if a is not None else f"{'-':>10s}"
        fb = f"{b:12.3f}" if b is not None else f"{'-':>12s}"
        print(f"{name:44s} {fa} {fb}")
    print(f"ratio onnxruntime / genre auto: 1 seg {ort_t[1] / g['auto_1']:.2f}x, 10 seg {ort_t[10] / g['auto_10']:.2f}x")
    print(f"ratio onnxruntime / genre sequential (1 thread vs 1 thread): 10 seg {ort_t[10] / g['sequential_10']:.2f}x")
    print(f"ratio onnxruntime 2 threads / genre auto: 10 seg {ort_2[10] / g['auto_10']:.2f}x")
    if k:
        print(f"ratio Keras predict / genre auto: 10 seg {k['predict_10'] / g['auto_10']:.1f}x")
    print(f"genre model load: {g['load_ms']:.2f} ms; load average after: {os.getloadavg()[0]:.2f}")
    if args.audio:
        e = e2e(args.audio, keras)
        print(f"\nend to end, {Path(args.audio).name} -> genre (ms, median of 10):")
        print(f"  librosa + onnxruntime   {e['librosa_ort']:9.1f}")
        print(f"  librosa + Keras predict {e['librosa_keras']:9.1f}")
        print(f"  genre predict (CLI, whole process incl. model load) {e['genre_cli']:9.1f}")
        print(f"  genre Classifier::predict_file (in process)         {g['predict_file_ms']:9.1f}")
        print(f"    of which audio::load (decode + resample)          {g['load_audio_ms']:9.1f}")
        print(f"    of which predict_signal (segments, MFCC, CNN)     {g['predict_signal_ms']:9.1f}")
        print(f"  ratio librosa+onnxruntime / genre CLI {e['librosa_ort'] / e['genre_cli']:.1f}x, "
              f"in process {e['librosa_ort'] / g['predict_file_ms']:.1f}x")
        print(f"  ratio librosa+Keras / genre CLI {e['librosa_keras'] / e['genre_cli']:.1f}x, "
              f"in process {e['librosa_keras'] / g['predict_file_ms']:.1f}x")


if __name__ == "__main__":
    main()
