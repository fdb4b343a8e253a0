"""Training features, computed by genre (the same code that serves predictions).

No feature numerics live here: segments come from ``genre.extract`` (parallel
over files, GIL released) — or, with an older genre, ``genre.segments`` per
file on a thread pool. Tracks that fail to decode are reported, not fatal.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .datasets import Track


@dataclass(frozen=True)
class Features:
    """Segments of many tracks, stacked.

    ``x``: ``(n_segments, frames, n_mfcc)`` float32; ``y``: label index per
    segment; ``track``: index into ``tracks`` per segment; ``errors``: path →
    message for tracks that produced no segments.
    """

    x: np.ndarray
    y: np.ndarray
    track: np.ndarray
    tracks: tuple[Track, ...]
    errors: dict[str, str]


def _segments_per_track(paths: list[str], n_jobs: int | None) -> list[np.ndarray | Exception]:
    import genre

    if hasattr(genre, "extract"):
        result = genre.extract(paths, n_jobs=n_jobs, on_error="skip")
        return _from_extract(result, len(paths))

    def one(path: str) -> np.ndarray | Exception:
        try:
            return np.asarray(genre.segments(path), dtype=np.float32)
        except Exception as e:  # noqa: BLE001 - reported per track
            return e

    workers = n_jobs or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, paths))


def _from_extract(result, n_paths: int) -> list[np.ndarray | Exception]:
    """Per-track segment arrays from ``genre.extract``'s ``Extraction``
    (``segments``, ``file_index``, ``files``, ``errors`` keyed by path)."""
    segments = np.asarray(result.segments, dtype=np.float32)
    index = np.asarray(result.file_index)
    errors = dict(result.errors or {})
    out: list[np.ndarray | Exception] = []
    for i, path in enumerate(list(result.files)[:n_paths]):
        err = errors.get(path)
        if err is not None:
            out.append(err if isinstance(err, Exception) else RuntimeError(str(err)))
        else:
            out.append(segments[index == i])
    return out


def extract(tracks: list[Track] | tuple[Track, ...], labels: tuple[str, ...], n_jobs: int | None = None) -> Features:
    """GTZAN segments for every track, labelled with ``labels.index(track.label)``."""
    tracks = tuple(tracks)
    label_index = {label: i for i, label in enumerate(labels)}
    per_track = _segments_per_track([t.path for t in tracks], n_jobs)
    xs, ys, ts, errors = [], [], [], {}
    for i, (t, seg) in enumerate(zip(tracks, per_track)):
        if isinstance(seg, Exception):
            errors[t.path] = f"{type(seg).__name__}: {seg}"
            continue
        if seg.ndim != 3 or seg.shape[0] == 0:
            errors[t.path] = f"no complete segment (shape {seg.shape})"
            continue
        xs.append(seg)
        ys.append(np.full(seg.shape[0], label_index[t.label], dtype=np.int64))
        ts.append(np.full(seg.shape[0], i, dtype=np.int64))
    if not xs:
        raise ValueError(f"no features from any of {len(tracks)} tracks; first errors: {list(errors.items())[:3]}")
    return Features(np.concatenate(xs), np.concatenate(ys), np.concatenate(ts), tracks, errors)
