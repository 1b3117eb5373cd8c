#!/usr/bin/env python3
"""The record's page.language against what pages declare, and on the copies set's Urdu.

usage: language_agreement.py BINARY EVAL_META_DEV_DIR [EVAL_COPIES_DEV_DIR] [--json FILE]

For each eval-meta-dev set (htmldate, trafilatura, postlight): of the pages whose `<html lang>`
names a language, the share whose record's `page.language` has the same primary subtag. For
eval-copies-dev (plain-text Urdu articles): the share of records whose language is `ur`. Runs
`BINARY clean` with fresh state and default settings. Prints a line per set and, with --json,
writes {"htmldate": share, …, "copies_ur": share}.
"""
import argparse
import gzip
import json
import os
import re
import subprocess
import sys

HTML_LANG = re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})\b", re.I)


def records(binary, stream_gz):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARAPRINT_")}
    env["PARAPRINT_STORE__PATH"] = ""
    with gzip.open(stream_gz, "rb") as f:
        data = f.read()
    out = subprocess.run([binary, "clean", "-"], input=data, capture_output=True, env=env, check=False).stdout
    return {r["id"]: r for r in map(json.loads, out.decode().splitlines())}


def primary(tag):
    return (tag or "").split("-")[0].lower()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("binary")
    p.add_argument("meta_dir")
    p.add_argument("copies_dir", nargs="?")
    p.add_argument("--json")
    args = p.parse_args()
    result = {}
    for name in ("htmldate", "trafilatura", "postlight"):
        stream = os.path.join(args.meta_dir, name, "stream_html.jsonl.gz")
        recs = records(args.binary, stream)
        declared = agree = 0
        with gzip.open(stream, "rt", encoding="utf-8") as f:
            for line in f:
                page = json.loads(line)
                m = HTML_LANG.search(page["body"][:20000])
                if not m:
                    continue
                declared += 1
                record = recs.get(page["id"])
                agree += bool(record) and primary(record["page"]["language"]) == m.group(1).lower()
        result[name] = round(agree / declared, 4) if declared else None
        print(f"{name}: {agree}/{declared} pages declaring <html lang> agree ({result[name]})")
    if args.copies_dir:
        recs = records(args.binary, os.path.join(args.copies_dir, "stream.jsonl.gz"))
        ur = sum(primary(r["page"]["language"]) == "ur" for r in recs.values())
        result["copies_ur"] = round(ur / len(recs), 4) if recs else None
        print(f"eval-copies-dev: {ur}/{len(recs)} records in Urdu ({result['copies_ur']})")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    sys.exit(0 if all(v is not None for v in result.values()) else 1)


if __name__ == "__main__":
    main()
