#!/usr/bin/env bash
# Benchmark of `new-service init --yes --no-git` with the embedded FastAPI template, of
# `init --layout monorepo`, and of `add service --dry-run` in a committed monorepo (hyperfine).
# Targets: under 50 ms wall each on a 2-core machine. Results: bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 2; }
cargo build --release --quiet
bin="$PWD/target/release/new-service"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A committed monorepo for `add service --dry-run` (it reads the record and asks git whether the
# work tree is clean).
"$bin" init shop --layout monorepo --yes --output "$tmp/shop" >/dev/null
hyperfine --warmup 5 --runs "${RUNS:-100}" -N \
  --prepare "rm -rf $tmp/svc $tmp/mono" \
  "$bin init svc --yes --no-git --output $tmp/svc" \
  "$bin init svc --yes --output $tmp/svc" \
  "$bin init mono --layout monorepo --yes --no-git --output $tmp/mono" \
  "$bin add service billing --dry-run --path $tmp/shop" \
  "$bin --version"
