"""MLflow: run logging, ONNX registration, and a genre-backed pyfunc model.

Two models are logged per run:

- ``onnx_model`` — the exported ONNX file (``mlflow.onnx.log_model``),
  registered as ``music_genre``; genre loads its ``model.onnx`` directly;
- ``genre_model`` — an MLflow pyfunc (built by ``_pyfunc_class``) whose artifact is
  the same ONNX file and whose ``predict`` runs genre's Classifier, so
  ``mlflow.pyfunc.load_model(...)`` predicts through genre. It is registered
  under the same name as a later version, so
  ``mlflow.pyfunc.load_model("models:/music_genre/latest")`` is genre-backed.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

MODEL_NAME = "music_genre"
EXPERIMENT = "music_genre_classification"


def _pyfunc_class():
    import mlflow.pyfunc

    class _GenrePyfunc(mlflow.pyfunc.PythonModel):
        """Predicts genres with genre's Classifier over the logged ONNX model.

        Input: a pandas DataFrame with a ``path`` column (audio files), a list
        of paths, or an ``(N, 130, 13)`` array of MFCC segments (one track).
        Output: a DataFrame with ``genre``, ``confidence`` and one
        probability column per label.
        """

        def load_context(self, context):
            import genre

            self._clf = genre.Classifier(context.artifacts["onnx"])

        def predict(self, context, model_input, params=None):
            import pandas as pd

            if isinstance(model_input, np.ndarray) and model_input.ndim == 3:
                results = [self._clf.predict(model_input.astype(np.float32))]
            else:
                if isinstance(model_input, pd.DataFrame):
                    paths = [str(p) for p in model_input["path"]]
                else:
                    paths = [str(p) for p in model_input]
                results = [self._clf.predict(p) for p in paths]
            rows = []
            for r in results:
                row = {"genre": r.genre, "confidence": float(r.confidence)}
                row.update({k: float(v) for k, v in r.probabilities.items()})
                rows.append(row)
            return pd.DataFrame(rows)

    return _GenrePyfunc


def confusion_figure(confusion: np.ndarray, labels: tuple[str, ...], title: str):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    ax.imshow(confusion, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    top = confusion.max() if confusion.size else 0
    for i in range(confusion.shape[0]):
        for j in range(confusion.shape[1]):
            if confusion[i, j]:
                ax.text(j, i, str(confusion[i, j]), ha="center", va="center",
                        color="white" if confusion[i, j] > top / 2 else "black", fontsize=8)
    fig.tight_layout()
    return fig


def history_figure(history: dict[str, list[float]]):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    for key, ax in (("accuracy", a1), ("loss", a2)):
        ax.plot(history.get(key, []), label=f"train {key}")
        ax.plot(history.get(f"val_{key}", []), label=f"validation {key}")
        ax.set_xlabel("epoch")
        ax.set_title(key)
        ax.legend()
    fig.tight_layout()
    return fig


def log_epoch(epoch: int, logs: dict | None) -> None:
    import mlflow

    if logs:
        mlflow.log_metrics({k: float(v) for k, v in logs.items()}, step=epoch)


def log_and_register(
    onnx_path: str | Path,
    params: dict,
    metrics: dict[str, float],
    confusion: np.ndarray,
    labels: tuple[str, ...],
    history: dict[str, list[float]],
    split: dict | None = None,
    register: bool = True,
) -> dict[str, str]:
    """Log everything to the active MLflow run and register both flavours.

    Returns ``{"onnx_uri": …, "pyfunc_uri": …, "onnx_version": …, "pyfunc_version": …}``.
    """
    import mlflow
    import mlflow.onnx
    import mlflow.pyfunc
    import onnx

    mlflow.log_params(params)
    mlflow.log_metrics(metrics)
    mlflow.log_figure(confusion_figure(confusion, labels, "test tracks"), "confusion_matrix.png")
    mlflow.log_figure(history_figure(history), "training_history.png")
    mlflow.log_dict({"labels": list(labels), "confusion": confusion.tolist()}, "confusion_matrix.json")
    if split is not None:
        mlflow.log_dict(split, "split.json")
    name = MODEL_NAME if register else None
    onnx_info = mlflow.onnx.log_model(
        onnx.load(str(onnx_path)),
        name="onnx_model",
        registered_model_name=name,
        input_example=None,
        # One self-contained .onnx file: genre loads models from their bytes
        # and does not resolve ONNX external-data tensors yet.
        save_as_external_data=False,
    )
    pyfunc_info = mlflow.pyfunc.log_model(
        name="genre_model",
        python_model=_pyfunc_class()(),
        artifacts={"onnx": str(onnx_path)},
        registered_model_name=name,
        # genre itself is installed from the repository (pip install ./genre-py),
        # not from an index: the environment serving this model must have it.
        pip_requirements=["numpy", "pandas"],
    )
    return {
        "onnx_uri": onnx_info.model_uri,
        "pyfunc_uri": pyfunc_info.model_uri,
        "onnx_version": str(getattr(onnx_info, "registered_model_version", "")),
        "pyfunc_version": str(getattr(pyfunc_info, "registered_model_version", "")),
        "labels": json.dumps(list(labels)),
    }


def onnx_file_of(model_uri: str) -> Path:
    """Download a logged ONNX model (``runs:/…``, ``models:/…``) and return its ``model.onnx``."""
    import mlflow.artifacts

    local = Path(mlflow.artifacts.download_artifacts(model_uri))
    found = sorted(local.rglob("*.onnx"))
    if not found:
        raise FileNotFoundError(f"no .onnx file in {model_uri} (downloaded to {local})")
    return found[0]
