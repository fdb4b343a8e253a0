"""Type stubs of the private native module ``genre._genre``."""

from typing import Any, final

import numpy as np
import numpy.typing as npt

__version__: str

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
