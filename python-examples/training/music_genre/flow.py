"""Prefect 3 flow ``music-genre-pipeline``: data → genre features → CNN → ONNX → MLflow.

Steps: validate data → extract features (genre) → train (Keras) → evaluate
(per segment and per track, held-out test split by track) → export (ONNX with
genre's metadata, checked against Keras) → register (MLflow ``music_genre``)
→ write the monitoring reference (Parquet of mean MFCC + predicted genre, and
a genre drift profile when this genre has one).

Run locally (Prefect starts a temporary local API server by itself)::

    python -m music_genre.flow DATA_DIR --out runs/ --tracking-uri sqlite:///mlflow.db

``DATA_DIR`` is GTZAN (``genres/<label>/…``), Kaggle's ``genres_original`` or
any ``<label>/<audio files>`` folder; ``python -m music_genre.synth DIR``
writes a synthetic one. See ``python-examples/README.md`` for running it
against a Prefect server and as a deployment.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# No telemetry from the temporary local Prefect server (set before prefect loads).
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

from prefect import flow, get_run_logger, task  # noqa: E402

from . import cnn, datasets, export, features, tracking  # noqa: E402

FLOW_NAME = "music-genre-pipeline"


@dataclass(frozen=True)
class PipelineResult:
    onnx_path: str
    run_id: str
    metrics: dict[str, float]
    model_uris: dict[str, str]
    reference_path: str
    labels: tuple[str, ...]
    confusion: list[list[int]]
    split_sizes: dict[str, int]


@task(name="validate-data")
def validate_data(data_dir: str, val_fraction: float, test_fraction: float, seed: int) -> datasets.Split:
    log = get_run_logger()
    tracks = datasets.find_tracks(data_dir)
    split = datasets.split_by_track(tracks, val_fraction, test_fraction, seed)
    if len(split.labels) < 2:
        raise datasets.DatasetError(f"{data_dir!r} has {len(split.labels)} label folder(s); need at least 2")
    empty = [name for name, part in (("train", split.train), ("val", split.val), ("test", split.test)) if not part]
    if empty:
        raise datasets.DatasetError(f"too few tracks for a split: {', '.join(empty)} would be empty")
    log.info("%d tracks, %d labels; split by track: %d train / %d val / %d test",
             len(tracks), len(split.labels), len(split.train), len(split.val), len(split.test))
    return split


@task(name="extract-features")
def extract_features(split: datasets.Split, n_jobs: int | None) -> dict[str, features.Features]:
    log = get_run_logger()
    t0 = time.perf_counter()
    out = {name: features.extract(part, split.labels, n_jobs)
           for name, part in (("train", split.train), ("val", split.val), ("test", split.test))}
    errors = {p: e for f in out.values() for p, e in f.errors.items()}
    for path, err in list(errors.items())[:10]:
        log.warning("skipped %s: %s", path, err)
    log.info("genre extracted %s segments in %.1f s (%d tracks skipped)",
             {k: len(v.y) for k, v in out.items()}, time.perf_counter() - t0, len(errors))
    return out


@task(name="train")
def train_model(feats: dict[str, features.Features], n_labels: int, config: cnn.TrainConfig):
    import mlflow

    log = get_run_logger()
    t0 = time.perf_counter()
    model, history = cnn.train(
        feats["train"].x, feats["train"].y, feats["val"].x, feats["val"].y, n_labels, config,
        on_epoch=tracking.log_epoch if mlflow.active_run() else None,
    )
    log.info("trained %d epochs in %.1f s", len(history.get("loss", [])), time.perf_counter() - t0)
    return model, history


@task(name="evaluate")
def evaluate(model, feats: dict[str, features.Features], n_labels: int) -> tuple[dict[str, float], np.ndarray]:
    test = feats["test"]
    ev = cnn.evaluate(cnn.predict_proba(model, test.x), test.y, test.track, n_labels)
    val = feats["val"]
    ev_val = cnn.evaluate(cnn.predict_proba(model, val.x), val.y, val.track, n_labels)
    metrics = {
        "test_accuracy": ev.segment_accuracy,
        "test_track_accuracy": ev.track_accuracy,
        "val_accuracy_final": ev_val.segment_accuracy,
        "val_track_accuracy": ev_val.track_accuracy,
        "test_tracks": float(ev.n_tracks),
        "test_segments": float(ev.n_segments),
    }
    get_run_logger().info("test accuracy: %.4f per segment, %.4f per track (%d tracks)",
                          ev.segment_accuracy, ev.track_accuracy, ev.n_tracks)
    return metrics, ev.confusion


@task(name="export-onnx")
def export_model(model, feats: dict[str, features.Features], labels: tuple[str, ...], out_dir: str) -> tuple[str, dict]:
    path = export.export_onnx(model, Path(out_dir) / "music_genre.onnx", labels)
    x = feats["test"].x[:256]
    diffs = export.verify(path, cnn.predict_proba(model, x), x)
    get_run_logger().info("exported %s (%d bytes); max |ONNX - Keras| = %s", path, path.stat().st_size, diffs)
    return str(path), diffs


@task(name="register")
def register(onnx_path: str, params: dict, metrics: dict, confusion: np.ndarray, labels, history,
             split: datasets.Split, register_model: bool) -> dict[str, str]:
    return tracking.log_and_register(onnx_path, params, metrics, confusion, labels, history,
                                     split.as_dict(), register=register_model)


@task(name="monitoring-reference")
def monitoring_reference(onnx_path: str, train: features.Features, out_dir: str) -> str:
    """The monitoring reference: per training track, genre's mean MFCC and the
    new model's predicted genre (the columns the serving side logs), as
    ``reference.parquet``; plus a genre drift profile when the ``genre`` CLI
    is on PATH (``genre drift reference.csv --save-profile …``).

    Predictions come from genre's Classifier on the file (the serving path)
    or, with a genre build that has no Python Classifier yet, from
    onnxruntime on the track's genre segments (equal to 1e-5, see export).
    """
    import shutil
    import subprocess

    import genre
    import mlflow
    import pandas as pd

    log = get_run_logger()
    clf = genre.Classifier(onnx_path) if hasattr(genre, "Classifier") else None
    labels = json.loads(export.read_metadata(onnx_path)["genre.labels"])
    rows = []
    for i, t in enumerate(train.tracks):
        if t.path in train.errors:
            continue
        try:
            vec = np.asarray(genre.mean_mfcc(t.path), dtype=np.float64)
            if clf is not None:
                predicted = clf.predict(t.path).genre
            else:
                proba = export.onnxruntime_proba(onnx_path, train.x[train.track == i])
                predicted = labels[int(proba.mean(0).argmax())]
        except Exception as e:  # noqa: BLE001 - reported, the reference goes on
            log.warning("reference: skipped %s: %s", t.path, e)
            continue
        row = {f"mfcc_{k}": float(v) for k, v in enumerate(vec)}
        row["predicted_genre"] = predicted
        rows.append(row)
    out = Path(out_dir) / "reference.parquet"
    frame = pd.DataFrame(rows)
    frame.to_parquet(out, index=False)
    csv = out.with_suffix(".csv")  # what `genre drift` reads
    frame.to_csv(csv, index=False)
    cli = os.environ.get("GENRE_CLI") or shutil.which("genre")
    if cli:
        profile = Path(out_dir) / "reference.profile"
        done = subprocess.run([cli, "drift", str(csv), "--save-profile", str(profile)],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log.warning("genre drift --save-profile failed: %s", done.stderr.strip())
    if mlflow.active_run():
        mlflow.log_artifact(str(out), "monitoring")
        if (Path(out_dir) / "reference.profile").exists():
            mlflow.log_artifact(str(Path(out_dir) / "reference.profile"), "monitoring")
    return str(out)


@flow(name=FLOW_NAME)
def music_genre_pipeline(
    data_dir: str,
    out_dir: str = "runs/latest",
    tracking_uri: str | None = None,
    experiment: str = tracking.EXPERIMENT,
    val_fraction: float = 0.15,
    test_fraction: float = 0.15,
    split_seed: int = 0,
    epochs: int = 100,
    batch_size: int = 32,
    learning_rate: float = 1e-3,
    patience: int = 8,
    seed: int = 0,
    n_jobs: int | None = None,
    register_model: bool = True,
) -> PipelineResult:
    """The whole pipeline; returns paths, metrics and the registered model URIs."""
    import mlflow

    Path(out_dir).mkdir(parents=True, exist_ok=True)
    if tracking_uri:
        mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_experiment(experiment)
    config = cnn.TrainConfig(epochs=epochs, batch_size=batch_size, learning_rate=learning_rate,
                             patience=patience, seed=seed)
    split = validate_data(data_dir, val_fraction, test_fraction, split_seed)
    feats = extract_features(split, n_jobs)
    labels = split.labels
    with mlflow.start_run() as run:
        model, history = train_model(feats, len(labels), config)
        metrics, confusion = evaluate(model, feats, len(labels))
        metrics["epochs_trained"] = float(len(history.get("loss", [])))
        onnx_path, diffs = export_model(model, feats, labels, out_dir)
        metrics.update(diffs)
        params = config.as_params() | {
            "data_dir": data_dir, "val_fraction": val_fraction, "test_fraction": test_fraction,
            "split_seed": split_seed, "labels": json.dumps(list(labels)),
            "train_tracks": len(split.train), "val_tracks": len(split.val), "test_tracks": len(split.test),
            "features": "genre.extract (GTZAN segments: 3 s, 13 MFCC, n_fft 2048, hop 512)",
        }
        uris = register(onnx_path, params, metrics, confusion, labels, history, split, register_model)
        reference = monitoring_reference(onnx_path, feats["train"], out_dir)
        (Path(out_dir) / "metrics.json").write_text(json.dumps(
            {"metrics": metrics, "labels": list(labels), "confusion": confusion.tolist(),
             "history": history, "run_id": run.info.run_id}, indent=1))
        tracking.confusion_figure(confusion, labels, "held-out test tracks").savefig(
            Path(out_dir) / "confusion_matrix.png", dpi=90)
        sizes = {"train": len(split.train), "val": len(split.val), "test": len(split.test)}
        return PipelineResult(onnx_path, run.info.run_id, metrics, uris, reference, labels, confusion.tolist(), sizes)


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m music_genre.flow", description="Run the music-genre-pipeline flow.")
    ap.add_argument("data_dir")
    ap.add_argument("--out", default="runs/latest")
    ap.add_argument("--tracking-uri", default=None, help="e.g. sqlite:///mlflow.db (default: MLflow's)")
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--patience", type=int, default=8)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--split-seed", type=int, default=0)
    ap.add_argument("--n-jobs", type=int, default=None)
    ap.add_argument("--no-register", action="store_true")
    a = ap.parse_args(argv)
    r = music_genre_pipeline(a.data_dir, a.out, a.tracking_uri, epochs=a.epochs, patience=a.patience,
                             batch_size=a.batch_size, seed=a.seed, split_seed=a.split_seed,
                             n_jobs=a.n_jobs, register_model=not a.no_register)
    print(json.dumps({"onnx": r.onnx_path, "run_id": r.run_id, "metrics": r.metrics,
                      "models": r.model_uris, "reference": r.reference_path}, indent=1))


if __name__ == "__main__":
    main()
