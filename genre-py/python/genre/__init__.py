"""genre: the hot path of music-genre ML in Rust, with librosa's numbers.

>>> import genre
>>> isinstance(genre.__version__, str)
True
"""

from __future__ import annotations

from genre._genre import __version__
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
    "ConfigError",
    "DecodeError",
    "DriftError",
    "GenreError",
    "ModelError",
    "UnsupportedFormatError",
]
