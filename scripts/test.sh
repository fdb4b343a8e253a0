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
