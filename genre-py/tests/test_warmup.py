"""The background warm-up ``import genre`` starts: when, opt-out, fork safety, same results."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import AUDIO, EXAMPLE


def run(code: str, *args: str, warmup: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter, with or without the warm-up."""
    env = {k: v for k, v in os.environ.items() if k != "GENRE_NO_WARMUP"}
    if not warmup:
        env["GENRE_NO_WARMUP"] = "1"
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=timeout
    )
    assert out.returncode == 0, out.stderr
    return out


#: (mfcc, melspectrogram, segments) plans the warm-up builds: the MFCC plans
#: for n_mfcc=13 and 20, the default mel spectrogram, the seed's segments.
WARM_PLANS = [2, 1, 1]


def test_warmup_builds_the_plans_the_default_calls_use() -> None:
    code = """
import json, genre  # before numpy: genre's import is about to import numpy
genre._genre.wait_warmup()
import numpy as np
warm = genre._genre.cached_plans()
y = np.random.default_rng(0).standard_normal(22050 * 3).astype(np.float32)
genre.feature.mfcc(y=y, sr=22050, n_mfcc=13)
genre.feature.mfcc(y=y)
genre.feature.melspectrogram(y=y)
genre.segments(y)
print(json.dumps([warm, genre._genre.cached_plans()]))
"""
    warm, after = eval(run(code).stdout)  # noqa: S307 (our own JSON list)
    assert warm == WARM_PLANS
    assert after == WARM_PLANS, "a default call missed the warmed cache"


def test_no_warmup_when_numpy_is_already_imported() -> None:
    # Then the main thread has nothing long left to do: a warm-up would only
    # compete with the caller's first call.
    out = run("import numpy, genre\ngenre._genre.wait_warmup()\nprint(list(genre._genre.cached_plans()))")
    assert out.stdout == "[0, 0, 0]\n"


@pytest.mark.parametrize("value", ["1", "yes"])
def test_genre_no_warmup_skips_it(value: str) -> None:
    code = """
import os, genre
genre._genre.wait_warmup()
print(list(genre._genre.cached_plans()), genre._genre.start_warmup())
"""
    env = {**os.environ, "GENRE_NO_WARMUP": value}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    # Nothing was built; a later explicit start is still possible (once).
    assert out.stdout.split() == ["[0,", "0,", "0]", "True"]


def test_warmup_starts_once_and_prints_nothing() -> None:
    out = run("import genre\nprint(genre._genre.start_warmup())")
    assert out.stdout == "False\n"
    assert out.stderr == ""
    quiet = run("import genre")
    assert (quiet.stdout, quiet.stderr) == ("", "")


_RESULTS = """
import sys, genre
import numpy as np
ogg, wav, out = sys.argv[1], sys.argv[2], sys.argv[3]
y, sr = genre.load(ogg)
w, _ = genre.load(wav)
np.savez(out, y=y, w=w,
         mfcc13=genre.feature.mfcc(y=y, sr=sr, n_mfcc=13),
         mfcc20=genre.feature.mfcc(y=w),
         mel=genre.feature.melspectrogram(y=y),
         segments=genre.segments(ogg),
         mean=genre.mean_mfcc(w))
"""


def test_results_equal_with_and_without_warmup(tmp_path: Path) -> None:
    wav = AUDIO / "wavex_pcm16_44100_stereo.wav"
    results: list[Any] = []
    for warmup in (True, False):
        path = tmp_path / f"warm{warmup}.npz"
        run(_RESULTS, str(EXAMPLE), str(wav), str(path), warmup=warmup)
        results.append(np.load(path))
    with_warmup, without = results
    assert sorted(with_warmup.files) == sorted(without.files)
    for name in with_warmup.files:
        np.testing.assert_array_equal(with_warmup[name], without[name], err_msg=name)


_FORK = """
import os, sys, numpy as np, genre
path = sys.argv[1]
assert genre._start_warmup()  # GENRE_NO_WARMUP=1 kept import from starting it
pid = os.fork()  # the warm-up has just started: fork() waits for it
y, sr = genre.load(path)
m = genre.feature.mfcc(y=y, sr=sr, n_mfcc=13)
if pid == 0:
    np.save(sys.argv[2], m)
    os._exit(0)
_, status = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(status) == 0, status
np.testing.assert_array_equal(np.load(sys.argv[2]), m)
print("ok")
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
@pytest.mark.parametrize("attempt", range(3))
def test_fork_right_after_import(tmp_path: Path, attempt: int) -> None:
    # A child forked while the warm-up thread held a lock would hang on it:
    # genre waits for the warm-up before fork() (os.register_at_fork).
    out = run(_FORK, str(EXAMPLE), str(tmp_path / f"child{attempt}.npy"), warmup=False, timeout=60)
    assert out.stdout == "ok\n"
