#!/usr/bin/env bash
# Proves that a refactor left the built output byte-identical: builds the demo site (this
# repository's content/) and the generated S corpus (bench/gen_corpus.py, 1000 articles and
# 2000 facilities) with two haven binaries and compares every file (bench/same_output.py,
# with no file allowed to differ).
#
# Usage: bench/refactor_check.sh OLD_HAVEN NEW_HAVEN [S_CORPUS_DIR]
#   OLD_HAVEN: a binary of the commit before (e.g. `cargo build --release` there, copied aside)
#   NEW_HAVEN: a binary of the commit after
#   S_CORPUS_DIR: an S corpus made before by gen_corpus.py (its haven/ layout); made in a
#   temporary folder when left out (the same seed and sizes always give the same files).
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: bench/refactor_check.sh OLD_HAVEN NEW_HAVEN [S_CORPUS_DIR]}
new=${2:?usage: bench/refactor_check.sh OLD_HAVEN NEW_HAVEN [S_CORPUS_DIR]}
corpus=${3:-}
if [ -z "$corpus" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  corpus="$tmp/S"
  python3 bench/gen_corpus.py "$corpus" --articles 1000 --facilities 2000 --layouts haven >/dev/null
fi
status=0
python3 bench/same_output.py "$old" "$new" . || status=1
python3 bench/same_output.py "$old" "$new" "$corpus/haven" || status=1
exit $status
