#!/usr/bin/env python3
"""Writes a synthetic backend repository of N files for the audit benchmark.

    python3 bench/gen-tree.py DIR [N]

A mix of what real services hold: Python modules with routes, settings and models, tests,
migrations, JSON fixtures, Markdown docs, a few larger files and binaries, workflows and a
Dockerfile. Deterministic (seeded) so runs compare.
"""
import os
import random
import subprocess
import sys

root, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
rng = random.Random(42)
os.makedirs(root, exist_ok=True)

def write(rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    mode = "wb" if isinstance(text, bytes) else "w"
    with open(path, mode) as f:
        f.write(text)

write("README.md", "# Bench\n\n```sh\nmake test\n```\n")
write("pyproject.toml", '[project]\nname = "bench"\ndependencies = ["fastapi==0.115.0", "sqlalchemy==2.0.30", "psycopg[binary]==3.2.1"]\n')
write("Dockerfile", "FROM python:3.12-slim\nCOPY . /app\nUSER app\n")
write(".github/workflows/ci.yml", "on: [pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pytest\n")
kinds = ["py", "py", "py", "test", "json", "md", "sql", "txt"]
for i in range(n - 4):
    kind = rng.choice(kinds)
    pkg = f"src/app/mod{i % 97}"
    if kind == "py":
        body = "\n".join(
            f'@router.get("/api/v1/items/{j}")\ndef handler_{j}(password: str = "") -> dict:\n    return {{"id": {j}, "token": settings.api_token}}\n'
            for j in range(rng.randint(5, 40))
        )
        write(f"{pkg}/m{i}.py", "from fastapi import APIRouter\nrouter = APIRouter()\n" + body)
    elif kind == "test":
        write(f"tests/t{i % 50}/test_{i}.py", "def test_ok():\n    assert 1 + 1 == 2\n" * rng.randint(1, 20))
    elif kind == "json":
        write(f"fixtures/f{i % 30}/data{i}.json", "[" + ",".join(f'{{"k": {j}, "v": "value {j}"}}' for j in range(rng.randint(10, 300))) + "]")
    elif kind == "md":
        write(f"docs/d{i % 20}/page{i}.md", "# Page\n\n" + "Some prose about the service and its password policy.\n" * rng.randint(5, 80))
    elif kind == "sql":
        write(f"migrations/{i:06d}_step.sql", f"CREATE TABLE t{i} (id bigint primary key, created_at timestamptz, updated_at timestamptz);\n")
    else:
        write(f"data/x{i % 10}/blob{i}.bin" if i % 9 == 0 else f"notes/n{i % 10}/note{i}.txt",
              bytes(rng.getrandbits(8) for _ in range(2048)) if i % 9 == 0 else "note\n" * 50)
if "--git" in sys.argv:
    subprocess.run(["git", "init", "-q", "-b", "main", root], check=True)
    subprocess.run(["git", "-C", root, "add", "-A"], check=True)
    subprocess.run(["git", "-C", root, "-c", "user.name=b", "-c", "user.email=b@example.com", "commit", "-qm", "bench"], check=True)
