"""The exceptions raised by genre.

Every error genre raises is a :class:`GenreError`, except that a missing file
raises the builtin :class:`FileNotFoundError` (and other I/O failures
:class:`OSError`), exactly as ``open()`` would. Subclasses also derive from the
builtin that describes them, so existing ``except ValueError`` code keeps
working:

>>> import genre
>>> issubclass(genre.DecodeError, ValueError)
True
>>> issubclass(genre.ConfigError, genre.GenreError)
True
"""

from __future__ import annotations

__all__ = [
    "GenreError",
    "DecodeError",
    "UnsupportedFormatError",
    "ModelError",
    "ConfigError",
    "DriftError",
]


class GenreError(Exception):
    """Base class of every exception defined by genre."""


class DecodeError(GenreError, ValueError):
    """The audio data is corrupt, truncated or empty."""


class UnsupportedFormatError(GenreError, ValueError):
    """The data is not in an audio container or codec genre can read."""


class ModelError(GenreError):
    """The ONNX model cannot be loaded, has the wrong shape, or inference failed."""


class ConfigError(GenreError, ValueError):
    """A parameter is out of range or inconsistent with the others."""


class DriftError(GenreError, ValueError):
    """The drift inputs are unusable (mismatched or malformed columns)."""
