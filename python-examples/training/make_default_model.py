"""Train genre's embedded default model with music-genre-pipeline and write its model card.

    python make_default_model.py WORK_DIR [--tracks-per-genre 60]

Writes the synthetic corpus and an MLflow store under WORK_DIR, runs the flow,
then copies the ONNX model and its confusion matrix into genre-core and writes
the model card (genre-core/src/model/DEFAULT_MODEL.md). Deterministic inputs
(corpus, split, seeds); TensorFlow's CPU kernels may still vary in the last bits.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MODEL_DIR = REPO / "genre-core" / "src" / "model"

CARD = """# genre's default model (embedded)

**Trained on synthetic audio, not on real music.** This small CNN is what `genre predict FILE` and
`genre.Classifier()` use when no model is given, so that genre works out of the box. It was trained by
`music-genre-pipeline` (python-examples/training) on a deterministic *synthetic* corpus of the ten GTZAN
genres rendered with numpy (`music_genre.synth`): genres differ in tempo, drum pattern, synthetic
instrument timbres, harmony, noise and distortion. On real recordings its answers are a demo, not a
judgement: for a real classifier, train the same flow on your data (GTZAN or any `<label>/<files>` folder)
and pass the result with `--model` / `genre.Classifier(path)`.

| | |
|---|---|
| file | `default_model.onnx` ({size} bytes, {params} parameters), embedded behind genre-core's default cargo feature `default-model` |
| architecture | the seed's CNN: 3 × [Conv2D 32 + MaxPool + BatchNorm], Flatten, Dense 64 (L2 1e-3), Dropout 0.3, Dense 10 softmax |
| input | MFCC segments `[N, 130, 13, 1]` (genre's GTZAN segments: 22,050 Hz, 3 s, 13 MFCC, n_fft 2048, hop 512, 128 mel) |
| output | probabilities over {labels} |
| contract | `genre.labels`, `genre.features`, `genre.output` in the ONNX `metadata_props` |
| data | synthetic corpus, {tracks_per_genre} tracks × 30 s per genre, seed 0; split **by track** (seed 0): {n_train} train / {n_val} validation / {n_test} test tracks |
| features | computed by genre (`genre.extract`), the same code that serves predictions |
| training | Adam 1e-3, batch 32, early stopping on validation loss (patience 8, best weights restored); {epochs} epochs |

## Held-out test split (tracks never seen in training)

| metric | value |
|---|---|
| accuracy per track (mean of segment probabilities) | **{track_acc:.1%}** ({n_test} tracks) |
| accuracy per 3 s segment | {seg_acc:.1%} ({n_seg} segments) |
| validation accuracy per track | {val_track_acc:.1%} |
| max \\|ONNX (onnxruntime) − Keras\\| on test segments | {ort_diff:.1e} |
| max \\|genre Classifier (Python) − Keras\\| on test segments | {genre_diff} |
| max \\|genre Classifier (Rust) − onnxruntime\\| on one segment per test genre | see `genre-core/tests/default_model.rs` (≤ 1e-5 asserted) |

The synthetic genres are built to be learnable and the CNN separates them almost perfectly: a high
number here shows that the pipeline, the features and the export work, not that the model knows real
genres.

![confusion matrix](default_model_confusion.png)

Confusion matrix (rows: true genre, columns: predicted), test tracks:

{confusion_table}

## Reproduce

```sh
python3 -m venv .venv-training
.venv-training/bin/pip install -r python-examples/training/requirements.txt ./genre-py
.venv-training/bin/python python-examples/training/make_default_model.py /tmp/genre-default-model \\
    --tracks-per-genre {tracks_per_genre}
```
Trained on {machine} with {versions} in {minutes:.1f} minutes.
"""


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("work_dir")
    ap.add_argument("--tracks-per-genre", type=int, default=60)
    ap.add_argument("--no-copy", action="store_true", help="train and report only; leave genre-core alone")
    a = ap.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from music_genre import synth  # noqa: I001 - sets TensorFlow's environment before it loads
    from music_genre.flow import music_genre_pipeline

    import keras
    import numpy as np
    import onnx
    import tensorflow as tf

    work = Path(a.work_dir)
    t0 = time.perf_counter()
    synth.generate_corpus(work / "data", a.tracks_per_genre, 30.0, seed=0)
    r = music_genre_pipeline(
        str(work / "data"), out_dir=str(work / "out"),
        tracking_uri=f"sqlite:///{work / 'mlflow.db'}",
    )
    minutes = (time.perf_counter() - t0) / 60
    m = r.metrics
    labels = list(r.labels)
    conf = np.asarray(r.confusion)
    header = "| true \\ predicted | " + " | ".join(labels) + " |\n|---|" + "---|" * len(labels) + "\n"
    rows = "".join(f"| {lab} | " + " | ".join(str(v) for v in row) + " |\n" for lab, row in zip(labels, conf))
    proto = onnx.load(r.onnx_path)
    params = sum(int(np.prod(t.dims)) for t in proto.graph.initializer)
    card = CARD.format(
        size=Path(r.onnx_path).stat().st_size, params=f"{params:,}", labels=", ".join(labels),
        tracks_per_genre=a.tracks_per_genre,
        n_train=r.split_sizes["train"], n_val=r.split_sizes["val"], n_test=r.split_sizes["test"],
        epochs=int(m["epochs_trained"]), track_acc=m["test_track_accuracy"], seg_acc=m["test_accuracy"],
        n_seg=int(m["test_segments"]), val_track_acc=m["val_track_accuracy"],
        ort_diff=m["onnxruntime_max_abs_diff"],
        genre_diff=f"{m['genre_max_abs_diff']:.1e}" if "genre_max_abs_diff" in m else "not measured",
        confusion_table=header + rows, machine=f"{platform.machine()} ({platform.system()})",
        versions=f"TensorFlow {tf.__version__}, Keras {keras.__version__}", minutes=minutes,
    )
    print(json.dumps({"metrics": m, "onnx": r.onnx_path, "run_id": r.run_id}, indent=1))
    if not a.no_copy:
        sys.path.insert(0, str(REPO / "tests" / "scripts"))
        from gen_training_golden import write_golden

        write_golden(Path(r.onnx_path), a.tracks_per_genre)
        shutil.copyfile(r.onnx_path, MODEL_DIR / "default_model.onnx")
        shutil.copyfile(work / "out" / "confusion_matrix.png", MODEL_DIR / "default_model_confusion.png")
        (MODEL_DIR / "DEFAULT_MODEL.md").write_text(card)
        print(f"wrote {MODEL_DIR / 'default_model.onnx'} and DEFAULT_MODEL.md")
    else:
        print(card)


if __name__ == "__main__":
    main()
