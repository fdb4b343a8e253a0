"""A deterministic, labelled, synthetic corpus for the ten GTZAN genres.

GTZAN itself cannot be downloaded here, so tests and genre's default model use
music synthesised with numpy. Each genre has its own tempo range, drum pattern,
instruments (harmonic spectra and envelopes), harmony, noise floor and
distortion; every track draws its own key, tempo, mix levels, melody and noise
from a seed derived from ``(seed, genre, index)``, so the corpus is identical
on every machine and every run, yet not trivially separable.

This is *not* real music: a model trained on it learns these synthetic
cues only. It is good for tests, demos and a smoke-level default model;
train on your own data for real use (see ``python-examples/README.md``).

>>> clip = render_track("jazz", 0, seed=0, seconds=1.0)
>>> clip.dtype, clip.shape, bool(abs(clip).max() <= 1.0)
(dtype('float32'), (22050,), True)
"""

from __future__ import annotations

import hashlib
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SR = 22050
GENRES = (
    "blues",
    "classical",
    "country",
    "disco",
    "hiphop",
    "jazz",
    "metal",
    "pop",
    "reggae",
    "rock",
)

# Chord qualities as semitone offsets from the chord root.
MAJ = (0, 4, 7)
MIN = (0, 3, 7)
DOM7 = (0, 4, 7, 10)
MIN7 = (0, 3, 7, 10)
MAJ7 = (0, 4, 7, 11)
POWER = (0, 7, 12)


@dataclass(frozen=True)
class Instrument:
    """An additive-synthesis voice: harmonic amplitudes and an envelope."""

    harmonics: tuple[float, ...]
    attack: float  # seconds
    decay: float  # exponential decay time constant, seconds
    vibrato: float = 0.0  # depth in semitones
    inharmonic: float = 0.0  # stretch of upper partials (piano/banjo-like)


@dataclass(frozen=True)
class Style:
    """What makes a genre: the knobs the renderer turns."""

    tempo: tuple[float, float]
    swing: float  # 0 = straight eighths, 1/3 = triplet shuffle
    kick: tuple[float, ...]  # onsets in beats within one bar of 4
    snare: tuple[float, ...]
    hat: tuple[float, ...]
    hat_decay: float
    progression: tuple[tuple[int, tuple[int, ...]], ...]  # (degree, quality) per bar
    chord_inst: Instrument
    chord_rhythm: tuple[float, ...]  # onsets in beats; each chord note lasts chord_len beats
    chord_len: float
    chord_octave: int
    bass_inst: Instrument
    bass_rhythm: tuple[float, ...]
    bass_walk: bool
    lead_inst: Instrument | None
    lead_density: float  # notes per beat
    scale: tuple[int, ...]
    distortion: float  # tanh drive; 0 = clean
    noise: float  # broadband noise floor level
    kick_weight: float
    snare_weight: float
    hat_weight: float
    crash_every: int  # bars; 0 = never
    lowpass: float  # one-pole low-pass coefficient on the music bus (0 = none)


STRING = Instrument((1.0, 0.6, 0.45, 0.3, 0.22, 0.15, 0.1, 0.07), 0.25, 2.5, vibrato=0.12)
PIANO = Instrument((1.0, 0.45, 0.25, 0.12, 0.06, 0.03), 0.004, 0.7, inharmonic=0.0008)
ELEC_GUITAR = Instrument((1.0, 0.7, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1), 0.005, 0.6)
BANJO = Instrument((0.7, 1.0, 0.8, 0.6, 0.5, 0.35, 0.25, 0.18, 0.12), 0.002, 0.18, inharmonic=0.002)
SYNTH_STAB = Instrument((1.0, 0.5, 0.33, 0.25, 0.2, 0.17, 0.14, 0.12), 0.003, 0.15)
PAD = Instrument((1.0, 0.3, 0.1), 0.4, 3.0, vibrato=0.05)
ORGAN_SKANK = Instrument((1.0, 0.0, 0.6, 0.0, 0.4, 0.0, 0.25), 0.002, 0.08)
SAW_LEAD = Instrument((1.0, 0.5, 0.33, 0.25, 0.2, 0.16), 0.01, 0.5, vibrato=0.08)
FLUTE = Instrument((1.0, 0.2, 0.08), 0.06, 1.2, vibrato=0.15)
SAX = Instrument((1.0, 0.8, 0.6, 0.45, 0.3, 0.2), 0.03, 0.5, vibrato=0.2)
HARMONICA = Instrument((1.0, 0.9, 0.5, 0.4, 0.2), 0.02, 0.6, vibrato=0.3)
BASS = Instrument((1.0, 0.35, 0.12), 0.005, 0.5)
SUB808 = Instrument((1.0, 0.08), 0.003, 0.9)
UPRIGHT = Instrument((1.0, 0.5, 0.2, 0.08), 0.004, 0.35)

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)
BLUES = (0, 3, 5, 6, 7, 10)
PENTA = (0, 2, 4, 7, 9)
DORIAN = (0, 2, 3, 5, 7, 9, 10)

EIGHTHS = tuple(i * 0.5 for i in range(8))
SIXTEENTHS = tuple(i * 0.25 for i in range(16))
QUARTERS = (0.0, 1.0, 2.0, 3.0)

STYLES: dict[str, Style] = {
    "blues": Style(
        (68, 92), 1 / 3, (0.0, 2.0), (1.0, 3.0), EIGHTHS, 0.05,
        ((0, DOM7), (5, DOM7), (0, DOM7), (0, DOM7), (5, DOM7), (5, DOM7),
         (0, DOM7), (0, DOM7), (7, DOM7), (5, DOM7), (0, DOM7), (7, DOM7)),
        ELEC_GUITAR, (0.0, 1.0, 2.0, 3.0), 0.9, 0, BASS, QUARTERS, True,
        HARMONICA, 0.8, BLUES, 0.6, 0.004, 0.7, 0.5, 0.3, 0, 0.0,
    ),
    "classical": Style(
        (56, 84), 0.0, (), (), (), 0.05,
        ((0, MAJ), (5, MAJ), (7, MAJ), (0, MAJ), (9, MIN), (5, MAJ), (7, DOM7), (0, MAJ)),
        STRING, (0.0, 2.0), 2.2, 0, STRING, (0.0,), False,
        FLUTE, 1.0, MAJOR, 0.0, 0.001, 0.0, 0.0, 0.0, 0, 0.0,
    ),
    "country": Style(
        (100, 132), 0.0, (0.0, 2.0), (1.0, 3.0), EIGHTHS, 0.03,
        ((0, MAJ), (0, MAJ), (5, MAJ), (5, MAJ), (7, MAJ), (7, MAJ), (0, MAJ), (0, MAJ)),
        BANJO, EIGHTHS, 0.4, 1, BASS, (0.0, 2.0), False,
        None, 0.0, MAJOR, 0.0, 0.003, 0.6, 0.35, 0.25, 0, 0.0,
    ),
    "disco": Style(
        (114, 128), 0.0, QUARTERS, (1.0, 3.0), (0.5, 1.5, 2.5, 3.5), 0.18,
        ((9, MIN7), (2, MIN7), (7, DOM7), (0, MAJ7)),
        SYNTH_STAB, (0.5, 1.5, 2.5, 3.5), 0.25, 1, BASS, EIGHTHS, False,
        SAW_LEAD, 1.0, MINOR, 0.0, 0.003, 1.0, 0.6, 0.6, 0, 0.0,
    ),
    "hiphop": Style(
        (78, 98), 0.12, (0.0, 0.75, 2.5), (1.0, 3.0), EIGHTHS, 0.04,
        ((0, MIN7), (0, MIN7), (8, MAJ7), (7, MIN7)),
        PAD, (0.0,), 4.0, -1, SUB808, (0.0, 0.75, 2.5), False,
        None, 0.0, MINOR, 0.0, 0.012, 1.2, 0.9, 0.25, 0, 0.6,
    ),
    "jazz": Style(
        (112, 176), 1 / 3, (0.0,), (), (0.0, 1.0, 1.5, 2.0, 3.0, 3.5), 0.35,
        ((2, MIN7), (7, DOM7), (0, MAJ7), (0, MAJ7), (5, MIN7), (10, DOM7), (3, MAJ7), (9, DOM7)),
        PIANO, (0.5, 2.5), 0.8, 0, UPRIGHT, QUARTERS, True,
        SAX, 1.6, DORIAN, 0.0, 0.004, 0.2, 0.0, 0.5, 0, 0.0,
    ),
    "metal": Style(
        (140, 190), 0.0, SIXTEENTHS, (1.0, 3.0), QUARTERS, 0.1,
        ((0, POWER), (0, POWER), (3, POWER), (5, POWER), (0, POWER), (0, POWER), (8, POWER), (7, POWER)),
        ELEC_GUITAR, SIXTEENTHS, 0.25, -1, BASS, SIXTEENTHS, False,
        None, 0.0, MINOR, 6.0, 0.01, 0.8, 0.8, 0.3, 2, 0.0,
    ),
    "pop": Style(
        (98, 124), 0.0, (0.0, 2.0), (1.0, 3.0), EIGHTHS, 0.04,
        ((0, MAJ), (7, MAJ), (9, MIN), (5, MAJ)),
        PIANO, QUARTERS, 1.0, 0, BASS, (0.0, 1.5, 2.0, 3.5), False,
        SAW_LEAD, 1.0, PENTA, 0.0, 0.002, 0.9, 0.6, 0.3, 0, 0.0,
    ),
    "reggae": Style(
        (66, 88), 0.0, (2.0,), (2.0,), EIGHTHS, 0.03,
        ((0, MIN), (5, MIN), (0, MIN), (7, MIN)),
        ORGAN_SKANK, (1.0, 3.0, 1.5, 3.5), 0.3, 1, SUB808, (0.0, 0.75, 1.5, 2.5), False,
        None, 0.0, MINOR, 0.0, 0.003, 1.0, 0.7, 0.2, 0, 0.3,
    ),
    "rock": Style(
        (108, 150), 0.0, (0.0, 2.0, 2.5), (1.0, 3.0), EIGHTHS, 0.06,
        ((0, POWER), (5, POWER), (7, POWER), (5, POWER)),
        ELEC_GUITAR, EIGHTHS, 0.5, 0, BASS, EIGHTHS, False,
        None, 0.0, MAJOR, 2.0, 0.006, 0.9, 0.8, 0.35, 4, 0.0,
    ),
}


# Per-track instrument choice for the chords: genres share some voices, so
# timbre alone does not give a track away.
CHORD_PALETTE: dict[str, tuple[Instrument, ...]] = {
    "blues": (ELEC_GUITAR, PIANO),
    "classical": (STRING, PIANO),
    "country": (BANJO, ELEC_GUITAR),
    "disco": (SYNTH_STAB, STRING),
    "hiphop": (PAD, PIANO),
    "jazz": (PIANO, ELEC_GUITAR),
    "metal": (ELEC_GUITAR,),
    "pop": (PIANO, SYNTH_STAB),
    "reggae": (ORGAN_SKANK, ELEC_GUITAR),
    "rock": (ELEC_GUITAR, PIANO),
}


def track_seed(seed: int, genre: str, index: int) -> int:
    """A stable 64-bit seed for one track (independent of Python's hash salt)."""
    digest = hashlib.sha256(f"{seed}/{genre}/{index}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


def _midi_hz(note: float) -> float:
    return 440.0 * 2.0 ** ((note - 69.0) / 12.0)


def _note(inst: Instrument, freq: float, seconds: float, rng: np.random.Generator) -> np.ndarray:
    """One note of an additive instrument, with its envelope."""
    n = max(1, int(seconds * SR))
    t = np.arange(n, dtype=np.float64) / SR
    phase_mod = 0.0
    if inst.vibrato:
        rate = rng.uniform(4.5, 6.5)
        phase_mod = (inst.vibrato / 12.0 * np.log(2.0)) * np.sin(2 * np.pi * rate * t) / (2 * np.pi * rate)
    out = np.zeros(n)
    nyquist = SR / 2
    for k, amp in enumerate(inst.harmonics, start=1):
        if amp == 0.0:
            continue
        fk = freq * k * (1.0 + inst.inharmonic * k * k)
        if fk >= nyquist * 0.95:
            break
        out += amp * np.sin(2 * np.pi * fk * (t + phase_mod) + rng.uniform(0, 2 * np.pi))
    env = np.exp(-t / inst.decay)
    attack = max(1, int(inst.attack * SR))
    env[: min(attack, n)] *= np.linspace(0.0, 1.0, min(attack, n))
    release = min(n, int(0.01 * SR))
    env[n - release :] *= np.linspace(1.0, 0.0, release)
    return out * env


def _drums(rng: np.random.Generator, hat_decay: float) -> dict[str, np.ndarray]:
    """Kick, snare, hi-hat and crash samples for one track."""
    def t_of(seconds: float) -> np.ndarray:
        return np.arange(int(seconds * SR)) / SR

    t = t_of(0.5)
    f0, f1 = rng.uniform(45, 65), rng.uniform(90, 160)
    freq = f0 + (f1 - f0) * np.exp(-t / 0.03)
    kick = np.sin(2 * np.pi * np.cumsum(freq) / SR) * np.exp(-t / rng.uniform(0.08, 0.2))
    t = t_of(0.3)
    noise = rng.standard_normal(t.size)
    snare = (0.6 * noise * np.exp(-t / 0.06)
             + 0.5 * np.sin(2 * np.pi * rng.uniform(170, 230) * t) * np.exp(-t / 0.04))
    t = t_of(max(0.05, hat_decay * 4))
    hat = np.diff(rng.standard_normal(t.size + 1)) * np.exp(-t / hat_decay) * 0.35
    t = t_of(1.5)
    crash = np.diff(rng.standard_normal(t.size + 1)) * np.exp(-t / 0.5) * 0.3
    return {"kick": kick, "snare": snare, "hat": hat, "crash": crash}


def _add(bus: np.ndarray, sample: np.ndarray, start: int, gain: float) -> None:
    if start >= bus.size or start < 0:
        return
    end = min(bus.size, start + sample.size)
    bus[start:end] += gain * sample[: end - start]


def render_track(genre: str, index: int, seed: int = 0, seconds: float = 30.0) -> np.ndarray:
    """Render one track as float32 mono at 22,050 Hz, peak-normalised to ≤ 0.9.

    Deterministic: the same ``(genre, index, seed, seconds)`` always gives the
    same samples.
    """
    if genre not in STYLES:
        raise ValueError(f"unknown genre {genre!r}; expected one of {', '.join(GENRES)}")
    if not seconds > 0:
        raise ValueError(f"seconds must be positive, got {seconds}")
    style = STYLES[genre]
    rng = np.random.default_rng(track_seed(seed, genre, index))
    n = int(round(seconds * SR))
    tempo = rng.uniform(*style.tempo)
    beat = 60.0 / tempo
    key = 36 + int(rng.integers(0, 12))  # the bass octave root (C2..B2)
    swing = style.swing * rng.uniform(0.8, 1.0)

    def when(bar: int, b: float) -> int:
        frac = b - np.floor(b)
        if abs(frac - 0.5) < 1e-9:  # swing the off-beat eighths
            b = np.floor(b) + 0.5 + swing / 2
        jitter = rng.normal(0.0, 0.004)
        return int(((bar * 4 + b) * beat + jitter) * SR)

    bars = int(np.ceil(seconds / (4 * beat))) + 1
    music = np.zeros(n)
    drums = np.zeros(n)
    kit = _drums(rng, style.hat_decay)
    gains = {
        "chord": rng.uniform(0.5, 0.9),
        "bass": rng.uniform(0.6, 1.0),
        "lead": rng.uniform(0.4, 0.8),
        "drums": rng.uniform(0.6, 1.0),
    }
    palette = CHORD_PALETTE[genre]
    chord_inst = palette[int(rng.integers(0, len(palette)))]
    has_lead = rng.random() >= 0.15
    hat_weight = style.hat_weight * (0.0 if rng.random() < 0.1 else 1.0)
    brightness = rng.uniform(0.0, 0.6)  # per-track one-pole low-pass on the music bus
    cache: dict[tuple[str, int, float], np.ndarray] = {}

    def note(inst: Instrument, midi: int, length: float) -> np.ndarray:
        key_ = (repr(inst), midi, round(length, 3))
        if key_ not in cache:
            cache[key_] = _note(inst, _midi_hz(midi), length, rng)
        return cache[key_]

    prog = style.progression
    for bar in range(bars):
        degree, quality = prog[bar % len(prog)]
        root = key + degree
        # Chords
        chord_root = root + 12 * (1 + style.chord_octave)
        for b in style.chord_rhythm:
            start = when(bar, b)
            for iv in quality:
                _add(music, note(chord_inst, chord_root + iv, style.chord_len * beat),
                     start, gains["chord"] * 0.35 * rng.uniform(0.8, 1.0))
        # Bass
        for i, b in enumerate(style.bass_rhythm):
            if style.bass_walk:
                pitch = root + (0, 4, 7, 9, 10, 7, 4, 2)[(i + bar) % 8] * (1 if quality != MIN7 else 1)
            else:
                pitch = root + (12 if (genre == "disco" and i % 2) else 0)
            length = (style.bass_rhythm[i + 1] - b if i + 1 < len(style.bass_rhythm) else 4 - b) * beat
            _add(music, note(style.bass_inst, pitch, max(length, 0.08)), when(bar, b), gains["bass"] * 0.8)
        # Lead melody
        if has_lead and style.lead_inst is not None and style.lead_density > 0:
            steps = int(4 * style.lead_density)
            for s in range(steps):
                if rng.random() < 0.25:
                    continue
                deg = style.scale[int(rng.integers(0, len(style.scale)))]
                pitch = key + 36 + deg + 12 * int(rng.integers(0, 2))
                length = 4 * beat / steps * rng.uniform(0.8, 1.6)
                _add(music, note(style.lead_inst, pitch, length), when(bar, s * 4 / steps),
                     gains["lead"] * 0.3)
        # Drums
        for b in style.kick:
            _add(drums, kit["kick"], when(bar, b), style.kick_weight * rng.uniform(0.85, 1.0))
        for b in style.snare:
            _add(drums, kit["snare"], when(bar, b), style.snare_weight * rng.uniform(0.8, 1.0))
        for b in style.hat:
            _add(drums, kit["hat"], when(bar, b), hat_weight * rng.uniform(0.6, 1.0))
        if style.crash_every and bar % style.crash_every == 0:
            _add(drums, kit["crash"], when(bar, 0.0), 0.6)

    # A one-pole low-pass, y[i] = a*y[i-1] + (1-a)*x[i], applied in the
    # frequency domain: the genre's warmth (hip-hop, reggae) times a per-track
    # brightness.
    a = 1.0 - (1.0 - style.lowpass) * (1.0 - brightness)
    if a > 0:
        w = 2 * np.pi * np.fft.rfftfreq(n)
        music = np.fft.irfft(np.fft.rfft(music) * (1 - a) / (1 - a * np.exp(-1j * w)), n)
    if style.distortion:
        drive = style.distortion * rng.uniform(0.8, 1.2)
        music = np.tanh(drive * music / (np.abs(music).max() + 1e-9))
    mix = music / (np.abs(music).max() + 1e-9) + gains["drums"] * drums / (np.abs(drums).max() + 1e-9)
    mix += style.noise * rng.uniform(0.3, 3.0) * rng.standard_normal(n)
    mix *= 0.9 / (np.abs(mix).max() + 1e-9)
    return mix.astype(np.float32)


def write_wav(path: Path, samples: np.ndarray, sr: int = SR) -> None:
    """Write mono float samples in [-1, 1] as 16-bit PCM WAV (stdlib only)."""
    pcm = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes(pcm.tobytes())


def generate_corpus(
    out_dir: str | Path,
    tracks_per_genre: int = 100,
    seconds: float = 30.0,
    seed: int = 0,
    genres: tuple[str, ...] = GENRES,
) -> list[Path]:
    """Write ``out_dir/genres/<genre>/<genre>.000NN.wav`` in GTZAN's layout.

    Existing files with the right name are kept (the corpus is deterministic),
    so a second call is cheap. Returns the paths, sorted.
    """
    root = Path(out_dir) / "genres"
    paths = []
    for genre in genres:
        d = root / genre
        d.mkdir(parents=True, exist_ok=True)
        for i in range(tracks_per_genre):
            p = d / f"{genre}.{i:05d}.wav"
            if not p.exists():
                tmp = p.with_suffix(".tmp")
                write_wav(tmp, render_track(genre, i, seed=seed, seconds=seconds))
                tmp.replace(p)
            paths.append(p)
    return sorted(paths)


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--tracks-per-genre", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    paths = generate_corpus(args.out_dir, args.tracks_per_genre, args.seconds, args.seed)
    print(f"{len(paths)} tracks under {Path(args.out_dir) / 'genres'}")


if __name__ == "__main__":
    main()
