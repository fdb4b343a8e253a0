"""Shared fixtures: repository paths and the anchors (librosa, onnxruntime)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Callable, TypeVar

import pytest

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]
AUDIO = ROOT / "tests" / "fixtures" / "audio"
EXAMPLE = ROOT / "examples" / "traveling_minstrels_20s.ogg"


def audio_manifest() -> list[dict[str, Any]]:
    """The load cases of the audio goldens (options only; values come from live librosa)."""
    path = ROOT / "tests" / "golden" / "audio" / "manifest.json"
    return list(json.loads(path.read_text())["cases"])


def at_once(n: int, work: Callable[[int], T]) -> list[T]:
    """``[work(0), ..., work(n - 1)]``, each on its own thread, all released together by a
    barrier; the first exception a thread raised is raised here."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as e:  # re-raised on the calling thread
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


@pytest.fixture(scope="session")
def example_ogg() -> Path:
    """20 s of real music (free-licensed, see examples/LICENSE.md)."""
    assert EXAMPLE.exists(), EXAMPLE
    return EXAMPLE
