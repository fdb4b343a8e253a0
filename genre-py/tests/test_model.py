"""genre.Classifier against onnxruntime (live), thread safety and typed errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

import genre
from conftest import ROOT, at_once

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
    results = at_once(8, lambda i: [clf.predict(inputs[i]).to_dict() for _ in range(3)])
    assert results == [[want] * 3 for want in sequential]


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


# --- segment arrays must have the model's (frames, n_mfcc) trailing shape ---

# Same number of values as (6, 130, 13), wrong layout: these used to be accepted.
WRONG_LAYOUTS = [(6, 13, 130), (3, 260, 13), (1, 130, 13, 6), (6, 130, 13, 1, 1), (6 * 130 * 13,)]


def shape_text(shape: tuple[int, ...]) -> str:
    """How the error message prints a shape (Python's tuple repr)."""
    return str(tuple(shape))


@pytest.mark.parametrize("shape", WRONG_LAYOUTS + [(130, 13), (0, 130, 13), (6, 130, 12), ()])
def test_segments_of_the_wrong_shape_raise_config_error(shape: tuple[int, ...], segments: np.ndarray) -> None:
    clf = genre.Classifier(MODELS / "keras_nhwc_meta.onnx")
    x = np.resize(segments, shape).astype(np.float32)
    expected = r"expected shape \(n, 130, 13\) or \(n, 130, 13, 1\)"
    calls = [clf.predict_proba] if len(shape) == 1 else [clf.predict_proba, clf.predict]  # 1-D: a signal for predict
    for call in calls:
        with pytest.raises(genre.ConfigError, match=expected) as e:
            call(x)
        assert f"found shape {shape_text(shape)}" in str(e.value)


def test_channel_axis_is_accepted_only_where_the_model_has_one(segments: np.ndarray) -> None:
    seq = genre.Classifier(MODELS / "keras_seq_meta.onnx")  # input (n, 130, 13)
    with pytest.raises(genre.ConfigError, match=r"expected shape \(n, 130, 13\) with n >= 1 .*found shape \(6, 130, 13, 1\)"):
        seq.predict_proba(segments[..., None])
    with pytest.raises(genre.ConfigError, match=r"found shape \(6, 130, 13, 1\)"):
        seq.predict(segments[..., None])
    nchw = genre.Classifier(MODELS / "torch_nchw_meta.onnx")  # input (n, 1, 130, 13)
    want = nchw.predict_proba(segments)
    assert np.array_equal(nchw.predict_proba(segments[:, None]), want)
    assert nchw.predict(segments[:, None]).to_dict() == nchw.predict(segments).to_dict()
    with pytest.raises(genre.ConfigError, match=r"\(n, 130, 13\) or \(n, 1, 130, 13\)"):
        nchw.predict_proba(segments[..., None])
    nhwc = genre.Classifier(MODELS / "keras_nhwc_meta.onnx")  # input (n, 130, 13, 1)
    assert np.array_equal(nhwc.predict_proba(segments[..., None]), nhwc.predict_proba(segments))
    with pytest.raises(genre.ConfigError, match=r"found shape \(6, 1, 130, 13\)"):
        nhwc.predict_proba(segments[:, None])


def test_native_layer_checks_the_shape_too(segments: np.ndarray) -> None:
    # The private native methods are entry points of their own: they must not
    # rely on the Python layer's checks.
    native = genre.Classifier(MODELS / "keras_nhwc_meta.onnx")._native
    bad = np.ascontiguousarray(segments.reshape(6, 13, 130))
    for call in (native.predict_segments, native.probabilities):
        with pytest.raises(genre.ConfigError, match=r"found shape \(6, 13, 130\)"):
            call(bad)


# --- a file-like object's name appears in errors ---


def test_decode_error_of_an_opened_file_names_it(tmp_path: Path, example_ogg: Path) -> None:
    broken = tmp_path / "broken.ogg"
    broken.write_bytes(example_ogg.read_bytes()[:6000])  # cut inside the Vorbis headers
    clf = genre.Classifier(MODELS / "keras_nhwc_meta.onnx")
    with open(broken, "rb") as f, pytest.raises(genre.DecodeError) as e:
        clf.predict(f)
    assert str(broken) in str(e.value)
    with pytest.raises(genre.DecodeError, match="<bytes>"):  # bytes have no name
        clf.predict(broken.read_bytes())
    with pytest.raises(genre.DecodeError) as e:  # a path names itself
        clf.predict(broken)
    assert str(broken) in str(e.value)


# --- MLflow model directories ---

# MLmodel as mlflow.onnx.save_model writes it (yaml.safe_dump, sorted keys).
MLMODEL = """\
artifact_path: model
flavors:
  onnx:
    code: null
    data: {data}
    onnx_version: 1.17.0
    providers:
    - CUDAExecutionProvider
    - CPUExecutionProvider
  python_function:
    data: {data}
    env:
      conda: conda.yaml
      virtualenv: python_env.yaml
    loader_module: mlflow.onnx
    python_version: 3.10.12
mlflow_version: 2.17.2
model_size_bytes: 123456
model_uuid: 0f3c5e1d2b7a4c8e9f1a2b3c4d5e6f70
run_id: 5d2c0b3a1e4f4a6b8c9d0e1f2a3b4c5d
utc_time_created: '2026-11-27 12:00:00.000000'
"""


def mlflow_dir(root: Path, data: str = "model.onnx", mlmodel: str | None = MLMODEL) -> Path:
    root.mkdir()
    (root / data).write_bytes((MODELS / "keras_nhwc_meta.onnx").read_bytes())
    if mlmodel is not None:
        (root / "MLmodel").write_text(mlmodel.format(data=data))
    for name in ("conda.yaml", "python_env.yaml", "requirements.txt"):
        (root / name).write_text("# written by mlflow\n")
    return root


def test_mlflow_model_directory_predicts_like_the_plain_file(tmp_path: Path, example_ogg: Path) -> None:
    want = genre.Classifier(MODELS / "keras_nhwc_meta.onnx").predict(example_ogg).to_dict()
    logged = mlflow_dir(tmp_path / "model")
    assert genre.Classifier(logged).predict(example_ogg).to_dict() == want
    assert genre.Classifier(str(logged)).predict(example_ogg).to_dict() == want
    # `data:` is what is loaded, even beside other .onnx files
    named = mlflow_dir(tmp_path / "named", data="genre_cnn.onnx")
    (named / "other.onnx").write_bytes(b"not this one")
    assert genre.Classifier(named).predict(example_ogg).to_dict() == want
    # a quoted value, as YAML may write a name with special characters
    quoted = mlflow_dir(tmp_path / "quoted", mlmodel=MLMODEL.replace("data: {data}", "data: '{data}'"))
    assert genre.Classifier(quoted).predict(example_ogg).to_dict() == want
    # no MLmodel, one .onnx file
    bare = mlflow_dir(tmp_path / "bare", mlmodel=None)
    assert genre.Classifier(bare).predict(example_ogg).to_dict() == want


def test_mlflow_directories_without_one_model_are_errors(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(genre.ModelError, match=r"empty: .*no MLmodel.*0 \.onnx files"):
        genre.Classifier(empty)
    two = mlflow_dir(tmp_path / "two", mlmodel=None)
    (two / "b.onnx").write_bytes(b"")
    with pytest.raises(genre.ModelError, match=r"2 \.onnx files \(b\.onnx, model\.onnx\)"):
        genre.Classifier(two)
    keras = mlflow_dir(tmp_path / "keras", mlmodel="flavors:\n  keras:\n    data: data\n  python_function:\n    data: data\n")
    (keras / "model.onnx").unlink()
    with pytest.raises(genre.ModelError, match=r"no onnx flavor \(flavors: keras, python_function\)"):
        genre.Classifier(keras)
    missing = mlflow_dir(tmp_path / "missing")
    (missing / "model.onnx").unlink()
    with pytest.raises(FileNotFoundError):
        genre.Classifier(missing)


@pytest.mark.parametrize("uri", ["runs:/0123456789abcdef/model", "models:/genre-cnn/3", "models:/genre-cnn@champion"])
def test_mlflow_uris_need_downloading_first(uri: str) -> None:
    with pytest.raises(genre.ModelError, match=r"mlflow\.artifacts\.download_artifacts") as e:
        genre.Classifier(uri)
    assert uri in str(e.value) and "local" in str(e.value)
    assert "only local paths work" in " ".join((genre.Classifier.__doc__ or "").split()).lower()


# --- threads mixing every input kind and genre.feature.mfcc ---


def test_eight_threads_mixing_inputs_and_mfcc_equal_sequential(example_ogg: Path, segments: np.ndarray) -> None:
    clf = genre.Classifier(MODELS / "keras_nhwc_meta.onnx")
    y, sr = genre.load(example_ogg)
    data = example_ogg.read_bytes()
    jobs = [
        lambda: clf.predict(example_ogg).to_dict(),
        lambda: clf.predict(str(example_ogg)).to_dict(),
        lambda: clf.predict(data).to_dict(),
        lambda: clf.predict(y[7000:]).to_dict(),
        lambda: clf.predict(segments[1:]).to_dict(),
        lambda: clf.predict_proba(segments).tolist(),
        lambda: genre.feature.mfcc(y=y, sr=sr, n_mfcc=13).tolist(),
        lambda: genre.feature.mfcc(y=y[:66150], sr=sr).tolist(),
    ]
    sequential = [job() for job in jobs]
    assert sequential[0] == sequential[1] == sequential[2]
    # every thread runs every job, each starting at another one
    runs = at_once(len(jobs), lambda i: [(j, jobs[j]()) for j in (*range(i, len(jobs)), *range(i))])
    for run in runs:
        assert sorted(j for j, _ in run) == list(range(len(jobs)))
        for j, got in run:
            assert got == sequential[j], j
