#!/usr/bin/env python3
"""Score `new-service audit` against the hand-labelled corpus.

Standard library only. Checking the repositories out is a separate step (see eval/README.md);
this script only runs the audit on each checkout and compares its results with the labels.

    python3 eval/score.py --corpus-dir ../corpus [--bin target/release/new-service]
                          [--save-dir results/] [--from-dir results/] [--details]

For every local check it reports agreement, false fails (the audit says `fail`, the label says
`pass` or `skip`) and false passes (the audit says `pass`, the label says `fail`); other
disagreements (a skip where a verdict was due, `unknown`, `error`) are counted apart. For every
repository it lists the false bronze failures, the first thing a team lead reads. The tuning
and held-out parts are reported separately: fixes are chosen on tuning only.
"""

import argparse
import json
import os
import re
import subprocess
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))

# The two file shapes this script reads are kept deliberately small, so that no YAML library is
# needed: corpus entries are one flow mapping per line, labels one flow mapping per check.
CORPUS_LINE = re.compile(r"^\s*-\s*\{(.*)\}\s*$")
LABEL_LINE = re.compile(
    r'^  ([a-z0-9.-]+): \{expected: (pass|fail|skip), evidence: ("(?:[^"\\]|\\.)*"), '
    r'reason: ("(?:[^"\\]|\\.)*")\}\s*$'
)
TOP_LINE = re.compile(r"^([a-z_]+):\s*(\S.*)?$")


def read_corpus(path):
    repos = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = CORPUS_LINE.match(line)
            if not m:
                continue
            entry = {}
            for part in m.group(1).split(","):
                key, _, value = part.partition(":")
                entry[key.strip()] = value.strip()
            for key in ("name", "repo", "commit", "split"):
                if key not in entry:
                    sys.exit(f"{path}:{n}: corpus entry without {key}")
            if entry["split"] not in ("tuning", "held-out"):
                sys.exit(f"{path}:{n}: split must be tuning or held-out")
            repos.append(entry)
    return repos


def read_labels(path):
    meta, labels = {}, {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = LABEL_LINE.match(line)
            if m:
                cid, expected, evidence, reason = m.groups()
                labels[cid] = {
                    "expected": expected,
                    "evidence": json.loads(evidence),
                    "reason": json.loads(reason),
                }
                continue
            m = TOP_LINE.match(line)
            if m:
                meta[m.group(1)] = (m.group(2) or "").strip()
                continue
            sys.exit(f"{path}:{n}: not a label line (see eval/README.md for the format)")
    return meta, labels


def head_commit(checkout):
    try:
        out = subprocess.run(
            ["git", "-C", checkout, "rev-parse", "HEAD"],
            capture_output=True, text=True, check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def run_audit(binary, checkout):
    cmd = [binary, "audit", checkout, "--format", "json", "--offline", "--fail-on", "never"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"audit failed on {checkout} (exit {out.returncode}):\n{out.stderr}")
    return json.loads(out.stdout)


def classify(expected, got):
    if expected == got:
        return "agree"
    if got == "fail":
        return "false_fail"
    if got == "pass" and expected == "fail":
        return "false_pass"
    return "other"


def pct(a, b):
    return f"{100.0 * a / b:.1f}%" if b else "-"


def score(rows, title, out):
    """rows: (repo, check id, level, expected, got, message, evidence)."""
    total = len(rows)
    kinds = defaultdict(int)
    per_check = defaultdict(lambda: defaultdict(int))
    bronze = defaultdict(list)
    for repo, cid, level, expected, got, _msg, _ev in rows:
        kind = classify(expected, got)
        kinds[kind] += 1
        per_check[cid]["n"] += 1
        per_check[cid][kind] += 1
        if kind == "false_fail" and level == "bronze":
            bronze[repo].append(cid)
    repos = sorted({r[0] for r in rows})
    print(f"## {title}: {len(repos)} repositories, {total} results", file=out)
    print("", file=out)
    print(
        f"agreement {kinds['agree']}/{total} ({pct(kinds['agree'], total)}); "
        f"false fails {kinds['false_fail']} ({pct(kinds['false_fail'], total)}); "
        f"false passes {kinds['false_pass']}; other disagreements {kinds['other']}",
        file=out,
    )
    print("", file=out)
    print("false bronze failures per repository: " + ", ".join(
        f"{r} {len(bronze[r])}" + (f" ({' '.join(bronze[r])})" if bronze[r] else "")
        for r in repos
    ), file=out)
    print("", file=out)
    print("| check | n | agree | false fail | false pass | other |", file=out)
    print("|---|---:|---:|---:|---:|---:|", file=out)
    for cid in sorted(per_check):
        c = per_check[cid]
        print(
            f"| {cid} | {c['n']} | {c['agree']} | {c['false_fail']} | {c['false_pass']} | {c['other']} |",
            file=out,
        )
    print("", file=out)
    return kinds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus-dir", required=True, help="folder holding one checkout per corpus name")
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "target", "release", "new-service"))
    ap.add_argument("--save-dir", help="write each audit's JSON here")
    ap.add_argument("--from-dir", help="score saved JSON instead of running the audit")
    ap.add_argument("--details", action="store_true", help="list every disagreement")
    ap.add_argument("--only", help="comma-separated corpus names")
    args = ap.parse_args()

    corpus = read_corpus(os.path.join(HERE, "corpus.yaml"))
    if args.only:
        wanted = set(args.only.split(","))
        corpus = [e for e in corpus if e["name"] in wanted]
    rows = {"tuning": [], "held-out": []}
    details = []
    for entry in corpus:
        name = entry["name"]
        meta, labels = read_labels(os.path.join(HERE, "labels", f"{name}.yaml"))
        if meta.get("commit") != entry["commit"]:
            sys.exit(f"labels/{name}.yaml is for commit {meta.get('commit')}, corpus pins {entry['commit']}")
        if args.from_dir:
            with open(os.path.join(args.from_dir, f"{name}.json"), encoding="utf-8") as f:
                report = json.load(f)
        else:
            checkout = os.path.join(args.corpus_dir, name)
            head = head_commit(checkout)
            if head != entry["commit"]:
                sys.exit(f"{checkout} is at {head}, the corpus pins {entry['commit']}")
            report = run_audit(args.bin, checkout)
            if args.save_dir:
                os.makedirs(args.save_dir, exist_ok=True)
                with open(os.path.join(args.save_dir, f"{name}.json"), "w", encoding="utf-8") as f:
                    json.dump(report, f, indent=1)
        results = {r["id"]: r for r in report["results"]}
        for cid, label in labels.items():
            r = results.get(cid)
            got = r["status"] if r else "missing"
            level = r.get("level") if r else None
            message = (r or {}).get("message", "")
            row = (name, cid, level, label["expected"], got, message, label["evidence"])
            rows[entry["split"]].append(row)
            if label["expected"] != got:
                details.append((entry["split"],) + row + (label["reason"],))

    out = sys.stdout
    for split in ("tuning", "held-out"):
        if rows[split]:
            score(rows[split], split, out)
    if args.details:
        print("## disagreements", file=out)
        for split, repo, cid, _level, expected, got, message, evidence, reason in details:
            print(f"- [{split}] {repo} {cid}: label {expected} ({evidence}: {reason}); audit {got}: {message}", file=out)


if __name__ == "__main__":
    main()
