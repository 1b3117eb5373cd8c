#!/usr/bin/env python3
"""The copies harness: realistic edits of permissively licensed articles, one named operation each.

usage:
  copies_harness.py generate [--out DIR]       writes DIR/harness.jsonl.gz and DIR/harness-truth.jsonl
                                               (default DIR: tests/fixtures/copies, which tests/copies.rs reads)
  copies_harness.py score RECORDS [--truth F]  scores `paraprint clean` records of the stream
  copies_harness.py run [BINARY]               generates into a temporary folder, cleans, scores

The stream: the 43 Wikinews articles of tests/fixtures/wikinews.jsonl (CC BY 2.5) as a wire agency's
originals, and the first article of each of the 24 invented events of
tests/fixtures/copies/same_event.jsonl (written for this project); then, shuffled, one copy of every
Wikinews article per operation, republished by one of six outlets (each with its own page chrome),
and the controls: half the events told again independently by another outlet (`same_event`), the
other half as an outlet's own reporting with two agency paragraphs inside (`partial`). Operations marked `keeps`
keep at least 80% of the original's text: for those the issue asks recall >= 0.95. No control
may be marked a duplicate. Deterministic: the same fixtures give byte-identical files.
"""
import gzip
import html
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")

OUTLETS = [
    ("daily-courier.example", ["Home", "World", "Business", "Sport", "Opinion"],
     ["Share this article", "Sign up for our morning newsletter", "© 2026 Daily Courier"]),
    ("the-ledger.example", ["News", "Local", "Markets", "Weather"],
     ["Related stories", "Follow us on social media", "The Ledger, all rights reserved"]),
    ("metro-times.example", ["Metro Times", "Latest", "Politics", "Culture", "Video"],
     ["Most read", "Advertise with us", "Contact the newsroom"]),
    ("river-post.example", ["Front page", "Region", "Economy"],
     ["Comments", "Terms of use", "Privacy policy"]),
    ("northern-herald.example", ["Herald", "Top stories", "Science", "Health"],
     ["Print this page", "Subscribe today for full access", "Northern Herald Media Group"]),
    ("coast-gazette.example", ["Gazette", "Coast", "Business", "Arts"],
     ["Read next", "Send us your tips", "Copyright Coast Gazette"]),
]
DATELINE = "(Wire) \u2014 "
INTRO = ("Our partners at the Wire news agency report the following story, which we are "
         "republishing in full for our readers today.")
UPDATE = ("Update, 5:40 p.m.: Officials said later in the day that the figures given earlier "
          "would be revised as more information became available, and that a further statement "
          "is expected on Wednesday morning.")
CAPTIONS = ["A view of the scene earlier this week. (Photo: Wire Images)",
            "People gathered nearby as the news spread. (Photo: Wire Images)"]


def wikinews():
    with open(os.path.join(FIXTURES, "wikinews.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def events():
    with open(os.path.join(FIXTURES, "copies", "same_event.jsonl"), encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def sentences(paragraph):
    return re.split(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])", paragraph)


def word_per_sentence(paragraphs, rng):
    out = []
    for p in paragraphs:
        changed = []
        for s in sentences(p):
            words = s.split(" ")
            candidates = [i for i, w in enumerate(words) if i > 0 and re.fullmatch(r"[a-z]{5,}", w)]
            if candidates:
                words[rng.choice(candidates)] = rng.choice(["several", "notable", "recent", "major"])
            changed.append(" ".join(words))
        out.append(" ".join(changed))
    return out


def quotes_swapped(paragraphs):
    table = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
    out = []
    for p in paragraphs:
        if any(c in p for c in table):
            out.append("".join(table.get(c, c) for c in p))
        else:
            p = re.sub(r"'", "\u2019", p)
            p = re.sub(r'"([^"]*)"', "\u201c\\1\u201d", p)
            out.append(p)
    return out


def numbers_updated(paragraphs):
    return [re.sub(r"\d+", lambda m: str(int(m.group()) + 1), p) for p in paragraphs]


def whitespace_encoding(paragraphs):
    out = []
    for i, p in enumerate(paragraphs):
        p = unicodedata.normalize("NFD", p)
        p = p.replace(", ", ",\u00a0").replace(". ", ".  ")
        out.append(("  " if i % 2 else "") + p + (" \t" if i % 3 == 0 else ""))
    return out


def marks_and_tickers(paragraphs):
    out = []
    for p in paragraphs:
        p = re.sub(r"(\w)['\u2019]s\b", r"\1 s", p)
        # A site's links after the first name in the paragraph ("Logitech ( News / Quote )").
        p = re.sub(r"(?<=[a-z,] )([A-Z][a-z]+)\b", r"\1 ( News / Quote )", p, count=1)
        out.append(p.replace(" (R)", "\u00ae").replace("\u00ae", " (R)"))
    return out


def joined(paragraphs):
    return [" ".join(paragraphs[i:i + 2]) for i in range(0, len(paragraphs), 2)]


def split_sentences(paragraphs):
    return [s for p in paragraphs for s in sentences(p)]


def hard_wrapped(paragraphs):
    out = []
    for p in paragraphs:
        lines, line = [], ""
        for word in p.split(" "):
            if line and len(line) + 1 + len(word) > 70:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        out.append("\n".join(lines))
    return out


def trimmed(paragraphs):
    keep = max(1, -(-len(paragraphs) * 85 // 100))
    return paragraphs[:keep]


# name: (keeps at least 80% of the original's text, edit of (title, paragraphs, rng, outlet))
OPERATIONS = {
    "verbatim": (True, lambda t, ps, rng, o: (t, ps)),
    "resend_same_source": (True, lambda t, ps, rng, o: (t, ps)),
    "other_headline": (True, lambda t, ps, rng, o: (" ".join(ps[0].split(" ")[3:11]).strip(" ,.") or "Another headline", ps)),
    "dateline_swapped": (True, lambda t, ps, rng, o: (t, [ps[0].replace("(Wire)", f"({o[0].split('.')[0]})")] + ps[1:])),
    "intro_sentence": (True, lambda t, ps, rng, o: (t, [INTRO] + ps)),
    "captions": (True, lambda t, ps, rng, o: (t, ps[:1] + CAPTIONS[:1] + ps[1:3] + CAPTIONS[1:] + ps[3:])),
    "page_chrome": (True, lambda t, ps, rng, o: (t, o[1] + ps + o[2])),
    "update_appended": (True, lambda t, ps, rng, o: (t, ps + [UPDATE])),
    "trimmed_end": (True, lambda t, ps, rng, o: (t, trimmed(ps))),
    "excerpt_read_more": (False, lambda t, ps, rng, o: (t, ps[:2] + ["Read more"])),
    "hard_wrapped": (True, lambda t, ps, rng, o: (t, hard_wrapped(ps))),
    "joined_paragraphs": (True, lambda t, ps, rng, o: (t, joined(ps))),
    "split_sentences": (True, lambda t, ps, rng, o: (t, split_sentences(ps))),
    "word_per_sentence": (True, lambda t, ps, rng, o: (t, word_per_sentence(ps, rng))),
    "quotes_curly_straight": (True, lambda t, ps, rng, o: (t, quotes_swapped(ps))),
    "numbers_dates_updated": (True, lambda t, ps, rng, o: (t, numbers_updated(ps))),
    "whitespace_encoding": (True, lambda t, ps, rng, o: (t, whitespace_encoding(ps))),
    "marks_and_tickers": (True, lambda t, ps, rng, o: (t, marks_and_tickers(ps))),
    "html_page": (True, lambda t, ps, rng, o: (t, ps)),
}


def page(title, paragraphs, outlet):
    esc = html.escape
    nav = "".join(f'<li><a href="/{esc(m.lower())}">{esc(m)}</a></li>' for m in outlet[1])
    body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    foot = "".join(f"<p>{esc(f)}</p>" for f in outlet[2])
    return (f"<!doctype html><html><head><title>{esc(title)} | {esc(outlet[0])}</title></head>"
            f"<body><header><nav><ul>{nav}</ul></nav></header><main><article><h1>{esc(title)}</h1>"
            f"{body}</article></main><footer>{foot}</footer></body></html>")


def generate(out_dir, compressed=True):
    stories = wikinews()
    told = events()
    stream, truth = [], []

    def add(article, label, op, copy_of=None, keeps=None):
        stream.append(article)
        truth.append({"id": article["id"], "label": label, "op": op, "copy_of": copy_of,
                      "keeps_80": keeps})

    originals = {}
    for s in stories:
        paragraphs = list(s["truth"]["keep"])
        paragraphs[0] = "LONDON " + DATELINE + paragraphs[0]
        oid = "wire-" + s["id"]
        originals[oid] = (s["title"], paragraphs)
        add({"id": oid, "source": "wire.example", "title": s["title"],
             "body": "\n".join(paragraphs)}, "original", "original")
    for e in told:
        add({"id": "agency-" + e["event"], "source": "agency.example", "title": e["a"]["title"],
             "language": e["language"], "body": "\n".join(e["a"]["paragraphs"])},
            "original", "original")

    later = []
    rng = random.Random(26)
    for op, (keeps, edit) in OPERATIONS.items():
        for k, (oid, (title, paragraphs)) in enumerate(sorted(originals.items())):
            outlet = OUTLETS[(k + len(op)) % len(OUTLETS)]
            new_title, new_paragraphs = edit(title, list(paragraphs), rng, outlet)
            article = {"id": f"{op}-{k:02d}", "source": outlet[0], "title": new_title}
            if op == "resend_same_source":
                article["source"] = "wire.example"
            if op == "html_page":
                article["content_type"] = "text/html"
                article["body"] = page(new_title, new_paragraphs, outlet)
            elif op == "hard_wrapped":
                article["body"] = "\n\n".join(new_paragraphs)
            elif op == "whitespace_encoding":
                article["body"] = "\r\n".join(new_paragraphs)
            else:
                article["body"] = "\n".join(new_paragraphs)
            later.append((article, "copy", op, oid, keeps))
    for k, e in enumerate(told):
        # Each event is told again once: independently (`same_event`), or as the outlet's own
        # reporting with two of the agency's paragraphs inside (`partial`). Never both: an
        # article holding the whole of an earlier one is that one's copy.
        outlet = OUTLETS[k % len(OUTLETS)]
        a, b = e["a"]["paragraphs"], e["b"]["paragraphs"]
        if k % 2 == 0:
            later.append(({"id": "same-" + e["event"], "source": outlet[0],
                           "title": e["b"]["title"], "language": e["language"],
                           "body": "\n".join(b)}, "same_event", "same_event", None, None))
        else:
            later.append(({"id": "partial-" + e["event"], "source": outlet[0],
                           "title": e["b"]["title"], "language": e["language"],
                           "body": "\n".join(b[:2] + a[1:3] + b[2:])},
                          "partial", "partial", None, None))
    rng.shuffle(later)
    for article, label, op, copy_of, keeps in later:
        add(article, label, op, copy_of, keeps)

    os.makedirs(out_dir, exist_ok=True)
    lines = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in stream).encode()
    stream_path = os.path.join(out_dir, "harness.jsonl" + (".gz" if compressed else ""))
    with open(stream_path, "wb") as f:
        # mtime 0: the same fixtures give the same bytes.
        f.write(gzip.compress(lines, mtime=0) if compressed else lines)
    with open(os.path.join(out_dir, "harness-truth.jsonl"), "w", encoding="utf-8") as f:
        for t in truth:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    return stream_path, os.path.join(out_dir, "harness-truth.jsonl")


def score(records_path, truth_path):
    records = {}
    with open(records_path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            records[r["id"]] = r
    by_op, controls, missing = {}, {}, 0
    with open(truth_path, encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)
            r = records.get(t["id"])
            if r is None:
                missing += 1
                continue
            dup = r.get("status") == "duplicate"
            if t["label"] == "copy":
                s = by_op.setdefault(t["op"], {"keeps_80": t["keeps_80"], "copies": 0, "found": 0})
                s["copies"] += 1
                s["found"] += int(dup and r.get("duplicate_of") == t["copy_of"])
            elif t["label"] in ("same_event", "partial"):
                c = controls.setdefault(t["label"], {"articles": 0, "marked": 0})
                c["articles"] += 1
                c["marked"] += int(dup)
            elif dup:
                c = controls.setdefault("original", {"articles": 0, "marked": 0})
                c["marked"] += 1
    for s in by_op.values():
        s["recall"] = round(s["found"] / s["copies"], 4)
    return {"operations": by_op, "controls": controls, "missing": missing}


def report(figures):
    print(f"{'operation':24} {'keeps':>5} {'found':>9} {'recall':>7}")
    failed = figures["missing"] > 0
    for op, s in figures["operations"].items():
        low = s["keeps_80"] and s["recall"] < 0.95
        failed |= low
        print(f"{op:24} {'yes' if s['keeps_80'] else 'no':>5} {s['found']:>4}/{s['copies']:<4} "
              f"{s['recall']:7.3f}{'  BELOW 0.95' if low else ''}")
    for label, c in figures["controls"].items():
        failed |= c["marked"] > 0
        print(f"control {label:16} marked duplicate: {c['marked']} of {c.get('articles', '-')}")
    print(json.dumps(figures))
    return 1 if failed else 0


def main():
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if args[0] == "generate":
        out = args[args.index("--out") + 1] if "--out" in args else os.path.join(FIXTURES, "copies")
        for path in generate(out):
            print(path)
        return 0
    if args[0] == "score":
        truth = args[args.index("--truth") + 1] if "--truth" in args else \
            os.path.join(FIXTURES, "copies", "harness-truth.jsonl")
        return report(score(args[1], truth))
    if args[0] == "run":
        binary = args[1] if len(args) > 1 else os.path.join(
            os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "paraprint")
        with tempfile.TemporaryDirectory() as w:
            stream, truth = generate(w, compressed=False)
            env = {k: v for k, v in os.environ.items() if not k.startswith("PARAPRINT_")}
            env["PARAPRINT_STORE__PATH"] = ""
            with open(os.path.join(w, "records.jsonl"), "w") as out:
                subprocess.run([binary, "clean", stream], stdout=out, env=env, check=True)
            return report(score(os.path.join(w, "records.jsonl"), truth))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
