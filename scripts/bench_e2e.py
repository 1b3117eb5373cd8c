#!/usr/bin/env python3
"""End-to-end benchmark: `paraprint run` against the simplest correct lapin pass-through.

    python3 scripts/bench_e2e.py                      # N = 20,000, 2 rounds of each store
    python3 scripts/bench_e2e.py --n 5000 --rounds 2 --json /tmp/e2e.json
    python3 scripts/bench_e2e.py --stores embedded    # without Redis
    python3 scripts/bench_e2e.py --stores embedded --stream /tmp/stream.jsonl --before /tmp/paraprint-old \
        --latency-seconds 0                           # a given stream; an earlier build alongside

Needs RabbitMQ (guest/guest on 127.0.0.1:5672: `rabbitmq-server -detached`) and, for the Redis
rounds, Redis on 127.0.0.1:6379 (`redis-server --daemonize yes`), both on this machine (the
broker's CPU is read from /proc). Python 3 standard library only: the script speaks just enough
AMQP 0-9-1 and RESP itself.

What it does:
1. Builds `paraprint` and `examples/passthrough.rs` (`--no-build` skips this).
2. Writes a stream of N raw articles made from the repository's fixtures (see `build_stream`),
   or takes the first N articles of `--stream FILE` (all of them without `--n`).
3. Throughput rounds, alternating pass-through, paraprint (embedded), pass-through, paraprint
   (Redis), ..., and a last pass-through, so every paraprint round has a pass-through round on
   each side. With `--before BIN` each round also runs that binary (an earlier build, embedded
   store) between pass-throughs: the variant `before`. Each round pre-fills the input queue with the N articles (`paraprint publish`, with
   confirms), starts the consumer process, times from its start until the output queue holds N
   records (a passive `queue.declare` every 20 ms), samples CPU time (utime + stime) of the
   process and of the broker (`beam.smp`) and the process's peak RSS (VmHWM) from /proc, then
   stops it with SIGTERM and purges the output queue. Every paraprint round starts with a fresh
   store (a new folder, or a new Redis prefix), so every round does the same work.
4. Latency: at a fixed offered load below every variant's saturation (by default half the
   slowest variant's median rate), the script publishes fresh articles at that rate (no
   confirms; the publish time kept by message id) and consumes the records itself, for
   `--latency-seconds`; p50/p99 of publish -> record received, per variant.
5. Prints Markdown tables, writes `--json`, deletes its queues, exchanges and Redis keys.

Every queue and exchange has a random name (`bench.<hex>.*`); the Redis keys are under
`{bench-<hex>-...`.
"""

import argparse
import gzip
import html
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


class BenchError(Exception):
    pass


# --------------------------------------------------------------------------------------------
# Just enough AMQP 0-9-1: connect, passive declare, purge, delete, publish, consume (no-ack).


class AmqpError(Exception):
    def __init__(self, code, text):
        super().__init__(f"{code} {text}")
        self.code = code


class Stopped(Exception):
    pass


def _shortstr(s):
    b = s.encode() if isinstance(s, str) else s
    return bytes([len(b)]) + b


def _longstr(b):
    return struct.pack(">I", len(b)) + b


def _table(d):
    return _longstr(b"".join(_shortstr(k) + b"S" + _longstr(v.encode()) for k, v in d.items()))


class Amqp:
    """One connection with one channel (number 1)."""

    def __init__(self, url, name):
        u = urllib.parse.urlparse(url)
        host, port = u.hostname or "127.0.0.1", u.port or 5672
        user = urllib.parse.unquote(u.username or "guest")
        password = urllib.parse.unquote(u.password or "guest")
        vhost = urllib.parse.unquote(u.path[1:]) if len(u.path) > 1 else "/"
        self.sock = socket.create_connection((host, port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.pos = 0
        self.stop = None  # a threading.Event: read_frame raises Stopped once it is set
        self.sock.sendall(b"AMQP\x00\x00\x09\x01")
        self._wait(0, (10, 10))
        props = _table({"product": "bench_e2e.py", "connection_name": name})
        response = b"\0" + user.encode() + b"\0" + password.encode()
        self._method(0, 10, 11, props + _shortstr("PLAIN") + _longstr(response) + _shortstr("en_US"))
        channel_max, frame_max, _ = struct.unpack(">HIH", self._wait(0, (10, 30)))
        self.frame_max = frame_max or 131072
        self._method(0, 10, 31, struct.pack(">HIH", channel_max, self.frame_max, 0))
        self._method(0, 10, 40, _shortstr(vhost) + _shortstr("") + b"\0")
        self._wait(0, (10, 41))
        self._open_channel()
        self.sock.settimeout(1.0)

    def _open_channel(self):
        self._method(1, 20, 10, _shortstr(""))
        self._wait(1, (20, 11))

    def _frame(self, kind, channel, payload):
        return struct.pack(">BHI", kind, channel, len(payload)) + payload + b"\xce"

    def _method(self, channel, cls, method, args):
        self.sock.sendall(self._frame(1, channel, struct.pack(">HH", cls, method) + args))

    def read_frame(self):
        """(kind, channel, payload); a body frame's payload is only its length."""
        while True:
            available = len(self.buf) - self.pos
            if available >= 7:
                kind, channel, size = struct.unpack_from(">BHI", self.buf, self.pos)
                end = self.pos + 7 + size
                if len(self.buf) > end:
                    if self.buf[end] != 0xCE:
                        raise BenchError("AMQP framing error")
                    payload = size if kind == 3 else bytes(self.buf[self.pos + 7 : end])
                    self.pos = end + 1
                    if self.pos > (1 << 20):
                        del self.buf[: self.pos]
                        self.pos = 0
                    return kind, channel, payload
            try:
                data = self.sock.recv(1 << 20)
            except socket.timeout:
                if self.stop is not None and self.stop.is_set():
                    raise Stopped()
                continue
            if not data:
                raise BenchError("the broker closed the connection")
            self.buf += data

    def _wait(self, channel, expected):
        while True:
            kind, ch, payload = self.read_frame()
            if kind != 1:
                continue
            cls, method = struct.unpack_from(">HH", payload)
            if (cls, method) == (10, 50):
                code = struct.unpack_from(">H", payload, 4)[0]
                text = payload[7 : 7 + payload[6]].decode()
                self._method(0, 10, 51, b"")
                raise AmqpError(code, text)
            if (cls, method) == (20, 40) and ch == channel:
                code = struct.unpack_from(">H", payload, 4)[0]
                text = payload[7 : 7 + payload[6]].decode()
                self._method(ch, 20, 41, b"")
                self._open_channel()
                raise AmqpError(code, text)
            if ch == channel and (cls, method) == expected:
                return payload[4:]

    def queue_count(self, queue):
        """Messages ready in `queue` (passive declare)."""
        self._method(1, 50, 10, struct.pack(">H", 0) + _shortstr(queue) + b"\x01" + _table({}))
        args = self._wait(1, (50, 11))
        return struct.unpack_from(">I", args, 1 + args[0])[0]

    def purge(self, queue):
        self._method(1, 50, 30, struct.pack(">H", 0) + _shortstr(queue) + b"\0")
        self._wait(1, (50, 31))

    def delete_queue(self, queue):
        self._method(1, 50, 40, struct.pack(">H", 0) + _shortstr(queue) + b"\0")
        self._wait(1, (50, 41))

    def delete_exchange(self, exchange):
        self._method(1, 40, 20, struct.pack(">H", 0) + _shortstr(exchange) + b"\0")
        self._wait(1, (40, 21))

    def publish(self, exchange, routing_key, body, message_id):
        """Persistent, application/json, no confirm."""
        frames = [
            self._frame(
                1,
                1,
                struct.pack(">HHH", 60, 40, 0) + _shortstr(exchange) + _shortstr(routing_key) + b"\0",
            ),
            self._frame(
                2,
                1,
                struct.pack(">HHQH", 60, 0, len(body), 0x8000 | 0x1000 | 0x0080)
                + _shortstr("application/json")
                + b"\x02"
                + _shortstr(message_id),
            ),
        ]
        chunk = self.frame_max - 8
        for i in range(0, len(body), chunk):
            frames.append(self._frame(3, 1, body[i : i + chunk]))
        self.sock.sendall(b"".join(frames))

    def consume(self, queue):
        """Starts a no-ack consumer; then iterate `deliveries()`."""
        self._method(
            1, 60, 20, struct.pack(">H", 0) + _shortstr(queue) + _shortstr("") + b"\x02" + _table({})
        )
        self._wait(1, (60, 21))

    def deliveries(self):
        """Yields (message_id, body bytes, monotonic time the whole body had arrived)."""
        while True:
            kind, _, payload = self.read_frame()
            if kind != 1 or struct.unpack_from(">HH", payload) != (60, 60):
                continue
            kind, _, header = self.read_frame()
            size = struct.unpack_from(">Q", header, 4)[0]
            message_id = _message_id(header)
            got = 0
            while got < size:
                kind, _, n = self.read_frame()
                got += n
            yield message_id, size, time.monotonic()

    def close(self):
        try:
            self._method(0, 10, 50, struct.pack(">H", 200) + _shortstr("bye") + struct.pack(">HH", 0, 0))
            self.sock.settimeout(5)
            self._wait(0, (10, 51))
        except (OSError, BenchError, AmqpError, Stopped):
            pass
        self.sock.close()


def _message_id(header):
    flags = struct.unpack_from(">H", header, 12)[0]
    off = 14
    # content-type, content-encoding, headers, delivery-mode, priority, correlation-id,
    # reply-to, expiration, message-id
    for bit, kind in ((15, "s"), (14, "s"), (13, "t"), (12, "o"), (11, "o"), (10, "s"), (9, "s"), (8, "s")):
        if flags & (1 << bit):
            if kind == "s":
                off += 1 + header[off]
            elif kind == "t":
                off += 4 + struct.unpack_from(">I", header, off)[0]
            else:
                off += 1
    if flags & (1 << 7):
        return header[off + 1 : off + 1 + header[off]].decode()
    return None


# --------------------------------------------------------------------------------------------
# Just enough RESP to ping Redis and delete our keys.


class Redis:
    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname or "127.0.0.1", u.port or 6379), timeout=10)
        self.file = self.sock.makefile("rb")
        if u.password:
            args = [u.username, u.password] if u.username else [u.password]
            self.call("AUTH", *[urllib.parse.unquote(a) for a in args])
        if len(u.path) > 1:
            self.call("SELECT", u.path[1:])

    def call(self, *args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a.encode() if isinstance(a, str) else a
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(out))
        return self._reply()

    def _reply(self):
        line = self.file.readline().rstrip(b"\r\n")
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest
        if kind == b"-":
            raise BenchError(f"Redis: {rest.decode()}")
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.file.read(n + 2)
            return data[:-2]
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise BenchError(f"Redis: unexpected reply {line!r}")

    def delete_matching(self, pattern):
        cursor, deleted = b"0", 0
        while True:
            cursor, keys = self.call("SCAN", cursor, "MATCH", pattern, "COUNT", "1000")
            if keys:
                deleted += self.call("UNLINK", *keys)
            if cursor == b"0":
                return deleted

    def close(self):
        self.sock.close()


# --------------------------------------------------------------------------------------------
# The stream.


def _letters(n, width=5):
    out = []
    for _ in range(width):
        n, r = divmod(n, 26)
        out.append(chr(ord("a") + r))
    return "zq" + "".join(out)


def _escaped(text):
    """`text` as the inside of a JSON string."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


WIRE_SOURCES = [f"wire{k}.example" for k in range(12)]


def _wire_footer(source, headlines):
    return [
        "Legal Disclaimer:",
        f"{source} provides this story under licence from its author and makes no warranty "
        "of any kind about its accuracy, completeness or fitness for any purpose.",
        "Most popular stories",
        *headlines,
        "Comments",
        "No comment",
    ]


class Stream:
    """Raw articles made from the repository's fixtures, each with a unique id.

    - HTML (share `html_share`): the 181 real pages of tests/fixtures/html, each under its own
      source (126 hosts), so every host's chrome recurs and is learned. Text runs that belong to
      the page's article (they occur in its ground-truth text) get a unique word after their
      first word, so each article's text is new while its page chrome is the page's own.
    - Plain text: the 43 Wikinews stories under 12 wire sources, each with the source's legal
      disclaimer, a "Most popular stories" list of recent headlines and "Comments / No comment";
      every paragraph gets the article's unique word, a fifth repeat their first paragraph at the
      end (an in-article repeat).
    - Copies (share `copy_share`): an earlier plain-text article's body again under a new id and
      another wire source: a whole-article copy.
    """

    def __init__(self, html_share, copy_share, seed):
        self.html_share, self.copy_share = html_share, copy_share
        self.rng = random.Random(seed)
        self.stories = [json.loads(line) for line in (ROOT / "tests/fixtures/wikinews.jsonl").open()]
        with gzip.open(ROOT / "tests/fixtures/html/pages_html.jsonl.gz", "rt") as f:
            self.pages = [self._page_template(json.loads(line)) for line in f]
        self.counter = 0
        self.recent = {s: [] for s in WIRE_SOURCES}
        self.earlier = []

    @staticmethod
    def _page_template(page):
        truth = " ".join(page["truth"]["article_text"].split())
        body = page["body"]
        chunks, last = [], 0
        for m in re.finditer(r">([^<]+)<", body):
            run = m.group(1)
            text = " ".join(html.unescape(run).split())
            if len(text) < 40 or text not in truth:
                continue
            tag_start = body.rfind("<", 0, m.start() + 1)
            if body[tag_start + 1 : tag_start + 7].lower() in ("script", "style>", "style "):
                continue
            lead = len(run) - len(run.lstrip())
            space = run.find(" ", lead)
            if space < 0:
                continue
            at = m.start(1) + space + 1
            chunks.append(_escaped(body[last:at]))
            last = at
        chunks.append(_escaped(body[last:]))
        meta = {k: page[k] for k in ("source", "url", "language", "content_type") if k in page}
        return page["title"], meta, chunks

    def next(self, id_prefix):
        i = self.counter
        self.counter += 1
        word = _letters(i)
        article_id = f"{id_prefix}{i}"
        r = self.rng.random()
        if self.earlier and r < self.copy_share:
            title, body = self.rng.choice(self.earlier)
            source = self.rng.choice(WIRE_SOURCES)
            head = {"id": article_id, "source": source, "title": title, "content_type": "text/plain"}
            return article_id, self._line(head, _escaped(body))
        if r < self.copy_share + self.html_share:
            title, meta, chunks = self.rng.choice(self.pages)
            head = {"id": article_id, **meta, "title": f"{title} ({word})"}
            return article_id, self._line(head, (word + " ").join(chunks))
        story = self.rng.choice(self.stories)
        source = self.rng.choice(WIRE_SOURCES)
        title = f"{story['title']} ({word})"
        paragraphs = story["body"].split("\n")[1:]
        marked = [p.replace(" ", f" {word} ", 1) if " " in p else p for p in paragraphs]
        if self.rng.random() < 0.2 and marked:
            marked.append(marked[0])
        recent = self.recent[source]
        lines = [title, *marked, *_wire_footer(source, recent[-5:])]
        recent.append(title)
        del recent[:-5]
        body = "\n".join(lines)
        if len(self.earlier) < 500:
            self.earlier.append((title, body))
        elif self.rng.random() < 0.05:
            self.earlier[self.rng.randrange(500)] = (title, body)
        head = {
            "id": article_id,
            "source": source,
            "url": f"https://{source}/{article_id}",
            "title": title,
            "language": "en",
            "content_type": "text/plain",
        }
        return article_id, self._line(head, _escaped(body))

    @staticmethod
    def _line(head, escaped_body):
        return (json.dumps(head, ensure_ascii=False)[:-1] + ', "body": "' + escaped_body + '"}').encode()


# --------------------------------------------------------------------------------------------
# Processes and /proc.


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def context_switches(pid):
    """Voluntary and involuntary context switches so far, summed over the process's threads."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/status") as f:
                for line in f:
                    if line.endswith("ctxt_switches:", 0, line.find(":") + 1):
                        total += int(line.split()[1])
        except OSError:
            pass  # a thread that ended meanwhile
    return total


def machine_busy():
    """(busy, total) jiffies of all CPUs."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def pid_of(comm):
    """The first process whose command name is `comm`, or None."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if Path(f"/proc/{entry}/comm").read_text().strip() == comm:
                    return int(entry)
            except OSError:
                pass
    return None


def topology_names(tag):
    """The exchanges and queues of one benchmark run, by their `topology.*` setting."""
    return {
        "input_exchange": f"bench.{tag}.raw",
        "input_queue": f"bench.{tag}.raw",
        "output_exchange": f"bench.{tag}.clean",
        "output_queue": f"bench.{tag}.clean",
        "dead_exchange": f"bench.{tag}.dead",
        "dead_queue": f"bench.{tag}.dead",
    }


def wait_until_quiet(broker):
    """Waits (at most 30 s) until the broker process uses less than a tenth of a core: after a
    pre-fill or a purge a quorum queue goes on writing and compacting for a while."""
    if not broker:
        return
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        before = cpu_seconds(broker)
        time.sleep(1)
        if cpu_seconds(broker) - before < 0.1:
            return


def git(*args):
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def percentile(values, p):
    values = sorted(values)
    if not values:
        return None
    k = (len(values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# --------------------------------------------------------------------------------------------
# The benchmark.


class Bench:
    def __init__(self, args):
        self.args = args
        tag = os.urandom(6).hex()
        self.tag = tag
        self.names = topology_names(tag)
        self.redis_pattern = "{" + f"bench-{tag}-*"
        self.tmp = Path(tempfile.mkdtemp(prefix="paraprint-e2e-"))
        target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
        self.paraprint = target / "release" / "paraprint"
        self.passthrough = target / "release" / "examples" / "passthrough"
        self.child = None
        self.amqp = None
        self.broker = pid_of("beam.smp")
        self.redis = pid_of("redis-server")
        self.rounds = []
        self.latency = {}

    # -- environment

    def env(self, store=None, round_no=0):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PARAPRINT_")}
        t = self.names
        env.update(
            {
                "PARAPRINT_AMQP__URL": self.args.amqp_url,
                "PARAPRINT_AMQP__PREFETCH": str(self.args.prefetch),
                "PARAPRINT_TOPOLOGY__INPUT_EXCHANGE": t["input_exchange"],
                "PARAPRINT_TOPOLOGY__INPUT_QUEUE": t["input_queue"],
                "PARAPRINT_TOPOLOGY__OUTPUT_EXCHANGE": t["output_exchange"],
                "PARAPRINT_TOPOLOGY__OUTPUT_QUEUE": t["output_queue"],
                "PARAPRINT_TOPOLOGY__DEAD_EXCHANGE": t["dead_exchange"],
                "PARAPRINT_TOPOLOGY__DEAD_QUEUE": t["dead_queue"],
                "PARAPRINT_METRICS__LISTEN": "127.0.0.1:0",
                "PARAPRINT_LOG__LEVEL": "warn",
                "PARAPRINT_STORE__PATH": "",
            }
        )
        env.pop("RUST_LOG", None)
        if store == "embedded":
            env["PARAPRINT_STORE__BACKEND"] = "embedded"
            env["PARAPRINT_STORE__PATH"] = str(self.tmp / f"state-{round_no}")
        elif store == "redis":
            env["PARAPRINT_STORE__BACKEND"] = "redis"
            env["PARAPRINT_STORE__REDIS_URL"] = self.args.redis_url
            env["PARAPRINT_STORE__REDIS_PREFIX"] = f"bench-{self.tag}-{round_no}"
        return env

    def check_services(self):
        try:
            self.amqp = Amqp(self.args.amqp_url, "bench_e2e control")
        except (OSError, AmqpError, BenchError) as e:
            raise BenchError(
                f"RabbitMQ is not reachable at {self.args.amqp_url} ({e}). Start it with "
                "`rabbitmq-server -detached` (guest/guest on 127.0.0.1:5672)."
            ) from None
        if "redis" in self.args.stores:
            try:
                r = Redis(self.args.redis_url)
                r.call("PING")
                r.close()
            except (OSError, BenchError) as e:
                raise BenchError(
                    f"Redis is not reachable at {self.args.redis_url} ({e}). Start it with "
                    "`redis-server --daemonize yes --save '' --appendonly no`, or leave it out "
                    "with `--stores embedded`."
                ) from None
        if self.broker is None:
            print("warning: no beam.smp process on this machine: broker CPU is not measured", file=sys.stderr)

    def build(self):
        if self.args.no_build:
            return
        cmd = ["cargo", "build", "--release", "--bin", "paraprint", "--example", "passthrough"]
        print("$", " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, cwd=ROOT, check=True)

    def write_stream(self):
        self.stream_file = self.tmp / "stream.jsonl"
        total, html_count = 0, 0
        if self.args.stream:
            # The first --n articles of the file (all of them without --n).
            lines = []
            with open(self.args.stream, "rb") as f:
                for line in f:
                    if line.strip():
                        lines.append(line.rstrip(b"\n"))
                    if self.args.n and len(lines) == self.args.n:
                        break
            self.args.n = len(lines)
        else:
            stream = Stream(self.args.html_share, self.args.copy_share, self.args.seed)
            lines = (stream.next("e2e-")[1] for _ in range(self.args.n))
        with self.stream_file.open("wb") as f:
            for line in lines:
                html_count += b'"content_type": "text/html"' in line[:2000] or b'"content_type":"text/html"' in line[:2000]
                total += len(line)
                f.write(line + b"\n")
        self.stream_bytes = total
        self.stream_info = {
            "articles": self.args.n,
            "bytes": total,
            "mean_article_bytes": round(total / self.args.n),
            "html_articles": html_count,
        }
        print(
            f"stream: {self.args.n} articles, {total / 1e6:.1f} MB, {html_count} HTML",
            file=sys.stderr,
        )

    def prefill(self):
        if self.declared:
            self.amqp.purge(self.names["input_queue"])
        started = time.monotonic()
        out = subprocess.run(
            [str(self.paraprint), "publish", str(self.stream_file)],
            env=self.env(),
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            raise BenchError(f"paraprint publish failed:\n{out.stderr}")
        self.declared = True
        count = self.amqp.queue_count(self.names["input_queue"])
        if count != self.args.n:
            raise BenchError(f"the input queue holds {count} messages after pre-filling, not {self.args.n}")
        return time.monotonic() - started

    def start(self, variant, round_no, log):
        if variant == "passthrough":
            cmd = [
                str(self.passthrough),
                "--url",
                self.args.amqp_url,
                "--queue",
                self.names["input_queue"],
                "--exchange",
                self.names["output_exchange"],
                "--prefetch",
                str(self.args.prefetch),
            ]
            env = self.env()
        elif variant == "before":
            # Another build of paraprint (--before), with the embedded store.
            cmd = [self.args.before, "run"]
            env = self.env("embedded", round_no)
        else:
            cmd = [str(self.paraprint), "run"]
            env = self.env(variant, round_no)
        self.child = subprocess.Popen(cmd, env=env, stdout=log, stderr=log)
        return self.child

    def stop(self, log_path):
        child, self.child = self.child, None
        if child is None:
            return
        child.send_signal(signal.SIGTERM)
        try:
            code = child.wait(timeout=60)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            raise BenchError(f"the consumer did not stop within 60 s of SIGTERM; log: {log_path}")
        if code != 0:
            raise BenchError(f"the consumer exited with {code}; log:\n{Path(log_path).read_text()[-3000:]}")

    def settle(self):
        wait_until_quiet(self.broker)

    def cpu_sample(self):
        """CPU seconds so far of the broker, Redis, this script, and (busy, total) jiffies."""
        return {
            "broker": cpu_seconds(self.broker) if self.broker else 0.0,
            "redis": cpu_seconds(self.redis) if self.redis else 0.0,
            "script": sum(os.times()[:2]),
            "machine": machine_busy(),
        }

    def throughput_round(self, variant, round_no):
        n = self.args.n
        prefill_s = self.prefill()
        self.settle()
        log_path = self.tmp / f"round-{round_no}-{variant}.log"
        out_q = self.names["output_queue"]
        with open(log_path, "w") as log:
            before = self.cpu_sample()
            started = time.monotonic()
            child = self.start(variant, round_no, log)
            first = None
            deadline = started + self.args.round_timeout
            while True:
                count = self.amqp.queue_count(out_q)
                now = time.monotonic()
                if first is None and count > 0:
                    first = now
                if count >= n:
                    break
                if child.poll() is not None:
                    raise BenchError(f"{variant} exited with {child.returncode}; log:\n{log_path.read_text()[-3000:]}")
                if now > deadline:
                    raise BenchError(f"{variant}: only {count} of {n} records after {self.args.round_timeout} s")
                time.sleep(0.02)
            elapsed = now - started
            worker_cpu = cpu_seconds(child.pid)
            switches = context_switches(child.pid)
            rss = peak_rss_mb(child.pid)
            after = self.cpu_sample()
            self.stop(log_path)
        left = self.amqp.queue_count(self.names["input_queue"])
        dead = self.amqp.queue_count(self.names["dead_queue"])
        records = self.amqp.queue_count(out_q)
        self.amqp.purge(out_q)
        busy_jiffies = after["machine"][0] - before["machine"][0]
        busy = busy_jiffies / max(1, after["machine"][1] - before["machine"][1])
        broker_cpu = after["broker"] - before["broker"] if self.broker else None
        redis_cpu = after["redis"] - before["redis"] if self.redis else None
        # Everything else the machine did meanwhile (other users of this shared machine, the
        # kernel's writeback), in cores.
        other = busy_jiffies / CLK_TCK - worker_cpu - (broker_cpu or 0) - (redis_cpu or 0)
        other -= after["script"] - before["script"]
        result = {
            "round": round_no,
            "variant": variant,
            "articles": n,
            "seconds": elapsed,
            "first_record_s": (first - started) if first else None,
            "articles_per_s": n / elapsed,
            "mb_per_s": self.stream_bytes / elapsed / 1e6,
            "worker_cpu_s": worker_cpu,
            "worker_cpu_ms_per_article": worker_cpu / n * 1e3,
            "context_switches_per_article": switches / n,
            "broker_cpu_ms_per_article": broker_cpu / n * 1e3 if broker_cpu is not None else None,
            "redis_cpu_ms_per_article": redis_cpu / n * 1e3 if redis_cpu is not None else None,
            "machine_busy": busy,
            "other_cores": other / elapsed,
            "peak_rss_mb": rss,
            "prefill_s": prefill_s,
            "records": records,
            "left_in_input": left,
            "dead_letters": dead,
        }
        if dead:
            print(f"warning: {dead} dead letters in round {round_no}", file=sys.stderr)
            self.amqp.purge(self.names["dead_queue"])
        print(
            f"round {round_no:2} {variant:11} {result['articles_per_s']:8.0f} articles/s "
            f"{result['mb_per_s']:7.1f} MB/s  worker {result['worker_cpu_ms_per_article']:.3f} ms/article  "
            f"{result['context_switches_per_article']:.2f} switches/article  "
            f"broker {result['broker_cpu_ms_per_article'] or 0:.3f} ms/article  "
            f"redis {result['redis_cpu_ms_per_article'] or 0:.3f} ms/article  busy {busy:.0%}  "
            f"other {result['other_cores']:.2f} cores  RSS {rss:.0f} MB",
            file=sys.stderr,
        )
        self.rounds.append(result)
        return result

    def latency_phase(self, variant, rate, seconds):
        total = max(1, int(rate * seconds))
        stream = Stream(self.args.html_share, self.args.copy_share, self.args.seed + 1)
        prefix = f"lat-{variant}-"
        out_q = self.names["output_queue"]
        self.amqp.purge(out_q)
        sent, received = {}, {}
        stop = threading.Event()
        consumer = Amqp(self.args.amqp_url, "bench_e2e latency consumer")
        consumer.stop = stop
        consumer.consume(out_q)

        def consume():
            try:
                for message_id, _, t in consumer.deliveries():
                    received[message_id] = t
            except Stopped:
                pass

        thread = threading.Thread(target=consume, daemon=True)
        thread.start()
        publisher = Amqp(self.args.amqp_url, "bench_e2e latency publisher")
        self.settle()
        log_path = self.tmp / f"latency-{variant}.log"
        with open(log_path, "w") as log:
            self.start(variant, 100 + len(self.latency), log)
            try:
                # Warm up: a few articles through, so the consumer process is connected.
                warm = [stream.next(f"warm-{variant}-") for _ in range(20)]
                for article_id, line in warm:
                    publisher.publish(self.names["input_exchange"], "article", line, article_id)
                deadline = time.monotonic() + 60
                while not all(a in received for a, _ in warm):
                    if time.monotonic() > deadline:
                        raise BenchError(f"latency warm-up: no records from {variant}; log: {log_path}")
                    time.sleep(0.01)
                articles = [stream.next(prefix) for _ in range(total)]
                started = time.monotonic()
                for i, (article_id, line) in enumerate(articles):
                    due = started + i / rate
                    now = time.monotonic()
                    if due > now:
                        time.sleep(due - now)
                    sent[article_id] = time.monotonic()
                    publisher.publish(self.names["input_exchange"], "article", line, article_id)
                publish_s = time.monotonic() - started
                deadline = time.monotonic() + 120
                while not all(a in received for a, _ in articles):
                    if time.monotonic() > deadline:
                        raise BenchError(f"latency: records missing from {variant}; log: {log_path}")
                    time.sleep(0.05)
            finally:
                self.stop(log_path)
                stop.set()
                thread.join()
                consumer.close()
                publisher.close()
        self.amqp.purge(out_q)
        latencies = [(received[a] - sent[a]) * 1e3 for a in sent]
        result = {
            "offered_per_s": rate,
            "achieved_per_s": total / publish_s,
            "articles": total,
            "p50_ms": percentile(latencies, 50),
            "p99_ms": percentile(latencies, 99),
            "max_ms": max(latencies),
            # In publishing order, to see whether slow ones come together.
            "latencies_ms": [round(x, 2) for x in latencies],
        }
        print(
            f"latency {variant:11} at {rate:.0f}/s (achieved {result['achieved_per_s']:.0f}/s): "
            f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms",
            file=sys.stderr,
        )
        self.latency[variant] = result
        return result

    def cleanup(self):
        if self.child is not None:
            self.child.kill()
            self.child.wait()
        if self.amqp is not None:
            for q in ("input_queue", "output_queue", "dead_queue"):
                try:
                    self.amqp.delete_queue(self.names[q])
                except (AmqpError, OSError, BenchError):
                    pass
            for x in ("input_exchange", "output_exchange", "dead_exchange"):
                try:
                    self.amqp.delete_exchange(self.names[x])
                except (AmqpError, OSError, BenchError):
                    pass
            self.amqp.close()
        if "redis" in self.args.stores:
            try:
                r = Redis(self.args.redis_url)
                deleted = r.delete_matching(self.redis_pattern)
                r.close()
                print(f"deleted {deleted} Redis keys matching {self.redis_pattern}", file=sys.stderr)
            except (OSError, BenchError) as e:
                print(f"warning: Redis keys {self.redis_pattern} not deleted: {e}", file=sys.stderr)
        if not self.args.keep_temp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- the whole run

    def run(self):
        self.declared = False
        self.check_services()
        self.build()
        for binary in (self.paraprint, self.passthrough):
            if not binary.exists():
                raise BenchError(f"{binary} is missing: build it (leave out --no-build)")
        self.write_stream()
        order = []
        for _ in range(self.args.rounds):
            for store in self.args.stores:
                order += ["passthrough", store]
            if self.args.before:
                order += ["passthrough", "before"]
        order.append("passthrough")
        for round_no, variant in enumerate(order):
            self.throughput_round(variant, round_no)
        summary = self.summarise()
        if self.args.latency_seconds > 0:
            if self.args.latency_rate:
                rate = self.args.latency_rate
            else:
                rate = self.args.latency_fraction * min(v["articles_per_s"] for v in summary.values())
            for variant in ["passthrough", *self.args.stores]:
                self.latency_phase(variant, rate, self.args.latency_seconds)
                summary[variant]["latency"] = self.latency[variant]
        return summary

    def variants(self):
        return ["passthrough", *self.args.stores, *(["before"] if self.args.before else [])]

    def summarise(self):
        summary = {}
        for variant in self.variants():
            rows = [r for r in self.rounds if r["variant"] == variant]
            summary[variant] = {
                key: statistics.median(r[key] for r in rows)
                for key in (
                    "articles_per_s",
                    "mb_per_s",
                    "worker_cpu_ms_per_article",
                    "context_switches_per_article",
                    "broker_cpu_ms_per_article",
                    "redis_cpu_ms_per_article",
                    "machine_busy",
                    "other_cores",
                )
                if all(r[key] is not None for r in rows)
            }
            summary[variant]["peak_rss_mb"] = max(r["peak_rss_mb"] for r in rows)
            summary[variant]["rounds"] = len(rows)
        # Each paraprint round against the mean of the pass-through rounds on either side: its
        # rate, its CPU per article and its context switches per article.
        for store in self.variants()[1:]:
            ratios = {"ratio": [], "cpu_ratio": [], "switch_ratio": []}
            for r in self.rounds:
                if r["variant"] != store:
                    continue
                around = (self.rounds[r["round"] - 1], self.rounds[r["round"] + 1])
                baseline = statistics.mean(x["articles_per_s"] for x in around)
                r["baseline_articles_per_s"] = baseline
                r["ratio"] = r["articles_per_s"] / baseline
                r["cpu_ratio"] = r["worker_cpu_ms_per_article"] / statistics.mean(
                    x["worker_cpu_ms_per_article"] for x in around
                )
                r["switch_ratio"] = r["context_switches_per_article"] / statistics.mean(
                    x["context_switches_per_article"] for x in around
                )
                for key in ratios:
                    ratios[key].append(r[key])
            for key, values in ratios.items():
                summary[store][key] = statistics.median(values)
                summary[store][key + "s"] = values
        return summary


def markdown(bench, summary):
    names = {
        "passthrough": "pass-through (lapin)",
        "embedded": "paraprint, embedded store",
        "redis": "paraprint, Redis",
        "before": f"--before {bench.args.before}, embedded store",
    }
    targets = {"embedded": 0.9, "redis": 0.8, "before": "–"}
    out = []
    out.append(
        "| variant | articles/s | MB/s | p50 latency | p99 latency | peak RSS | worker CPU / article "
        "| context switches / article | broker CPU / article | Redis CPU / article "
        "| machine busy (others, cores) | rate to pass-through (target) | CPU to pass-through "
        "| context switches to pass-through |"
    )
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")

    def ms(value):
        return f"{value:.3f} ms" if value is not None else ""

    for variant, s in summary.items():
        lat = s.get("latency") or {}
        ratio = f"{s['ratio']:.2f} ({targets[variant]})" if "ratio" in s else ""
        out.append(
            f"| {names[variant]} | {s['articles_per_s']:.0f} | {s['mb_per_s']:.1f} | "
            + (f"{lat['p50_ms']:.1f} ms | {lat['p99_ms']:.1f} ms | " if lat else "| | ")
            + f"{s['peak_rss_mb']:.0f} MB | {ms(s['worker_cpu_ms_per_article'])} | "
            + f"{s['context_switches_per_article']:.2f} | "
            + f"{ms(s.get('broker_cpu_ms_per_article'))} | {ms(s.get('redis_cpu_ms_per_article'))} | "
            + f"{s['machine_busy']:.0%} ({s['other_cores']:.2f}) | {ratio} | "
            + (f"{s['cpu_ratio']:.2f} | {s['switch_ratio']:.2f} |" if "cpu_ratio" in s else "| |")
        )
    out.append("")
    out.append(
        "| round | variant | articles/s | same-run pass-through baseline | ratio | seconds "
        "| worker CPU s | CPU ratio | context switches / article | peak RSS | others (cores) |"
    )
    out.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in bench.rounds:
        baseline = f"{r['baseline_articles_per_s']:.0f}" if "baseline_articles_per_s" in r else ""
        ratio = f"{r['ratio']:.2f}" if "ratio" in r else ""
        out.append(
            f"| {r['round']} | {names[r['variant']]} | {r['articles_per_s']:.0f} | {baseline} | {ratio} | "
            f"{r['seconds']:.1f} | {r['worker_cpu_s']:.1f} | "
            + (f"{r['cpu_ratio']:.2f}" if "cpu_ratio" in r else "")
            + f" | {r['context_switches_per_article']:.2f} | {r['peak_rss_mb']:.0f} MB | {r['other_cores']:.2f} |"
        )
    if bench.latency:
        any_lat = next(iter(bench.latency.values()))
        out.append("")
        out.append(
            f"Latency: {any_lat['articles']} fresh articles per variant published at "
            f"{any_lat['offered_per_s']:.0f}/s (no confirms), publish -> record received by the script."
        )
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, help="articles per throughput round (20000; with --stream, all of it)")
    p.add_argument("--stream", help="JSON-lines file of raw articles to drain instead of the generated stream")
    p.add_argument(
        "--before",
        help="another paraprint binary (an earlier build), run with the embedded store after each round",
    )
    p.add_argument("--rounds", type=int, default=2, help="rounds of each store (2)")
    p.add_argument("--stores", default="embedded,redis", help="embedded,redis (the default), or one of them")
    p.add_argument("--prefetch", type=int, default=200, help="prefetch of both consumers (200)")
    p.add_argument("--html-share", type=float, default=0.45, help="share of HTML articles (0.45, as the corpus)")
    p.add_argument("--copy-share", type=float, default=0.05, help="share of whole-article copies (0.05)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--latency-seconds", type=float, default=20, help="publishing time per variant (20; 0 skips)")
    p.add_argument(
        "--latency-fraction",
        type=float,
        default=0.5,
        help="offered load as a share of the slowest variant's median rate (0.5)",
    )
    p.add_argument("--latency-rate", type=float, help="offered load in articles/s (overrides --latency-fraction)")
    p.add_argument("--round-timeout", type=float, default=900, help="seconds one round may take (900)")
    p.add_argument("--amqp-url", default="amqp://guest:guest@127.0.0.1:5672/%2f")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    p.add_argument("--json", help="write the results here")
    p.add_argument("--no-build", action="store_true", help="use the binaries in target/release as they are")
    p.add_argument("--keep-temp", action="store_true", help="keep the stream file and the logs")
    args = p.parse_args()
    args.stores = [s for s in args.stores.split(",") if s]
    if args.n is None and not args.stream:
        args.n = 20000
    if any(s not in ("embedded", "redis") for s in args.stores) or not args.stores:
        p.error("--stores takes embedded, redis or both")

    def fields(_bench):
        return {"args": {k: v for k, v in vars(args).items() if k != "json"}}

    return run_and_report("bench_e2e", Bench(args), markdown, args.json, fields)


def run_and_report(tool, bench, markdown, json_path, fields):
    """Runs `bench` (its cleanup runs whatever happens), prints `markdown(bench, summary)` and the
    build and machine it ran on, and writes the results, with the tool's own `fields(bench)`
    among them, to `json_path`. Returns the exit code."""
    # The commit (and uncommitted changes) the binaries are built from.
    commit = git("rev-parse", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no")
    try:
        summary = bench.run()
    except BenchError as e:
        print(f"{tool}: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        bench.cleanup()
    if git("rev-parse", "HEAD") != commit:
        print(f"warning: HEAD moved during the run; the binaries were built at {commit}", file=sys.stderr)
    results = {
        "commit": commit,
        "dirty_files": dirty.splitlines() if dirty else [],
        "machine": {
            "nproc": os.cpu_count(),
            "cpu": next(
                (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
                None,
            ),
        },
        **fields(bench),
        "stream": bench.stream_info,
        "summary": summary,
        "rounds": bench.rounds,
    }
    print(markdown(bench, summary))
    print(
        f"\ncommit {commit}{' (with uncommitted changes)' if dirty else ''}; "
        f"{results['machine']['nproc']} CPUs, {results['machine']['cpu']}; "
        f"{bench.stream_info['articles']} articles of {bench.stream_info['mean_article_bytes']} bytes on average"
    )
    if json_path:
        Path(json_path).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
