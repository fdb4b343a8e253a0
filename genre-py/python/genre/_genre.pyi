"""Type stubs of the private native module ``genre._genre``."""

from typing import Any, TypeAlias, final

import numpy as np
import numpy.typing as npt

__version__: str
DEFAULT_MODEL_ONNX: bytes
DEFAULT_MODEL_NOTICE: str

@final
class AudioInfo:
    @property
    def format(self) -> str: ...
    @property
    def codec(self) -> str: ...
    @property
    def sample_rate(self) -> int: ...
    @property
    def channels(self) -> int: ...
    @property
    def frames(self) -> int: ...
    @property
    def duration(self) -> float: ...

def load(
    source: str | bytes,
    name: str | None = None,
    sr: int | None = ...,
    mono: bool = True,
    offset: float = 0.0,
    duration: float | None = None,
    max_duration: float | None = None,
) -> tuple[npt.NDArray[np.float32], int]: ...
def info(source: str | bytes, name: str | None = None) -> AudioInfo: ...

_F32: TypeAlias = npt.NDArray[np.float32]

def mfcc(
    y: _F32,
    *,
    sr: float = 22050.0,
    n_mfcc: int = 20,
    lifter: float = 0.0,
    n_fft: int = 2048,
    hop_length: int | None = ...,
    win_length: int | None = None,
    center: bool = True,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    norm: str | None = ...,
) -> _F32: ...
def melspectrogram(
    y: _F32,
    *,
    sr: float = 22050.0,
    n_fft: int = 2048,
    hop_length: int | None = ...,
    win_length: int | None = None,
    center: bool = True,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    norm: str | None = ...,
) -> _F32: ...
def delta(data: _F32, *, width: int = 9, order: int = 1) -> _F32: ...
def power_to_db_inplace(
    s: npt.NDArray[np.float32], *, reference: float = 1.0, amin: float = 1e-10, top_db: float | None = ...
) -> None: ...
@final
class SegmentConfig:
    def __new__(
        cls,
        *,
        sample_rate: int | None = None,
        track_seconds: int | None = None,
        num_segments: int | None = None,
        n_mfcc: int | None = None,
        n_fft: int | None = None,
        hop_length: int | None = None,
    ) -> SegmentConfig: ...
    @property
    def sample_rate(self) -> int: ...
    @property
    def track_seconds(self) -> int: ...
    @property
    def num_segments(self) -> int: ...
    @property
    def n_mfcc(self) -> int: ...
    @property
    def n_fft(self) -> int: ...
    @property
    def hop_length(self) -> int: ...
    @property
    def samples_per_segment(self) -> int: ...
    @property
    def frames_per_segment(self) -> int: ...

def segments_signal(y: _F32, sr: int | None = None, config: SegmentConfig | None = None) -> _F32: ...
def segments_file(source: str | bytes, name: str | None = None, config: SegmentConfig | None = None) -> _F32: ...
def mean_mfcc_signal(y: _F32, sr: int | None = None, config: SegmentConfig | None = None) -> _F32: ...
def mean_mfcc_file(source: str | bytes, name: str | None = None, config: SegmentConfig | None = None) -> _F32: ...
def extract(
    paths: list[str], config: SegmentConfig | None = None, n_jobs: int | None = None
) -> tuple[_F32, npt.NDArray[np.uint64], npt.NDArray[np.uint64], list[tuple[int, BaseException]]]: ...

_Column: TypeAlias = npt.NDArray[np.float64] | npt.NDArray[np.int64] | list[str | None]

@final
class Profile:
    @staticmethod
    def from_columns(reference: list[tuple[str, _Column]], columns: list[str] | None = None) -> Profile: ...
    @staticmethod
    def load(path: str) -> Profile: ...
    @staticmethod
    def from_bytes(data: bytes) -> Profile: ...
    def save(self, path: str) -> None: ...
    def to_bytes(self) -> bytes: ...
    @property
    def columns(self) -> list[str]: ...

def drift_report(
    reference: Profile | list[tuple[str, _Column]],
    current: list[tuple[str, _Column]],
    *,
    columns: list[str] | None = None,
    method: str | None = None,
    methods: dict[str, str] = ...,
    threshold: float | None = None,
    thresholds: dict[str, float] = ...,
    column_types: dict[str, str] = ...,
    drift_share: float = 0.5,
    seed: int = 0,
    n_jobs: int | None = None,
) -> tuple[str, str]: ...

@final
class SegmentPrediction:
    @property
    def genre(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def probabilities(self) -> dict[str, float]: ...

@final
class Prediction:
    @property
    def genre(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def probabilities(self) -> dict[str, float]: ...
    @property
    def segments(self) -> list[SegmentPrediction]: ...
    def to_dict(self) -> dict[str, Any]: ...

@final
class Classifier:
    def __new__(
        cls,
        model: str | bytes,
        *,
        labels: list[str] | None = None,
        output: str | None = None,
        aggregation: str = ...,
        ignore_sidecar: bool = False,
    ) -> Classifier: ...
    @property
    def labels(self) -> list[str]: ...
    @property
    def feature_config(self) -> dict[str, Any]: ...
    @property
    def segment_config(self) -> SegmentConfig: ...
    def predict_file(self, source: str | bytes, n_jobs: int | None = None) -> Prediction: ...
    def predict_signal(self, y: _F32, sr: int, n_jobs: int | None = None) -> Prediction: ...
    def predict_segments(self, segments: _F32, n_jobs: int | None = None) -> Prediction: ...
    def probabilities(self, segments: _F32, n_jobs: int | None = None) -> _F32: ...
    def predict_many(self, paths: list[str], n_jobs: int | None = None) -> list[Prediction | BaseException]: ...
