"""genre.load / genre.info / genre.get_duration against librosa 0.11.0, live."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import librosa
import numpy as np
import pytest

import genre
from conftest import AUDIO, audio_manifest

CASES = audio_manifest()


def tolerance(case: dict) -> float:
    """The audio issue's limits: lossy 1e-3, lossless resampled 1e-4, lossless 1e-6."""
    if case["lossy"]:
        return 1e-3
    return 1e-4 if case["resampled"] else 1e-6


def case_id(case: dict) -> str:
    return case["golden"].removesuffix(".npy")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_load_matches_librosa(case: dict) -> None:
    path = AUDIO / case["fixture"]
    opts = dict(sr=case["sr"], mono=case["mono"], offset=case["offset"], duration=case["duration"])
    want, want_sr = librosa.load(path, **opts)
    got, got_sr = genre.load(path, **opts)
    assert got_sr == want_sr
    assert got.dtype == np.float32
    assert got.shape == want.shape
    assert np.max(np.abs(got - want), initial=0.0) <= tolerance(case)


def test_real_music_matches_librosa(example_ogg: Path) -> None:
    want, _ = librosa.load(example_ogg)
    got, sr = genre.load(example_ogg)
    assert sr == 22050 and got.shape == want.shape
    assert np.max(np.abs(got - want)) <= 1e-3


def test_path_bytes_and_filelike_agree() -> None:
    path = AUDIO / "flac_16_48000_stereo.flac"
    by_path, _ = genre.load(path)
    by_str, _ = genre.load(str(path))
    by_bytes, _ = genre.load(path.read_bytes())
    by_bytearray, _ = genre.load(bytearray(path.read_bytes()))
    with open(path, "rb") as f:
        by_file, _ = genre.load(f)
    by_buffer, _ = genre.load(io.BytesIO(path.read_bytes()))
    for other in (by_str, by_bytes, by_bytearray, by_file, by_buffer):
        np.testing.assert_array_equal(by_path, other)


def test_dtype_argument() -> None:
    y, _ = genre.load(AUDIO / "wav_pcm16_22050_mono.wav", dtype=np.float64)
    assert y.dtype == np.float64


@pytest.mark.parametrize("name", ["wav_pcm24_48000_stereo.wav", "mp3_44100_stereo.mp3", "au_ulaw_8000_mono.au"])
def test_info_and_duration_match_soundfile(name: str) -> None:
    import soundfile as sf

    path = AUDIO / name
    want = sf.info(path)
    got = genre.info(path)
    assert (got.sample_rate, got.channels) == (want.samplerate, want.channels)
    assert isinstance(got.format, str) and isinstance(got.codec, str)
    assert abs(got.duration - got.frames / got.sample_rate) < 1e-12
    if name.endswith(".wav") or name.endswith(".au"):
        assert got.frames == want.frames
        assert genre.get_duration(path=path) == pytest.approx(librosa.get_duration(path=path), abs=1e-9)
    assert "AudioInfo(" in repr(got)


def test_get_duration_of_signal_and_spectrogram() -> None:
    y = np.zeros(22050 * 3 + 17, np.float32)
    assert genre.get_duration(y=y, sr=22050) == librosa.get_duration(y=y, sr=22050)
    S = np.zeros((128, 130))
    for center in (True, False):
        assert genre.get_duration(S=S, center=center) == librosa.get_duration(S=S, center=center)


def test_mono_file_with_mono_false_is_one_dimensional() -> None:
    y, _ = genre.load(AUDIO / "wav_pcm16_22050_mono.wav", mono=False)
    assert y.ndim == 1


def wav_bytes(frames: int = 800, rate: int = 8000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(2 * frames))
    return buf.getvalue()


def test_errors_are_typed(tmp_path: Path) -> None:
    missing = tmp_path / "nope.wav"
    with pytest.raises(FileNotFoundError) as e:
        genre.load(missing)
    assert e.value.filename == str(missing)
    with pytest.raises(FileNotFoundError):
        genre.info(missing)
    with pytest.raises(IsADirectoryError):
        genre.load(tmp_path)
    with pytest.raises(genre.UnsupportedFormatError, match="<bytes>"):
        genre.load(b"this is not audio at all, just text" * 10)
    named = io.BytesIO(b"GIF89a" + bytes(100))
    named.name = "upload.gif"
    with pytest.raises(genre.UnsupportedFormatError, match="upload.gif"):
        genre.load(named)
    with pytest.raises(genre.GenreError):
        genre.load(b"")
    with pytest.raises(ValueError):  # DecodeError / UnsupportedFormatError are ValueErrors
        genre.load(wav_bytes()[:30])
    with pytest.raises(genre.DecodeError):
        genre.load(wav_bytes(0))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sr": 0},
        {"sr": -8000},
        {"sr": 22050.5},
        {"offset": -1.0},
        {"offset": float("nan")},
        {"duration": 0.0},
        {"duration": -2.0},
        {"res_type": "kaiser_best"},
        {"max_duration": 0.0},
    ],
)
def test_bad_options_raise_config_error(kwargs: dict) -> None:
    with pytest.raises(genre.ConfigError):
        genre.load(wav_bytes(), **kwargs)


def test_bad_source_types() -> None:
    with pytest.raises(TypeError):
        genre.load(12345)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="binary mode"):
        genre.load(io.StringIO("text"))


def test_max_duration_bounds_memory() -> None:
    with pytest.raises(genre.DecodeError, match="max_duration"):
        genre.load(wav_bytes(8000), sr=None, max_duration=0.5)


def test_offset_past_end_is_an_error() -> None:
    with pytest.raises(genre.DecodeError):
        genre.load(wav_bytes(800), offset=5.0)
