#!/usr/bin/env python3
"""The worker's cost per article against a do-nothing pass-through's cost per message, in one run.

usage: bench_ceiling.py STREAM [--pairs 3] [--bin target/release/paraprint] [--before BIN]
                        [--ceiling /tmp/ceiling-target/release/ceiling] [--json FILE]

The pass-through is `../shared/bench/ceiling` (lapin 4, consume, publish each body unchanged,
persistent, publisher confirms, ack after the confirm, quorum queues, one connection, a
current-thread runtime): what any worker pays to move a message. Build it outside shared/:
  cargo build --release --manifest-path ../shared/bench/ceiling/Cargo.toml --target-dir /tmp/ceiling-target

Each pair runs the pass-through over STREAM, then one `paraprint run` draining the same stream
(embedded store, fresh state, default settings), then (with --before) an earlier build the same
way. For each: CPU per message (user + system, all threads), context switches per message
(voluntary and involuntary, all threads) and messages per second. The figures that count are
each worker round's ratios to the pass-through round of its own pair; the script prints every
round and a JSON line of medians.

Rates: the pass-through's from its first delivery to its last ack (its own RESULT line), the
worker's from its start until the output queue holds every record (its start-up, about a tenth
of a second, counts against it). Needs RabbitMQ on 127.0.0.1:5672 (guest) and `pip install pika`.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import pika

CLK_TCK = os.sysconf("SC_CLK_TCK")
QUEUES = ("paraprint.raw", "paraprint.dead", "paraprint.clean")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def context_switches(pid):
    """Voluntary and involuntary context switches so far, summed over the process's threads."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/status") as f:
                total += sum(int(line.split()[1]) for line in f if "ctxt_switches:" in line)
        except OSError:
            pass  # a thread that ended meanwhile
    return total


def pass_through(ceiling, stream, n, extra=()):
    env = dict(os.environ, CEILING_IN_TYPE="quorum", CEILING_OUT_TYPE="quorum")
    subprocess.run([ceiling, "setup"], capture_output=True, env=env, check=True)
    for q in ("bench.in", "bench.out.q"):
        subprocess.run(["rabbitmqctl", "-q", "purge_queue", q], capture_output=True, check=True)
    subprocess.run([ceiling, "load", "--file", stream, "--count", str(n)], capture_output=True, check=True, env=env)
    child = subprocess.Popen(
        [ceiling, "worker", "--prefetch", "250", "--expect", str(n), *extra], stdout=subprocess.PIPE, text=True, env=env
    )
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        sys.exit(f"the pass-through failed: {out}")
    result = dict(kv.split("=", 1) for kv in out.split("RESULT ", 1)[1].split())
    return {
        "cpu_us": (usage.ru_utime + usage.ru_stime) / n * 1e6,
        "switches": (usage.ru_nvcsw + usage.ru_nivcsw) / n,
        "per_s": float(result["msgs_per_s"]),
    }


def worker(binary, lines):
    n = len(lines)
    params = pika.ConnectionParameters("127.0.0.1")
    channel = pika.BlockingConnection(params).channel()
    for q in QUEUES:
        channel.queue_delete(q)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARAPRINT_")}
    env.update(PARAPRINT_METRICS__LISTEN="127.0.0.1:0", PARAPRINT_STORE__PATH="")
    # A first run declares the topology; the input is then filled with the worker stopped.
    first = subprocess.Popen([binary, "run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            channel.queue_declare("paraprint.raw", passive=True)
            channel.exchange_declare("paraprint.clean", passive=True)
            break
        except pika.exceptions.ChannelClosedByBroker:
            channel = pika.BlockingConnection(params).channel()
            time.sleep(0.5)
    first.terminate()
    first.wait()
    channel.confirm_delivery()
    for line in lines:
        channel.basic_publish("", "paraprint.raw", line, pika.BasicProperties(delivery_mode=2))
    started = time.monotonic()
    child = subprocess.Popen([binary, "run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while channel.queue_declare("paraprint.clean", passive=True).method.message_count < n:
        if time.monotonic() - started > 600 or child.poll() is not None:
            sys.exit(f"{binary} did not drain the stream")
        time.sleep(0.02)
    elapsed = time.monotonic() - started
    cpu, switches = cpu_seconds(child.pid), context_switches(child.pid)
    child.terminate()
    child.wait(60)
    dead = channel.queue_declare("paraprint.dead", passive=True).method.message_count
    for q in QUEUES:
        channel.queue_delete(q)
    if dead:
        sys.exit(f"{dead} dead letters from {binary}")
    return {"cpu_us": cpu / n * 1e6, "switches": switches / n, "per_s": n / elapsed}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("stream")
    p.add_argument("--pairs", type=int, default=3)
    p.add_argument("--bin", default="target/release/paraprint")
    p.add_argument("--before", help="an earlier build, run after the worker in each pair")
    p.add_argument("--ceiling", default=os.environ.get("CEILING", "/tmp/ceiling-target/release/ceiling"))
    p.add_argument("--json", help="write every round and the medians here")
    args = p.parse_args()
    if not os.access(args.ceiling, os.X_OK):
        sys.exit(f"no pass-through at {args.ceiling}: build it as this script's docstring says")
    lines = [line.strip().encode() for line in open(args.stream) if line.strip()]
    variants = {"worker": args.bin, **({"before": args.before} if args.before else {})}
    rounds = []
    for pair in range(args.pairs):
        base = pass_through(args.ceiling, args.stream, len(lines))
        row = {"pair": pair, "pass_through": base}
        print(f"pair {pair}: pass-through {base['cpu_us']:.0f} us, {base['switches']:.2f} switches, "
              f"{base['per_s']:.0f}/s", end="", flush=True)
        for name, binary in variants.items():
            r = worker(binary, lines)
            r["cpu_ratio"] = r["cpu_us"] / base["cpu_us"]
            r["switch_ratio"] = r["switches"] / base["switches"]
            r["rate_ratio"] = r["per_s"] / base["per_s"]
            row[name] = r
            print(f"; {name} {r['cpu_us']:.0f} us ({r['cpu_ratio']:.2f}x), {r['switches']:.2f} switches "
                  f"({r['switch_ratio']:.2f}x), {r['per_s']:.0f}/s ({r['rate_ratio']:.2f}x)", end="", flush=True)
        print()
        rounds.append(row)
    medians = {
        name: {k: statistics.median(r[name][k] for r in rounds) for k in rounds[0][name]}
        for name in ["pass_through", *variants]
    }
    print(json.dumps(medians))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rounds": rounds, "medians": medians}, f, indent=2)


if __name__ == "__main__":
    main()
