"""genre's pool threads: one per core, each kept on its own core when the
pool has exactly one thread per core the process may use (Linux)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import EXAMPLE

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="thread affinity is read from /proc")

_THREADS = """
import json, os, sys, genre
genre.load(sys.argv[1])  # every load runs on the pool
threads = {}
for tid in os.listdir("/proc/self/task"):
    name = open(f"/proc/self/task/{tid}/comm").read().strip()
    if name.startswith("genre-"):
        threads[name] = sorted(os.sched_getaffinity(int(tid)))
print(json.dumps({"process": sorted(os.sched_getaffinity(0)), "threads": threads}))
"""


def pool_threads(cpus: list[int] | None = None, **env: str) -> tuple[list[int], dict[str, list[int]]]:
    """The process's allowed cores and each pool thread's, in a new process
    (limited to ``cpus`` when given)."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("GENRE_PIN_THREADS", "RAYON_NUM_THREADS")}
    full_env.update(env)
    out = subprocess.run(
        [sys.executable, "-c", _THREADS, str(EXAMPLE)],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
        preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
    )
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    return found["process"], found["threads"]


def test_one_thread_per_core_each_on_its_own() -> None:
    cores, threads = pool_threads()
    if len(threads) != len(cores):
        # A CPU quota below the allowed cores sizes the pool smaller: unpinned.
        assert all(allowed == cores for allowed in threads.values())
        return
    # Thread i on the i-th core.
    assert [threads[f"genre-{i}"] for i in range(len(cores))] == [[c] for c in cores]


def test_a_restricted_process_pins_within_its_cores() -> None:
    last = max(os.sched_getaffinity(0))
    cores, threads = pool_threads(cpus=[last])
    assert cores == [last]
    assert threads == {"genre-0": [last]}


def test_pinning_can_be_turned_off() -> None:
    cores, threads = pool_threads(GENRE_PIN_THREADS="0")
    assert threads and all(allowed == cores for allowed in threads.values())


def test_a_pool_of_another_size_is_not_pinned() -> None:
    cores, threads = pool_threads(RAYON_NUM_THREADS=str(len(os.sched_getaffinity(0)) + 1))
    assert len(threads) == len(cores) + 1
    assert all(allowed == cores for allowed in threads.values())
