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


def _mlflow_model_file(directory: str) -> str:
    """The ONNX file inside an MLflow model directory (``MLmodel`` + ``model.onnx``)."""
    mlmodel = os.path.join(directory, "MLmodel")
    if os.path.isfile(mlmodel):
        with open(mlmodel, encoding="utf-8") as f:
            text = f.read()
        # flavors: onnx: data: model.onnx
        flavor = re.search(r"^\s+onnx:\s*\n((?:\s{4,}.*\n?)*)", text, re.MULTILINE)
        data = re.search(r"^\s+data:\s*(\S+)", flavor.group(1), re.MULTILINE) if flavor else None
        if data:
            return os.path.join(directory, data.group(1))
    onnx = sorted(f for f in os.listdir(directory) if f.endswith(".onnx"))
    if len(onnx) == 1:
        return os.path.join(directory, onnx[0])
    raise ModelError(
        f"{directory}: not an MLflow ONNX model directory (no MLmodel with an onnx flavor "
        f"and {len(onnx)} .onnx files)"
    )


class Classifier:
    """A genre model (ONNX) ready to classify audio, shared safely by threads.

    ``model`` is a path to an ``.onnx`` file (a sidecar ``<model>.json`` is
    read unless ``ignore_sidecar``), the file's bytes, or an MLflow model
    directory (``mlflow.onnx.log_model`` output); ``None`` loads the
    built-in default model (trained on synthetic audio; a ``UserWarning`` says so). Labels and the feature
    configuration come from the model's ``genre.*`` metadata, the sidecar,
    ``labels=`` or GTZAN's defaults. Inference runs with the GIL released.

    ``predict`` takes a path, bytes or file-like object (loaded and segmented
    like the seed), a mono signal (at ``sr``, default the model's rate;
    resampled with libsoxr HQ otherwise), or MFCC segments ``(n, 130, 13)`` /
    ``(n, 130, 13, 1)``.
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
        if isinstance(model, (str, os.PathLike)) and os.path.isdir(model):
            model = _mlflow_model_file(os.fspath(model))
        data, _ = _convert.source(model)
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
        """Classify one track: a path, bytes, file-like object, signal or MFCC segments."""
        if _convert.is_signal(x):
            arr = _convert.float32(x, "x")
            if arr.ndim == 1:
                rate = self.segment_config.sample_rate if sr is None else _convert.rate(sr)
                return self._native.predict_signal(arr, rate)
            if arr.ndim in (3, 4):
                return self._native.predict_segments(arr)
            raise ConfigError(
                f"invalid x: expected a 1-D signal or segments (n, frames, n_mfcc[, 1]), got shape {arr.shape}"
            )
        data, _ = _convert.source(x)
        return self._native.predict_file(data)

    def predict_proba(self, segments: npt.ArrayLike) -> npt.NDArray[np.float32]:
        """Per-segment class probabilities ``(n, len(labels))`` of MFCC segments."""
        return self._native.probabilities(_convert.float32(segments, "segments"))

    def predict_many(
        self,
        paths: Sequence[str | os.PathLike[str]],
        *,
        n_jobs: int | None = None,
        on_error: str = "raise",
    ) -> list[Prediction | BaseException]:
        """Classify many files in parallel. With ``on_error="skip"`` a failed
        file's entry is its exception instead of a ``Prediction``."""
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
