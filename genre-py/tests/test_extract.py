"""genre.extract: parallel, labelled, error-tolerant, fork-safe; and thread safety."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import librosa
import numpy as np
import pytest

import genre

from conftest import AUDIO, at_once

SR = 22050


def write_wav(path: Path, y: np.ndarray, sr: int = SR) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = (np.clip(y, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes(pcm.tobytes())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """GTZAN-like layout: <genre>/<genre>.000NN.wav, 4–10 s each."""
    root = tmp_path_factory.mktemp("genres")
    rng = np.random.default_rng(1)
    files = []
    for g, name in enumerate(["blues", "jazz", "rock"]):
        for i in range(4):
            n = SR * (4 + 2 * i)
            t = np.arange(n) / SR
            y = 0.3 * np.sin(2 * np.pi * (110 * (g + 1) + 30 * i) * t) + 0.05 * rng.standard_normal(n)
            path = root / name / f"{name}.{i:05d}.wav"
            write_wav(path, y)
            files.append(path)
    return files


def test_extract_equals_per_file_segments(corpus: list[Path]) -> None:
    out = genre.extract(corpus)
    assert out.mapping == ["blues", "jazz", "rock"]
    assert out.files == [str(p) for p in corpus]
    assert out.errors == {}
    expected = [genre.segments(p) for p in corpus]
    np.testing.assert_array_equal(out.segments, np.concatenate(expected))
    counts = [len(e) for e in expected]
    assert counts == [1, 2, 2, 3] * 3
    np.testing.assert_array_equal(out.file_index, np.repeat(np.arange(len(corpus)), counts))
    np.testing.assert_array_equal(out.labels, np.repeat(np.arange(3), sum(counts[:4])))
    assert out.window.tolist()[:3] == [0, 0, 1]


def test_extract_matches_librosa_seed_loop(corpus: list[Path]) -> None:
    path = corpus[3]
    y, _ = librosa.load(path, sr=SR)
    per = SR * 3
    want = np.array(
        [
            librosa.feature.mfcc(y=y[d * per : (d + 1) * per], sr=SR, n_mfcc=13).T
            for d in range(10)
            if len(y[d * per : (d + 1) * per]) >= per - 511
        ]
    )
    got = genre.extract([path]).segments
    assert got.shape == want.shape
    assert np.max(np.abs(got - want)) <= 1e-3  # decode + resample + MFCC end to end (lossless: ≪ 1e-3)


def test_n_jobs_do_not_change_results(corpus: list[Path]) -> None:
    base = genre.extract(corpus).segments
    for n_jobs in (1, 2, -2):
        np.testing.assert_array_equal(genre.extract(corpus, n_jobs=n_jobs).segments, base)
    with pytest.raises(genre.ConfigError, match="n_jobs"):
        genre.extract(corpus, n_jobs=0)


def test_options_positional_in_the_issues_order(corpus: list[Path], tmp_path: Path) -> None:
    """``extract(paths, n_jobs, progress, on_error)`` as issue 5 writes it; ``labels``/``config`` are keyword-only."""
    bad = tmp_path / "blues" / "broken.wav"
    bad.parent.mkdir()
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" + bytes(50))
    out = genre.extract([corpus[0], bad], 1, False, "skip")
    assert set(out.errors) == {str(bad)}
    np.testing.assert_array_equal(out.segments, genre.segments(corpus[0]))
    with pytest.raises(TypeError):
        genre.extract(corpus[:1], 1, False, "skip", ["blues"])  # type: ignore[misc]


def test_threads_calling_extract_at_once(corpus: list[Path]) -> None:
    """Six threads extract different subsets at once (with every n_jobs kind): each equals its sequential run."""
    jobs = [(corpus[i::3], n_jobs) for i in range(3) for n_jobs in (None, 1)]
    want = [genre.extract(paths, n_jobs) for paths, n_jobs in jobs]
    got = at_once(len(jobs), lambda i: genre.extract(*jobs[i]))
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.segments, w.segments)
        np.testing.assert_array_equal(g.labels, w.labels)
        assert g.mapping == w.mapping and g.files == w.files


def test_explicit_labels_and_progress(corpus: list[Path], capsys: pytest.CaptureFixture[str]) -> None:
    out = genre.extract(corpus[:2], labels=["b", "a"], progress=True)
    assert out.mapping == ["a", "b"]
    assert out.labels.tolist() == [1, 0, 0]
    assert "2/2 files" in capsys.readouterr().err
    with pytest.raises(genre.ConfigError):
        genre.extract(corpus[:2], labels=["x"])


def test_on_error(corpus: list[Path], tmp_path: Path) -> None:
    bad = tmp_path / "rock" / "broken.wav"
    bad.parent.mkdir()
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk" + bytes(50))
    missing = tmp_path / "rock" / "missing.wav"
    paths = [corpus[0], bad, missing, corpus[1]]
    with pytest.raises((genre.DecodeError, genre.UnsupportedFormatError)):
        genre.extract(paths)
    out = genre.extract(paths, on_error="skip")
    assert set(out.errors) == {str(bad), str(missing)}
    assert isinstance(out.errors[str(missing)], FileNotFoundError)
    assert isinstance(out.errors[str(bad)], genre.GenreError)
    assert out.file_index.tolist() == [0, 3, 3]
    with pytest.raises(genre.ConfigError):
        genre.extract(paths, on_error="ignore")


def _child_extract(paths: list[str]) -> tuple[int, ...]:
    return tuple(genre.extract(paths).segments.shape)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_extract_in_forked_child(corpus: list[Path]) -> None:
    paths = [str(p) for p in corpus]
    parent = genre.extract(paths).segments.shape  # the parent's pool exists before the fork
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(2) as pool:
        results = [pool.apply_async(_child_extract, (paths,)) for _ in range(2)]
        assert [r.get(timeout=120) for r in results] == [parent, parent]


def _load_segments_mfcc(path: str) -> tuple[tuple[int, ...], ...]:
    y, _ = genre.load(path)
    return (
        y.shape,
        genre.load(str(AUDIO / "mp3_44100_stereo.mp3"))[0].shape,  # a short file
        genre.segments(path).shape,
        genre.feature.mfcc(y=y, n_mfcc=13).shape,
        genre.mean_mfcc(y).shape,
    )


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_load_segments_mfcc_in_forked_child(example_ogg: Path) -> None:
    # A 20 s Vorbis file is decoded on two threads, and its segments and
    # MFCCs (861 frames) are computed in parallel: after the parent has done
    # all of them, a forked child must not wait on worker threads that
    # fork() did not copy.
    path = str(example_ogg)
    parent = _load_segments_mfcc(path)
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        assert pool.apply_async(_load_segments_mfcc, (path,)).get(timeout=60) == parent


#: Every public call whose genre-core work may use rayon, at sizes that
#: split it over threads and sizes that do not, in a fresh process (see the
#: test below).
_EVERY_PARALLEL_CALL = """
import collections, json, os, sys
import numpy as np
def threads():
    return collections.Counter(open(f"/proc/self/task/{t}/comm").read().strip() for t in os.listdir("/proc/self/task"))
before = threads()  # the interpreter's and numpy's
import genre
ogg, wav, flac, wav44 = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
y, sr = genre.load(ogg)
genre.load(flac)
genre.load(flac, duration=0.5)
for small in ("mp3_44100_stereo.mp3", "ogg_vorbis_44100_stereo.ogg", "wav_pcm_u8_8000_mono.wav"):
    path = os.path.join(os.path.dirname(flac), small)  # whole files under 32 KB: a spinning hand-off
    genre.load(path)
    genre.load(open(path, "rb").read())
genre.load(wav)
genre.load(wav44)
genre.load(wav44, duration=2.0)  # a long PCM window: resampled on two threads
genre.load(wav44, offset=0.5)
genre.load(ogg, sr=None, mono=False)
genre.load(ogg, offset=1.0, duration=2.0)
genre.load(ogg, duration=0.1)
genre.segments(ogg)
genre.segments(y)
genre.mean_mfcc(ogg)
genre.mean_mfcc(y)
m = genre.feature.mfcc(y=y)
S = genre.feature.melspectrogram(y=y)
genre.feature.mfcc(y=y[:4096])
genre.feature.melspectrogram(y=y[:4096])
genre.power_to_db(S)
genre.feature.delta(S)
genre.feature.delta(m, order=2)
genre.extract([ogg, wav])
clf = genre.Classifier()
clf.predict(ogg)
clf.predict(y)
clf.predict_many([ogg, wav])
ref = {"x": np.arange(5000.0), "y": np.sin(np.arange(5000.0))}
genre.drift.report(ref, {"x": np.arange(5000.0) + 9, "y": np.cos(np.arange(5000.0))})
print(json.dumps(sorted((threads() - before).elements())))
"""


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux /proc")
def test_no_thread_outside_the_fork_safe_pool(example_ogg: Path, corpus: list[Path], tmp_path: Path) -> None:
    # Threads genre starts are its pool's, named genre-*: rayon's global pool
    # (unnamed threads) would hang a forked child, and it starts as soon as
    # anything asks it even for its size (rayon::current_num_threads()). This
    # catches such a call on any path, whether or not a fork follows.
    flac = AUDIO / "flac_16_48000_stereo.flac"
    wav44 = tmp_path / "tone_44100.wav"  # 3 s at 44.1 kHz: long enough to resample on two threads
    write_wav(wav44, 0.3 * np.sin(np.arange(3 * 44100) * 0.05), sr=44100)
    args = [sys.executable, "-c", _EVERY_PARALLEL_CALL, str(example_ogg), str(corpus[-1]), str(flac), str(wav44)]
    out = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    started = json.loads(out.stdout.strip().splitlines()[-1])
    assert started, "the calls should have started the pool"
    assert all(name.startswith("genre-") for name in started), started


def test_eight_threads_mfcc_equal_sequential() -> None:
    rng = np.random.default_rng(2)
    signals = [(0.1 * rng.standard_normal(SR * 5)).astype(np.float32) for _ in range(8)]
    sequential = [genre.feature.mfcc(y=y, n_mfcc=13) for y in signals]
    results = at_once(8, lambda i: [genre.feature.mfcc(y=signals[i], n_mfcc=13) for _ in range(5)])
    for got, want in zip(results, sequential):
        for g in got:
            np.testing.assert_array_equal(g, want)


def test_gil_is_released_during_native_work(corpus: list[Path]) -> None:
    """The main thread keeps running while one long native call works in another thread."""
    from genre import _genre

    paths = [str(p) for p in corpus] * 12
    worker = threading.Thread(target=_genre.extract, args=(paths, None, 1))
    start = time.perf_counter()
    worker.start()
    ticks = 0
    while worker.is_alive():
        time.sleep(0.001)  # needs the GIL back after each sleep
        ticks += 1
    elapsed = time.perf_counter() - start
    worker.join()
    assert elapsed > 0.1, "the workload is too small to tell"
    # Holding the GIL would block this loop for the whole call: only the ticks
    # before the worker enters the call (one switch interval, 5 ms) would
    # count. Released, a tick takes 1 ms, or a few on a busy machine.
    assert ticks >= 20, (ticks, elapsed)
