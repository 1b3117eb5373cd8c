#!/usr/bin/env python3
"""Kept-text token precision/recall/F1 of paraprint, trafilatura and rs-trafilatura on the same 181 pages.

    cargo build --release
    pip install trafilatura lxml_html_clean rs-trafilatura==0.1.1   # for this comparison only; never dependencies of paraprint
    python3 scripts/compare_trafilatura.py tests/fixtures/html/pages_html.jsonl.gz [target/release/paraprint] [--ids]

Each page is cleaned alone (paraprint: one `paraprint clean` run per page, so nothing is learned
from other pages; trafilatura: `trafilatura.extract(html)` with its defaults; rs-trafilatura, a
port of trafilatura with a Rust core: `rs_trafilatura.extract(html).main_content` with its
defaults, no URL given, as for trafilatura; lxml_html_clean is named because trafilatura's
jusText import fails without it on lxml 5.2 and later). An extractor that returns nothing for a page
(None) scores 0 on that page. Tokens are lowercased runs of letters and digits, counted as a
multiset; figures are averaged over pages, as tests/html.rs does.

--ids also prints, per page, the three F1s for the pages where paraprint's F1 is more than 0.05
below the better of the other two, largest gap first.
"""
import argparse
import gzip
import json
import re
import subprocess
from collections import Counter

TOKEN = re.compile(r"[^\W_]+")
GAP = 0.05


def tokens(text):
    return Counter(t.lower() for t in TOKEN.findall(text or ""))


def scores(kept, truth):
    """(precision, recall, F1) of kept against truth; kept None (nothing extracted) scores 0."""
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("pages", help="pages_html.jsonl.gz")
    parser.add_argument("binary", nargs="?", default="target/release/paraprint")
    parser.add_argument("--ids", action="store_true",
                        help=f"print per-page F1s where paraprint is more than {GAP} below the best other")
    args = parser.parse_args()

    import rs_trafilatura
    import trafilatura

    def rs_extract(html):
        result = rs_trafilatura.extract(html)
        return None if result is None else result.main_content

    extractors = {
        "paraprint": lambda page: paraprint(page, args.binary),
        f"trafilatura {trafilatura.__version__}": lambda page: trafilatura.extract(page["body"]),
        f"rs-trafilatura {rs_trafilatura.__version__}": lambda page: rs_extract(page["body"]),
    }
    pages = [json.loads(line) for line in gzip.open(args.pages, "rt", encoding="utf-8")]
    totals = {name: [0.0, 0.0, 0.0] for name in extractors}
    empty = Counter()
    f1s = []  # per page: {name: F1}
    for page in pages:
        truth = page["truth"]["article_text"]
        row = {}
        for name, extract in extractors.items():
            text = extract(page)
            if text is None:
                empty[name] += 1
            p_r_f = scores(text, truth)
            for i, v in enumerate(p_r_f):
                totals[name][i] += v
            row[name] = p_r_f[2]
        f1s.append(row)

    n = len(pages)
    for name, (p, r, f) in totals.items():
        none = f", {empty[name]} returned None" if empty[name] else ""
        print(f"{name:<22} precision {p / n:.4f}  recall {r / n:.4f}  F1 {f / n:.4f}  ({n} pages{none})")

    if args.ids:
        names = list(extractors)
        others = names[1:]
        behind = []
        for page, row in zip(pages, f1s):
            gap = max(row[o] for o in others) - row["paraprint"]
            if gap > GAP:
                behind.append((gap, page["id"], page.get("source", ""), row))
        behind.sort(key=lambda b: (-b[0], b[1]))
        print(f"\n{len(behind)} pages where paraprint's F1 is more than {GAP} below the best other:")
        print(f"{'gap':>6}  " + "  ".join(f"{name.split()[0]:>14}" for name in names) + "  id (source)")
        for gap, pid, source, row in behind:
            print(f"{gap:6.4f}  " + "  ".join(f"{row[name]:14.4f}" for name in names) + f"  {pid} ({source})")


if __name__ == "__main__":
    main()
