#!/usr/bin/env bash
# The whole test suite: what the README's second command and .ci/run call.
# Needs only cargo, python3 + pip and node + npm; installs the rest itself.
set -euo pipefail
cd "$(dirname "$0")/.."

# One target directory and one profile (release) for cargo, maturin and napi,
# so heavy dependencies such as tract compile once.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

echo "== Rust: cargo test --release --workspace"
cargo test --release --workspace --locked

echo "== Python: pip install ./genre-py, then pytest genre-py/tests"
# A throw-away venv inside the checkout; pip builds the wheel with maturin
# (release profile, the CARGO_TARGET_DIR above), so nothing is rebuilt.
PY_VENV="$PWD/.venv-test"
[ -x "$PY_VENV/bin/python" ] || python3 -m venv "$PY_VENV"
"$PY_VENV/bin/python" -m pip install --quiet -r genre-py/requirements-test.txt
# The wheel goes to a private directory, not the shared target/wheels.
WHEEL_DIR="$(mktemp -d)"
MATURIN_PEP517_ARGS="--out $WHEEL_DIR" \
    "$PY_VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps ./genre-py
rm -rf "$WHEEL_DIR"
"$PY_VENV/bin/python" -m pytest genre-py/tests -q -p no:cacheprovider

echo "== Python examples (light): synthetic corpus + dataset loaders (numpy only)"
"$PY_VENV/bin/python" -m pip install --quiet -r python-examples/requirements-test.txt
"$PY_VENV/bin/python" -m pytest -q -p no:cacheprovider -m "not training_suite" \
    python-examples/tests \
    --doctest-modules python-examples/training/music_genre/synth.py python-examples/training/music_genre/datasets.py

echo "== Training suite (separate, heavy): TensorFlow + MLflow + Prefect, music-genre-pipeline end to end"
# Its own venv with the pinned training requirements (tensorflow-cpu is large,
# so it stays out of the other suites). Prints how long it took.
TRAIN_START=$SECONDS
TR_VENV="$PWD/.venv-training"
[ -x "$TR_VENV/bin/python" ] || python3 -m venv "$TR_VENV"
"$TR_VENV/bin/python" -m pip install --quiet -r python-examples/training/requirements.txt
# genre goes in from an sdist here (`maturin sdist`, then pip builds it), so
# the source distribution is tested too; same CARGO_TARGET_DIR, no rebuild.
WHEEL_DIR="$(mktemp -d)"
"$PY_VENV/bin/maturin" sdist -m genre-py/Cargo.toml -o "$WHEEL_DIR"
MATURIN_PEP517_ARGS="--out $WHEEL_DIR" \
    "$TR_VENV/bin/python" -m pip install --quiet --force-reinstall --no-deps "$WHEEL_DIR"/genre-*.tar.gz
rm -rf "$WHEEL_DIR"
# `cargo test --workspace` above already built the genre binary (genre-cli's
# integration tests need it). A separate `cargo build --bin genre` would unify
# features differently and compile tract a second time.
[ -x "$CARGO_TARGET_DIR/release/genre" ] || { echo "missing $CARGO_TARGET_DIR/release/genre" >&2; exit 1; }
GENRE_CLI="$CARGO_TARGET_DIR/release/genre" "$TR_VENV/bin/python" -m pytest -q -p no:cacheprovider \
    -m training_suite python-examples/tests
echo "training suite took $((SECONDS - TRAIN_START)) s"
