"""genre.feature.* / genre.power_to_db / segments / mean_mfcc against librosa 0.11.0, live."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import librosa
import numpy as np
import pytest
import soundfile as sf

import genre
from conftest import AUDIO

SR = 22050
TOL = 1e-4  # the features issue: max |Δ| on MFCC / dB values
REL = 2.4e-7  # plus ~2 float32 ulps of the value (large dB values near -top_db)


def assert_close(got: np.ndarray, want: np.ndarray, tol: float = TOL) -> None:
    assert got.dtype == np.float32
    assert got.shape == want.shape
    err = np.abs(got.astype(np.float64) - want.astype(np.float64))
    limit = tol + REL * np.abs(want.astype(np.float64))
    assert np.all(err <= limit), f"max |Δ| = {err.max():.3e}"


def signals() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(5)
    t = np.arange(SR * 4) / SR
    clicks = np.zeros(SR * 2, np.float32)
    clicks[:: SR // 7] = 1.0
    return {
        "sine": (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32),
        "chirp": (0.3 * np.sin(2 * np.pi * (100 + 2000 * t / 4) * t)).astype(np.float32),
        "noise": (0.1 * rng.standard_normal(SR * 3)).astype(np.float32),
        "clicks": clicks,
        "silence": np.zeros(SR, np.float32),
        "short": (0.2 * rng.standard_normal(1000)).astype(np.float32),
    }


SIGNALS = signals()

PARAMS: list[dict[str, Any]] = [
    {},
    {"n_mfcc": 13},
    {"n_fft": 1024, "hop_length": 256},
    {"n_fft": 4096, "n_mels": 40},
    {"n_mels": 64, "fmax": 8000},
    {"htk": True, "n_mels": 40},
    {"center": False},
    {"lifter": 22, "n_mfcc": 13},
]


@pytest.mark.parametrize("name", list(SIGNALS))
@pytest.mark.parametrize("params", PARAMS, ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()) or "default")
@pytest.mark.filterwarnings("ignore:n_fft=.* is too large")
def test_mfcc_matches_librosa(name: str, params: dict[str, Any]) -> None:
    y = SIGNALS[name]
    try:
        want = librosa.feature.mfcc(y=y, sr=SR, **params)
    except librosa.ParameterError:
        with pytest.raises(genre.ConfigError):
            genre.feature.mfcc(y=y, sr=SR, **params)
        return
    assert_close(genre.feature.mfcc(y=y, sr=SR, **params), want, TOL * (1 + params.get("lifter", 0) / 2))


@pytest.mark.parametrize("name", ["chirp", "noise", "silence"])
@pytest.mark.parametrize("params", [{}, {"n_mels": 64, "fmax": 8000}, {"htk": True, "norm": None}, {"center": False}])
def test_melspectrogram_matches_librosa(name: str, params: dict[str, Any]) -> None:
    y = SIGNALS[name]
    want = librosa.feature.melspectrogram(y=y, sr=SR, **params)
    got = genre.feature.melspectrogram(y=y, sr=SR, **params)
    assert got.shape == want.shape and got.dtype == np.float32
    # Power within float32 rounding; in dB within the issue's 1e-4.
    assert_close(genre.power_to_db(got), librosa.power_to_db(want))


def test_real_music_mfcc(example_ogg: Path) -> None:
    y, _ = librosa.load(example_ogg)
    assert_close(genre.feature.mfcc(y=y, sr=SR, n_mfcc=13), librosa.feature.mfcc(y=y, sr=SR, n_mfcc=13))


@pytest.fixture(scope="module")
def example_mp3(example_ogg: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example music as a stereo 44.1 kHz MP3 (LAME through libsndfile): genre's own decoder."""
    y, sr = sf.read(example_ogg, dtype="float64", always_2d=True)
    path = tmp_path_factory.mktemp("mp3") / "example.mp3"
    sf.write(path, np.clip(y * 0.9, -1, 1), sr, format="MP3", subtype="MPEG_LAYER_III")
    return path


@pytest.mark.parametrize("kind", ["ogg", "mp3"])
def test_file_to_mfcc_end_to_end(kind: str, example_ogg: Path, example_mp3: Path) -> None:
    """Decode + resample + MFCC of real music: the features issue's end-to-end target (≤ 1e-3 for lossy input).

    Measured: max 1.3e-4 / mean 1.2e-5 (Vorbis), max 1.4e-4 / mean 1.9e-5 (MP3: genre's decoder
    against libsndfile's mpg123)."""
    path = example_ogg if kind == "ogg" else example_mp3
    want = librosa.feature.mfcc(y=librosa.load(path)[0], sr=SR, n_mfcc=13)
    got = genre.feature.mfcc(y=genre.load(path)[0], sr=SR, n_mfcc=13)
    assert got.shape == want.shape
    assert np.max(np.abs(got - want)) <= 1e-3
    assert np.mean(np.abs(got - want)) <= 1e-4


def test_mel_norm_like_librosa() -> None:
    """``mfcc(mel_norm=...)`` (librosa 0.11) reaches the mel filterbank; a numeric norm is refused."""
    y = SIGNALS["chirp"]
    for mel_norm in ("slaney", None):
        assert_close(
            genre.feature.mfcc(y=y, sr=SR, n_mfcc=13, mel_norm=mel_norm),
            librosa.feature.mfcc(y=y, sr=SR, n_mfcc=13, mel_norm=mel_norm),
        )
    for bad in (2.0, "l2"):
        with pytest.raises(genre.ConfigError, match="invalid mel_norm"):
            genre.feature.mfcc(y=y, mel_norm=bad)
    with pytest.raises(genre.ConfigError, match="invalid norm"):
        genre.feature.melspectrogram(y=y, norm=1)


@pytest.mark.parametrize("width,order", [(9, 1), (9, 2), (3, 1), (5, 2)])
def test_delta_matches_librosa(width: int, order: int) -> None:
    m = librosa.feature.mfcc(y=SIGNALS["chirp"], sr=SR, n_mfcc=13)
    assert_close(genre.feature.delta(m, width=width, order=order), librosa.feature.delta(m, width=width, order=order))


def test_delta_along_other_axis_and_1d() -> None:
    m = librosa.feature.mfcc(y=SIGNALS["noise"], sr=SR, n_mfcc=13)
    assert_close(genre.feature.delta(m.T, axis=0), librosa.feature.delta(m.T, axis=0))
    assert_close(genre.feature.delta(m[0]), librosa.feature.delta(m[0]))


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"ref": np.max}, {"top_db": None}, {"amin": 1e-5, "top_db": 40.0}, {"ref": 3.5}],
    ids=["default", "ref=max", "no-top-db", "amin-topdb", "ref=3.5"],
)
def test_power_to_db_matches_librosa(kwargs: dict[str, Any]) -> None:
    S = librosa.feature.melspectrogram(y=SIGNALS["chirp"], sr=SR)
    assert_close(genre.power_to_db(S, **kwargs), librosa.power_to_db(S, **kwargs))


def test_any_array_like_is_accepted() -> None:
    y = SIGNALS["noise"]
    want = genre.feature.mfcc(y=y)
    # float64, a strided view, a list: converted, not rejected.
    np.testing.assert_array_equal(genre.feature.mfcc(y=y.astype(np.float64)), want)
    doubled = np.repeat(y, 2)[::2]
    assert not doubled.flags.c_contiguous
    np.testing.assert_array_equal(genre.feature.mfcc(y=doubled), want)
    np.testing.assert_array_equal(genre.feature.mfcc(y=y[:3000].tolist()), genre.feature.mfcc(y=y[:3000]))
    S = librosa.feature.melspectrogram(y=y)
    np.testing.assert_array_equal(genre.power_to_db(np.asfortranarray(S)), genre.power_to_db(S))


def test_multichannel_like_librosa() -> None:
    y = np.stack([SIGNALS["noise"][:SR], SIGNALS["chirp"][:SR]])
    want = librosa.feature.mfcc(y=y, sr=SR)
    assert_close(genre.feature.mfcc(y=y, sr=SR), want)


def seed_segments(y: np.ndarray) -> np.ndarray:
    """The seed's preprocessing loop (10 × 3 s of the first 30 s, mfcc.T per window)."""
    per = SR * 30 // 10
    frames = int(np.ceil(per / 512))
    out = []
    for d in range(10):
        w = y[d * per : d * per + per]
        if len(w) == 0:
            continue
        m = librosa.feature.mfcc(y=w, sr=SR, n_mfcc=13, n_fft=2048, hop_length=512).T
        if len(m) == frames:
            out.append(m)
    return np.array(out, dtype=np.float32).reshape(-1, frames, 13)


def test_segments_match_the_seed(example_ogg: Path) -> None:
    y, _ = librosa.load(example_ogg)
    want = seed_segments(y)
    got = genre.segments(y, sr=SR)
    assert got.shape == want.shape == (6, 130, 13)
    assert_close(got, want)
    assert_close(genre.mean_mfcc(y), librosa.feature.mfcc(y=y, sr=SR, n_mfcc=13).mean(axis=1))


def test_segments_from_path_bytes_and_signal_agree(example_ogg: Path) -> None:
    y, _ = genre.load(example_ogg)
    by_signal = genre.segments(y)
    np.testing.assert_array_equal(genre.segments(example_ogg), by_signal)
    np.testing.assert_array_equal(genre.segments(example_ogg.read_bytes()), by_signal)
    np.testing.assert_array_equal(genre.mean_mfcc(str(example_ogg)), genre.mean_mfcc(y))


def test_segment_config() -> None:
    c = genre.SegmentConfig()
    assert (c.sample_rate, c.track_seconds, c.num_segments, c.n_mfcc) == (22050, 30, 10, 13)
    assert (c.samples_per_segment, c.frames_per_segment) == (66150, 130)
    assert c == genre.SegmentConfig(num_segments=10)
    five = genre.SegmentConfig(num_segments=5, n_mfcc=20)
    y = SIGNALS["noise"]
    assert genre.segments(np.tile(y, 10), config=five).shape == (5, 259, 20)
    with pytest.raises(genre.ConfigError, match="num_segments"):
        genre.SegmentConfig(num_segments=0)
    with pytest.raises(genre.ConfigError, match="sr"):
        genre.segments(y, sr=44100)


BAD_MFCC: list[dict[str, Any]] = [
    {"n_fft": 0},
    {"hop_length": 0},
    {"n_mels": 0},
    {"n_mfcc": 200},
    {"fmax": 20000.0},
    {"sr": 0},
    {"window": "hamming"},
    {"dct_type": 3},
    {"norm": None},
    {"pad_mode": "reflect"},
    {"S": np.zeros((128, 10))},
]


@pytest.mark.parametrize("kwargs", BAD_MFCC, ids=lambda k: next(iter(k)))
def test_bad_mfcc_options_raise_config_error(kwargs: dict[str, Any]) -> None:
    with pytest.raises(genre.ConfigError):
        genre.feature.mfcc(**{"y": SIGNALS["noise"], **kwargs})


@pytest.mark.parametrize(
    "y",
    [np.zeros(0, np.float32), np.array([0.0, np.nan, 0.0] * 1000), np.array([np.inf] * 5000), np.zeros((2, 0))],
    ids=["empty", "nan", "inf", "empty-2d"],
)
def test_bad_signals_raise_config_error(y: np.ndarray) -> None:
    with pytest.raises(genre.ConfigError):
        genre.feature.mfcc(y=y)
    with pytest.raises(genre.ConfigError):
        genre.feature.melspectrogram(y=y)


def test_other_bad_inputs() -> None:
    with pytest.raises(genre.ConfigError):
        genre.feature.mfcc(y=np.zeros(100, np.complex64))
    with pytest.raises(genre.ConfigError):
        genre.feature.mfcc(y=5.0)
    with pytest.raises(genre.ConfigError):
        genre.feature.delta(np.zeros((3, 4)), width=9)
    with pytest.raises(genre.ConfigError):
        genre.feature.delta(np.zeros((3, 40)), width=4)
    with pytest.raises(genre.ConfigError):
        genre.power_to_db(np.ones(4), amin=0.0)
    with pytest.raises(genre.ConfigError):
        genre.power_to_db(np.ones(4), top_db=-1.0)
    with pytest.raises(genre.ConfigError):
        genre.segments(np.zeros((2, 100)))
    with pytest.raises(genre.ConfigError):
        genre.mean_mfcc(np.array([np.nan] * 3000))
