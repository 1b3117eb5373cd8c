#!/usr/bin/env python3
"""Scale-out benchmark: one embedded worker against three workers sharing Redis, on one stream.

The Redis variants are one server (`redis-3`) and a three-master Redis Cluster (`cluster-3`);
all run in one invocation, on the same stream, so their rates can be compared.

    python3 scripts/bench_scale.py                                  # the shared 10,000-article stream, 1 round
    python3 scripts/bench_scale.py --stream /tmp/stream.jsonl --rounds 3 --json /tmp/scale.json
    python3 scripts/bench_scale.py --n 2000 --variants embedded-1,cluster-3   # a quick look

Needs RabbitMQ (guest/guest on 127.0.0.1:5672: `rabbitmq-server -detached`), Redis on
127.0.0.1:6379 for `redis-3` (`redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379
--save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log`), and
`redis-server` and `redis-cli` on the PATH for `cluster-3`, all on this machine (CPU is read from
/proc). Python 3 standard library only: the AMQP 0-9-1 and RESP clients are bench_e2e.py's
(imported, not copied). Uses target/release/paraprint as it is (`cargo build --release` first).

What it does:
1. The stream: `--stream FILE`, or by default the stream the issues about speed and scale are
   measured on, made with `../shared/bench/make_stream.py --n 10000 --seed 11 --corpus core`.
   `--n` takes the first N articles of FILE (or makes a stream of N).
2. For `cluster-3`, starts three `redis-server` processes on free ports with cluster mode on (no
   persistence, in a temporary folder), joins them with `redis-cli --cluster create
   --cluster-replicas 0` and waits for `cluster_state:ok`. They are killed at the end, also on
   error.
3. Rounds: `--rounds` times each variant in `--variants` (named STORE-WORKERS; by default
   `embedded-1`: one worker, embedded store in a fresh folder; `redis-3`: three workers on the
   Redis at `--redis-url`; `cluster-3`: three workers on the cluster). Each round has its own
   topology (`bench.<hex>.raw/.clean/.dead`), and its own state (a new folder, or the Redis
   prefix `bench-scale-<hex>`, so keys are `{bench-scale-<hex>:v1:...`). A round pre-fills the
   input queue with the N articles (`paraprint publish`, with confirms), waits for the broker to
   go quiet, starts the workers (each with its own metrics port) and times from their start
   until the output queue holds a record for every article (records + dead letters = N; a
   passive `queue.declare` every 20 ms). CPU time (utime + stime, /proc/PID/stat) is sampled
   over that interval for the workers (summed), the broker (`beam.smp`) and every
   `redis-server` involved (the one at `--redis-url`, found by INFO's process_id, or the
   cluster's three masters). Then the workers get SIGTERM and must exit 0.
4. After the drain, for the Redis variants, per master: `used_memory_dataset` (INFO memory;
   the change over the round too, which is what the share is computed from), the number of the
   round's keys (DBSIZE on the private cluster masters; SCAN MATCH '{<prefix>:v1:*' on the shared
   server), their shares, and how many of the paragraph holders' keys (`{<prefix>:v1:l2:h…}`, one per
   shard and generation) each master holds.
   Then the round's keys are deleted (SCAN + UNLINK of its prefix on the shared server, FLUSHALL
   on the private cluster) and its queues and exchanges too.
5. Per variant (medians over rounds): articles/s, its ratio to embedded-1's rate in the same
   run, CPU µs per article of workers, broker and Redis, dead letters, Redis memory and keys per
   master and the largest master's share. Prints Markdown tables, writes `--json`.

Nothing is left behind: every queue and exchange the script declared, the Redis keys under its
prefixes, the cluster's processes and the temporary folder are removed at the end.
"""

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.dont_write_bytecode = True  # importing bench_e2e leaves no __pycache__ in scripts/
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_e2e import (  # noqa: E402
    CLK_TCK,
    ROOT,
    Amqp,
    AmqpError,
    BenchError,
    Redis,
    cpu_seconds,
    machine_busy,
    peak_rss_mb,
    pid_of,
    run_and_report,
    topology_names,
    wait_until_quiet,
)

MAKE_STREAM = ROOT.parent / "shared" / "bench" / "make_stream.py"
RABBIT_HINT = "Start it with `rabbitmq-server -detached` (guest/guest on 127.0.0.1:5672)."
REDIS_HINT = (
    "Start it with `redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save \"\" "
    "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log`."
)
TOPOLOGY = ("input_exchange", "input_queue", "output_exchange", "output_queue", "dead_exchange", "dead_queue")


def info(redis, section):
    """INFO `section` as a dict of strings."""
    text = redis.call("INFO", section).decode()
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line and not line.startswith("#"))


def count_matching(redis, pattern):
    cursor, count = b"0", 0
    while True:
        cursor, keys = redis.call("SCAN", cursor, "MATCH", pattern, "COUNT", "1000")
        count += len(keys)
        if cursor == b"0":
            return count


def free_ports(n):
    """n free TCP ports whose cluster bus port (+10000) is free too."""
    held, ports = [], []
    try:
        while len(ports) < n:
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            held.append(s)
            port = s.getsockname()[1]
            if port + 10000 > 65535:
                continue
            bus = socket.socket()
            try:
                bus.bind(("127.0.0.1", port + 10000))
            except OSError:
                bus.close()
                continue
            held.append(bus)
            ports.append(port)
        return ports
    finally:
        for s in held:
            s.close()


def wait_for(what, check, timeout):
    deadline = time.monotonic() + timeout
    while True:
        try:
            if check():
                return
        except (OSError, BenchError):
            pass
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.2)


class Cluster:
    """Three (or `size`) private Redis Cluster masters, no replicas, no persistence."""

    def __init__(self, folder, size=3):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.size = size
        self.procs = []
        self.ports = []

    def start(self):
        for binary in ("redis-server", "redis-cli"):
            if shutil.which(binary) is None:
                raise BenchError(f"{binary} is not on the PATH: cluster-3 needs it (apt-get install redis-server)")
        self.ports = free_ports(self.size)
        for port in self.ports:
            log = open(self.folder / f"redis-{port}.log", "wb")
            cmd = [
                "redis-server",
                "--port", str(port),
                "--bind", "127.0.0.1",
                "--cluster-enabled", "yes",
                "--cluster-config-file", str(self.folder / f"nodes-{port}.conf"),
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.folder),
                "--daemonize", "no",
            ]  # fmt: skip
            self.procs.append(subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))
            log.close()
        for port, proc in zip(self.ports, self.procs):
            wait_for(f"redis-server on port {port}", lambda p=port, c=proc: self._ping(p, c), 20)
        nodes = [f"127.0.0.1:{p}" for p in self.ports]
        out = subprocess.run(
            ["redis-cli", "--cluster", "create", *nodes, "--cluster-replicas", "0", "--cluster-yes"],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
        if out.returncode != 0:
            raise BenchError(f"redis-cli --cluster create failed:\n{out.stdout[-2000:]}{out.stderr[-2000:]}")
        for port in self.ports:
            wait_for(f"cluster_state:ok on port {port}", lambda p=port: self._cluster_ok(p), 60)
        print(f"cluster: {self.size} masters on ports {', '.join(map(str, self.ports))}", file=sys.stderr)

    def _ping(self, port, proc):
        if proc.poll() is not None:
            raise BenchError(f"redis-server on port {port} exited; log: {self.folder}/redis-{port}.log")
        r = Redis(f"redis://127.0.0.1:{port}")
        try:
            return r.call("PING") == b"PONG"
        finally:
            r.close()

    def _cluster_ok(self, port):
        r = Redis(f"redis://127.0.0.1:{port}")
        try:
            return "cluster_state:ok" in r.call("CLUSTER", "INFO").decode()
        finally:
            r.close()

    @property
    def url(self):
        return ",".join(f"redis://127.0.0.1:{p}" for p in self.ports)

    def nodes(self):
        return [
            {"name": f"127.0.0.1:{p}", "url": f"redis://127.0.0.1:{p}", "pid": proc.pid, "private": True}
            for p, proc in zip(self.ports, self.procs)
        ]

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = []


class Bench:
    def __init__(self, args):
        self.args = args
        self.tmp = Path(tempfile.mkdtemp(prefix="paraprint-scale-"))
        target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        self.paraprint = target / "release" / "paraprint"
        self.amqp = None
        self.cluster = None
        self.workers = []
        self.topologies = []  # every round's names, deleted at the end whatever happened
        self.prefixes = []  # Redis prefixes used on the shared server
        self.broker = pid_of("beam.smp")
        self.shared_redis_pid = None
        self.rounds = []

    # -- environment

    def check_services(self):
        try:
            self.amqp = Amqp(self.args.amqp_url, "bench_scale control")
        except (OSError, AmqpError, BenchError) as e:
            raise BenchError(f"RabbitMQ is not reachable at {self.args.amqp_url} ({e}). {RABBIT_HINT}") from None
        if self.broker is None:
            print("warning: no beam.smp process on this machine: broker CPU is not measured", file=sys.stderr)
        if any(store == "redis" for store, _ in self.args.variants.values()):
            try:
                r = Redis(self.args.redis_url)
                r.call("PING")
                pid = int(info(r, "server")["process_id"])
                r.close()
            except (OSError, BenchError, KeyError, ValueError) as e:
                raise BenchError(f"Redis is not reachable at {self.args.redis_url} ({e}). {REDIS_HINT}") from None
            try:
                local = Path(f"/proc/{pid}/comm").read_text().strip() == "redis-server"
            except OSError:
                local = False
            if local:
                self.shared_redis_pid = pid
            else:
                print(
                    f"warning: Redis's process_id {pid} is no redis-server here: its CPU is not measured",
                    file=sys.stderr,
                )
        if not self.paraprint.exists():
            raise BenchError(f"{self.paraprint} is missing: run `cargo build --release` first")

    def prepare_stream(self):
        args = self.args
        if args.stream:
            source = Path(args.stream)
            if not source.exists():
                raise BenchError(f"--stream {source}: no such file")
            if args.n:
                self.stream_file = self.tmp / "stream.jsonl"
                with source.open("rb") as f, self.stream_file.open("wb") as out:
                    taken = 0
                    for line in f:
                        if line.strip():
                            out.write(line if line.endswith(b"\n") else line + b"\n")
                            taken += 1
                            if taken == args.n:
                                break
            else:
                self.stream_file = source
            meta_file = source.parent / (source.name + ".meta.json")
        else:
            self.stream_file = self.tmp / "stream.jsonl"
            cmd = [
                sys.executable, str(MAKE_STREAM), "--n", str(args.n or 10000), "--seed", "11",
                "--corpus", "core", "--out", str(self.stream_file),
            ]  # fmt: skip
            print("$", " ".join(cmd), file=sys.stderr)
            out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            if out.returncode != 0:
                raise BenchError(f"make_stream.py failed:\n{out.stderr[-3000:]}")
            meta_file = self.tmp / "stream.jsonl.meta.json"
        digest, total, count = hashlib.sha256(), 0, 0
        with self.stream_file.open("rb") as f:
            for line in f:
                if line.strip():
                    digest.update(line)
                    total += len(line.rstrip(b"\n"))
                    count += 1
        if count == 0:
            raise BenchError(f"{self.stream_file} holds no articles")
        if args.n and count != args.n:
            print(f"warning: the stream holds {count} articles, not {args.n}", file=sys.stderr)
        self.n = count
        self.stream_info = {
            "file": str(args.stream) if args.stream else f"make_stream.py --n {args.n or 10000} --seed 11 --corpus core",
            "articles": count,
            "bytes": total,
            "mean_article_bytes": round(total / count),
            "sha256": digest.hexdigest(),
        }
        try:
            meta = json.loads(meta_file.read_text())
            if args.n and args.stream:
                self.stream_info["prefix_of"] = meta.get("n")
            self.stream_info["sentences_sha256"] = meta.get("corpus", {}).get("sentences_sha256")
        except (OSError, ValueError):
            pass
        print(f"stream: {count} articles, {total / 1e6:.1f} MB", file=sys.stderr)

    def worker_env(self, names, store, prefix, state, index):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARAPRINT_")}
        env.pop("RUST_LOG", None)
        env.update({f"PARAPRINT_TOPOLOGY__{k.upper()}": v for k, v in names.items()})
        env.update(
            {
                "PARAPRINT_AMQP__URL": self.args.amqp_url,
                "PARAPRINT_AMQP__CONNECTION_NAME": f"bench_scale worker {index}",
                "PARAPRINT_METRICS__LISTEN": "127.0.0.1:0",
                "PARAPRINT_LOG__LEVEL": "warn",
                "PARAPRINT_STORE__PATH": str(state) if state else "",
            }
        )
        if store == "embedded":
            env["PARAPRINT_STORE__BACKEND"] = "embedded"
        else:
            env["PARAPRINT_STORE__BACKEND"] = "redis"
            env["PARAPRINT_STORE__REDIS_PREFIX"] = prefix
            if store == "cluster":
                env["PARAPRINT_STORE__REDIS_CLUSTER"] = "true"
                env["PARAPRINT_STORE__REDIS_URL"] = self.cluster.url
            else:
                env["PARAPRINT_STORE__REDIS_CLUSTER"] = "false"
                env["PARAPRINT_STORE__REDIS_URL"] = self.args.redis_url
        return env

    def redis_nodes(self, store):
        if store == "cluster":
            return self.cluster.nodes()
        if store == "redis":
            return [{"name": self.args.redis_url, "url": self.args.redis_url, "pid": self.shared_redis_pid, "private": False}]
        return []

    # -- one round

    def settle(self):
        wait_until_quiet(self.broker)

    def prefill(self, names, env):
        started = time.monotonic()
        out = subprocess.run([str(self.paraprint), "publish", str(self.stream_file)], env=env, capture_output=True, text=True)
        if out.returncode != 0:
            raise BenchError(f"paraprint publish failed:\n{out.stderr[-3000:]}")
        count = self.amqp.queue_count(names["input_queue"])
        if count != self.n:
            raise BenchError(f"the input queue holds {count} messages after pre-filling, not {self.n}")
        return time.monotonic() - started

    def cpu_sample(self, nodes):
        return {
            "broker": cpu_seconds(self.broker) if self.broker else None,
            "redis": [cpu_seconds(node["pid"]) if node["pid"] else None for node in nodes],
            "script": sum(os.times()[:2]),
            "machine": machine_busy(),
        }

    def memory_sample(self, nodes):
        out = []
        for node in nodes:
            r = Redis(node["url"])
            try:
                out.append(int(info(r, "memory")["used_memory_dataset"]))
            finally:
                r.close()
        return out

    def stop_workers(self, logs):
        workers, self.workers = self.workers, []
        for w in workers:
            if w.poll() is None:
                w.send_signal(signal.SIGTERM)
        failures = []
        for w, log in zip(workers, logs):
            try:
                code = w.wait(timeout=60)
            except subprocess.TimeoutExpired:
                w.kill()
                w.wait()
                failures.append(f"worker {w.pid} did not stop within 60 s of SIGTERM; log: {log}")
                continue
            if code != 0:
                failures.append(f"worker {w.pid} exited with {code}; log:\n{Path(log).read_text()[-2000:]}")
        if failures:
            raise BenchError("\n".join(failures))

    def run_round(self, variant, round_no):
        store, count = self.args.variants[variant]
        n = self.n
        tag = os.urandom(5).hex()
        names = topology_names(tag)
        self.topologies.append(names)
        prefix = f"bench-scale-{tag}"
        if store == "redis":
            self.prefixes.append(prefix)
        state = self.tmp / f"state-{tag}" if store == "embedded" else None
        envs = [self.worker_env(names, store, prefix, state, i) for i in range(count)]
        nodes = self.redis_nodes(store)

        prefill_s = self.prefill(names, envs[0])
        self.settle()
        memory_before = self.memory_sample(nodes)
        logs = [self.tmp / f"round-{round_no}-{variant}-w{i}.log" for i in range(count)]
        out_q, dead_q = names["output_queue"], names["dead_queue"]
        before = self.cpu_sample(nodes)
        started = time.monotonic()
        for env, log in zip(envs, logs):
            with open(log, "wb") as f:
                self.workers.append(
                    subprocess.Popen([str(self.paraprint), "run"], env=env, stdout=f, stderr=subprocess.STDOUT)
                )
        deadline = started + self.args.round_timeout
        while True:
            records = self.amqp.queue_count(out_q)
            dead = self.amqp.queue_count(dead_q)
            now = time.monotonic()
            if records + dead >= n:
                break
            for w, log in zip(self.workers, logs):
                if w.poll() is not None:
                    raise BenchError(f"{variant}: a worker exited with {w.returncode}; log:\n{log.read_text()[-3000:]}")
            if now > deadline:
                raise BenchError(f"{variant}: only {records} records and {dead} dead letters of {n} after {self.args.round_timeout} s")
            time.sleep(0.02)
        elapsed = now - started
        worker_cpu = sum(cpu_seconds(w.pid) for w in self.workers)
        rss = max(peak_rss_mb(w.pid) or 0 for w in self.workers)
        after = self.cpu_sample(nodes)
        self.stop_workers(logs)

        left = self.amqp.queue_count(names["input_queue"])
        records = self.amqp.queue_count(out_q)
        dead = self.amqp.queue_count(dead_q)
        busy_jiffies = after["machine"][0] - before["machine"][0]
        busy = busy_jiffies / max(1, after["machine"][1] - before["machine"][1])
        broker_cpu = after["broker"] - before["broker"] if self.broker else None
        redis_cpus = [
            a - b if a is not None and b is not None else None for a, b in zip(after["redis"], before["redis"])
        ]
        measured = [c for c in redis_cpus if c is not None]
        redis_cpu = sum(measured) if nodes and len(measured) == len(nodes) else None
        other = busy_jiffies / CLK_TCK - worker_cpu - (broker_cpu or 0) - (redis_cpu or 0)
        other -= after["script"] - before["script"]

        def per_article_us(seconds):
            return seconds / n * 1e6 if seconds is not None else None

        result = {
            "round": round_no,
            "variant": variant,
            "store": store,
            "workers": count,
            "topology_tag": tag,
            "articles": n,
            "seconds": elapsed,
            "articles_per_s": n / elapsed,
            "worker_cpu_s": worker_cpu,
            "worker_cpu_us_per_article": per_article_us(worker_cpu),
            "broker_cpu_us_per_article": per_article_us(broker_cpu),
            "redis_cpu_us_per_article": per_article_us(redis_cpu),
            "machine_busy": busy,
            "other_cores": other / elapsed,
            "peak_rss_mb_max_worker": rss,
            "prefill_s": prefill_s,
            "records": records,
            "dead_letters": dead,
            "left_in_input": left,
        }
        if state is not None:
            result["state_on_disk_mb"] = sum(p.stat().st_size for p in state.rglob("*") if p.is_file()) / 1e6
            shutil.rmtree(state, ignore_errors=True)
        if nodes:
            result["redis_prefix"] = prefix
            result["masters"] = self.masters_after(nodes, prefix, memory_before, redis_cpus)
            deltas = [m["dataset_delta_bytes"] for m in result["masters"]]
            keys = [m["keys"] for m in result["masters"]]
            result["redis_dataset_mb"] = sum(deltas) / 1e6
            result["redis_keys"] = sum(keys)
            result["max_dataset_share"] = max(m["dataset_share"] for m in result["masters"])
            result["max_keys_share"] = max(m["keys_share"] for m in result["masters"])
            self.delete_round_keys(nodes, prefix)
        self.delete_topology(names)
        if dead:
            print(f"warning: {dead} dead letters in round {round_no} ({variant})", file=sys.stderr)
        if left:
            print(f"warning: {left} articles left in the input queue in round {round_no} ({variant})", file=sys.stderr)
        print(
            f"round {round_no} {variant:11} {result['articles_per_s']:7.0f} articles/s in {elapsed:6.1f} s  "
            f"worker {result['worker_cpu_us_per_article']:6.0f} µs/article  "
            f"broker {result['broker_cpu_us_per_article'] or 0:5.0f} µs  "
            f"redis {result['redis_cpu_us_per_article'] or 0:5.0f} µs  "
            f"busy {busy:.0%}  other {result['other_cores']:.2f} cores  dead {dead}",
            file=sys.stderr,
        )
        self.rounds.append(result)
        return result

    def masters_after(self, nodes, prefix, memory_before, redis_cpus):
        memory_after = self.memory_sample(nodes)
        masters = []
        for i, node in enumerate(nodes):
            r = Redis(node["url"])
            try:
                keys = r.call("DBSIZE") if node["private"] else count_matching(r, "{" + prefix + ":v1:*")
                holder_keys = count_matching(r, "{" + prefix + ":v1:l2:h*")
            finally:
                r.close()
            masters.append(
                {
                    "node": node["name"],
                    "used_memory_dataset_bytes": memory_after[i],
                    "dataset_delta_bytes": memory_after[i] - memory_before[i],
                    "keys": keys,
                    "holder_keys": holder_keys,
                    "cpu_us_per_article": redis_cpus[i] / self.n * 1e6 if redis_cpus[i] is not None else None,
                }
            )
        total_delta = sum(max(0, m["dataset_delta_bytes"]) for m in masters)
        total_keys = sum(m["keys"] for m in masters)
        for m in masters:
            m["dataset_share"] = max(0, m["dataset_delta_bytes"]) / total_delta if total_delta else 0.0
            m["keys_share"] = m["keys"] / total_keys if total_keys else 0.0
        return masters

    # -- cleaning up

    def delete_round_keys(self, nodes, prefix):
        for node in nodes:
            r = Redis(node["url"])
            try:
                if node["private"]:
                    r.call("FLUSHALL", "SYNC")
                else:
                    r.delete_matching("{" + prefix + ":v1:*")
            finally:
                r.close()

    def delete_topology(self, names):
        for key in ("input_queue", "output_queue", "dead_queue"):
            try:
                self.amqp.delete_queue(names[key])
            except AmqpError:
                pass
        for key in ("input_exchange", "output_exchange", "dead_exchange"):
            try:
                self.amqp.delete_exchange(names[key])
            except AmqpError:
                pass

    def cleanup(self):
        for w in self.workers:
            if w.poll() is None:
                w.kill()
            w.wait()
        self.workers = []
        if self.amqp is not None:
            try:
                for names in self.topologies:
                    self.delete_topology(names)
            except (OSError, BenchError) as e:
                print(f"warning: could not delete queues and exchanges bench.*: {e}", file=sys.stderr)
            self.amqp.close()
        if self.prefixes:
            try:
                r = Redis(self.args.redis_url)
                deleted = sum(r.delete_matching("{" + p + ":v1:*") for p in self.prefixes)
                r.close()
                if deleted:
                    print(f"deleted {deleted} leftover Redis keys", file=sys.stderr)
            except (OSError, BenchError) as e:
                print(f"warning: Redis keys under {self.prefixes} not deleted: {e}", file=sys.stderr)
        if self.cluster is not None:
            self.cluster.stop()
        if self.args.keep_temp:
            print(f"kept {self.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- the whole run

    def run(self):
        self.check_services()
        self.prepare_stream()
        if any(store == "cluster" for store, _ in self.args.variants.values()):
            self.cluster = Cluster(self.tmp / "cluster")
            self.cluster.start()
        for round_no in range(self.args.rounds):
            for variant in self.args.variants:
                self.run_round(variant, round_no)
        return self.summarise()

    def summarise(self):
        summary = {}
        for variant, (store, count) in self.args.variants.items():
            rows = [r for r in self.rounds if r["variant"] == variant]
            s = {"store": store, "workers": count, "rounds": len(rows)}
            for key in (
                "articles_per_s",
                "worker_cpu_us_per_article",
                "broker_cpu_us_per_article",
                "redis_cpu_us_per_article",
                "machine_busy",
                "other_cores",
                "redis_dataset_mb",
                "redis_keys",
                "max_dataset_share",
                "max_keys_share",
                "state_on_disk_mb",
            ):
                values = [r.get(key) for r in rows]
                if values and all(v is not None for v in values):
                    s[key] = statistics.median(values)
            s["dead_letters"] = sum(r["dead_letters"] for r in rows)
            s["peak_rss_mb_max_worker"] = max(r["peak_rss_mb_max_worker"] for r in rows)
            if rows and "masters" in rows[0]:
                s["masters"] = [
                    {
                        "node": rows[0]["masters"][i]["node"],
                        **{
                            key: statistics.median(r["masters"][i][key] for r in rows)
                            for key in ("dataset_delta_bytes", "keys", "holder_keys", "dataset_share", "keys_share")
                        },
                    }
                    for i in range(len(rows[0]["masters"]))
                ]
            summary[variant] = s
        # Each round's rate against embedded-1's rate in the same round.
        base = {r["round"]: r["articles_per_s"] for r in self.rounds if r["variant"] == "embedded-1"}
        for r in self.rounds:
            if r["round"] in base:
                r["ratio_to_embedded_1"] = r["articles_per_s"] / base[r["round"]]
        for variant, s in summary.items():
            ratios = [r["ratio_to_embedded_1"] for r in self.rounds if r["variant"] == variant and "ratio_to_embedded_1" in r]
            if ratios:
                s["ratio_to_embedded_1"] = statistics.median(ratios)
        return summary


# --------------------------------------------------------------------------------------------
# Output.


def _us(value):
    return f"{value:.0f} µs" if value is not None else "–"


def _per_master(masters, key, fmt):
    return " / ".join(fmt(m[key]) for m in masters)


def markdown(bench, summary):
    out = [
        "| variant | workers | articles/s | ratio to embedded-1 | worker CPU / article | broker CPU / article "
        "| Redis CPU / article | dead letters | Redis dataset per master (Δ) | keys per master "
        "| max share of dataset (of keys) | machine busy (others, cores) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for variant, s in summary.items():
        masters = s.get("masters")
        ratio = f"{s['ratio_to_embedded_1']:.2f}" if "ratio_to_embedded_1" in s else "–"
        if masters:
            dataset = _per_master(masters, "dataset_delta_bytes", lambda v: f"{v / 1e6:.1f}") + " MB"
            keys = _per_master(masters, "keys", lambda v: f"{v:,.0f}")
            share = f"{s['max_dataset_share']:.0%} ({s['max_keys_share']:.0%})"
        else:
            dataset = keys = share = "–"
        out.append(
            f"| {variant} | {s['workers']} | {s['articles_per_s']:.0f} | {ratio} | "
            f"{_us(s.get('worker_cpu_us_per_article'))} | {_us(s.get('broker_cpu_us_per_article'))} | "
            f"{_us(s.get('redis_cpu_us_per_article'))} | {s['dead_letters']} | {dataset} | {keys} | {share} | "
            f"{s['machine_busy']:.0%} ({s['other_cores']:.2f}) |"
        )
    out += [
        "",
        "| round | variant | master | used_memory_dataset after | Δ over the round | share | keys | share "
        "| Redis CPU / article | holder keys |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in bench.rounds:
        for m in r.get("masters", []):
            out.append(
                f"| {r['round']} | {r['variant']} | {m['node']} | {m['used_memory_dataset_bytes'] / 1e6:.1f} MB | "
                f"{m['dataset_delta_bytes'] / 1e6:.1f} MB | {m['dataset_share']:.0%} | {m['keys']:,} | "
                f"{m['keys_share']:.0%} | {_us(m['cpu_us_per_article'])} | {m['holder_keys']:,} |"
            )
    out += [
        "",
        "| round | variant | articles/s | ratio to embedded-1 | seconds | worker CPU s | broker CPU / article "
        "| Redis CPU / article | peak RSS (largest worker) | records | dead letters |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in bench.rounds:
        ratio = f"{r['ratio_to_embedded_1']:.2f}" if "ratio_to_embedded_1" in r else "–"
        out.append(
            f"| {r['round']} | {r['variant']} | {r['articles_per_s']:.0f} | {ratio} | {r['seconds']:.1f} | "
            f"{r['worker_cpu_s']:.1f} | {_us(r['broker_cpu_us_per_article'])} | {_us(r['redis_cpu_us_per_article'])} | "
            f"{r['peak_rss_mb_max_worker']:.0f} MB | {r['records']} | {r['dead_letters']} |"
        )
    return "\n".join(out)


def parse_variants(text):
    variants = {}
    for name in filter(None, text.split(",")):
        store, _, count = name.rpartition("-")
        if store not in ("embedded", "redis", "cluster") or not count.isdigit() or int(count) < 1:
            raise ValueError(name)
        variants[name] = (store, int(count))
    if not variants:
        raise ValueError(text)
    return variants


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--stream", help="JSON-lines stream of raw articles (default: make_stream.py --n 10000 --seed 11 --corpus core)")
    p.add_argument("--n", type=int, help="articles per round: the first N of --stream, or a stream of N made (10000)")
    p.add_argument("--rounds", type=int, default=1, help="rounds of each variant (1)")
    p.add_argument(
        "--variants",
        default="embedded-1,redis-3,cluster-3",
        help="STORE-WORKERS, comma-separated; STORE is embedded, redis or cluster (embedded-1,redis-3,cluster-3)",
    )
    p.add_argument("--round-timeout", type=float, default=900, help="seconds one round may take (900)")
    p.add_argument("--amqp-url", default="amqp://guest:guest@127.0.0.1:5672/%2f")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/0", help="the shared Redis of redis-N")
    p.add_argument("--json", help="write the results here")
    p.add_argument("--keep-temp", action="store_true", help="keep the temporary folder (stream, logs, cluster files)")
    args = p.parse_args()
    try:
        args.variants = parse_variants(args.variants)
    except ValueError as e:
        p.error(f"--variants: {e} is not STORE-WORKERS with STORE embedded, redis or cluster")
    if args.rounds < 1 or (args.n is not None and args.n < 1):
        p.error("--rounds and --n must be at least 1")

    # SIGTERM ends the run like Ctrl-C: through the cleanup.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    def fields(bench):
        return {
            "args": {k: v for k, v in vars(args).items() if k not in ("json", "variants")}
            | {"variants": list(args.variants)},
            "cluster_ports": bench.cluster.ports if bench.cluster else None,
        }

    return run_and_report("bench_scale", Bench(args), markdown, args.json, fields)


if __name__ == "__main__":
    sys.exit(main())
