"""Shared fixtures: repository paths and the anchors (librosa, onnxruntime)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AUDIO = ROOT / "tests" / "fixtures" / "audio"
EXAMPLE = ROOT / "examples" / "traveling_minstrels_20s.ogg"


def audio_manifest() -> list[dict[str, Any]]:
    """The load cases of the audio goldens (options only; values come from live librosa)."""
    path = ROOT / "tests" / "golden" / "audio" / "manifest.json"
    return list(json.loads(path.read_text())["cases"])


@pytest.fixture(scope="session")
def example_ogg() -> Path:
    """20 s of real music (free-licensed, see examples/LICENSE.md)."""
    assert EXAMPLE.exists(), EXAMPLE
    return EXAMPLE
