#!/usr/bin/env bash
# Benchmark of `new-service init --yes --no-git` with the embedded FastAPI template (hyperfine).
# Target: under 20 ms wall on a 2-core machine. Results: bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 2; }
cargo build --release --quiet
bin="$PWD/target/release/new-service"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
hyperfine --warmup 5 --runs "${RUNS:-100}" -N \
  --prepare "rm -rf $tmp/svc" \
  "$bin init svc --yes --no-git --output $tmp/svc" \
  "$bin init svc --yes --output $tmp/svc" \
  "$bin --version"
