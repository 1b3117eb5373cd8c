#!/usr/bin/env python3
"""What end-to-end rate a worker gets for a given CPU per message, on this machine, in one run.

usage: bench_rate_vs_cpu.py STREAM [--spins 60,95,180] [--pairs 3] [--bin BIN] [--json FILE]

Builds a copy of `../shared/bench/ceiling` (the do-nothing pass-through of bench_ceiling.py) whose
worker burns `--spin-us` of CPU on its one thread for each delivery before publishing it: a
pass-through with an engine of known cost and nothing else of paraprint's. Each pair runs the
plain pass-through, then each spin, then (with --bin) `paraprint run`, all over STREAM, and prints
each one's CPU per message and rate as ratios to the plain pass-through of its pair. If the spinning
pass-through's rate at the worker's CPU ratio is the worker's rate, the rate follows from the
worker's CPU and not from anything else the worker does to the broker.

Needs RabbitMQ on 127.0.0.1:5672 (guest), `rabbitmqctl`, cargo, and `pip install pika`.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_ceiling  # noqa: E402

SHARED_CEILING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../shared/bench/ceiling")
TARGET = "/tmp/ceiling-spin-target"

# The one change to the pass-through: CPU spent on the consuming thread before each publish.
ANCHOR_ARGS = '    let pipeline = args.str("pipeline", "spawn");\n'
SPIN_ARGS = ANCHOR_ARGS + '    let spin = Duration::from_micros(args.num("spin-us", 0)?);\n'
ANCHOR_LOOP = "        received += 1;\n"
SPIN_LOOP = ANCHOR_LOOP + """        if !spin.is_zero() {
            let t = Instant::now();
            let mut x = 0u64;
            while t.elapsed() < spin {
                x = std::hint::black_box(x.wrapping_add(1));
            }
        }
"""


def build_spinning_ceiling():
    src = tempfile.mkdtemp(prefix="ceiling-spin-")
    shutil.copytree(SHARED_CEILING, src, dirs_exist_ok=True)
    main = os.path.join(src, "src/main.rs")
    text = open(main).read()
    if text.count(ANCHOR_ARGS) != 1 or text.count(ANCHOR_LOOP) != 1:
        sys.exit("the pass-through's source changed: update the spin patch in this script")
    open(main, "w").write(text.replace(ANCHOR_ARGS, SPIN_ARGS).replace(ANCHOR_LOOP, SPIN_LOOP))
    subprocess.run(
        ["cargo", "build", "--release", "--manifest-path", os.path.join(src, "Cargo.toml"), "--target-dir", TARGET],
        check=True,
    )
    shutil.rmtree(src)
    return os.path.join(TARGET, "release/ceiling")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("stream")
    p.add_argument("--spins", default="60,95,180", help="µs of CPU per message, comma-separated")
    p.add_argument("--pairs", type=int, default=3)
    p.add_argument("--bin", help="a paraprint build to run in each pair too")
    p.add_argument("--json", help="write every round and the medians here")
    args = p.parse_args()
    spins = [int(s) for s in args.spins.split(",")]
    ceiling = build_spinning_ceiling()
    lines = [line.strip().encode() for line in open(args.stream) if line.strip()]
    n = len(lines)
    rounds = []
    for pair in range(args.pairs):
        row = {}
        row["pass_through"] = base = bench_ceiling.pass_through(ceiling, args.stream, n)
        for spin in spins:
            row[f"spin_{spin}"] = bench_ceiling.pass_through(ceiling, args.stream, n, ["--spin-us", str(spin)])
        if args.bin:
            row["worker"] = bench_ceiling.worker(args.bin, lines)
        for r in row.values():
            r["cpu_ratio"] = r["cpu_us"] / base["cpu_us"]
            r["rate_ratio"] = r["per_s"] / base["per_s"]
        print(
            f"pair {pair}: "
            + "; ".join(
                f"{name} {r['cpu_us']:.0f} us ({r['cpu_ratio']:.2f}x), {r['per_s']:.0f}/s "
                f"({r['rate_ratio']:.2f}x)"
                for name, r in row.items()
            ),
            flush=True,
        )
        rounds.append(row)
    medians = {name: {k: statistics.median(r[name][k] for r in rounds) for k in rounds[0][name]} for name in rounds[0]}
    print(json.dumps(medians))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rounds": rounds, "medians": medians}, f, indent=2)


if __name__ == "__main__":
    main()
