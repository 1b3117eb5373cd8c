#!/usr/bin/env bash
# Cleaning quality on real labelled pages (eval-dev), copy detection on real labelled copies
# (eval-copies-dev, beside it) and page metadata on real labelled pages (eval-meta-dev, beside it),
# against the floors committed in the repo.
# usage: scripts/quality.sh [PARAPRINT_BINARY]
#   EVAL_DEV_DIR  the eval-dev folder (default: ../shared/eval-dev beside this checkout, else beside
#                 the checkout it was cloned from); its own measure.sh scores the build exactly the
#                 way the product is judged.
#   PARAPRINT_BINARY  default $CARGO_TARGET_DIR/release/paraprint, or target/release/paraprint
#                     (built with `cargo build --release`).
# Prints measure.sh's two lines, then every floor with its figure. Exits 1 when a figure is below its
# floor (or above its ceiling), when a record is missing, and when the folder cannot be found: a
# quality check that cannot run must not look like one that passed. The floors file
# (scripts/quality-floors.json) holds overall figures only, never pages, text or labels (the
# data's licence forbids copying them here).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-${CARGO_TARGET_DIR:-$ROOT/target}/release/paraprint}
FLOORS=$ROOT/scripts/quality-floors.json

find_eval_dev() {
  if [ -n "${EVAL_DEV_DIR:-}" ]; then echo "$EVAL_DEV_DIR"; return; fi
  local dirs=("$ROOT/../shared/eval-dev")
  # A clone (CI's) finds the folder beside the checkout it was cloned from, or beside one of
  # the folders it sits in.
  local origin
  origin=$(git -C "$ROOT" remote get-url origin 2>/dev/null || true)
  origin=${origin#file://}
  [ -n "$origin" ] && [ -d "$origin" ] && dirs+=("$origin/../shared/eval-dev")
  local up=$ROOT/..
  while [ "$(cd "$up" && pwd)" != / ]; do up=$up/..; dirs+=("$up/shared/eval-dev"); done
  for d in "${dirs[@]}"; do [ -f "$d/measure.sh" ] && { (cd "$d" && pwd); return; }; done
  echo "${dirs[0]}"
}
DIR=$(find_eval_dev)
if [ ! -f "$DIR/measure.sh" ]; then
  cat >&2 <<MSG
################################################################################
quality.sh: NO EVAL-DEV FOLDER at $DIR
The cleaning-quality check did not run, so it FAILS. Point EVAL_DEV_DIR at the eval-dev folder
(the one holding measure.sh, stream.jsonl.gz and truth.jsonl.gz).
################################################################################
MSG
  exit 1
fi
[ -x "$BIN" ] || { echo "quality.sh: no binary at $BIN (cargo build --release first)" >&2; exit 2; }

W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
echo "== eval-dev: $DIR"
status=0
bash "$DIR/measure.sh" "$BIN" --json "$W/figures.json" || status=1
python3 - "$W/figures.json" "$FLOORS" <<'PY' || status=1
import json, sys
figures, floors = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))

def figure(path):
    value = figures
    for part in path.split("/"):
        value = value[part]
    return value

failed = 0
for kind, bound in (("floors", lambda v, b: v >= b), ("ceilings", lambda v, b: v <= b)):
    for path, limit in floors[kind].items():
        value = figure(path)
        ok = bound(value, limit)
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {path} = {value:.4f} ({kind[:-1]} {limit})")
sys.exit(1 if failed else 0)
PY

# Copies: press-agency stories and the newspaper articles made from them (human labels).
COPIES=$(dirname "$DIR")/eval-copies-dev
if [ ! -f "$COPIES/measure.sh" ]; then
  echo "quality.sh: NO EVAL-COPIES-DEV FOLDER at $COPIES: the copies check did not run, so it FAILS." >&2
  exit 1
fi
echo "== eval-copies-dev: $COPIES"
bash "$COPIES/measure.sh" "$BIN" --json "$W/copies.json" || status=1
python3 - "$W/copies.json" "$FLOORS" <<'PY' || status=1
import json, sys
figures, bounds = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))["copies"]
failed = 0
for kind, ok in (("floors", lambda v, b: v >= b), ("ceilings", lambda v, b: v <= b)):
    for name, limit in bounds[kind].items():
        value = figures[name]
        good = ok(value, limit)
        failed += not good
        print(f"{'ok  ' if good else 'FAIL'} copies/{name} = {value:.4f} ({kind[:-1]} {limit})")
sys.exit(1 if failed else 0)
PY
# Page metadata: dates, authors and headlines labelled by others (eval-meta-dev), and the language
# against what pages declare and on the copies set's Urdu.
META=$(dirname "$DIR")/eval-meta-dev
if [ ! -f "$META/measure.sh" ]; then
  echo "quality.sh: NO EVAL-META-DEV FOLDER at $META: the page metadata check did not run, so it FAILS." >&2
  exit 1
fi
echo "== eval-meta-dev: $META"
bash "$META/measure.sh" "$BIN" --json "$W/meta.json" || status=1
python3 "$ROOT/scripts/language_agreement.py" "$BIN" "$META" "$COPIES" --json "$W/language.json" || status=1
python3 - "$W/meta.json" "$W/language.json" "$FLOORS" <<'PY' || status=1
import json, sys
figures = {**json.load(open(sys.argv[1])), "language": json.load(open(sys.argv[2]))}
bounds = json.load(open(sys.argv[3]))["meta"]
failed = 0
for path, limit in bounds["floors"].items():
    value = figures
    for part in path.split("/"):
        value = value[part]
    good = value is not None and value >= limit
    failed += not good
    print(f"{'ok  ' if good else 'FAIL'} meta/{path} = {value} (floor {limit})")
sys.exit(1 if failed else 0)
PY
exit $status
