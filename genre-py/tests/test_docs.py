"""Docstring examples of the public modules are executed."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import genre

MODULES = ["genre"] + [
    f"genre.{m.name}" for m in pkgutil.iter_modules(genre.__path__) if not m.name.startswith("_")
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
