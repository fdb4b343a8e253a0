"""librosa's feature functions: ``mfcc``, ``melspectrogram``, ``delta``.

Same names, defaults, shapes and dtypes as ``librosa.feature``; any
array-like is accepted (lists, float64, non-contiguous views are converted to
contiguous float32). Multi-channel input ``(..., n)`` gives ``(..., n_mfcc,
frames)`` as in librosa. Options genre does not implement (other windows,
padding modes, DCT types) raise :class:`genre.ConfigError` naming them.

>>> import numpy as np, genre
>>> y = np.sin(np.arange(22050) * 0.05).astype(np.float32)
>>> genre.feature.mfcc(y=y, sr=22050).shape
(20, 44)
>>> genre.feature.melspectrogram(y=y, n_mels=64).shape
(64, 44)
"""

from __future__ import annotations

from genre import _convert, _genre
from genre.exceptions import ConfigError

__all__ = ["mfcc", "melspectrogram", "delta"]

# numpy is imported where it is used: ``import genre`` leaves it to the first
# ``genre.load`` (see ``genre/__init__.py``).
TYPE_CHECKING = False  # not typing's: see genre/__init__.py
if TYPE_CHECKING:
    from typing import Any, Callable

    import numpy as np
    import numpy.typing as npt

    _F32 = npt.NDArray[np.float32]


def _per_channel(y: _F32, compute: Callable[[_F32], _F32]) -> _F32:
    """Applies ``compute`` to every channel of ``(..., n)`` and restacks."""
    import numpy as np

    if y.ndim == 1:
        return compute(y)
    if y.size == 0:
        return compute(np.zeros(0, np.float32))  # raises: the signal is empty
    if y.ndim == 0:
        raise ConfigError("invalid y: expected a signal with at least one axis, got a scalar")
    channels = y.reshape(-1, y.shape[-1])
    out = np.stack([compute(np.ascontiguousarray(c)) for c in channels])
    return out.reshape(y.shape[:-1] + out.shape[1:])


def _mel_config(args: dict[str, Any]) -> _genre.MelConfig:
    """The one normaliser of the mel-spectrogram arguments shared by :func:`mfcc`
    and :func:`melspectrogram` (``args`` is the caller's ``locals()``):
    rejects the options genre does not implement and builds the native config."""
    if args["S"] is not None:
        raise ConfigError("invalid S: genre computes features from the signal y only (S= is not supported)")
    _convert.only("window", args["window"], "hann")
    _convert.only("pad_mode", args["pad_mode"], "constant")
    _convert.only("power", args["power"], 2.0)
    sizes = {name: args[name] for name in ("n_fft", "hop_length", "win_length")}
    for name, value in sizes.items():
        if value is not None and (isinstance(value, bool) or int(value) != value or value <= 0):
            raise ConfigError(f"invalid {name}: {value!r} is not a positive integer")
    fmax = args["fmax"]
    if args["norm"] is not None and not isinstance(args["norm"], str):
        # librosa also takes a number (a p-norm of each filter); genre does not.
        _convert.only("norm", args["norm"], "slaney")
    return _genre.MelConfig(
        sr=float(args["sr"]),
        n_fft=int(sizes["n_fft"]),
        hop_length=None if sizes["hop_length"] is None else int(sizes["hop_length"]),
        win_length=None if sizes["win_length"] is None else int(sizes["win_length"]),
        center=bool(args["center"]),
        n_mels=int(args["n_mels"]),
        fmin=float(args["fmin"]),
        fmax=None if fmax is None else float(fmax),
        htk=bool(args["htk"]),
        norm=args["norm"],
    )


def mfcc(
    *,
    y: npt.ArrayLike | None = None,
    sr: float = 22050,
    S: npt.ArrayLike | None = None,
    n_mfcc: int = 20,
    dct_type: int = 2,
    norm: str | None = "ortho",
    lifter: float = 0,
    n_fft: int = 2048,
    hop_length: int | None = 512,
    win_length: int | None = None,
    window: str = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    power: float = 2.0,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    mel_norm: str | None = "slaney",
) -> _F32:
    """Mel-frequency cepstral coefficients, ``(n_mfcc, frames)`` float32 — ``librosa.feature.mfcc``.

    >>> import numpy as np, genre
    >>> y = np.random.default_rng(0).standard_normal(66150).astype(np.float32)
    >>> genre.feature.mfcc(y=y, sr=22050, n_mfcc=13).shape
    (13, 130)
    """
    if y is None:
        raise ConfigError("invalid y: mfcc needs the signal y")
    _convert.only("dct_type", dct_type, 2)
    _convert.only("norm", norm, "ortho")
    if mel_norm is not None and mel_norm != "slaney":
        _convert.only("mel_norm", mel_norm, "slaney")  # librosa also takes a number (a p-norm)
    # `norm` here is the DCT's; the mel filterbank's is `mel_norm` (librosa 0.11).
    mel = _mel_config({**locals(), "norm": mel_norm})
    n, lift = int(n_mfcc), float(lifter)
    return _per_channel(_convert.float32(y, "y"), lambda c: _genre.mfcc(c, mel, n_mfcc=n, lifter=lift))


def melspectrogram(
    *,
    y: npt.ArrayLike | None = None,
    sr: float = 22050,
    S: npt.ArrayLike | None = None,
    n_fft: int = 2048,
    hop_length: int | None = 512,
    win_length: int | None = None,
    window: str = "hann",
    center: bool = True,
    pad_mode: str = "constant",
    power: float = 2.0,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    norm: str | None = "slaney",
) -> _F32:
    """Mel power spectrogram, ``(n_mels, frames)`` float32 — ``librosa.feature.melspectrogram``.

    >>> import numpy as np, genre
    >>> genre.feature.melspectrogram(y=np.ones(4096, np.float32)).shape
    (128, 9)
    """
    if y is None:
        raise ConfigError("invalid y: melspectrogram needs the signal y")
    mel = _mel_config(locals())
    return _per_channel(_convert.float32(y, "y"), lambda c: _genre.melspectrogram(c, mel))


def delta(
    data: npt.ArrayLike,
    *,
    width: int = 9,
    order: int = 1,
    axis: int = -1,
    mode: str = "interp",
) -> _F32:
    """Delta features (local derivative along ``axis``) — ``librosa.feature.delta``.

    >>> import numpy as np, genre
    >>> ramp = np.arange(20, dtype=np.float32)[None, :] * 2
    >>> np.allclose(genre.feature.delta(ramp), 2.0, atol=1e-4)
    True
    """
    import numpy as np

    _convert.only("mode", mode, "interp")
    arr = _convert.float32(data, "data")
    if arr.ndim == 0:
        raise ConfigError("invalid data: expected an array with at least one axis")
    moved = np.moveaxis(arr, axis, -1)
    flat = np.ascontiguousarray(moved.reshape(-1, moved.shape[-1]))
    out = _genre.delta(flat, width=int(width), order=int(order))
    return np.moveaxis(out.reshape(moved.shape), -1, axis)


def power_to_db(
    S: npt.ArrayLike,
    *,
    ref: float | Callable[[Any], Any] = 1.0,
    amin: float = 1e-10,
    top_db: float | None = 80.0,
) -> _F32:
    """Power spectrogram to decibels, ``10 * log10(S / ref)`` clipped at
    ``top_db`` below the peak — ``librosa.power_to_db`` (float32 result).

    >>> import numpy as np, genre
    >>> genre.power_to_db(np.array([1.0, 10.0, 100.0]))
    array([ 0., 10., 20.], dtype=float32)
    >>> genre.power_to_db(np.array([1.0, 100.0]), ref=np.max)
    array([-20.,   0.], dtype=float32)
    """
    import numpy as np

    arr = np.asarray(S)
    if np.iscomplexobj(arr):
        arr = np.abs(arr)  # librosa warns and uses the magnitude
    out = _convert.float32(arr, "S")
    if np.may_share_memory(out, arr):
        out = out.copy()  # the result is computed in place: never in the caller's array
    ref_value = ref(arr) if callable(ref) else np.abs(ref)
    _genre.power_to_db_inplace(
        out,
        reference=float(ref_value),
        amin=float(amin),
        top_db=None if top_db is None else float(top_db),
    )
    return out
