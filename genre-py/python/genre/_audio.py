"""``genre.load``, ``genre.info``, ``genre.get_duration`` (re-exported by ``genre``)."""

from __future__ import annotations

from genre import _convert, _genre
from genre._genre import AudioInfo

# numpy is imported where it is used: the first ``load`` imports it while the
# file decodes (see ``genre/__init__.py``).
TYPE_CHECKING = False  # not typing's: see genre/__init__.py
if TYPE_CHECKING:
    from typing import Any

    import numpy.typing as npt


def load(
    path: _convert.AudioSource,
    *,
    sr: float | None = 22050,
    mono: bool = True,
    offset: float = 0.0,
    duration: float | None = None,
    dtype: npt.DTypeLike = "float32",
    res_type: str = "soxr_hq",
    max_duration: float = 3600.0,
) -> tuple[npt.NDArray[Any], int]:
    """Load audio like ``librosa.load`` and return ``(y, sr)``.

    ``path`` is a file path, the encoded bytes, or a binary file-like object;
    the format is detected from the content. ``y`` is float32, shaped ``(n,)``
    for mono and ``(channels, n)`` for ``mono=False`` on a multi-channel file.
    ``sr=None`` keeps the native rate; resampling is libsoxr HQ
    (librosa's default ``res_type="soxr_hq"``, the only one implemented).
    ``max_duration`` (seconds) bounds the memory a file can claim.

    >>> import io, wave
    >>> buf = io.BytesIO()
    >>> with wave.open(buf, "wb") as w:
    ...     w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
    ...     w.writeframes(bytes(16000))
    >>> y, sr = genre.load(buf.getvalue(), sr=None)
    >>> y.shape, y.dtype, sr
    ((8000,), dtype('float32'), 8000)
    """
    _convert.only("res_type", res_type, "soxr_hq")
    data, name = _convert.source(path)
    y, rate = _genre.load(
        data,
        name,
        sr=None if sr is None else _convert.rate(sr),
        mono=bool(mono),
        offset=float(offset),
        duration=None if duration is None else float(duration),
        max_duration=float(max_duration),
    )
    import numpy as np  # imported by now: ``y`` is an array

    if np.dtype(dtype) != np.float32:
        y = y.astype(dtype)
    return y, rate


def info(path: _convert.AudioSource) -> AudioInfo:
    """Container, codec, sample rate, channels, frames and duration of an audio file.

    For MP4 (AAC, ALAC), ``frames`` is the track's length after its edit list's start (the
    encoder priming), as ``librosa.get_duration(path=...)`` reports it; :func:`load` may
    return up to one packet (1,024 frames) more, since it keeps the last packet whole, as
    ffmpeg does.

    >>> import io, wave
    >>> buf = io.BytesIO()
    >>> with wave.open(buf, "wb") as w:
    ...     w.setnchannels(2); w.setsampwidth(2); w.setframerate(8000)
    ...     w.writeframes(bytes(4 * 4000))
    >>> i = genre.info(buf.getvalue())
    >>> (i.format, i.sample_rate, i.channels, i.frames, i.duration)
    ('wave', 8000, 2, 4000, 0.5)
    """
    data, name = _convert.source(path)
    return _genre.info(data, name)


def get_duration(
    *,
    y: npt.ArrayLike | None = None,
    sr: float = 22050,
    S: npt.ArrayLike | None = None,
    n_fft: int = 2048,
    hop_length: int = 512,
    center: bool = True,
    path: _convert.AudioSource | None = None,
) -> float:
    """Duration in seconds, like ``librosa.get_duration``: of a file (``path``,
    read from its header), a signal ``y`` at ``sr``, or a spectrogram ``S``.

    >>> genre.get_duration(y=np.zeros(44100), sr=22050)
    2.0
    """
    if path is not None:
        return info(path).duration
    import numpy as np

    if y is not None:
        return float(np.shape(y)[-1]) / _convert.rate(sr)
    if S is not None:
        n_frames = np.shape(S)[-1]
        n_samples = n_fft + hop_length * (n_frames - 1)
        if center:
            n_samples = n_samples - 2 * (n_fft // 2)
        return float(n_samples) / _convert.rate(sr)
    raise ValueError("get_duration needs one of path=, y= or S=")
