#!/usr/bin/env python3
"""Build the seed's GTZAN CNN in Keras 3 and PyTorch, export it to ONNX the way users do,
and write onnxruntime golden outputs for genre-core's model tests.

Run from the repository root with the venv described in requirements-model.txt:

    python tests/scripts/gen_model_golden.py

Writes:
  tests/fixtures/models/*.onnx (+ sidecar .json)   the models under test (random seeded weights,
                                                  non-trivial BatchNorm statistics)
  tests/golden/model/inputs.npy                   (10, 130, 13) float32 MFCC-like segments
  tests/golden/model/<model>_b<N>.npy             onnxruntime probabilities for the first N segments
                                                  (N = 1, 7, 10), softmax applied for logit models
  tests/golden/model/manifest.json                which model takes which layout / output kind

The Keras export is the graph Keras 3 + tf2onnx 1.17 writes (Flatten becomes
Shape->Cast->Slice->Concat->Reshape), which is exactly what tract must cope with.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np
import onnx
import onnxruntime as ort

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "tests" / "fixtures" / "models"
GOLDEN = ROOT / "tests" / "golden" / "model"

FRAMES, N_MFCC, N_CLASSES = 130, 13, 10
GTZAN = ["blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"]
FEATURES = {
    "sr": 22050,
    "n_mfcc": N_MFCC,
    "n_fft": 2048,
    "hop_length": 512,
    "n_mels": 128,
    "segment_seconds": 3.0,
    "frames": FRAMES,
}
BATCHES = (1, 7, 10)
SEED = 20260426


def add_metadata(path: Path, labels, output: str, features=FEATURES) -> None:
    m = onnx.load(str(path))
    for key, value in (
        ("genre.labels", json.dumps(labels)),
        ("genre.features", json.dumps(features)),
        ("genre.output", output),
    ):
        m.metadata_props.add(key=key, value=value)
    onnx.save(m, str(path))


def randomize_batchnorm(layers, rng) -> None:
    """Give every BatchNorm non-trivial statistics so folding is really exercised."""
    for gamma, beta, mean, var in layers:
        c = gamma.shape[0]
        gamma[...] = rng.uniform(0.5, 1.5, c)
        beta[...] = rng.normal(0.0, 0.2, c)
        mean[...] = rng.normal(0.3, 0.3, c)
        var[...] = rng.uniform(0.3, 2.0, c)


# ---------------------------------------------------------------- Keras ----------
def keras_cnn(seq_input: bool, logits: bool, seed: int):
    import keras
    from keras import layers, regularizers

    keras.utils.set_random_seed(seed)
    if seq_input:
        inp = keras.Input(shape=(FRAMES, N_MFCC), name="mfcc")
        x = layers.Reshape((FRAMES, N_MFCC, 1))(inp)
    else:
        inp = keras.Input(shape=(FRAMES, N_MFCC, 1), name="mfcc")
        x = inp
    # The classic GTZAN tutorial CNN the seed trains (45.5 k parameters).
    for kernel, pool in (((3, 3), (3, 3)), ((3, 3), (3, 3)), ((2, 2), (2, 2))):
        x = layers.Conv2D(32, kernel, activation="relu")(x)
        x = layers.MaxPooling2D(pool, strides=(2, 2), padding="same")(x)
        x = layers.BatchNormalization()(x)
    x = layers.Flatten()(x)
    x = layers.Dense(64, activation="relu", kernel_regularizer=regularizers.l2(0.001))(x)
    x = layers.Dropout(0.3)(x)
    out = layers.Dense(N_CLASSES, activation=None if logits else "softmax")(x)
    model = keras.Model(inp, out)
    # Sharpen the output so probabilities are not all ~0.1 (random weights are timid).
    last = model.layers[-1]
    k, b = last.get_weights()
    last.set_weights([k * 6.0, b])
    rng = np.random.default_rng(seed)
    bns = [l for l in model.layers if isinstance(l, layers.BatchNormalization)]
    for bn in bns:
        g, b, m, v = (w.numpy() for w in bn.weights)
        randomize_batchnorm([(g, b, m, v)], rng)
        bn.set_weights([g, b, m, v])
    model(np.zeros((1,) + tuple(inp.shape[1:]), dtype=np.float32))  # export needs a called model
    return model


def export_keras(model, path: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp) / "model.onnx"
        model.export(str(tmp_path), format="onnx", verbose=False)
        m = onnx.load(str(tmp_path))
    onnx.save(m, str(path))


# ---------------------------------------------------------------- PyTorch --------
def torch_cnn(logits: bool):
    import torch
    from torch import nn

    torch.manual_seed(SEED)

    class SamePool(nn.Module):
        """Keras MaxPool 'same': pad at the end only (zeros are safe after ReLU)."""

        def __init__(self, k, h, w):
            super().__init__()
            pad_h = max((-(-h // 2) - 1) * 2 + k - h, 0)
            pad_w = max((-(-w // 2) - 1) * 2 + k - w, 0)
            self.pad = nn.ZeroPad2d((pad_w // 2, pad_w - pad_w // 2, pad_h // 2, pad_h - pad_h // 2))
            self.pool = nn.MaxPool2d(k, stride=2)

        def forward(self, x):
            return self.pool(self.pad(x))

    class SeedCnn(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(
                nn.Conv2d(1, 32, 3), nn.ReLU(), SamePool(3, 128, 11), nn.BatchNorm2d(32),
                nn.Conv2d(32, 32, 3), nn.ReLU(), SamePool(3, 62, 4), nn.BatchNorm2d(32),
                nn.Conv2d(32, 32, 2), nn.ReLU(), SamePool(2, 30, 1), nn.BatchNorm2d(32),
                nn.Flatten(),
                nn.Linear(32 * 15 * 1, 64), nn.ReLU(), nn.Dropout(0.3),
                nn.Linear(64, N_CLASSES),
            )
            self.logits = logits
            with torch.no_grad():
                self.body[-1].weight.mul_(6.0)

        def forward(self, x):
            y = self.body(x)
            return y if self.logits else torch.softmax(y, dim=1)

    model = SeedCnn().eval()
    rng = np.random.default_rng(SEED + 1)
    with torch.no_grad():
        for bn in [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]:
            arrs = [t.numpy() for t in (bn.weight, bn.bias, bn.running_mean, bn.running_var)]
            randomize_batchnorm([tuple(arrs)], rng)
    return model


def export_torch(model, path: Path) -> None:
    import torch

    x = torch.zeros(2, 1, FRAMES, N_MFCC)
    torch.onnx.export(
        model, (x,), str(path), input_names=["mfcc"], output_names=["probabilities"],
        dynamic_axes={"mfcc": {0: "batch"}, "probabilities": {0: "batch"}},
        opset_version=17, dynamo=False,
    )


# ---------------------------------------------------------------- goldens --------
def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def ort_run(path: Path, x: np.ndarray) -> np.ndarray:
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    return sess.run(None, {name: x})[0]


def mfcc_like_inputs(rng) -> np.ndarray:
    """Segments shaped like the seed's MFCCs (coefficient 0 around -250, others smaller)."""
    scale = np.array([60.0, 30.0, 20.0] + [10.0] * (N_MFCC - 3), dtype=np.float32)
    center = np.array([-250.0, 100.0] + [0.0] * (N_MFCC - 2), dtype=np.float32)
    x = center + scale * rng.standard_normal((10, FRAMES, N_MFCC)).astype(np.float32)
    # A touch of temporal smoothness like real MFCC trajectories.
    x[:, 1:, :] = 0.5 * x[:, 1:, :] + 0.5 * x[:, :-1, :]
    return (x / 50.0).astype(np.float32)


def main() -> int:
    MODELS.mkdir(parents=True, exist_ok=True)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    inputs = mfcc_like_inputs(rng)
    np.save(GOLDEN / "inputs.npy", inputs)

    manifest = {}

    def record(name, layout, output, labels_source):
        manifest[name] = {"layout": layout, "output": output, "labels": labels_source}

    # 1. Keras 3 export as users do it, no metadata (labels default to GTZAN).
    keras_nhwc = keras_cnn(seq_input=False, logits=False, seed=SEED)
    export_keras(keras_nhwc, MODELS / "keras_nhwc.onnx")
    record("keras_nhwc", "nhwc", "probabilities", "default")
    # Keras itself agrees with its ONNX export.
    kp = keras_nhwc.predict(inputs[..., None], verbose=0)
    op = ort_run(MODELS / "keras_nhwc.onnx", inputs[..., None])
    print(f"keras vs onnxruntime max |d| = {np.abs(kp - op).max():.2e}")

    # 2. The same model with genre metadata.
    export_keras(keras_nhwc, MODELS / "keras_nhwc_meta.onnx")
    add_metadata(MODELS / "keras_nhwc_meta.onnx", GTZAN, "probabilities")
    record("keras_nhwc_meta", "nhwc", "probabilities", "metadata")

    # 3. [N, 130, 13] input, with metadata.
    export_keras(keras_cnn(seq_input=True, logits=False, seed=SEED + 10), MODELS / "keras_seq_meta.onnx")
    add_metadata(MODELS / "keras_seq_meta.onnx", GTZAN, "probabilities")
    record("keras_seq_meta", "seq", "probabilities", "metadata")

    # 4. Logits output, no metadata: a sidecar JSON says labels and output kind.
    export_keras(keras_cnn(seq_input=False, logits=True, seed=SEED + 20), MODELS / "keras_logits.onnx")
    sidecar_labels = [f"class{i}" for i in range(N_CLASSES)]
    (MODELS / "keras_logits.json").write_text(
        json.dumps({"labels": sidecar_labels, "output": "logits", "features": FEATURES}, indent=2) + "\n"
    )
    record("keras_logits", "nhwc", "logits", "sidecar")

    # 5. PyTorch NCHW [N, 1, 130, 13], with metadata (if torch is available).
    try:
        import torch  # noqa: F401

        export_torch(torch_cnn(logits=False), MODELS / "torch_nchw_meta.onnx")
        add_metadata(MODELS / "torch_nchw_meta.onnx", GTZAN, "probabilities")
        record("torch_nchw_meta", "nchw", "probabilities", "metadata")
    except ImportError:
        print("torch not installed: skipping the PyTorch export", file=sys.stderr)

    for name, info in manifest.items():
        x = {"nhwc": inputs[..., None], "nchw": inputs[:, None], "seq": inputs}[info["layout"]]
        for b in BATCHES:
            y = ort_run(MODELS / f"{name}.onnx", np.ascontiguousarray(x[:b]))
            if info["output"] == "logits":
                y = softmax(y.astype(np.float64)).astype(np.float32)
            np.save(GOLDEN / f"{name}_b{b}.npy", y.astype(np.float32))
        print(f"{name}: max p {y.max(axis=1).round(3)}")

    (GOLDEN / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    make_bad_models()
    return 0


# ---------------------------------------------------------------- bad models -----
def make_bad_models() -> None:
    from onnx import TensorProto, helper

    rng = np.random.default_rng(SEED + 2)

    def dense_model(path, in_shape, n_out, extra_nodes=(), final="Softmax", domain_ops=()):
        # Flatten, keep the first 16 features, project: small files, real computation.
        w = helper.make_tensor("w", TensorProto.FLOAT, [16, n_out],
                               rng.standard_normal(16 * n_out).astype(np.float32))
        inits = [
            w,
            helper.make_tensor("shape", TensorProto.INT64, [2], [0, -1]),
            helper.make_tensor("starts", TensorProto.INT64, [1], [0]),
            helper.make_tensor("ends", TensorProto.INT64, [1], [16]),
            helper.make_tensor("axes", TensorProto.INT64, [1], [1]),
        ]
        nodes = [
            helper.make_node("Reshape", ["x", "shape"], ["flat"]),
            helper.make_node("Slice", ["flat", "starts", "ends", "axes"], ["head"]),
            helper.make_node("MatMul", ["head", "w"], ["z"]),
        ]
        nodes.extend(extra_nodes)
        last = nodes[-1].output[0]
        nodes.append(helper.make_node(final, [last], ["y"], axis=1) if final == "Softmax"
                     else helper.make_node(final, [last], ["y"]))
        graph = helper.make_graph(
            nodes, "bad", [helper.make_tensor_value_info("x", TensorProto.FLOAT, in_shape)],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", n_out])], inits)
        opsets = [helper.make_opsetid("", 17)] + [helper.make_opsetid(d, 1) for d in domain_ops]
        m = helper.make_model(graph, opset_imports=opsets, producer_name="genre-tests")
        m.ir_version = 8
        onnx.save(m, str(path))

    # Wrong input rank: [N, 1690].
    dense_model(MODELS / "bad_rank.onnx", ["N", FRAMES * N_MFCC], N_CLASSES)
    # Input shape disagrees with the feature config: [N, 128, 13, 1].
    dense_model(MODELS / "bad_frames.onnx", ["N", 128, N_MFCC, 1], N_CLASSES)
    # An operator no runtime knows.
    dense_model(MODELS / "bad_op.onnx", ["N", FRAMES, N_MFCC, 1], N_CLASSES,
                extra_nodes=[helper.make_node("FancyActivation", ["z"], ["z2"], domain="com.example")],
                domain_ops=["com.example"])
    # A valid small model whose metadata declares 5 labels for 10 outputs.
    dense_model(MODELS / "bad_labels.onnx", ["N", FRAMES, N_MFCC, 1], N_CLASSES)
    add_metadata(MODELS / "bad_labels.onnx", GTZAN[:5], "probabilities")
    # Not ONNX at all, and a truncated real model.
    (MODELS / "not_onnx.onnx").write_bytes(b"this is not an ONNX model, just text\n" * 4)
    data = (MODELS / "keras_nhwc.onnx").read_bytes()
    (MODELS / "truncated.onnx").write_bytes(data[: len(data) // 3])


if __name__ == "__main__":
    sys.exit(main())
