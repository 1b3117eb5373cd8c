#!/usr/bin/env python3
"""CPU and peak memory of `paraprint clean` on each HTML nesting construct repeated to 1 MiB and to the
message size limit (8 MiB): RELIABILITY.md, "Nesting". usage: nesting_survey.py BINARY [NAME ...]
The constructs are tests/common/nesting.rs's (read from it, so the two never drift apart)."""
import json
import os
import re
import resource
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def constructs():
    text = open(os.path.join(HERE, "..", "tests", "common", "nesting.rs")).read()
    # ("name", "unit"), possibly split over lines by rustfmt.
    pairs = re.findall(r'\(\s*"([^"]+)",\s*"((?:[^"\\]|\\.)*)",?\s*\)', text)
    return [(name, json.loads('"' + unit + '"')) for name, unit in pairs]


def message(name, unit, limit):
    def wrap(n):
        return json.dumps({"id": name, "source": "nesting.example", "content_type": "text/html",
                           "body": unit * n}, ensure_ascii=False, separators=(",", ":")).encode()
    per_unit = len(wrap(2)) - len(wrap(1))
    return wrap((limit - len(wrap(0))) // per_unit)


def run(binary, line):
    env = dict(os.environ, PARAPRINT_STORE__PATH="")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(["/usr/bin/time", "-f", "%M", binary, "clean", "-"], input=line,
                          capture_output=True, env=env, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak_kb = int(done.stderr.decode().strip().splitlines()[-1])
    ended = "record" if done.returncode == 0 else done.stderr.decode().split(":")[1].strip()
    return cpu, ended, peak_kb // 1024


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    binary, only = sys.argv[1], sys.argv[2:]
    print("| construct | 1 MiB: CPU | 8 MiB: ends as | CPU | peak RSS |")
    print("|---|---|---|---|---|")
    for name, unit in constructs():
        if only and name not in only:
            continue
        small = run(binary, message(name, unit, 1 << 20))
        big = run(binary, message(name, unit, 8 << 20))
        print(f"| {name} | {small[0]:.2f} s | {big[1]} | {big[0]:.2f} s | {big[2]} MB |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
