"""Golden vectors for genre-core's embedded default model (tests/golden/training/).

For the committed genre-core/src/model/default_model.onnx: the genre segments
of one held-out test track per genre of the synthetic corpus (the split the
model was evaluated on, see DEFAULT_MODEL.md) and onnxruntime's
probabilities for them. Only those ten tracks are rendered.

    python tests/scripts/gen_training_golden.py [--tracks-per-genre 60]

Needs python-examples/training/requirements.txt and genre (pip install ./genre-py).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python-examples" / "training"))

from music_genre import datasets, export, features, synth  # noqa: E402

MODEL = REPO / "genre-core" / "src" / "model" / "default_model.onnx"
OUT = REPO / "tests" / "golden" / "training"


def write_golden(model: Path, tracks_per_genre: int, seed: int = 0, out: Path = OUT) -> None:
    labels = tuple(json.loads(export.read_metadata(model)["genre.labels"]))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "genres"
        every = [
            datasets.Track(str(root / g / f"{g}.{i:05d}.wav"), g)
            for g in labels
            for i in range(tracks_per_genre)
        ]
        split = datasets.split_by_track(every, 0.15, 0.15, seed)
        first: dict[str, datasets.Track] = {}
        for t in split.test:
            first.setdefault(t.label, t)
        chosen = [first[g] for g in labels]
        for t in chosen:
            Path(t.path).parent.mkdir(parents=True, exist_ok=True)
            index = int(Path(t.path).stem.split(".")[1])
            synth.write_wav(Path(t.path), synth.render_track(t.label, index, seed=seed))
        f = features.extract(chosen, labels)
        one = np.stack([f.x[f.track == i][0] for i in range(len(chosen))]).astype(np.float32)
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / "default_model_segments.npy", one)
    np.save(out / "default_model_onnxruntime.npy", export.onnxruntime_proba(model, one))
    (out / "default_model_tracks.json").write_text(
        json.dumps([{"label": t.label, "file": Path(t.path).name} for t in chosen], indent=1) + "\n"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tracks-per-genre", type=int, default=60)
    ap.add_argument("--model", type=Path, default=MODEL)
    a = ap.parse_args()
    write_golden(a.model, a.tracks_per_genre)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
