#!/usr/bin/env python3
"""Kept-text token precision/recall/F1 of paraprint and of trafilatura on the same 181 pages.

    cargo build --release
    pip install trafilatura        # for this comparison only; never a dependency of paraprint
    python3 scripts/compare_trafilatura.py tests/fixtures/html/pages_html.jsonl.gz

Each page is cleaned alone (paraprint: one `paraprint clean` run per page, so nothing is learned
from other pages; trafilatura: `extract` with its defaults). Tokens are lowercased runs of
letters and digits, counted as a multiset; figures are averaged over pages, as tests/html.rs does.
"""
import gzip
import json
import re
import subprocess
import sys
from collections import Counter

TOKEN = re.compile(r"[^\W_]+")


def tokens(text):
    return Counter(t.lower() for t in TOKEN.findall(text or ""))


def scores(kept, truth):
    k, t = tokens(kept), tokens(truth)
    overlap = sum(min(n, t[w]) for w, n in k.items())
    p = overlap / sum(k.values()) if k else 0.0
    r = overlap / sum(t.values()) if t else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def paraprint(page, binary):
    raw = {"id": page["id"], "source": page["source"], "title": page.get("title") or "",
           "content_type": "text/html", "body": page["body"]}
    out = subprocess.run([binary, "clean"], input=json.dumps(raw).encode(), capture_output=True, check=True)
    return "\n".join(json.loads(out.stdout)["paragraphs"])


def main():
    path = sys.argv[1]
    binary = sys.argv[2] if len(sys.argv) > 2 else "target/release/paraprint"
    import trafilatura
    pages = [json.loads(line) for line in gzip.open(path, "rt", encoding="utf-8")]
    totals = {"paraprint": [0.0, 0.0, 0.0], f"trafilatura {trafilatura.__version__}": [0.0, 0.0, 0.0]}
    for page in pages:
        truth = page["truth"]["article_text"]
        for name, text in (("paraprint", paraprint(page, binary)),
                           (f"trafilatura {trafilatura.__version__}", trafilatura.extract(page["body"]))):
            for i, v in enumerate(scores(text, truth)):
                totals[name][i] += v
    for name, (p, r, f) in totals.items():
        n = len(pages)
        print(f"{name:<20} precision {p / n:.4f}  recall {r / n:.4f}  F1 {f / n:.4f}  ({n} pages)")


if __name__ == "__main__":
    main()
