"""genre.Classifier against onnxruntime (live), thread safety and typed errors."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

import genre
from conftest import ROOT

MODELS = ROOT / "tests" / "fixtures" / "models"
PARITY = ["keras_nhwc_meta.onnx", "keras_seq_meta.onnx", "torch_nchw_meta.onnx", "keras_nhwc.onnx"]
# Probabilities, float32 inference in two engines (tract vs onnxruntime). A
# near-even segment of the example (p ~ 0.53) differs by 1.3e-5 since
# resampling became bit-identical to librosa's (inputs moved by ~1e-7).
TOL = 2e-5


def ort_probabilities(model: Path, segments: np.ndarray) -> np.ndarray:
    sess = ort.InferenceSession(str(model), providers=["CPUExecutionProvider"])
    inp = sess.get_inputs()[0]
    shape = inp.shape
    x = segments
    if len(shape) == 4 and shape[-1] == 1:
        x = segments[..., None]
    elif len(shape) == 4:
        x = segments[:, None, :, :]
    return np.asarray(sess.run(None, {inp.name: x.astype(np.float32)})[0])


@pytest.fixture(scope="module")
def segments(example_ogg: Path) -> np.ndarray:
    return genre.segments(example_ogg)


@pytest.mark.parametrize("name", [n for n in PARITY if (MODELS / n).exists()])
def test_probabilities_match_onnxruntime(name: str, segments: np.ndarray, example_ogg: Path) -> None:
    model = MODELS / name
    clf = genre.Classifier(model)
    want = ort_probabilities(model, segments)
    got = clf.predict_proba(segments)
    assert got.shape == want.shape == (len(segments), len(clf.labels))
    if name.startswith("keras") or name.startswith("torch"):
        if not np.allclose(want.sum(axis=1), 1.0, atol=1e-4):  # logits model: genre applies softmax
            e = np.exp(want - want.max(axis=1, keepdims=True))
            want = e / e.sum(axis=1, keepdims=True)
    assert np.max(np.abs(got - want)) <= TOL
    p = clf.predict(example_ogg)
    mean = want.mean(axis=0)
    assert p.genre == clf.labels[int(np.argmax(mean))]
    assert p.confidence == pytest.approx(float(mean.max()), abs=TOL)
    assert list(p.probabilities) == clf.labels
    assert np.allclose(list(p.probabilities.values()), mean, atol=TOL)
    assert len(p.segments) == len(segments)
    assert p.segments[0].genre in clf.labels
    assert p.to_dict()["genre"] == p.genre


def test_inputs_agree(example_ogg: Path, segments: np.ndarray) -> None:
    clf = genre.Classifier(MODELS / "keras_nhwc_meta.onnx")
    by_path = clf.predict(example_ogg).to_dict()
    assert clf.predict(str(example_ogg)).to_dict() == by_path
    assert clf.predict(example_ogg.read_bytes()).to_dict() == by_path
    with open(example_ogg, "rb") as f:
        assert clf.predict(f).to_dict() == by_path
    y, _ = genre.load(example_ogg)
    assert clf.predict(y).to_dict() == by_path
    assert clf.predict(segments).to_dict() == by_path
    assert clf.predict(segments[..., None]).to_dict() == by_path
    many = clf.predict_many([example_ogg, example_ogg])
    assert [m.to_dict() for m in many] == [by_path, by_path]  # type: ignore[union-attr]
    assert clf.feature_config["sr"] == 22050 and clf.segment_config.n_mfcc == 13
    model_bytes = (MODELS / "keras_nhwc_meta.onnx").read_bytes()
    assert genre.Classifier(model_bytes).predict(segments).to_dict() == by_path


def test_eight_threads_predict_equal_sequential(example_ogg: Path, segments: np.ndarray) -> None:
    clf = genre.Classifier(MODELS / "keras_nhwc_meta.onnx")
    y, _ = genre.load(example_ogg)
    inputs = [y[i * 5000 :] for i in range(8)]
    sequential = [clf.predict(x).to_dict() for x in inputs]
    results: list[dict | None] = [None] * 8
    barrier = threading.Barrier(8)

    def work(i: int) -> None:
        barrier.wait()
        for _ in range(3):
            results[i] = clf.predict(inputs[i]).to_dict()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == sequential


@pytest.mark.parametrize("name", ["not_onnx.onnx", "truncated.onnx", "bad_op.onnx", "bad_rank.onnx", "bad_labels.onnx", "bad_frames.onnx"])
def test_broken_models_raise_model_error(name: str) -> None:
    if not (MODELS / name).exists():
        pytest.skip(f"{name} not in fixtures")
    with pytest.raises(genre.ModelError):
        genre.Classifier(MODELS / name)


def test_other_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        genre.Classifier(tmp_path / "missing.onnx")
    with pytest.raises(genre.ModelError):
        genre.Classifier(b"garbage")
    clf = genre.Classifier(MODELS / "keras_nhwc_meta.onnx")
    with pytest.raises(genre.ConfigError):
        clf.predict(np.zeros((2, 100, 13), np.float32))
    with pytest.raises(genre.GenreError):
        clf.predict(np.zeros(1000, np.float32))  # shorter than one segment
    with pytest.raises(FileNotFoundError):
        clf.predict(tmp_path / "missing.wav")
    with pytest.raises(genre.UnsupportedFormatError):
        clf.predict(b"not audio" * 100)
    with pytest.raises(genre.ConfigError):
        genre.Classifier(MODELS / "keras_nhwc_meta.onnx", aggregation="median")
    results = clf.predict_many([tmp_path / "missing.wav"], on_error="skip")
    assert isinstance(results[0], FileNotFoundError)
    with pytest.raises(FileNotFoundError):
        clf.predict_many([tmp_path / "missing.wav"])


def test_default_model_is_built_in_and_says_it_is_synthetic() -> None:
    with pytest.warns(UserWarning, match="synthetic"):
        clf = genre.Classifier()
    assert clf.labels == [
        "blues", "classical", "country", "disco", "hiphop",
        "jazz", "metal", "pop", "reggae", "rock",
    ]
    example = Path(__file__).resolve().parents[2] / "examples" / "traveling_minstrels_20s.ogg"
    pred = clf.predict(str(example))
    assert pred.genre in clf.labels
    assert abs(sum(pred.probabilities.values()) - 1.0) < 1e-4
    assert len(pred.segments) == 6
