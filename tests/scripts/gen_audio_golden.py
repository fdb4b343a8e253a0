"""Audio fixtures and librosa.load golden vectors for genre-core's audio tests.

Run from the repository root with the golden venv (librosa 0.11.0, soundfile,
soxr; see requirements-audio.txt) and ffmpeg on PATH (only for the M4A
fixtures, which have no librosa golden: libsndfile cannot read MP4):

    python tests/scripts/gen_audio_golden.py [path/to/traveling_minstrels.ogg] [--goldens-only]

Writes
  tests/fixtures/audio/*     short fixture files cut from a free-licensed
                             song (Battle for Wesnoth, GPL-2.0-or-later)
  tests/golden/audio/*.npy   librosa.load outputs (float32)
  tests/golden/audio/manifest.json
                             one case per (fixture, load options): the options,
                             the golden file, librosa's shape and sample rate
  examples/traveling_minstrels_20s.ogg
                             the bundled example clip
"""

import json
import pathlib
import subprocess
import sys

import librosa
import numpy as np
import soundfile as sf
import soxr

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "fixtures" / "audio"
GOLD = ROOT / "tests" / "golden" / "audio"
SONG = pathlib.Path(
    sys.argv[1]
    if len(sys.argv) > 1 and not sys.argv[1].startswith("--")
    else "/usr/share/games/wesnoth/1.16/data/core/music/traveling_minstrels.ogg"
)

# (file name, container, subtype, sample rate, channels, seconds)
FIXTURES = [
    ("wav_pcm16_22050_mono.wav", "WAV", "PCM_16", 22050, 1, 2.0),
    ("wav_pcm_u8_8000_mono.wav", "WAV", "PCM_U8", 8000, 1, 1.0),
    ("wav_pcm24_48000_stereo.wav", "WAV", "PCM_24", 48000, 2, 0.5),
    ("wav_pcm32_16000_mono.wav", "WAV", "PCM_32", 16000, 1, 1.0),
    ("wav_float32_44100_stereo.wav", "WAV", "FLOAT", 44100, 2, 0.5),
    ("wav_float64_22050_mono.wav", "WAV", "DOUBLE", 22050, 1, 0.5),
    ("wavex_pcm16_44100_stereo.wav", "WAVEX", "PCM_16", 44100, 2, 0.5),
    ("flac_16_48000_stereo.flac", "FLAC", "PCM_16", 48000, 2, 0.5),
    ("flac_24_44100_mono.flac", "FLAC", "PCM_24", 44100, 1, 0.6),
    ("aiff_16_44100_stereo.aiff", "AIFF", "PCM_16", 44100, 2, 0.5),
    ("au_pcm16_22050_mono.au", "AU", "PCM_16", 22050, 1, 1.0),
    ("au_ulaw_8000_mono.au", "AU", "ULAW", 8000, 1, 1.0),
    ("au_alaw_8000_mono.au", "AU", "ALAW", 8000, 1, 0.5),
    ("au_pcm24_16000_stereo.au", "AU", "PCM_24", 16000, 2, 0.6),
    ("au_float_44100_mono.au", "AU", "FLOAT", 44100, 1, 0.6),
    ("ogg_vorbis_44100_stereo.ogg", "OGG", "VORBIS", 44100, 2, 0.75),
    ("ogg_vorbis_22050_mono.ogg", "OGG", "VORBIS", 22050, 1, 1.0),
    ("mp3_44100_stereo.mp3", "MP3", "MPEG_LAYER_III", 44100, 2, 0.75),
    ("mp3_16000_mono.mp3", "MP3", "MPEG_LAYER_III", 16000, 1, 1.0),
    ("silence_16000_mono.wav", "WAV", "PCM_16", 16000, 1, 0.5),
]

MONO_CHECKS = {"wav_pcm24_48000_stereo.wav", "mp3_44100_stereo.mp3", "au_pcm24_16000_stereo.au"}

# librosa.load options per golden case; "name" is the file suffix.
CONFIGS = [
    {"name": "native", "sr": None, "mono": False, "offset": 0.0, "duration": None},
    {"name": "native_mono", "sr": None, "mono": True, "offset": 0.0, "duration": None},
    {"name": "default", "sr": 22050, "mono": True, "offset": 0.0, "duration": None},
    {"name": "cut16k", "sr": 16000, "mono": False, "offset": 0.25, "duration": 0.4},
]


def source_excerpt(seconds_max: float) -> tuple[np.ndarray, int]:
    """A stereo excerpt of the song at its native rate (44.1 kHz), float64."""
    y, sr = sf.read(SONG, dtype="float64", always_2d=True, start=44100 * 30,
                    frames=int(44100 * seconds_max))
    return y, sr


def make_fixtures() -> None:
    FIX.mkdir(parents=True, exist_ok=True)
    song, song_sr = source_excerpt(3.0)
    for name, container, subtype, sr, channels, seconds in FIXTURES:
        y = song[: int(song_sr * seconds)]
        y = soxr.resample(y, song_sr, sr, quality="VHQ") if sr != song_sr else y
        y = y.mean(axis=1, keepdims=True) if channels == 1 else y
        if name.startswith("silence"):
            y = np.zeros_like(y)
        y = np.clip(y * 0.9, -1.0, 1.0)
        sf.write(FIX / name, y, sr, format=container, subtype=subtype)
    # MP4 fixtures (decode-only checks; libsndfile cannot read MP4).
    src = FIX / "wav_pcm16_22050_mono.wav"
    for name, codec in [("m4a_aac_22050_mono.m4a", ["-c:a", "aac", "-b:a", "64k"]),
                        ("m4a_alac_22050_mono.m4a", ["-c:a", "alac"])]:
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(src), *codec,
                        "-map_metadata", "-1", str(FIX / name)], check=True)


def make_example() -> None:
    out = ROOT / "examples" / "traveling_minstrels_20s.ogg"
    y, sr = sf.read(SONG, dtype="float32", start=44100 * 30, frames=44100 * 20)
    sf.write(out, y, sr, format="OGG", subtype="VORBIS")


def make_goldens() -> None:
    GOLD.mkdir(parents=True, exist_ok=True)
    for old in GOLD.glob("*.npy"):
        old.unlink()
    cases = []
    for name, container, subtype, sr, channels, _ in FIXTURES:
        for cfg in CONFIGS:
            if cfg["name"] == "native_mono" and name not in MONO_CHECKS:
                continue  # the downmix is checked on a few stereo files
            if cfg["name"] == "default" and sr == 22050 and channels == 1:
                continue  # same as "native"
            y, out_sr = librosa.load(FIX / name, sr=cfg["sr"], mono=cfg["mono"],
                                     offset=cfg["offset"], duration=cfg["duration"])
            assert y.dtype == np.float32
            stem = f"{pathlib.Path(name).stem}__{cfg['name']}"
            np.save(GOLD / f"{stem}.npy", np.ascontiguousarray(y))  # C order: (channels, n)
            lossy = container in ("OGG", "MP3")
            cases.append({
                "fixture": name,
                "golden": f"{stem}.npy",
                "sr": cfg["sr"], "mono": cfg["mono"],
                "offset": cfg["offset"], "duration": cfg["duration"],
                "sample_rate": int(out_sr),
                "shape": list(y.shape),
                "native_rate": sr, "channels": channels,
                "codec": subtype, "lossy": lossy,
                "resampled": cfg["sr"] is not None and cfg["sr"] != sr,
            })
    versions = {"librosa": librosa.__version__, "soundfile": sf.__version__,
                "libsndfile": sf.__libsndfile_version__, "soxr": soxr.__version__,
                "numpy": np.__version__}
    (GOLD / "manifest.json").write_text(json.dumps({"versions": versions, "cases": cases},
                                                   indent=1) + "\n")
    print(f"{len(cases)} cases", versions)


if __name__ == "__main__":
    if "--goldens-only" not in sys.argv:
        make_fixtures()
        make_example()
    make_goldens()
