#!/usr/bin/env python3
"""CPU of `paraprint clean` over a stream, for two builds, in alternating pairs.

usage: bench_clean_ratio.py BASELINE_BINARY CANDIDATE_BINARY STREAM [PAIRS]
Runs each binary's `clean` (fresh in-memory state, default settings) PAIRS times (default 5),
alternating, and prints each run's CPU (user + system, from the child's rusage), then one JSON line
with the medians and the median of the per-pair ratios. On a shared, noisy machine only ratios
measured in the same run mean anything.
"""
import json
import os
import resource
import statistics
import subprocess
import sys


def cpu_of(binary, stream):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARAPRINT_")}
    env["PARAPRINT_STORE__PATH"] = ""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(os.devnull, "wb") as sink:
        subprocess.run([binary, "clean", stream], stdout=sink, env=env, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        return 2
    base, cand, stream = sys.argv[1:4]
    pairs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    rows = []
    for i in range(pairs):
        b = cpu_of(base, stream)
        c = cpu_of(cand, stream)
        rows.append((b, c))
        print(f"pair {i + 1}: baseline {b:.3f} s, candidate {c:.3f} s, ratio {c / b:.3f}")
    print(json.dumps({
        "baseline_s": round(statistics.median(b for b, _ in rows), 3),
        "candidate_s": round(statistics.median(c for _, c in rows), 3),
        "ratio": round(statistics.median(c / b for b, c in rows), 3),
        "pairs": pairs,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
