#!/usr/bin/env bash
# Lint speed: `new-service migrations lint` on 1,000 generated migrations per tool, beside
# squawk itself on the same 1,000 SQL files. Needs hyperfine, python3, and squawk on PATH
# (else it installs the npm package squawk-cli, which ships a prebuilt binary, into
# target/bench-tools). Results: target/bench/migrations-lint.md; bench/README.md keeps the
# figures of record.
#
#   bench/migrations-lint.sh          N=5000 bench/migrations-lint.sh
set -euo pipefail
cd "$(dirname "$0")/.."

n=${N:-1000}
out=target/bench/migrations
command -v hyperfine >/dev/null || { echo "hyperfine is required (apt install hyperfine)" >&2; exit 2; }

cargo build --release --locked --quiet
rm -rf "$out"
python3 bench/generate.py "$out" "$n"

squawk=$(command -v squawk || true)
if [ -z "$squawk" ]; then
  npm install --silent --no-audit --no-fund --prefix target/bench-tools squawk-cli@2.66.0
  squawk=target/bench-tools/node_modules/.bin/squawk
fi
ns=target/release/new-service

# Both exit 1 on findings (the generated set has some): -i keeps hyperfine going.
hyperfine --warmup 3 --runs 20 -i --export-markdown target/bench/migrations-lint.md \
  -n "new-service: $n SQL files" "$ns migrations lint --format json $out/sql" \
  -n "$($squawk --version): $n SQL files" "$squawk --reporter json $out/sql/migrations/*.sql" \
  -n "new-service: $n Alembic revisions" "$ns migrations lint --format json $out/alembic" \
  -n "new-service: $n Django migrations" "$ns migrations lint --format json $out/shop"
