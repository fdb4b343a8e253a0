"""Labelled audio datasets on disk and a deterministic split by track.

Layouts understood by :func:`find_tracks`:

- GTZAN: ``<root>/genres/<label>/<file>.{au,wav}`` (``root`` may also be the
  ``genres`` folder itself);
- Kaggle's GTZAN: ``<root>/Data/genres_original/<label>/<file>.wav`` or
  ``<root>/genres_original/<label>/…``;
- anything else shaped ``<root>/<label>/<audio files>``.

Splits are made **by track**: every segment of a track lands in the same
split, so no track is seen in training and scored in test (the seed's
tutorial split segments and leaked them).

>>> tracks = [Track(f"/d/{g}/{g}.{i}.wav", g) for g in ("a", "b") for i in range(10)]
>>> s = split_by_track(tracks, val_fraction=0.2, test_fraction=0.2, seed=0)
>>> len(s.train), len(s.val), len(s.test)
(12, 4, 4)
>>> s == split_by_track(list(reversed(tracks)), 0.2, 0.2, seed=0)
True
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

AUDIO_EXTENSIONS = frozenset({".au", ".wav", ".mp3", ".flac", ".ogg", ".aiff", ".aif", ".m4a"})


@dataclass(frozen=True, order=True)
class Track:
    """One labelled audio file."""

    path: str
    label: str


@dataclass(frozen=True)
class Split:
    """Train / validation / test tracks; no track is in two of them."""

    train: tuple[Track, ...]
    val: tuple[Track, ...]
    test: tuple[Track, ...]
    labels: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, list[dict[str, str]]]:
        return {
            name: [{"path": t.path, "label": t.label} for t in tracks]
            for name, tracks in (("train", self.train), ("val", self.val), ("test", self.test))
        }


class DatasetError(ValueError):
    """The folder is not a labelled audio dataset genre can train on."""


def dataset_root(root: str | Path) -> Path:
    """The folder whose sub-folders are the labels, for any supported layout."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"dataset folder {str(root)!r} does not exist or is not a folder")
    for candidate in (
        root / "genres",
        root / "genres_original",
        root / "Data" / "genres_original",
        root / "data" / "genres_original",
    ):
        if candidate.is_dir():
            return candidate
    return root


def find_tracks(root: str | Path) -> list[Track]:
    """All audio files under ``<label>/`` folders, sorted by path.

    Hidden files and files without an audio extension (e.g. GTZAN's ``.mf``
    lists) are ignored. Raises :class:`DatasetError` when nothing is found.
    """
    base = dataset_root(root)
    tracks = []
    for label_dir in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for f in sorted(label_dir.rglob("*")):
            if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in AUDIO_EXTENSIONS:
                tracks.append(Track(str(f), label_dir.name))
    if not tracks:
        raise DatasetError(
            f"no audio files under {str(base)!r}: expected <label>/<file>.wav|.au|.mp3|… "
            "(GTZAN genres/, Kaggle genres_original/ or any <label>/ folders)"
        )
    return tracks


def _rank(seed: int, track: Track, base: str) -> str:
    # A stable pseudo-random order that depends only on the seed and the
    # track's path relative to the dataset root (not on the machine or on
    # which other files exist).
    rel = track.path[len(base):] if track.path.startswith(base) else track.path
    return hashlib.sha256(f"{seed}:{track.label}:{rel}".encode()).hexdigest()


def split_by_track(
    tracks: list[Track],
    val_fraction: float = 0.15,
    test_fraction: float = 0.15,
    seed: int = 0,
) -> Split:
    """A deterministic, label-stratified split of *tracks* (never of segments).

    Each label's tracks are ordered by a hash of ``(seed, relative path)``;
    the first ``round(n * test_fraction)`` go to test, the next
    ``round(n * val_fraction)`` to validation, the rest to training.
    A label with at least 3 tracks gets at least one in each split when the
    fractions are non-zero.
    """
    if not (0 <= val_fraction < 1 and 0 <= test_fraction < 1 and val_fraction + test_fraction < 1):
        raise ValueError(
            f"val_fraction={val_fraction} and test_fraction={test_fraction} must be in [0, 1) "
            "and sum to less than 1"
        )
    if len(set(t.path for t in tracks)) != len(tracks):
        raise ValueError("the same track path appears twice")
    labels = tuple(sorted({t.label for t in tracks}))
    paths = [t.path for t in tracks]
    base = _common_dir(paths)
    train: list[Track] = []
    val: list[Track] = []
    test: list[Track] = []
    for label in labels:
        mine = sorted((t for t in tracks if t.label == label), key=lambda t: _rank(seed, t, base))
        n = len(mine)
        n_test = round(n * test_fraction)
        n_val = round(n * val_fraction)
        if n >= 3:
            n_test = max(n_test, 1 if test_fraction > 0 else 0)
            n_val = max(n_val, 1 if val_fraction > 0 else 0)
        test += mine[:n_test]
        val += mine[n_test : n_test + n_val]
        train += mine[n_test + n_val :]
    return Split(tuple(sorted(train)), tuple(sorted(val)), tuple(sorted(test)), labels)


def _common_dir(paths: list[str]) -> str:
    if not paths:
        return ""
    parts = [Path(p).parent.parent.parts for p in paths]
    common = []
    for level in zip(*parts):
        if all(x == level[0] for x in level):
            common.append(level[0])
        else:
            break
    return str(Path(*common)) if common else ""
