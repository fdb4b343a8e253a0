"""The package itself: imports, version, exception hierarchy, type stubs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import genre


def test_version_matches_the_crate() -> None:
    cargo = Path(__file__).resolve().parents[2] / "Cargo.toml"
    if not cargo.exists():
        pytest.skip("not run from a source checkout")
    text = cargo.read_text()
    assert f'version = "{genre.__version__}"' in text


@pytest.mark.parametrize(
    ("exc", "bases"),
    [
        (genre.DecodeError, (genre.GenreError, ValueError)),
        (genre.UnsupportedFormatError, (genre.GenreError, ValueError)),
        (genre.ModelError, (genre.GenreError,)),
        (genre.ConfigError, (genre.GenreError, ValueError)),
        (genre.DriftError, (genre.GenreError,)),
    ],
)
def test_exception_hierarchy(exc: type[Exception], bases: tuple[type, ...]) -> None:
    for base in bases:
        assert issubclass(exc, base)
    assert issubclass(genre.GenreError, Exception)
    assert not issubclass(genre.GenreError, ValueError)


def test_native_module_is_private() -> None:
    assert genre._genre.__name__ == "genre._genre"
    assert "_genre" not in genre.__all__


def test_py_typed_is_shipped() -> None:
    assert (Path(genre.__file__).parent / "py.typed").exists()
    assert (Path(genre.__file__).parent / "_genre.pyi").exists()


def test_stubtest_passes() -> None:
    """The hand-written stubs agree with the compiled module."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "genre", "--ignore-missing-stub"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_import_defers_drift_model_and_extraction() -> None:
    """``import genre`` + load + mfcc must not pay for drift/model/extract (or numpy.typing)."""
    code = (
        "import sys, numpy as np, genre\n"
        "genre.feature.mfcc(y=np.zeros(4096, np.float32), sr=22050)\n"
        "print(sorted(m for m in ('genre.drift', 'genre._model', 'genre._pipeline', 'json', 'numpy.typing')"
        " if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", sorted(genre._LAZY))
def test_lazy_names_resolve_and_are_listed(name: str) -> None:
    assert name in genre.__all__
    assert name in dir(genre)
    assert getattr(genre, name) is not None


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        genre.no_such_thing  # noqa: B018
