"""Docstring examples of every Python module of the package are executed."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import genre
from conftest import ROOT

# Every pure-Python module (private ones hold the public functions' docstrings).
MODULES = ["genre"] + [f"genre.{m.name}" for m in pkgutil.iter_modules(genre.__path__) if m.name != "_genre"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Examples name files as seen from the repository root (examples/...).
    monkeypatch.chdir(ROOT)
    module = importlib.import_module(name)
    result = doctest.testmod(
        module,
        extraglobs={"genre": genre, "np": np},
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.failed == 0


def test_every_public_name_is_documented() -> None:
    for name in genre.__all__:
        obj = getattr(genre, name)
        if callable(obj) or isinstance(obj, type):
            assert obj.__doc__, f"genre.{name} has no docstring"
