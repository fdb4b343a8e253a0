"""genre: the hot path of music-genre ML in Rust, with librosa's numbers.

Drop-in replacements for ``librosa.load`` and ``librosa.feature.*``, the
seed's GTZAN segments, parallel extraction, ONNX inference and drift
statistics — all running with the GIL released.

>>> import genre
>>> isinstance(genre.__version__, str)
True
"""

from __future__ import annotations

from genre._audio import get_duration, info, load
from genre._genre import AudioInfo, __version__
from genre.exceptions import (
    ConfigError,
    DecodeError,
    DriftError,
    GenreError,
    ModelError,
    UnsupportedFormatError,
)

__all__ = [
    "__version__",
    "AudioInfo",
    "ConfigError",
    "DecodeError",
    "DriftError",
    "GenreError",
    "ModelError",
    "UnsupportedFormatError",
    "get_duration",
    "info",
    "load",
]
