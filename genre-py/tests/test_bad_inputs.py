"""Hostile inputs raise documented exceptions — never a Rust panic (PanicException)."""

from __future__ import annotations

import errno

from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

import genre
from conftest import AUDIO

ALLOWED = (genre.GenreError, OSError)


def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Runs ``fn``: success or an allowed exception; anything else (a panic) fails."""
    try:
        fn(*args, **kwargs)
    except ALLOWED:
        pass
    except BaseException as e:  # PanicException derives from BaseException
        pytest.fail(f"{fn.__name__} raised {type(e).__module__}.{type(e).__name__}: {e}")


def corrupted(data: bytes, rng: np.random.Generator) -> list[bytes]:
    """Truncations and byte flips of a valid file."""
    out = [data[:n] for n in (0, 1, 4, 12, 44, 100, len(data) // 2, len(data) - 1)]
    for _ in range(6):
        b = bytearray(data)
        idx = rng.integers(0, len(b), size=max(1, len(b) // 50))
        b_arr = np.frombuffer(bytes(b), np.uint8).copy()
        b_arr[idx] = rng.integers(0, 256, size=len(idx), dtype=np.uint8)
        out.append(b_arr.tobytes())
    # Header kept, body replaced by noise.
    out.append(data[:64] + rng.integers(0, 256, size=4000, dtype=np.uint8).tobytes())
    return out


@pytest.mark.parametrize("fixture", sorted(p.name for p in AUDIO.iterdir()))
def test_corrupted_audio_never_panics(fixture: str) -> None:
    rng = np.random.default_rng(abs(hash(fixture)) % 2**32)
    data = (AUDIO / fixture).read_bytes()
    for bad in corrupted(data, rng):
        call(genre.load, bad)
        call(genre.load, bad, sr=None, mono=False, offset=0.1, duration=0.2)
        call(genre.info, bad)
        call(genre.segments, bad)


def test_random_bytes_never_panic() -> None:
    rng = np.random.default_rng(7)
    magic = [b"RIFF", b"fLaC", b"OggS", b"ID3", b"\xff\xfb", b".snd", b"FORM", b"\x00\x00\x00\x20ftyp"]
    for i in range(60):
        body = rng.integers(0, 256, size=int(rng.integers(0, 3000)), dtype=np.uint8).tobytes()
        data = magic[i % len(magic)] + body
        call(genre.load, data)
        call(genre.info, data)


def test_hostile_headers_are_bounded() -> None:
    """A tiny WAV claiming a huge data chunk / sample rate must not allocate it."""
    import struct

    def wav(rate: int, channels: int, bits: int, data_len: int, body: bytes) -> bytes:
        byte_rate = (rate * channels * bits // 8) & 0xFFFFFFFF
        fmt = struct.pack("<HHIIHH", 1, channels, rate, byte_rate, (channels * bits // 8) & 0xFFFF, bits)
        return (
            b"RIFF" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt
            + b"data" + struct.pack("<I", data_len) + body
        )

    for rate, channels, bits in [(0, 1, 16), (4_000_000_000, 1, 16), (22050, 0, 16), (22050, 65535, 16), (22050, 1, 0)]:
        call(genre.load, wav(rate, channels, bits, 0xFFFFFFF0, bytes(100)))
        call(genre.info, wav(rate, channels, bits, 0xFFFFFFF0, bytes(100)))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_fft": 1}, {"n_fft": 2**40}, {"hop_length": 2**40}, {"n_mels": 10**6}, {"n_mfcc": 10**6},
        {"fmin": -5.0}, {"fmin": 20000.0}, {"fmax": float("nan")}, {"sr": float("inf")}, {"sr": -1.0},
        {"win_length": 4096}, {"lifter": -1.0}, {"lifter": float("nan")},
    ],
    ids=lambda k: "-".join(f"{a}={b}" for a, b in k.items()),
)
def test_extreme_feature_parameters_never_panic(kwargs: dict[str, Any]) -> None:
    y = np.random.default_rng(0).standard_normal(5000).astype(np.float32)
    call(genre.feature.mfcc, y=y, **kwargs)
    call(genre.feature.melspectrogram, y=y, **{k: v for k, v in kwargs.items() if k not in ("n_mfcc", "lifter")})


def test_extreme_arrays_never_panic() -> None:
    for y in (np.zeros(1), np.zeros(2047), np.full(3000, 1e38), np.full(3000, -1e38), np.full(3000, 1e-45)):
        call(genre.feature.mfcc, y=y)
        call(genre.segments, y)
        call(genre.mean_mfcc, y)
    for S in (np.zeros(0), np.zeros((0, 5)), np.full((3, 3), np.nan), np.full(4, np.inf), np.float64(3.0)):
        call(genre.power_to_db, S)
    for data, width in ((np.zeros((2, 9)), 9), (np.zeros((0, 20)), 9), (np.zeros((3, 2000)), 1001), (np.zeros(30), 10**9)):
        call(genre.feature.delta, data, width=width)
        call(genre.feature.delta, data, order=10**9)


def test_extreme_segment_configs_never_panic() -> None:
    y = np.zeros(22050 * 4, np.float32)
    for kwargs in (
        {"track_seconds": 10**9}, {"num_segments": 10**9}, {"n_fft": 0}, {"hop_length": 0},
        {"n_mfcc": 0}, {"n_mfcc": 500}, {"sample_rate": 1}, {"num_segments": 1, "track_seconds": 1},
    ):
        try:
            config = genre.SegmentConfig(**kwargs)
        except ALLOWED:
            continue
        call(genre.segments, y, config=config)


def test_out_of_range_segment_config_fields_are_config_errors() -> None:
    for name in ("sample_rate", "track_seconds", "num_segments", "n_mfcc", "n_fft", "hop_length"):
        for value in (-1, 2**64):
            with pytest.raises(genre.ConfigError, match=f"invalid {name}: {value} is not an integer"):
                genre.SegmentConfig(**{name: value})
        with pytest.raises(TypeError, match=f"{name} must be an int, not float"):
            genre.SegmentConfig(**{name: 3.0})
    with pytest.raises(genre.ConfigError, match="sample_rate: 4294967296"):
        genre.SegmentConfig(sample_rate=2**32)  # a u32 field


def test_missing_and_unreadable_paths(tmp_path: Path) -> None:
    for fn in (genre.load, genre.info, genre.segments, genre.mean_mfcc):
        with pytest.raises(FileNotFoundError) as missing:
            fn(tmp_path / "missing.mp3")
        with pytest.raises(IsADirectoryError) as directory:
            fn(tmp_path)
        # errno and filename as Python's own open() sets them
        assert (missing.value.errno, missing.value.filename) == (errno.ENOENT, str(tmp_path / "missing.mp3"))
        assert (directory.value.errno, directory.value.filename) == (errno.EISDIR, str(tmp_path))
