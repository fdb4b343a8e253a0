"""Export the Keras CNN to ONNX with genre's contract, and check it.

The exported file carries ``genre.labels`` (JSON list, output order),
``genre.features`` (JSON feature config) and ``genre.output``
(``"probabilities"``) in ``metadata_props``, so genre (Rust, Python, Node,
CLI) loads it with no sidecar. Before a model is registered its ONNX outputs
are compared with Keras' on the same features (onnxruntime, ≤ 1e-5), and,
when genre's Classifier is available, genre's too.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

TOLERANCE = 1e-5

# The seed's GTZAN features (genre's defaults).
SEED_FEATURES = {
    "sr": 22050,
    "n_mfcc": 13,
    "n_fft": 2048,
    "hop_length": 512,
    "n_mels": 128,
    "segment_seconds": 3.0,
    "frames": 130,
}


class ExportMismatch(AssertionError):
    """The exported model does not reproduce Keras' outputs."""


def export_onnx(model, path: str | Path, labels: tuple[str, ...], features: dict | None = None) -> Path:
    """``model.export(format="onnx")`` then write genre's metadata into the file."""
    import onnx

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    model.export(str(path), format="onnx", verbose=False)
    proto = onnx.load(str(path))
    meta = {
        "genre.labels": json.dumps(list(labels)),
        "genre.features": json.dumps(features or SEED_FEATURES, sort_keys=True),
        "genre.output": "probabilities",
    }
    for prop in list(proto.metadata_props):
        if prop.key in meta:
            proto.metadata_props.remove(prop)
    for key, value in meta.items():
        proto.metadata_props.add(key=key, value=value)
    proto.producer_name = "genre music-genre-pipeline"
    onnx.checker.check_model(proto)
    onnx.save(proto, str(path))
    return path


def read_metadata(path: str | Path) -> dict[str, str]:
    import onnx

    proto = onnx.load(str(path), load_external_data=False)
    return {p.key: p.value for p in proto.metadata_props}


def onnxruntime_proba(path: str | Path, x: np.ndarray) -> np.ndarray:
    """Probabilities from onnxruntime for ``x`` of shape ``(N, 130, 13)``."""
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    x4 = np.ascontiguousarray(np.asarray(x, dtype=np.float32)[..., np.newaxis])
    return np.asarray(sess.run(None, {name: x4})[0], dtype=np.float32)


def genre_proba(path: str | Path, x: np.ndarray) -> np.ndarray | None:
    """Segment probabilities from genre's Classifier, or ``None`` if this
    genre build has no Python Classifier binding yet."""
    import genre

    if not hasattr(genre, "Classifier"):
        return None
    clf = genre.Classifier(str(path))
    result = clf.predict(np.asarray(x, dtype=np.float32))
    return np.asarray([[s.probabilities[label] for label in clf.labels] for s in result.segments], dtype=np.float32)


def max_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    if a.shape != b.shape:
        raise ExportMismatch(f"shape {a.shape} != {b.shape}")
    return float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64)))) if a.size else 0.0


def verify(path: str | Path, keras_proba: np.ndarray, x: np.ndarray, use_genre: bool = True) -> dict[str, float]:
    """Compare the exported model with Keras; raise :class:`ExportMismatch` past 1e-5.

    Returns the measured maximum absolute differences (``onnxruntime`` and,
    when available, ``genre``).
    """
    out = {"onnxruntime_max_abs_diff": max_abs_diff(onnxruntime_proba(path, x), keras_proba)}
    if use_genre:
        g = genre_proba(path, x)
        if g is not None:
            out["genre_max_abs_diff"] = max_abs_diff(g, keras_proba)
    bad = {k: v for k, v in out.items() if not v <= TOLERANCE}
    if bad:
        raise ExportMismatch(f"exported ONNX differs from Keras by more than {TOLERANCE}: {bad}")
    return out
