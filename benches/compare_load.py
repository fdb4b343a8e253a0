"""Load time per 30 s file: genre vs librosa.load (sr=22050, mono), one run.

    python benches/compare_load.py [--repeat 20] [--keep DIR]

Needs a Python with librosa 0.11, soundfile and soxr (tests/scripts/
requirements-audio.txt) and cargo. Writes four 30 s files made from the
bundled example clip (22,050 Hz mono WAV, 44.1 kHz stereo OGG, 48 kHz stereo
FLAC, 44.1 kHz stereo MP3), times `librosa.load(f, sr=22050)` in this
process (warm, median of --repeat) and genre's `time_load` binary
(`genre_core::audio::load`, same options, median of --repeat), and prints a
table with ratios. Both sides are single-threaded.
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


def time_genre(paths: list[pathlib.Path], repeat: int) -> dict[str, float]:
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "genre-benches", "--bin", "time_load"],
                   cwd=ROOT, check=True)
    out = subprocess.run([str(target / "release" / "time_load"), "--repeat", str(repeat),
                          *map(str, paths)], check=True, capture_output=True, text=True).stdout
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
        genre = time_genre([p for _, p in files], args.repeat)
        print(f"load time per 30 s file, sr=22050 mono, median of {args.repeat} (single thread)")
        print(f"| {'file':<36} | {'librosa ms':>10} | {'genre ms':>8} | {'speed-up':>8} |")
        print(f"|{'-' * 38}|{'-' * 12}|{'-' * 10}|{'-' * 10}|")
        for label, path in files:
            lib = time_librosa(path, args.repeat)
            ours = genre[str(path)]
            print(f"| {label:<36} | {lib:>10.1f} | {ours:>8.1f} | {lib / ours:>7.1f}x |")


if __name__ == "__main__":
    main()
