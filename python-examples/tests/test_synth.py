"""The synthetic corpus: deterministic, well-formed, GTZAN layout, genres differ."""

import wave

import numpy as np
import pytest

from music_genre import synth


def test_deterministic_and_distinct_per_track():
    a = synth.render_track("rock", 3, seed=0, seconds=2.0)
    b = synth.render_track("rock", 3, seed=0, seconds=2.0)
    c = synth.render_track("rock", 4, seed=0, seconds=2.0)
    d = synth.render_track("rock", 3, seed=1, seconds=2.0)
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)
    assert not np.allclose(a, d)


@pytest.mark.parametrize("genre", synth.GENRES)
def test_every_genre_renders_a_sane_clip(genre):
    x = synth.render_track(genre, 0, seconds=3.0)
    assert x.dtype == np.float32 and x.shape == (3 * synth.SR,)
    assert np.isfinite(x).all()
    assert 0.5 < np.abs(x).max() <= 0.9 + 1e-6
    assert x.std() > 0.02  # not silence


def test_genres_differ_in_tempo_and_spectrum():
    # Crude, library-free descriptors: the spectral centroid and the onset
    # envelope's dominant period must not be the same for every genre.
    centroids, periods = {}, {}
    for g in synth.GENRES:
        x = synth.render_track(g, 0, seconds=8.0).astype(np.float64)
        spec = np.abs(np.fft.rfft(x))
        freqs = np.fft.rfftfreq(x.size, 1 / synth.SR)
        centroids[g] = float((spec * freqs).sum() / spec.sum())
        env = np.abs(x[: x.size // 256 * 256]).reshape(-1, 256).mean(1)
        flux = np.maximum(np.diff(env), 0)
        ac = np.correlate(flux, flux, "full")[flux.size:]
        lo, hi = int(0.25 * synth.SR / 256), int(1.5 * synth.SR / 256)
        periods[g] = lo + int(np.argmax(ac[lo:hi]))
    assert len({round(c, -1) for c in centroids.values()}) >= 8
    assert len(set(periods.values())) >= 5
    # Classical (strings and flute, no drums) is the darkest of all.
    assert min(centroids, key=centroids.get) == "classical"


def test_corpus_layout_and_wav_format(tmp_path):
    paths = synth.generate_corpus(tmp_path, tracks_per_genre=2, seconds=1.0, genres=("blues", "jazz"))
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [
        "genres/blues/blues.00000.wav",
        "genres/blues/blues.00001.wav",
        "genres/jazz/jazz.00000.wav",
        "genres/jazz/jazz.00001.wav",
    ]
    with wave.open(str(paths[0])) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) == (1, 2, 22050, 22050)
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    expected = synth.render_track("blues", 0, seconds=1.0)
    assert np.max(np.abs(pcm / 32767.0 - expected)) < 1.0 / 32767
    # A second call keeps the files (deterministic content, cheap re-runs).
    mtime = paths[0].stat().st_mtime_ns
    synth.generate_corpus(tmp_path, tracks_per_genre=2, seconds=1.0, genres=("blues", "jazz"))
    assert paths[0].stat().st_mtime_ns == mtime


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown genre"):
        synth.render_track("polka", 0)
    with pytest.raises(ValueError, match="positive"):
        synth.render_track("pop", 0, seconds=0)
