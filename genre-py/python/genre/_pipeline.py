"""``genre.segments``, ``genre.mean_mfcc``, ``genre.extract`` (re-exported by ``genre``)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

import numpy as np
import numpy.typing as npt

from genre import _convert, _genre
from genre._genre import SegmentConfig
from genre.exceptions import ConfigError

F32 = npt.NDArray[np.float32]


def segments(
    path_or_y: _convert.AudioSource | npt.ArrayLike,
    sr: int | None = None,
    config: SegmentConfig | None = None,
) -> F32:
    """The seed's training input: MFCC segments ``(n_segments, 130, 13)`` float32.

    A path, bytes or file-like object is loaded mono at ``config.sample_rate``
    (22,050 Hz); an array is taken as a mono signal already at that rate
    (``sr``, when given, must equal it). The first 30 s are cut into ten 3 s
    windows; each complete window gives ``mfcc(n_mfcc=13).T``.

    >>> import numpy as np, genre
    >>> y = np.random.default_rng(0).standard_normal(22050 * 7).astype(np.float32)
    >>> genre.segments(y, sr=22050).shape
    (2, 130, 13)
    """
    if _convert.is_signal(path_or_y):
        rate = None if sr is None else _convert.rate(sr)
        return _genre.segments_signal(_convert.signal(path_or_y), rate, config)
    data, name = _convert.source(path_or_y)
    return _genre.segments_file(data, name, config)


def mean_mfcc(
    path_or_y: _convert.AudioSource | npt.ArrayLike,
    sr: int | None = None,
    config: SegmentConfig | None = None,
) -> F32:
    """The seed's monitoring vector: ``mfcc(y, n_mfcc=13).mean(axis=1)`` over the whole clip (13 float32).

    >>> import numpy as np, genre
    >>> genre.mean_mfcc(np.ones(22050, np.float32)).shape
    (13,)
    """
    if _convert.is_signal(path_or_y):
        rate = None if sr is None else _convert.rate(sr)
        return _genre.mean_mfcc_signal(_convert.signal(path_or_y), rate, config)
    data, name = _convert.source(path_or_y)
    return _genre.mean_mfcc_file(data, name, config)


@dataclass(frozen=True)
class Extraction:
    """What :func:`extract` returns.

    ``segments`` stacks every kept segment ``(N, 130, 13)``; ``labels[i]``
    indexes ``mapping`` (the genre of segment ``i``); ``file_index[i]`` and
    ``window[i]`` say which file and which 3 s window it came from.
    ``errors`` maps each failed file (``on_error="skip"``) to its exception.
    """

    segments: F32
    labels: npt.NDArray[np.int64]
    mapping: list[str]
    files: list[str]
    file_index: npt.NDArray[np.int64]
    window: npt.NDArray[np.int64]
    errors: dict[str, BaseException] = field(default_factory=dict)


def _chunks(n: int, size: int) -> Iterable[range]:
    for start in range(0, n, size):
        yield range(start, min(n, start + size))


def extract(
    paths: Sequence[str | os.PathLike[str]],
    n_jobs: int | None = None,
    progress: bool = False,
    on_error: str = "raise",
    *,
    labels: Sequence[str] | None = None,
    config: SegmentConfig | None = None,
) -> Extraction:
    """Segments of many files in parallel, the seed's ``prepare`` step in one call.

    Files are decoded and segmented on a pool of ``n_jobs`` threads (joblib's
    convention: ``None``/``-1`` = all cores) with the GIL released; the pool
    is rebuilt in forked children, so this works in threads, Prefect tasks
    and ``multiprocessing`` workers alike. ``labels`` gives each file's genre
    (default: the name of its parent directory, as in GTZAN's
    ``genres/<genre>/<file>`` layout). ``on_error="raise"`` raises the first
    failing file's exception after all files are processed; ``"skip"``
    records it in ``Extraction.errors``. ``progress=True`` reports progress on
    stderr.

    >>> import genre
    >>> genre.extract([]).segments.shape
    (0, 130, 13)
    """
    if on_error not in ("raise", "skip"):
        raise ConfigError(f'invalid on_error: {on_error!r} is not "raise" or "skip"')
    files = [os.fsdecode(os.fspath(p)) for p in paths]
    if labels is None:
        names = [os.path.basename(os.path.dirname(os.path.abspath(f))) for f in files]
    else:
        names = [str(x) for x in labels]
        if len(names) != len(files):
            raise ConfigError(f"invalid labels: {len(names)} labels for {len(files)} files")
    mapping = sorted(set(names))
    code = {name: i for i, name in enumerate(mapping)}

    parts: list[tuple[Any, Any, Any]] = []
    errors: dict[str, BaseException] = {}
    chunk = max(64, 8 * (os.cpu_count() or 1)) if progress else max(1, len(files))
    for rows in _chunks(len(files), chunk):
        segs, fidx, win, errs = _genre.extract([files[i] for i in rows], config, n_jobs)
        parts.append((segs, fidx.astype(np.int64) + rows.start, win.astype(np.int64)))
        for i, exc in errs:
            errors[files[rows.start + i]] = exc
        if progress:
            print(f"genre.extract: {rows.stop}/{len(files)} files", file=sys.stderr, flush=True)
    if errors and on_error == "raise":
        raise next(iter(errors.values()))

    if parts:
        stacked = parts[0][0] if len(parts) == 1 else np.concatenate([p[0] for p in parts])
        file_index = np.concatenate([p[1] for p in parts])
        window = np.concatenate([p[2] for p in parts])
    else:
        cfg = config or SegmentConfig()
        stacked = np.zeros((0, cfg.frames_per_segment, cfg.n_mfcc), np.float32)
        file_index = window = np.zeros(0, np.int64)
    seg_labels = np.array([code[names[i]] for i in file_index], dtype=np.int64)
    return Extraction(stacked, seg_labels, mapping, files, file_index, window, errors)
