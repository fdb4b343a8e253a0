"""The seed's CNN in Keras 3, its training loop and its evaluation.

Architecture (unchanged from the seed): three blocks of Conv2D(32, relu) +
MaxPooling2D + BatchNormalization, Flatten, Dense(64, relu, L2 0.001),
Dropout(0.3), Dense(n_labels, softmax); Adam(1e-3), sparse categorical
cross-entropy, early stopping on validation loss. Input: MFCC segments
``(N, 130, 13, 1)`` (NHWC), exactly what ``genre.segments`` returns plus a
channel axis.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass

import numpy as np

# Quieter TensorFlow, deterministic kernels.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


@dataclass(frozen=True)
class TrainConfig:
    """Hyper-parameters; defaults are the seed's (epochs capped by early stopping)."""

    epochs: int = 100
    batch_size: int = 32
    learning_rate: float = 1e-3
    l2: float = 1e-3
    dropout: float = 0.3
    patience: int = 8
    seed: int = 0

    def as_params(self) -> dict[str, object]:
        return asdict(self)


def build_model(input_shape: tuple[int, int, int], n_labels: int, config: TrainConfig):
    """The seed CNN, compiled."""
    import keras
    from keras import layers, regularizers

    keras.utils.set_random_seed(config.seed)
    model = keras.Sequential(
        [
            keras.Input(shape=input_shape, name="mfcc"),
            layers.Conv2D(32, (3, 3), activation="relu"),
            layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same"),
            layers.BatchNormalization(),
            layers.Conv2D(32, (3, 3), activation="relu"),
            layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same"),
            layers.BatchNormalization(),
            layers.Conv2D(32, (2, 2), activation="relu"),
            layers.MaxPooling2D((2, 2), strides=(2, 2), padding="same"),
            layers.BatchNormalization(),
            layers.Flatten(),
            layers.Dense(64, activation="relu", kernel_regularizer=regularizers.l2(config.l2)),
            layers.Dropout(config.dropout),
            layers.Dense(n_labels, activation="softmax", name="probabilities"),
        ],
        name="music_genre_cnn",
    )
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=config.learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def with_channel(x: np.ndarray) -> np.ndarray:
    """``(N, 130, 13)`` → ``(N, 130, 13, 1)`` float32, contiguous."""
    return np.ascontiguousarray(np.asarray(x, dtype=np.float32)[..., np.newaxis])


def train(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_val: np.ndarray,
    y_val: np.ndarray,
    n_labels: int,
    config: TrainConfig = TrainConfig(),
    on_epoch=None,
):
    """Fit the CNN with early stopping; returns ``(model, history dict)``.

    ``on_epoch(epoch, logs)`` is called after every epoch (MLflow logging).
    """
    import keras

    model = build_model(tuple(x_train.shape[1:]) + (1,), n_labels, config)
    callbacks = [
        keras.callbacks.EarlyStopping(
            monitor="val_loss", patience=config.patience, restore_best_weights=True
        )
    ]
    if on_epoch is not None:
        callbacks.append(keras.callbacks.LambdaCallback(on_epoch_end=on_epoch))
    history = model.fit(
        with_channel(x_train),
        np.asarray(y_train, dtype=np.int64),
        validation_data=(with_channel(x_val), np.asarray(y_val, dtype=np.int64)),
        epochs=config.epochs,
        batch_size=config.batch_size,
        callbacks=callbacks,
        shuffle=True,
        verbose=0,
    )
    return model, {k: [float(v) for v in vs] for k, vs in history.history.items()}


def predict_proba(model, x: np.ndarray) -> np.ndarray:
    """Segment probabilities from Keras, ``(N, n_labels)`` float32."""
    return np.asarray(model.predict(with_channel(x), verbose=0, batch_size=256), dtype=np.float32)


@dataclass(frozen=True)
class Evaluation:
    """Accuracy per segment and per track (mean of segment probabilities)."""

    segment_accuracy: float
    track_accuracy: float
    confusion: np.ndarray  # tracks: rows = true label, columns = predicted
    n_tracks: int
    n_segments: int


def evaluate(probabilities: np.ndarray, y: np.ndarray, track: np.ndarray, n_labels: int) -> Evaluation:
    """Score segment probabilities against labels, per segment and per track.

    A track's prediction averages its segments' probabilities (genre's
    default aggregation).
    """
    probabilities = np.asarray(probabilities)
    y = np.asarray(y)
    track = np.asarray(track)
    seg_acc = float((probabilities.argmax(1) == y).mean()) if len(y) else float("nan")
    confusion = np.zeros((n_labels, n_labels), dtype=np.int64)
    tracks = np.unique(track)
    for t in tracks:
        rows = track == t
        confusion[int(y[rows][0]), int(probabilities[rows].mean(0).argmax())] += 1
    track_acc = float(np.trace(confusion) / max(1, confusion.sum()))
    return Evaluation(seg_acc, track_acc, confusion, len(tracks), len(y))
