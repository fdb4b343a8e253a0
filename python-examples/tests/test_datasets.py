"""Dataset discovery in the GTZAN, Kaggle and plain layouts, and the split by track."""

import pytest

from music_genre import datasets
from music_genre.datasets import Track


def _touch(root, rel):
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(b"")
    return p


def test_gtzan_layout(tmp_path):
    _touch(tmp_path, "genres/blues/blues.00000.au")
    _touch(tmp_path, "genres/rock/rock.00001.au")
    _touch(tmp_path, "genres/bextract_single.mf")  # GTZAN's lists are ignored
    _touch(tmp_path, "genres/rock/.DS_Store")
    _touch(tmp_path, "genres/rock/notes.txt")
    tracks = datasets.find_tracks(tmp_path)
    assert [(t.label, t.path.split("/")[-1]) for t in tracks] == [
        ("blues", "blues.00000.au"),
        ("rock", "rock.00001.au"),
    ]
    assert datasets.find_tracks(tmp_path / "genres") == tracks


@pytest.mark.parametrize("prefix", ["Data/genres_original", "genres_original", "my_music"])
def test_kaggle_and_plain_layouts(tmp_path, prefix):
    _touch(tmp_path, f"{prefix}/jazz/jazz.00054.wav")
    _touch(tmp_path, f"{prefix}/pop/a/b.MP3")  # nested files and upper-case extensions
    base = tmp_path / prefix if prefix == "my_music" else tmp_path
    tracks = datasets.find_tracks(base)
    assert sorted(t.label for t in tracks) == ["jazz", "pop"]


def test_empty_or_missing(tmp_path):
    with pytest.raises(datasets.DatasetError, match="does not exist"):
        datasets.find_tracks(tmp_path / "nope")
    (tmp_path / "rock").mkdir()
    with pytest.raises(datasets.DatasetError, match="no audio files"):
        datasets.find_tracks(tmp_path)


def _tracks(n_per_label=20, labels=("blues", "jazz", "rock")):
    return [Track(f"/data/genres/{g}/{g}.{i:05d}.wav", g) for g in labels for i in range(n_per_label)]


def test_split_is_by_track_stratified_and_complete():
    tracks = _tracks()
    s = datasets.split_by_track(tracks, 0.15, 0.15, seed=0)
    parts = [set(s.train), set(s.val), set(s.test)]
    assert not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])
    assert parts[0] | parts[1] | parts[2] == set(tracks)
    for g in ("blues", "jazz", "rock"):
        assert sum(t.label == g for t in s.test) == 3
        assert sum(t.label == g for t in s.val) == 3
    assert s.labels == ("blues", "jazz", "rock")


def test_split_is_deterministic_and_independent_of_order_and_location():
    tracks = _tracks()
    a = datasets.split_by_track(tracks, seed=7)
    assert a == datasets.split_by_track(list(reversed(tracks)), seed=7)
    assert a != datasets.split_by_track(tracks, seed=8)
    moved = [Track(t.path.replace("/data/", "/elsewhere/deeper/"), t.label) for t in tracks]
    b = datasets.split_by_track(moved, seed=7)
    assert [t.path.split("/")[-1] for t in b.test] == [t.path.split("/")[-1] for t in a.test]


def test_adding_tracks_does_not_reshuffle_existing_ones():
    # Ranks are per-track hashes: a track in test stays in test or moves to
    # val/train only through the count, never because other files appeared.
    small = datasets.split_by_track(_tracks(20), 0.0, 0.5, seed=0)
    big = datasets.split_by_track(_tracks(20) + [Track("/data/genres/blues/new.wav", "blues")], 0.0, 0.5, seed=0)
    jazz_small = {t for t in small.test if t.label == "jazz"}
    jazz_big = {t for t in big.test if t.label == "jazz"}
    assert jazz_small == jazz_big


def test_small_labels_still_get_every_split():
    s = datasets.split_by_track(_tracks(3), 0.15, 0.15, seed=0)
    assert len(s.train) == len(s.val) == len(s.test) == 3


def test_bad_fractions_and_duplicates():
    with pytest.raises(ValueError, match="sum to less than 1"):
        datasets.split_by_track(_tracks(), 0.5, 0.5)
    t = _tracks(2)
    with pytest.raises(ValueError, match="twice"):
        datasets.split_by_track(t + t[:1])
