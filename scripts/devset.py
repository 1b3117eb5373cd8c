#!/usr/bin/env python3
"""Build paraprint's labelled development set.

Usage:
    python3 scripts/devset.py <corpus>/articles.jsonl tests/fixtures/eval/devset.jsonl

Reads the development corpus (`articles.jsonl`, see its README) and writes one raw
article per line, each with a `truth` object:

    {"labels": [one per body line], "copy_of": null | "<id>", "origin": "<kind>"}

Labels: "content" (main text, first occurrence), "title" (headline echo),
"repeat" (exact repeat of an earlier content line of the same body),
"boilerplate" (everything else).

Deterministic: no randomness, no dict/set iteration order reaches the output,
so two runs give byte-identical files. Python 3.11, standard library only.
See tests/fixtures/eval/README.md for how every kind of item is made.
"""

import collections
import hashlib
import json
import os
import sys
import textwrap

# --- parameters of the construction (documented in the README) -------------

N_TEMPLATE_SOURCES = 8      # composed sources built from AEB chrome
ARTICLES_PER_SOURCE = 7     # section-2 articles per composed source
MIN_CHROME_LINES = 10       # a host qualifies if header or footer has >= this many lines
FIRST_YEAR, N_YEARS = 2019, 7   # copyright years 2019..2025, cycling
PASTED_TWICE_SOURCES = (0, 1, 2, 3)  # source indexes whose ...
PASTED_TWICE_ARTICLE = 2             # ... 3rd article (0-based 2) has its body twice
QUOTE_SOURCES = (4, 5)               # source indexes that get a recurring quote
QUOTE_ARTICLES = (1, 5)              # 0-based article numbers that carry it
N_COPY_STORIES = 12                  # stories republished in section 5
COPIES_PER_STORY = 2
WRAP_WIDTH = 70

DISCLAIMER = (
    "Disclaimer: The material published by {host} is provided for general "
    "information only and does not constitute legal, financial or professional "
    "advice. {host} makes no representations or warranties about the accuracy "
    "or completeness of this content and accepts no liability for any loss "
    "arising from reliance on it. Views expressed by contributors are their own. "
    "Reproduction in whole or in part without written permission is prohibited."
)
COPYRIGHT = "\u00a9 {year} {host} \u2014 all rights reserved"
RELATED_HEADING = "Related stories"

# One quote per quote source; each recurs in two articles of that source.
QUOTES = (
    "\"We have reviewed every report that reached us this week, and we will keep "
    "publishing what we learn, because the people affected deserve clear answers "
    "rather than silence,\" a spokesperson for the regional authority said on Tuesday.",
    "A spokesperson for the organisers said the committee would meet again next month "
    "to review the findings, publish its full minutes online, and answer in writing "
    "every question that members of the public submit before the end of the year.",
)

# Characters paraprint treats as line ends besides "\n" (must not occur in a line).
LINE_BREAKS = ("\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c")


def read_corpus(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def real_labels(lines, title, keep):
    """Labels for a corpus item, from its truth.keep (exact string match)."""
    keepset = set(keep)
    title = title.strip()
    seen = set()
    labels = []
    for line in lines:
        if line in keepset:
            labels.append("repeat" if line in seen else "content")
            seen.add(line)
        elif line == title:
            labels.append("title")
        else:
            labels.append("boilerplate")
    return labels


def composed_labels(parts):
    """parts: list of (line, role) with role in chrome/title/story."""
    seen = set()
    labels = []
    for line, role in parts:
        if role == "chrome":
            labels.append("boilerplate")
        elif role == "title":
            labels.append("title")
        else:
            labels.append("repeat" if line in seen else "content")
            seen.add(line)
    return labels


def truth(labels, copy_of, origin):
    return {"labels": labels, "copy_of": copy_of, "origin": origin}


def story_lines(story):
    """A Wikinews story's body without its leading headline (in-article repeats kept)."""
    lines = story["body"].split("\n")
    if lines and lines[0] == story["title"]:
        lines = lines[1:]
    return lines


def page_chrome(page):
    """Header (before the first keep line) and footer (after the last keep line)."""
    lines = page["body"].split("\n")
    keep = set(page["truth"]["keep"])
    idx = [i for i, line in enumerate(lines) if line in keep]
    header = [l for l in lines[: idx[0]] if l != page["title"]]
    footer = [l for l in lines[idx[-1] + 1:] if l != page["title"]]
    return header, footer


def choose_hosts(rows):
    pages = collections.defaultdict(list)
    for r in rows:
        if r["id"].startswith("aeb-"):
            pages[r["source"]].append(r)  # file order within a host
    chosen = []
    for host in sorted(pages):
        if len(pages[host]) != 2:
            continue
        header, footer = page_chrome(pages[host][0])
        if len(header) >= MIN_CHROME_LINES or len(footer) >= MIN_CHROME_LINES:
            chosen.append((host, pages[host][0]))
        if len(chosen) == N_TEMPLATE_SOURCES:
            break
    assert len(chosen) == N_TEMPLATE_SOURCES
    return chosen


class Source:
    def __init__(self, index, host, page):
        self.index = index
        self.host = host
        self.name = host + ".composed"
        self.page = page
        self.header, self.footer = page_chrome(page)
        self.disclaimer = textwrap.wrap(
            DISCLAIMER.format(host=host), width=WRAP_WIDTH,
            break_long_words=False, break_on_hyphens=False)
        self.count = 0          # articles published so far (for copyright years)
        self.titles = []        # titles published so far, in stream order
        self.stories = []       # story ids published so far


def build_body(src, story, title, lines, related):
    """Return (parts, n) for one composed article: parts = [(line, role)]."""
    story_set = set(lines)
    year = FIRST_YEAR + (src.count % N_YEARS)

    def chrome(seq):
        # Drop chrome lines that collide with this article's headline or text.
        return [(l, "chrome") for l in seq if l != title and l not in story_set]

    parts = []
    parts += chrome(src.header)
    parts.append((title, "title"))
    parts += [(l, "story") for l in lines]
    rel = [RELATED_HEADING] + related
    for l in rel:
        assert l != title and l not in story_set, (src.name, l)
    parts += [(l, "chrome") for l in rel]
    parts += chrome(src.footer)
    tail = src.disclaimer + [COPYRIGHT.format(year=year, host=src.host)]
    for l in tail:
        assert l != title and l not in story_set
    parts += [(l, "chrome") for l in tail]
    return parts


def composed_item(item_id, src, story, parts, copy_of, origin):
    item = {
        "id": item_id,
        "source": src.name,
        "title": story["title"],
        "content_type": "text/plain",
        "body": "\n".join(l for l, _ in parts),
        "license": story["license"],
        "provenance": story["provenance"],
    }
    if "attribution" in story:
        item["attribution"] = story["attribution"]
    item["template_provenance"] = src.page["provenance"]
    item["template_license"] = src.page["license"]
    item["truth"] = truth(composed_labels(parts), copy_of, origin)
    return item


def related_titles(titles_in_order, pos, k=3):
    """Up to k titles of other articles: most recent earlier first, then later ones."""
    earlier = list(reversed(titles_in_order[:pos]))
    later = titles_in_order[pos + 1:]
    return (earlier + later)[:k]


def build(rows):
    out = []
    first_seen = {}  # story id -> id of its first appearance in the stream

    # 1. Real items, in file order.
    for r in rows:
        item = {}
        for k, v in r.items():
            if k == "truth":
                origin = "wikinews" if r["id"].startswith("gum-") else "aeb"
                lines = r["body"].split("\n")
                v = truth(real_labels(lines, r["title"], r["truth"]["keep"]), None, origin)
            item[k] = v
        out.append(item)
        first_seen.setdefault(r["id"], r["id"])

    stories = [r for r in rows if r["id"].startswith("gum-")]
    sources = [Source(i, h, p) for i, (h, p) in enumerate(choose_hosts(rows))]
    S, A = len(sources), ARTICLES_PER_SOURCE

    # 2-4. Composed-template articles, interleaved round-robin across sources.
    # Plan story assignment first so related-links can name later articles too.
    plan = {}  # (source index, article number) -> story
    for a in range(A):
        for s in range(S):
            plan[(s, a)] = stories[(a * S + s) % len(stories)]
    for s in range(S):
        ids = [plan[(s, a)]["id"] for a in range(A)]
        assert len(set(ids)) == A, "story twice in one source"
    use = collections.Counter(st["id"] for st in plan.values())
    assert max(use.values()) <= 2

    section2 = []  # (stream position, source index, story)
    for a in range(A):
        for s in range(S):
            src, story = sources[s], plan[(s, a)]
            title = story["title"]
            lines = story_lines(story)
            origin = "composed-template"
            if s in PASTED_TWICE_SOURCES and a == PASTED_TWICE_ARTICLE:
                lines = lines + lines
                origin = "composed-pasted-twice"
            if s in QUOTE_SOURCES and a in QUOTE_ARTICLES:
                q = QUOTES[QUOTE_SOURCES.index(s)]
                mid = len(lines) // 2
                lines = lines[:mid] + [q] + lines[mid:]
                origin = "composed-quote"
            plan_titles = [plan[(s, b)]["title"] for b in range(A)]
            related = related_titles(plan_titles, a)
            parts = build_body(src, story, title, lines, related)
            item_id = "c-%s-%d" % (src.host, a + 1)
            copy_of = first_seen.get(story["id"])
            out.append(composed_item(item_id, src, story, parts, copy_of, origin))
            first_seen.setdefault(story["id"], item_id)
            src.count += 1
            src.titles.append(title)
            src.stories.append(story["id"])
            section2.append((a * S + s, s, story))

    # 5. Syndicated copies: 12 stories, each republished under 2 other sources.
    picks = [section2[4 * i + 1] for i in range(N_COPY_STORIES)]
    assert len({st["id"] for _, _, st in picks}) == N_COPY_STORIES
    n = 0
    for i, (_, s, story) in enumerate(picks):
        order = [(s + 1 + ((i + j) % (S - 1))) % S for j in range(S - 1)]
        targets = [t for t in order if story["id"] not in sources[t].stories][:COPIES_PER_STORY]
        assert len(targets) == COPIES_PER_STORY
        for t in targets:
            src = sources[t]
            n += 1
            related = src.titles[::-1][:3]
            parts = build_body(src, story, story["title"], story_lines(story), related)
            item_id = "x-%d" % n
            copy_of = first_seen[story["id"]]
            out.append(composed_item(item_id, src, story, parts, copy_of, "composed-copy"))
            src.count += 1
            src.titles.append(story["title"])
            src.stories.append(story["id"])
    return out


def validate(items):
    ids = set()
    for it in items:
        assert isinstance(it["id"], str) and it["id"] not in ids, it["id"]
        assert isinstance(it["title"], str)
        lines = it["body"].split("\n")
        labels = it["truth"]["labels"]
        assert len(labels) == len(lines), it["id"]
        for l in lines:
            assert l and l == l.strip(), (it["id"], l)
            assert not any(c in l for c in LINE_BREAKS), it["id"]
        assert set(labels) <= {"content", "title", "repeat", "boilerplate"}
        c = it["truth"]["copy_of"]
        assert c is None or c in ids, (it["id"], c)
        ids.add(it["id"])


def summary(items):
    origins = collections.Counter(it["truth"]["origin"] for it in items)
    labels = collections.Counter(l for it in items for l in it["truth"]["labels"])
    per_source = collections.Counter(it["source"] for it in items)
    copies = sum(1 for it in items if it["truth"]["copy_of"] is not None)
    lines = ["items: %d" % len(items)]
    lines += ["origin %-24s %d" % (k, origins[k]) for k in sorted(origins)]
    lines += ["label  %-24s %d" % (k, labels[k]) for k in sorted(labels)]
    lines.append("items with copy_of: %d" % copies)
    big = sorted(s for s, c in per_source.items() if c >= 5)
    lines.append("sources with >=5 articles: %d (%s)" % (
        len(big), ", ".join("%s=%d" % (s, per_source[s]) for s in big)))
    return "\n".join(lines)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    rows = read_corpus(argv[1])
    items = build(rows)
    validate(items)
    data = "".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items).encode("utf-8")
    d = os.path.dirname(argv[2])
    if d:
        os.makedirs(d, exist_ok=True)
    with open(argv[2], "wb") as f:
        f.write(data)
    print(summary(items))
    print("bytes: %d" % len(data))
    print("sha256: %s" % hashlib.sha256(data).hexdigest())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
