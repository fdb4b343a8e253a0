"""A new process's first ``genre.load``: ``import genre`` leaves numpy to it,
and it imports numpy while genre's threads decode the file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import genre
from conftest import AUDIO, EXAMPLE


def fresh(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``code`` in a new interpreter that has not imported numpy."""
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)


def test_import_genre_does_not_import_numpy() -> None:
    out = fresh("import sys, genre\nprint('numpy' in sys.modules)")
    assert (out.returncode, out.stdout, out.stderr) == (0, "False\n", "")


_FIRST_LOAD = """
import sys, genre
path, out = sys.argv[1], sys.argv[2]
source = open(path, "rb").read() if out.endswith("bytes.npy") else path
y, sr = genre.load(source, sr=16000)
assert "numpy" in sys.modules
import numpy as np
assert type(y) is np.ndarray and sr == 16000, (type(y), sr)
np.save(out, y)
"""


@pytest.mark.parametrize("kind", ["path", "bytes"])
@pytest.mark.parametrize("name", [EXAMPLE.name, "wavex_pcm16_44100_stereo.wav"])
def test_first_load_equals_a_load_after_numpy(tmp_path: Path, kind: str, name: str) -> None:
    path = EXAMPLE if name == EXAMPLE.name else AUDIO / name
    saved = tmp_path / f"first_{kind}.npy"
    out = fresh(_FIRST_LOAD, str(path), str(saved))
    assert out.returncode == 0, out.stderr
    expected, _ = genre.load(path, sr=16000)
    np.testing.assert_array_equal(np.load(saved), expected)


@pytest.mark.parametrize(
    ("source", "error"),
    [("missing.wav", "FileNotFoundError"), ("bytes", "UnsupportedFormatError"), ("truncated", "DecodeError")],
)
def test_first_load_errors_are_the_documented_ones(tmp_path: Path, source: str, error: str) -> None:
    if source == "truncated":
        (tmp_path / source).write_bytes((AUDIO / "wavex_pcm16_44100_stereo.wav").read_bytes()[:30])
    code = """
import sys, genre
source = b"not audio at all" * 64 if sys.argv[1].endswith("bytes") else sys.argv[1]
try:
    genre.load(source)
except genre.GenreError as e:
    print(type(e).__name__)
except OSError as e:
    print(type(e).__name__)
"""
    out = fresh(code, str(tmp_path / source))
    assert (out.returncode, out.stdout.strip()) == (0, error), out.stderr


def test_a_failing_numpy_import_is_raised_after_the_decode() -> None:
    code = """
import sys, genre

class NoNumpy:
    def find_spec(self, name, path=None, target=None):
        if name == "numpy" or name.startswith("numpy."):
            raise ImportError("numpy is blocked here")

sys.meta_path.insert(0, NoNumpy())
try:
    genre.load(sys.argv[1])
except ImportError as e:
    print("ImportError:", e)
"""
    out = fresh(code, str(EXAMPLE))
    assert out.returncode == 0, out.stderr
    assert out.stdout == "ImportError: numpy is blocked here\n"


def test_features_of_a_list_work_before_numpy_is_imported() -> None:
    code = """
import sys, genre
m = genre.feature.mfcc(y=[0.001 * (i % 50) for i in range(4096)], sr=22050, n_mfcc=13)
print(type(m).__name__, m.shape, m.dtype)
"""
    out = fresh(code)
    assert (out.returncode, out.stdout.strip()) == (0, "ndarray (13, 9) float32"), out.stderr


def test_concurrent_first_loads_all_import_numpy_once(tmp_path: Path) -> None:
    code = """
import sys, threading, genre
results = [None] * 4
def load(k):
    results[k] = genre.load(sys.argv[1], sr=16000)[0]
threads = [threading.Thread(target=load, args=(k,)) for k in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
import numpy as np
np.save(sys.argv[2], np.stack(results))
"""
    saved = tmp_path / "concurrent.npy"
    out = fresh(code, str(EXAMPLE), str(saved))
    assert out.returncode == 0, out.stderr
    expected, _ = genre.load(EXAMPLE, sr=16000)
    for got in np.load(saved):
        np.testing.assert_array_equal(got, expected)
