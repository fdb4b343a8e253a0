"""The training suite: music-genre-pipeline end to end on a tiny synthetic corpus.

Needs TensorFlow, MLflow, Prefect (python-examples/training/requirements.txt)
and genre installed from ./genre-py; ``scripts/test.sh`` makes that venv.
One flow run (module-scoped fixture) is shared by every test here.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

pytestmark = pytest.mark.training_suite

TRACKS_PER_GENRE = 5
SECONDS = 12.0  # 4 GTZAN segments per track


def _needs_classifier():
    import genre

    if not hasattr(genre, "Classifier"):
        pytest.skip("this genre build has no Python Classifier binding yet (issue 5)")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    pytest.importorskip("tensorflow")
    import mlflow

    from music_genre import synth
    from music_genre.flow import music_genre_pipeline

    root = tmp_path_factory.mktemp("pipeline")
    synth.generate_corpus(root / "data", TRACKS_PER_GENRE, SECONDS, seed=0)
    uri = f"sqlite:///{root / 'mlflow.db'}"
    result = music_genre_pipeline(
        str(root / "data"),
        out_dir=str(root / "out"),
        tracking_uri=uri,
        epochs=25,
        patience=6,
        batch_size=16,
        val_fraction=0.2,
        test_fraction=0.2,
    )
    mlflow.set_tracking_uri(uri)
    return result, root, uri


def test_split_metrics_and_accuracy(run):
    result, root, _ = run
    from music_genre import synth

    assert result.labels == synth.GENRES
    m = result.metrics
    assert m["test_tracks"] == 10 and m["test_segments"] == 40  # one held-out track per genre
    # Ten classes, chance is 0.1; even this tiny run must have learnt something.
    assert m["test_track_accuracy"] >= 0.5, m
    assert np.asarray(result.confusion).sum() == 10
    saved = json.loads((root / "out" / "metrics.json").read_text())
    assert saved["metrics"]["test_track_accuracy"] == m["test_track_accuracy"]
    assert (root / "out" / "confusion_matrix.png").stat().st_size > 1000


def test_onnx_export_carries_genre_contract_and_matches_keras(run):
    result, _, _ = run
    from music_genre import export, synth

    meta = export.read_metadata(result.onnx_path)
    assert json.loads(meta["genre.labels"]) == list(synth.GENRES)
    assert json.loads(meta["genre.features"])["n_mfcc"] == 13
    assert meta["genre.output"] == "probabilities"
    assert result.metrics["onnxruntime_max_abs_diff"] <= 1e-5
    _needs_classifier()
    assert result.metrics["genre_max_abs_diff"] <= 1e-5


def test_registered_model_loads_in_genre_and_predicts(run):
    result, root, _ = run
    _needs_classifier()
    import genre
    from mlflow import MlflowClient

    from music_genre import tracking

    client = MlflowClient()
    versions = client.search_model_versions(f"name='{tracking.MODEL_NAME}'")
    assert len(versions) == 2  # the ONNX flavour and the genre pyfunc
    onnx_file = tracking.onnx_file_of(f"models:/{tracking.MODEL_NAME}/{result.model_uris['onnx_version']}")
    clf = genre.Classifier(str(onnx_file))
    assert list(clf.labels) == list(result.labels)
    track = root / "data" / "genres" / "metal" / "metal.00000.wav"
    pred = clf.predict(str(track))
    assert pred.genre in result.labels
    assert abs(sum(pred.probabilities.values()) - 1.0) < 1e-4
    assert len(pred.segments) == 4


def test_pyfunc_latest_predicts_through_genre(run):
    _, root, _ = run
    _needs_classifier()
    import mlflow.pyfunc
    import pandas as pd

    model = mlflow.pyfunc.load_model("models:/music_genre/latest")
    files = [str(root / "data" / "genres" / g / f"{g}.00001.wav") for g in ("jazz", "rock")]
    out = model.predict(pd.DataFrame({"path": files}))
    assert list(out.columns[:2]) == ["genre", "confidence"]
    assert len(out) == 2
    assert set(out["genre"]) <= set(out.columns[2:])
    assert np.allclose(out.iloc[:, 2:].sum(axis=1), 1.0, atol=1e-4)


def test_mlflow_run_has_params_epoch_metrics_and_plots(run):
    result, _, _ = run
    from mlflow import MlflowClient

    client = MlflowClient()
    r = client.get_run(result.run_id)
    assert r.data.params["learning_rate"] == "0.001"
    assert "test_track_accuracy" in r.data.metrics
    history = client.get_metric_history(result.run_id, "val_loss")
    assert len(history) == int(result.metrics["epochs_trained"]) >= 2
    artifacts = {a.path for a in client.list_artifacts(result.run_id)}
    assert {"confusion_matrix.png", "training_history.png", "split.json", "monitoring"} <= artifacts


def test_monitoring_reference(run):
    result, _, _ = run
    import pandas as pd

    df = pd.read_parquet(result.reference_path)
    assert len(df) == result.split_sizes["train"]
    assert list(df.columns) == [f"mfcc_{i}" for i in range(13)] + ["predicted_genre"]
    assert set(df["predicted_genre"]) <= set(result.labels)
    assert np.isfinite(df[[f"mfcc_{i}" for i in range(13)]].to_numpy()).all()
