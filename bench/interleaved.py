#!/usr/bin/env python3
"""Compares audit binaries with ripgrep on one tree, runs interleaved.

    bench/interleaved.py ROUNDS TREE BINARY [BINARY...]

Each round runs `rg -c password TREE` and then every binary's audit of TREE once, so a
drift of the machine's speed (common on shared virtual machines) touches every command
alike; hyperfine, which runs one command's runs back to back, lets a drift favour one
command. Prints the median wall time of each command, its minimum, and median / rg.
"""
import os
import statistics
import subprocess
import sys
import time


def main() -> None:
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    rounds, tree, binaries = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    commands = [["rg", "-c", "password", tree]] + [
        [b, "audit", tree, "--offline", "--fail-on", "never", "--format", "json", "--output", "/dev/null"]
        for b in binaries
    ]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    for command in commands:  # warm-up: page cache, binaries
        subprocess.run(command, **quiet)
    times = [[] for _ in commands]
    for _ in range(rounds):
        for i, command in enumerate(commands):
            start = time.perf_counter()
            subprocess.run(command, **quiet)
            times[i].append((time.perf_counter() - start) * 1000)
    rg = statistics.median(times[0])
    row = f"{os.path.basename(os.path.normpath(tree))[:24]:24} rg {rg:6.1f} ms"
    for binary, t in zip(binaries, times[1:]):
        median = statistics.median(t)
        row += f" | {os.path.basename(binary)} {median:6.1f} ms (min {min(t):6.1f}) {median / rg:4.2f}x"
    print(row, flush=True)


if __name__ == "__main__":
    main()
