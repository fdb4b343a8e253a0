"""genre: the hot path of music-genre ML in Rust, with librosa's numbers.

Drop-in replacements for ``librosa.load`` and ``librosa.feature.*``, the
seed's GTZAN segments, parallel extraction, ONNX inference and drift
statistics — all running with the GIL released.

>>> import numpy as np, genre
>>> y = np.random.default_rng(0).standard_normal(22050 * 3).astype(np.float32)
>>> genre.feature.mfcc(y=y, sr=22050, n_mfcc=13).shape
(13, 130)
"""

from __future__ import annotations

from genre import drift, feature
from genre._audio import get_duration, info, load
from genre._genre import AudioInfo, Prediction, SegmentConfig, SegmentPrediction, __version__
from genre._model import Classifier
from genre._pipeline import Extraction, extract, mean_mfcc, segments
from genre.exceptions import (
    ConfigError,
    DecodeError,
    DriftError,
    GenreError,
    ModelError,
    UnsupportedFormatError,
)
from genre.feature import power_to_db

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
