"""``genre.Classifier`` (re-exported by ``genre``)."""

from __future__ import annotations

import os
import re
import warnings
from typing import Any, Sequence

import numpy as np
import numpy.typing as npt

from genre import _convert, _genre
from genre._genre import Prediction, SegmentConfig
from genre.exceptions import ConfigError, ModelError


# `runs:/...`, `models:/...`, `s3://...`, `mlflow-artifacts:/...`: not a local path.
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:/")


def _yaml_scalar(value: str) -> str:
    """A plain or quoted YAML scalar's text (MLmodel values are simple names)."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _mlmodel_flavors(text: str) -> dict[str, dict[str, str]]:
    """``{flavor: {key: scalar}}`` of an MLmodel file's ``flavors:`` block.

    MLflow writes MLmodel with ``yaml.safe_dump`` (block style), so indentation
    is enough: the flavors are the keys one level under ``flavors:``, their
    scalar settings the keys one level under each flavor.
    """
    flavors: dict[str, dict[str, str]] = {}
    in_flavors = False
    flavor_indent: int | None = None
    current: dict[str, str] | None = None
    key_indent: int | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        key, sep, value = stripped.partition(":")
        if indent == 0:
            in_flavors = stripped == "flavors:"
            current = None
            continue
        if not in_flavors or not sep:
            continue
        if flavor_indent is None:
            flavor_indent = indent
        if indent == flavor_indent:
            current = flavors.setdefault(key, {})
            key_indent = None
        elif current is not None and indent > flavor_indent:
            if key_indent is None:
                key_indent = indent
            if indent == key_indent and value.strip():
                current[key] = _yaml_scalar(value)
    return flavors


def _mlflow_model_file(directory: str) -> str:
    """The ONNX file of a local MLflow model directory: the ``data`` of the
    ``onnx`` flavor in its ``MLmodel``, else its only ``.onnx`` file."""
    mlmodel = os.path.join(directory, "MLmodel")
    flavors = None
    if os.path.isfile(mlmodel):
        with open(mlmodel, encoding="utf-8") as f:
            flavors = _mlmodel_flavors(f.read())
        data = flavors.get("onnx", {}).get("data")
        if data:
            return os.path.join(directory, data)
    onnx = sorted(f for f in os.listdir(directory) if f.endswith(".onnx"))
    if len(onnx) == 1:
        return os.path.join(directory, onnx[0])
    if flavors is None:
        found = "no MLmodel file"
    else:
        found = f"an MLmodel with no onnx flavor (flavors: {', '.join(flavors) or 'none'})"
    listed = f" ({', '.join(onnx)})" if onnx else ""
    raise ModelError(
        f"{directory}: not an ONNX model directory: {found} and {len(onnx)} .onnx files{listed}; "
        "expected an MLflow model saved with mlflow.onnx.save_model / log_model, "
        "or a directory with exactly one .onnx file"
    )


def _model_source(model: str | os.PathLike[str] | bytes) -> str | os.PathLike[str] | bytes:
    """``model`` with a local MLflow model directory replaced by its ONNX file."""
    if isinstance(model, bytes):
        return model
    path = os.fspath(model)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if os.path.isdir(path):
        return _mlflow_model_file(path)
    if not os.path.exists(path) and _URI.match(path):
        raise ModelError(
            f"{path}: genre loads models from local paths only, and this is a URI "
            "(an MLflow runs:/ or models:/ URI needs a tracking server): resolve it with "
            "mlflow.artifacts.download_artifacts(artifact_uri=...) first and pass the local "
            "directory it returns"
        )
    return model


class Classifier:
    """A genre model (ONNX) ready to classify audio, shared safely by threads.

    ``model`` is a path to an ``.onnx`` file (a sidecar ``<model>.json`` is
    read unless ``ignore_sidecar``), the file's bytes, or a local MLflow model
    directory (what ``mlflow.onnx.save_model`` writes, or
    ``mlflow.artifacts.download_artifacts`` returns for a logged model: the
    ``onnx`` flavor's ``data`` file in its ``MLmodel``, else the directory's
    only ``.onnx`` file). Only local paths work: ``runs:/`` and ``models:/``
    URIs need an MLflow tracking server, so download them first (a
    :class:`ModelError` says so). ``None`` loads the built-in default model
    (trained on synthetic audio; a ``UserWarning`` says so). Labels and the
    feature configuration come from the model's ``genre.*`` metadata, the
    sidecar, ``labels=`` or GTZAN's defaults. Inference runs with the GIL
    released.

    ``predict`` takes a path, bytes or file-like object (loaded and segmented
    like the seed), a mono signal (at ``sr``, default the model's rate;
    resampled with libsoxr HQ otherwise), or MFCC segments ``(n, frames,
    n_mfcc)`` (``(n, 130, 13)`` for GTZAN models), also with the model
    input's channel axis of 1 (``(n, 130, 13, 1)`` for a Keras model). Other
    shapes raise :class:`ConfigError`.

    >>> import warnings, genre
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", UserWarning)  # the built-in model is a demo
    ...     clf = genre.Classifier()
    >>> clf.labels[:3]
    ['blues', 'classical', 'country']
    >>> clf.feature_config["sr"], clf.feature_config["n_mfcc"], clf.feature_config["frames"]
    (22050, 13, 130)
    >>> result = clf.predict("examples/traveling_minstrels_20s.ogg")
    >>> result.genre in clf.labels, len(result.segments)
    (True, 6)
    >>> abs(sum(result.probabilities.values()) - 1) < 1e-4
    True
    """

    __slots__ = ("_native",)

    def __init__(
        self,
        model: str | os.PathLike[str] | bytes | None = None,
        *,
        labels: Sequence[str] | None = None,
        output: str | None = None,
        aggregation: str = "mean",
        ignore_sidecar: bool = False,
    ) -> None:
        if model is None:
            # The built-in model was trained on synthetic audio: say so.
            warnings.warn(_genre.DEFAULT_MODEL_NOTICE, UserWarning, stacklevel=2)
            model = _genre.default_model_onnx()
        data, _ = _convert.source(_model_source(model))
        self._native = _genre.Classifier(
            data,
            labels=None if labels is None else [str(x) for x in labels],
            output=output,
            aggregation=aggregation,
            ignore_sidecar=ignore_sidecar,
        )

    @property
    def labels(self) -> list[str]:
        """Class labels in output order."""
        return self._native.labels

    @property
    def feature_config(self) -> dict[str, Any]:
        """The features the model expects (``sr``, ``n_mfcc``, ``n_fft``, ``hop_length``, ...)."""
        return self._native.feature_config

    @property
    def segment_config(self) -> SegmentConfig:
        """How audio is cut into segments for this model."""
        return self._native.segment_config

    def predict(self, x: Any, *, sr: int | None = None) -> Prediction:
        """Classify one track: a path, bytes, file-like object, signal or MFCC segments.

        The result's ``genre`` and ``confidence`` aggregate the segments'
        probabilities (their mean, or ``aggregation="majority"`` votes).

        >>> import warnings, genre
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", UserWarning)  # the built-in model is a demo
        ...     clf = genre.Classifier()
        >>> path = "examples/traveling_minstrels_20s.ogg"
        >>> by_path = clf.predict(path)
        >>> with open(path, "rb") as f:
        ...     clf.predict(f).genre == by_path.genre
        True
        >>> y, sr = genre.load(path)
        >>> clf.predict(y, sr=sr).to_dict() == by_path.to_dict()
        True
        >>> clf.predict(genre.segments(path)).to_dict() == by_path.to_dict()
        True
        """
        if _convert.is_signal(x):
            arr = _convert.float32(x, "x")
            if arr.ndim == 1:
                rate = self.segment_config.sample_rate if sr is None else _convert.rate(sr)
                return self._native.predict_signal(arr, rate)
            # The native layer checks the shape against the model's features.
            return self._native.predict_segments(arr)
        data, name = _convert.source(x)
        return self._native.predict_file(data, name)

    def predict_proba(self, segments: npt.ArrayLike) -> npt.NDArray[np.float32]:
        """Per-segment class probabilities ``(n, len(labels))`` of MFCC segments
        ``(n, frames, n_mfcc)`` (see :class:`Classifier` for the accepted shapes).

        >>> import warnings, numpy as np, genre
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", UserWarning)  # the built-in model is a demo
        ...     clf = genre.Classifier()
        >>> segments = genre.segments("examples/traveling_minstrels_20s.ogg")
        >>> segments.shape
        (6, 130, 13)
        >>> proba = clf.predict_proba(segments)
        >>> proba.shape, proba.dtype
        ((6, 10), dtype('float32'))
        >>> bool(np.allclose(proba.sum(axis=1), 1.0, atol=1e-4))
        True
        >>> clf.predict_proba(segments.reshape(6, 13, 130))
        Traceback (most recent call last):
        ...
        genre.exceptions.ConfigError: invalid segments: expected shape (n, 130, 13) or (n, 130, 13, 1) ..., found shape (6, 13, 130)
        """
        return self._native.probabilities(_convert.float32(segments, "segments"))

    def predict_many(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        n_jobs: int | None = None,
        on_error: str = "raise",
    ) -> list[Prediction | BaseException]:
        """Classify many files in parallel. With ``on_error="skip"`` a failed
        file's entry is its exception instead of a ``Prediction``.

        >>> import warnings, genre
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore", UserWarning)  # the built-in model is a demo
        ...     clf = genre.Classifier()
        >>> paths = ["examples/traveling_minstrels_20s.ogg", "no_such_file.wav"]
        >>> first, second = clf.predict_many(paths, on_error="skip")
        >>> first.genre in clf.labels, type(second).__name__
        (True, 'FileNotFoundError')
        """
        if on_error not in ("raise", "skip"):
            raise ConfigError(f'invalid on_error: {on_error!r} is not "raise" or "skip"')
        results = self._native.predict_many([os.fsdecode(os.fspath(p)) for p in paths], n_jobs)
        if on_error == "raise":
            for r in results:
                if isinstance(r, BaseException):
                    raise r
        return results

    def __repr__(self) -> str:
        return repr(self._native)
