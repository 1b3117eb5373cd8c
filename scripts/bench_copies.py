#!/usr/bin/env python3
"""Copies on the bench stream: records of `paraprint clean` scored against make_stream.py's truth.

usage: bench_copies.py RECORDS META
  RECORDS  `paraprint clean` output of the stream (one record a line)
  META     the stream's .meta.json (its `syndicated` map: copy id -> original id)
Prints one JSON line: copies found (and pointing at their original), originals called copies,
originals emptied. Exits 1 when a record is missing.
"""
import json
import sys


def main():
    records_path, meta_path = sys.argv[1], sys.argv[2]
    copies = json.load(open(meta_path))["syndicated"]
    found = right = false_dup = emptied = total = 0
    for line in open(records_path):
        r = json.loads(line)
        total += 1
        dup = r.get("status") == "duplicate"
        if r["id"] in copies:
            found += dup
            right += dup and r.get("duplicate_of") == copies[r["id"]]
        else:
            false_dup += dup
            emptied += not r.get("paragraphs")
    print(json.dumps({
        "records": total, "copies": len(copies), "copies_found": found,
        "duplicate_of_right": right, "originals": total - len(copies),
        "originals_called_copies": false_dup, "originals_emptied": emptied,
    }))


if __name__ == "__main__":
    main()
