#!/usr/bin/env python3
"""Peak memory of one worker taking 60 messages of 5-6 MB queued at once, with the defaults.

usage: python3 scripts/large_messages.py BINARY [N]
Needs RabbitMQ on 127.0.0.1:5672 (guest/guest) and `pika` (pip install pika). Publishes N (60)
plain-text articles of 5-6 MB each (lines of words drawn from README.md, fixed seed) into queues
and exchanges of its own (random names, deleted at the end), then starts `BINARY run` with the
default settings (embedded store in memory, metrics on a free port) and samples its peak RSS
(VmHWM) until every message is a record or a dead letter. Extra PARAPRINT_ variables in the
environment pass through (PARAPRINT_LIMITS__IN_FLIGHT_BYTES=... to compare budgets). Prints one
JSON line: records, dead letters, peak RSS (MB), seconds, the worker's exit code, input bytes.
"""
import json
import os
import random
import secrets
import subprocess
import sys
import time

import pika

HERE = os.path.dirname(os.path.abspath(__file__))


def article(i, words, rng):
    size = rng.randint(5_000_000, 6_000_000)
    lines, total = [], 0
    while total < size:
        line = " ".join(rng.choice(words) for _ in range(80))
        lines.append(line)
        total += len(line) + 1
    return json.dumps({"id": f"large-{i}", "source": f"s{i % 5}", "body": "\n".join(lines)}).encode()


def peak_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(next(l for l in f if l.startswith("VmHWM")).split()[1])


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    binary = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    rng = random.Random(7)
    words = open(os.path.join(HERE, "..", "README.md")).read().split()
    messages = [article(i, words, rng) for i in range(n)]
    suffix = secrets.token_hex(3)
    names = {k: f"paraprint.large.{suffix}.{k}" for k in ("raw", "clean", "dead")}
    env = dict(os.environ, PARAPRINT_STORE__PATH="", PARAPRINT_METRICS__LISTEN="127.0.0.1:0", RUST_LOG="warn")
    for key, name in (("INPUT", "raw"), ("OUTPUT", "clean"), ("DEAD", "dead")):
        env[f"PARAPRINT_TOPOLOGY__{key}_QUEUE"] = names[name]
        env[f"PARAPRINT_TOPOLOGY__{key}_EXCHANGE"] = names[name]
    params = pika.ConnectionParameters("127.0.0.1")
    channel = pika.BlockingConnection(params).channel()
    # A first worker declares the topology, then stops: the messages are all queued before the
    # measured worker starts.
    worker = subprocess.Popen([binary, "run"], env=env)
    for _ in range(150):
        try:
            channel.queue_declare(names["raw"], passive=True)
            break
        except Exception:
            channel = pika.BlockingConnection(params).channel()
            time.sleep(0.2)
    worker.terminate()
    worker.wait()
    channel.confirm_delivery()
    for m in messages:
        channel.basic_publish(names["raw"], "article", m, pika.BasicProperties(delivery_mode=2))
    start = time.time()
    worker = subprocess.Popen([binary, "run"], env=env)
    peak = 0
    count = lambda q: channel.queue_declare(names[q], passive=True).method.message_count
    while count("clean") + count("dead") < n and time.time() - start < 900:
        peak = max(peak, peak_kb(worker.pid))
        time.sleep(0.2)
    peak = max(peak, peak_kb(worker.pid))
    seconds = time.time() - start
    worker.terminate()
    code = worker.wait()
    print(json.dumps({"records": count("clean"), "dead": count("dead"), "peak_rss_mb": peak // 1024,
                      "seconds": round(seconds, 1), "exit": code, "bytes": sum(map(len, messages))}))
    for name in names.values():
        channel.queue_delete(name)
        channel.exchange_delete(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
