"""Load time per 30 s file: genre vs librosa.load (sr=22050, mono), one run.

    python benches/compare_load.py [--repeat 20] [--keep DIR]

Needs a Python with librosa 0.11, soundfile and soxr (tests/scripts/
requirements-audio.txt) and cargo. Writes five 30 s files made from the
bundled example clip (22,050 Hz mono WAV, 44.1 kHz stereo OGG, 48 kHz stereo
FLAC, 44.1 kHz stereo MP3, 44.1 kHz stereo 16-bit WAV), times
`librosa.load(f, sr=22050)` in this process (warm, median of --repeat) and genre's `time_load` binary
(`genre_core::audio::load`, same options, median of --repeat), and prints a
table with ratios. librosa is single-threaded; genre is timed twice: on one
thread (RAYON_NUM_THREADS=1) and with its default pool, where FLAC, Vorbis
and MP3 decode in two halves at once (bit-identical). The machine's load
average is printed with the table: quote it with the numbers.
"""

import argparse
import json
import os
import pathlib
import subprocess
import tempfile
import time

import librosa
import numpy as np
import soundfile as sf
import soxr

ROOT = pathlib.Path(__file__).resolve().parents[1]
CLIP = ROOT / "examples" / "traveling_minstrels_20s.ogg"


def make_files(out: pathlib.Path) -> list[tuple[str, pathlib.Path]]:
    y, sr = sf.read(CLIP, dtype="float64", always_2d=True)
    y = np.concatenate([y, y])[: 30 * sr]  # 30 s, 44.1 kHz stereo
    mono22 = soxr.resample(y.mean(axis=1), sr, 22050, quality="VHQ")
    st48 = soxr.resample(y, sr, 48000, quality="VHQ")
    files = [
        ("22,050 Hz mono WAV (no resampling)", out / "mono22050.wav", mono22, 22050, "WAV", "PCM_16"),
        ("44.1 kHz stereo OGG Vorbis", out / "stereo44100.ogg", y, sr, "OGG", "VORBIS"),
        ("48 kHz stereo FLAC", out / "stereo48000.flac", st48, 48000, "FLAC", "PCM_16"),
        ("44.1 kHz stereo MP3", out / "stereo44100.mp3", y, sr, "MP3", "MPEG_LAYER_III"),
        ("44.1 kHz stereo 16-bit WAV", out / "stereo44100.wav", y, sr, "WAV", "PCM_16"),
    ]
    for _, path, data, rate, fmt, sub in files:
        sf.write(path, np.clip(data * 0.9, -1, 1), rate, format=fmt, subtype=sub)
    return [(label, path) for label, path, *_ in files]


def time_librosa(path: pathlib.Path, repeat: int) -> float:
    librosa.load(path, sr=22050)  # warm-up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        librosa.load(path, sr=22050)
        times.append(time.perf_counter() - t)
    return float(np.median(times)) * 1e3


def time_genre(paths: list[pathlib.Path], repeat: int, threads: int | None) -> dict[str, float]:
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "genre-benches", "--bin", "time_load"],
                   cwd=ROOT, check=True)
    env = dict(os.environ)
    if threads is not None:
        env["RAYON_NUM_THREADS"] = str(threads)
    out = subprocess.run([str(target / "release" / "time_load"), "--repeat", str(repeat),
                          *map(str, paths)], check=True, capture_output=True, text=True, env=env).stdout
    return {json.loads(line)["file"]: json.loads(line)["ms"] for line in out.splitlines()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--keep", type=pathlib.Path, help="write the 30 s files here and keep them")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or pathlib.Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        files = make_files(out)
        paths = [p for _, p in files]
        one = time_genre(paths, args.repeat, 1)
        pool = time_genre(paths, args.repeat, None)
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"load time per 30 s file, sr=22050 mono, median of {args.repeat}; "
              f"{os.cpu_count()} CPUs, load average {load}")
        print(f"| {'file':<36} | {'librosa ms':>10} | {'genre 1 thread':>14} | {'genre default':>13} |")
        print(f"|{'-' * 38}|{'-' * 12}|{'-' * 16}|{'-' * 15}|")
        for label, path in files:
            lib = time_librosa(path, args.repeat)
            a, b = one[str(path)], pool[str(path)]
            print(f"| {label:<36} | {lib:>10.1f} | {a:>5.1f} ({lib / a:>4.1f}x) | {b:>4.1f} ({lib / b:>4.1f}x) |")


if __name__ == "__main__":
    main()
