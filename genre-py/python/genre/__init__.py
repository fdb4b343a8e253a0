"""genre: the hot path of music-genre ML in Rust, with librosa's numbers.

Drop-in replacements for ``librosa.load`` and ``librosa.feature.*``, the
seed's GTZAN segments, parallel extraction, ONNX inference and drift
statistics — all running with the GIL released.

>>> import numpy as np, genre
>>> y = np.random.default_rng(0).standard_normal(22050 * 3).astype(np.float32)
>>> genre.feature.mfcc(y=y, sr=22050, n_mfcc=13).shape
(13, 130)

``import genre`` loads only what ``load`` and ``feature`` need; the drift,
model and extraction modules (and the stdlib modules they use) are imported
on first access, which keeps a new process's first call short.

``import genre`` does not import numpy either. When numpy is not imported
yet, the first ``genre.load`` imports it (its result is a numpy array) while
genre's threads decode the file, so a new process pays for numpy's import
(tens of milliseconds) and the decoding at the same time, not one after the
other.
"""

from __future__ import annotations

import importlib

# Not `typing.TYPE_CHECKING`: the first call of a new process waits for what
# `import genre` imports, and `typing` (with `re`, `enum`, ...) is ~3 ms that
# numpy's import, overlapped with the first load's decoding, pays anyway.
TYPE_CHECKING = False

from genre import feature
from genre._audio import get_duration, info, load
from genre._genre import AudioInfo, Prediction, SegmentConfig, SegmentPrediction, __version__
from genre.exceptions import (
    ConfigError,
    DecodeError,
    DriftError,
    GenreError,
    ModelError,
    UnsupportedFormatError,
)
from genre.feature import power_to_db

if TYPE_CHECKING:
    from typing import Any

    from genre import drift
    from genre._model import Classifier
    from genre._pipeline import Extraction, extract, mean_mfcc, segments

# Public name -> module that defines it, imported on first attribute access.
_LAZY = {
    "drift": "genre.drift",
    "Classifier": "genre._model",
    "Extraction": "genre._pipeline",
    "extract": "genre._pipeline",
    "mean_mfcc": "genre._pipeline",
    "segments": "genre._pipeline",
}

__all__ = [
    "__version__",
    "AudioInfo",
    "Classifier",
    "ConfigError",
    "DecodeError",
    "DriftError",
    "GenreError",
    "ModelError",
    "Prediction",
    "Extraction",
    "SegmentConfig",
    "SegmentPrediction",
    "UnsupportedFormatError",
    "extract",
    "drift",
    "feature",
    "get_duration",
    "info",
    "load",
    "mean_mfcc",
    "power_to_db",
    "segments",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'genre' has no attribute {name!r}")
    imported = importlib.import_module(module)
    value = imported if module == f"genre.{name}" else getattr(imported, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
