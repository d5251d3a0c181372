#!/usr/bin/env bash
# Benchmark of `new-service audit` against ripgrep reading the same files once (`rg -c password`),
# the physical reference for "read every file once". Results: bench/RESULTS.md.
#   bench/audit.sh                 a generated 10,000-file tree (git work tree)
#   bench/audit.sh DIR...          also these real checkouts
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in hyperfine rg; do
  command -v "$tool" >/dev/null || { echo "install $tool (apt-get install hyperfine ripgrep)" >&2; exit 2; }
done
cargo build --release --quiet
bin="$PWD/target/release/new-service"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 bench/gen-tree.py "$tmp/tree" "${FILES:-10000}" --git
for dir in "$tmp/tree" "$@"; do
  echo "== $dir ($(git -C "$dir" ls-files 2>/dev/null | wc -l) tracked files)"
  hyperfine --warmup 3 --runs "${RUNS:-20}" -N -i \
    "rg -c password $dir" \
    "$bin audit $dir --fail-on never --format json --output /dev/null"
done
