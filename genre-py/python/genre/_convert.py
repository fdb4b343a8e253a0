"""Argument normalisation shared by the public modules (private)."""

from __future__ import annotations

import os
import sys

from genre.exceptions import ConfigError

# numpy is imported where it is used: ``import genre`` leaves it to the first
# ``genre.load`` (see ``genre/__init__.py``).
TYPE_CHECKING = False  # not typing's: see genre/__init__.py
if TYPE_CHECKING:
    from typing import Any

    import numpy as np
    import numpy.typing as npt

#: Anything genre accepts as audio input: a path, encoded bytes, or a binary
#: file-like object (``object``: checked by :func:`source` at run time).
AudioSource = str | os.PathLike[str] | bytes | bytearray | memoryview | object



def source(obj: Any) -> tuple[str | bytes, str | None]:
    """``(path_or_bytes, name_for_errors)`` for a path, bytes or a binary file-like object."""
    if isinstance(obj, bytes):
        return obj, None
    if isinstance(obj, (bytearray, memoryview)):
        return bytes(obj), None
    if isinstance(obj, (str, os.PathLike)):
        path = os.fspath(obj)
        return (os.fsdecode(path) if isinstance(path, bytes) else path), None
    read = getattr(obj, "read", None)
    if callable(read):
        data = read()
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(
                f"the file-like object returned {type(data).__name__} from read(); "
                "open it in binary mode ('rb')"
            )
        name = getattr(obj, "name", None)
        return bytes(data), (os.fsdecode(name) if isinstance(name, (str, bytes)) else None)
    raise TypeError(
        "audio must be a path (str or os.PathLike), bytes, or a binary file-like object, "
        f"not {type(obj).__name__}"
    )


def is_signal(obj: Any) -> bool:
    """Whether ``obj`` is sample data (an array or a sequence of numbers) rather than a source."""
    # No numpy yet (or still being imported by another thread): obj cannot be an array.
    ndarray = getattr(sys.modules.get("numpy"), "ndarray", ())
    return isinstance(obj, (list, tuple, ndarray))


def float32(x: Any, name: str) -> npt.NDArray[np.float32]:
    """``x`` as a C-contiguous float32 array (a copy only when needed; 0-d stays 0-d)."""
    import numpy as np

    arr = np.asarray(x)
    if np.iscomplexobj(arr):
        raise ConfigError(f"invalid {name}: complex values are not supported")
    if arr.dtype == object:
        raise ConfigError(f"invalid {name}: not an array of numbers")
    return np.asarray(arr, dtype=np.float32, order="C")


def signal(y: Any, name: str = "y") -> npt.NDArray[np.float32]:
    """A 1-D float32 signal."""
    arr = float32(y, name)
    if arr.ndim != 1:
        raise ConfigError(f"invalid {name}: expected a 1-D signal, got shape {arr.shape}")
    return arr


def rate(sr: Any, name: str = "sr") -> int:
    """A positive integer sample rate (ints, or floats with an integral value)."""
    # No numpy yet (or still being imported by another thread): sr cannot be a numpy number.
    np = sys.modules.get("numpy")
    numbers = (int, float, getattr(np, "integer", int), getattr(np, "floating", float))
    if isinstance(sr, bool) or not isinstance(sr, numbers):
        raise ConfigError(f"invalid {name}: {sr!r} is not a sample rate in Hz")
    if float(sr) != int(sr) or int(sr) <= 0:
        raise ConfigError(f"invalid {name}: {sr!r} is not a positive integer sample rate")
    return int(sr)


def only(name: str, value: Any, supported: Any) -> None:
    """Rejects a librosa option genre does not implement, naming it."""
    if value != supported:
        raise ConfigError(f"invalid {name}: {value!r} is not supported (genre implements {supported!r})")
