#!/bin/sh
# seeds_to_analysers.sh: turn the seeds and saved crashes of a per-analyser fuzz
# target into inputs of fuzz_analysers ("<scan function>\0<bytes>"), named
# <target>_<file>. Run from the top of the tree; used once when fuzz_analysers
# replaced fuzz_{archive,fatimg,html,lnk,onenote,pdf,rtf}, kept for seeds found later
# by hand: sh tests/fuzz/seeds_to_analysers.sh TARGET SCAN_FUNCTION
set -e
conv() {    # conv target function
	for kind in seeds regress; do
		[ -d "tests/fuzz/$kind/$1" ] || continue
		mkdir -p "tests/fuzz/$kind/analysers"
		for f in "tests/fuzz/$kind/$1"/*; do
			[ -f "$f" ] || continue
			{ printf '%s\000' "$2"; cat "$f"; } \
			    > "tests/fuzz/$kind/analysers/$1_$(basename "$f")"
		done
	done
}
if [ $# = 2 ]; then
	conv "$1" "$2"
	exit 0
fi
for t in archive fatimg html lnk onenote pdf rtf; do
	conv "$t" "${t}_scan"
done
