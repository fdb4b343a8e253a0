#!/usr/bin/env python3
"""Golden vectors for genre-core's features (librosa 0.11.0 is the anchor).

Writes tests/golden/features/: int16 input signals (.npy, read as x / 32768
so both sides see the same float32 samples), librosa outputs (.npy float32)
and manifest.json describing every case. Run from the repository root:

    /work/venvs/golden/bin/python tests/scripts/gen_features_golden.py

Versions: see requirements-features.txt beside this script.
"""
import glob
import json
import os

import librosa
import numpy as np
import scipy

SR = 22050
EXAMPLE = os.path.join("examples", "traveling_minstrels_20s.ogg")
OUT = os.path.join("tests", "golden", "features")


def to_i16(x):
    return np.clip(np.round(np.asarray(x, np.float64) * 32768.0), -32768, 32767).astype(np.int16)


def synthetic():
    """Deterministic 2 s test signals, quantised to int16."""
    n = 2 * SR
    t = np.arange(n) / SR
    rng = np.random.default_rng(20261126)
    clicks = np.zeros(n)
    clicks[::SR // 4] = 0.9
    clicks[1000::SR // 3] = -0.5
    chirp = scipy.signal.chirp(t, f0=60.0, t1=t[-1], f1=10000.0, method="logarithmic")
    return {
        "sine": 0.5 * np.sin(2 * np.pi * 440.0 * t) + 0.2 * np.sin(2 * np.pi * 3000.0 * t),
        "chirp": 0.6 * chirp,
        "noise": np.clip(0.1 * rng.standard_normal(n), -1, 1),
        "clicks": clicks,
        "quiet": 0.001 * np.sin(2 * np.pi * 1234.5 * t),
        "silence": np.zeros(n),
    }


def lcg_signal(n):
    """Long deterministic signal, reproduced bit-exactly by the Rust tests:
    LCG noise plus a 441 Hz square wave, amplitude halved every 0.5 s
    (cycling over 12 levels); value / 32768 as float32."""
    state = np.uint64(12345)
    vals = np.empty(n, np.int64)
    s = 12345
    for i in range(n):
        s = (s * 1664525 + 1013904223) & 0xFFFFFFFF
        vals[i] = (s >> 16) - 32768
    idx = np.arange(n)
    square = np.where((idx // 25) % 2 == 0, 4096, -4096)
    shift = (idx // (SR // 2)) % 12
    x = (vals + square) >> shift
    del state
    return (x.astype(np.float64) / 32768.0).astype(np.float32)


def save(name, arr):
    np.save(os.path.join(OUT, name), arr)
    return name


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []
    inputs = {}
    for name, x in synthetic().items():
        inputs[name] = save(f"input_{name}.npy", to_i16(x))

    def load(name):
        return (np.load(os.path.join(OUT, inputs[name])).astype(np.float32) / np.float32(32768.0)).astype(np.float32)

    # Default MFCC (n_mfcc=20) and the seed's n_mfcc=13 on every signal.
    for name in inputs:
        y = load(name)
        for n_mfcc in (20, 13):
            m = librosa.feature.mfcc(y=y, sr=SR, n_mfcc=n_mfcc)
            cases.append({"kind": "mfcc", "input": inputs[name], "params": {"n_mfcc": n_mfcc},
                          "output": save(f"mfcc{n_mfcc}_{name}.npy", m)})

    # Non-default parameters.
    variants = {
        "nfft1024": dict(n_fft=1024),
        "nfft4096": dict(n_fft=4096),
        "hop256": dict(hop_length=256),
        "mels40": dict(n_mels=40),
        "mels64": dict(n_mels=64),
        "fmax8000": dict(fmax=8000.0),
        "htk": dict(htk=True),
        "nocenter": dict(center=False),
        "win1024": dict(win_length=1024),
        "fmin300_htk_mels64": dict(fmin=300.0, htk=True, n_mels=64, fmax=8000.0),
        "melnorm_none": dict(mel_norm=None),
        "lifter22": dict(lifter=22),
        "nfft1024_hop256_mels40": dict(n_fft=1024, hop_length=256, n_mels=40, n_mfcc=13),
    }
    for name in ("chirp", "noise", "clicks"):
        y = load(name)
        for vname, kw in variants.items():
            kw = dict(kw)
            n_mfcc = kw.pop("n_mfcc", 20)
            params = {"n_mfcc": n_mfcc, **kw}
            if "mel_norm" in kw:
                # mfcc's own `norm` is the DCT's; the filterbank norm goes through S.
                S = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=SR, norm=kw.pop("mel_norm")))
                m = librosa.feature.mfcc(S=S, n_mfcc=n_mfcc)
            else:
                m = librosa.feature.mfcc(y=y, sr=SR, n_mfcc=n_mfcc, **kw)
            cases.append({"kind": "mfcc", "input": inputs[name], "params": params,
                          "output": save(f"mfcc_{vname}_{name}.npy", m)})

    # Mel spectrogram, power and dB.
    for name in ("chirp", "noise", "sine"):
        y = load(name)
        S = librosa.feature.melspectrogram(y=y, sr=SR)
        cases.append({"kind": "melspectrogram", "input": inputs[name], "params": {},
                      "output": save(f"mel_{name}.npy", S)})
        Sdb = librosa.power_to_db(S)
        cases.append({"kind": "melspectrogram_db", "input": inputs[name], "params": {},
                      "output": save(f"meldb_{name}.npy", Sdb)})
        S64 = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=SR, n_mels=64, fmax=8000.0, htk=True))
        cases.append({"kind": "melspectrogram_db", "input": inputs[name],
                      "params": {"n_mels": 64, "fmax": 8000.0, "htk": True},
                      "output": save(f"meldb_mels64_{name}.npy", S64)})

    # Filterbanks (small ones).
    for fname, kw in {"fb_nfft512_mels40": dict(n_fft=512, n_mels=40),
                      "fb_nfft1024_mels64_htk_fmax8000": dict(n_fft=1024, n_mels=64, htk=True, fmax=8000.0),
                      "fb_nfft512_mels40_nonorm": dict(n_fft=512, n_mels=40, norm=None)}.items():
        fb = librosa.filters.mel(sr=SR, dtype=np.float32, **kw)
        cases.append({"kind": "filterbank", "input": None, "params": kw, "output": save(f"{fname}.npy", fb)})

    # Deltas of the seed's MFCC.
    for name in ("chirp", "noise"):
        y = load(name)
        m = librosa.feature.mfcc(y=y, sr=SR, n_mfcc=13)
        for order in (1, 2):
            d = librosa.feature.delta(m, order=order)
            cases.append({"kind": "delta", "input": inputs[name], "params": {"n_mfcc": 13, "order": order, "width": 9},
                          "output": save(f"delta{order}_{name}.npy", d)})
        d5 = librosa.feature.delta(m, width=5, order=1)
        cases.append({"kind": "delta", "input": inputs[name], "params": {"n_mfcc": 13, "order": 1, "width": 5},
                      "output": save(f"delta1w5_{name}.npy", d5)})

    # The seed's GTZAN segments and mean vector on a long LCG signal.
    long_n = 33 * SR
    y_long = lcg_signal(long_n)
    seg_cases = {"long33s": long_n, "full30s": 30 * SR, "short20s": 20 * SR,
                 "boundary": 3 * 66150 + 66100, "tiny": 5000}
    for cname, n in seg_cases.items():
        y = y_long[:n]
        segs, windows = seed_segments(y)
        cases.append({"kind": "segments", "input": {"lcg": n}, "params": {}, "windows": windows,
                      "output": save(f"segments_{cname}.npy", segs)})
        mean = librosa.feature.mfcc(y=y, sr=SR, n_mfcc=13).mean(axis=1)
        cases.append({"kind": "mean_mfcc", "input": {"lcg": n}, "params": {},
                      "output": save(f"mean_mfcc_{cname}.npy", mean.astype(np.float32))})
    # Real music already at 22,050 Hz: a 4 s excerpt of the example track as
    # librosa.load returns it (float32 input, so only the features differ).
    music, _ = librosa.load(EXAMPLE, sr=SR)
    excerpt = music[5 * SR:9 * SR].astype(np.float32)
    inputs["music"] = save("input_music_f32.npy", excerpt)
    for n_mfcc in (20, 13):
        cases.append({"kind": "mfcc", "input": inputs["music"], "params": {"n_mfcc": n_mfcc},
                      "output": save(f"mfcc{n_mfcc}_music.npy", librosa.feature.mfcc(y=excerpt, sr=SR, n_mfcc=n_mfcc))})
    for vname, kw in {"nfft1024_hop256_mels40": dict(n_fft=1024, hop_length=256, n_mels=40),
                      "htk_fmax8000_mels64": dict(htk=True, fmax=8000.0, n_mels=64),
                      "nfft4096_nocenter": dict(n_fft=4096, center=False)}.items():
        cases.append({"kind": "mfcc", "input": inputs["music"], "params": {"n_mfcc": 13, **kw},
                      "output": save(f"mfcc_{vname}_music.npy", librosa.feature.mfcc(y=excerpt, sr=SR, n_mfcc=13, **kw))})
    cases.append({"kind": "melspectrogram_db", "input": inputs["music"], "params": {},
                  "output": save("meldb_music.npy", librosa.power_to_db(librosa.feature.melspectrogram(y=excerpt, sr=SR)))})
    for order in (1, 2):
        d = librosa.feature.delta(librosa.feature.mfcc(y=excerpt, sr=SR, n_mfcc=13), order=order)
        cases.append({"kind": "delta", "input": inputs["music"], "params": {"n_mfcc": 13, "order": order, "width": 9},
                      "output": save(f"delta{order}_music.npy", d)})

    # End to end: file -> librosa.load(sr=22050) -> mfcc(n_mfcc=13), per format,
    # plus the seed's segments and mean vector of the whole example track.
    for path in sorted(glob.glob(os.path.join("tests", "fixtures", "audio", "*"))) + [EXAMPLE]:
        name = os.path.basename(path)
        try:
            y, _ = librosa.load(path, sr=SR)
        except Exception as e:  # noqa: BLE001 - formats libsndfile cannot read
            cases.append({"kind": "e2e_skipped", "input": {"file": path}, "params": {}, "reason": repr(e)[:200],
                          "output": None})
            continue
        stem = name.replace(".", "_")
        cases.append({"kind": "e2e_mfcc", "input": {"file": path}, "params": {"n_mfcc": 13},
                      "output": save(f"e2e_mfcc13_{stem}.npy", librosa.feature.mfcc(y=y, sr=SR, n_mfcc=13))})
        if path == EXAMPLE:
            segs, windows = seed_segments(y)
            cases.append({"kind": "e2e_segments", "input": {"file": path}, "params": {}, "windows": windows,
                          "output": save(f"e2e_segments_{stem}.npy", segs)})
            mean = librosa.feature.mfcc(y=y, sr=SR, n_mfcc=13).mean(axis=1).astype(np.float32)
            cases.append({"kind": "e2e_mean_mfcc", "input": {"file": path}, "params": {},
                          "output": save(f"e2e_mean_mfcc_{stem}.npy", mean)})

    # A few LCG samples as a cross-check of the Rust generator.
    cases.append({"kind": "lcg_check", "input": {"lcg": 100}, "params": {},
                  "output": save("lcg_first100.npy", y_long[:100])})

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"librosa": librosa.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
                   "sr": SR, "cases": cases}, f, indent=1)
    print(f"{len(cases)} cases written to {OUT}")


def seed_segments(signal, num_mfcc=13, n_fft=2048, hop_length=512, num_segments=10):
    """The seed's preprocessing loop for one track (GTZAN, 30 s, 10 segments)."""
    samples_per_track = SR * 30
    samples_per_segment = int(samples_per_track / num_segments)
    num_mfcc_vectors_per_segment = int(np.ceil(samples_per_segment / hop_length))
    out, windows = [], []
    for d in range(num_segments):
        start = samples_per_segment * d
        finish = start + samples_per_segment
        seg = signal[start:finish]
        if len(seg) == 0:
            continue  # the seed would raise here; genre skips the window
        mfcc = librosa.feature.mfcc(y=seg, sr=SR, n_mfcc=num_mfcc, n_fft=n_fft, hop_length=hop_length).T
        if len(mfcc) == num_mfcc_vectors_per_segment:
            out.append(mfcc)
            windows.append(d)
    arr = np.array(out, dtype=np.float32).reshape(len(out), num_mfcc_vectors_per_segment, num_mfcc)
    return arr, windows


if __name__ == "__main__":
    main()
