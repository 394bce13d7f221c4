#!/bin/sh
# lint-includes.sh: the layering rules of doc/architecture.md, checked on the
# #include lines (run by make lint from the top of the tree). Prints every include
# that breaks a rule and exits 1; exits 0 when none does.
#   1. scanners/mime/ is a leaf library: never core/scan.h, core/analyser.h,
#      core/message.h.
#   2. A format folder (containers office pdf yara detect) includes only core/,
#      mime/ and its own folder: never a sibling family's header.
#   3. milter/policy/ and milter/store/ never include libmilter.h or daemon/milter.h.
bad=0

for f in scanners/mime/*.[ch]; do
	grep -nE '^#include "core/(scan|analyser|message)\.h"' "$f" | while IFS= read -r l; do
		echo "lint-includes: $f:$l: mime/ includes the pipeline"
	done
done | grep . && bad=1

for fam in containers office pdf yara detect; do
	for f in scanners/$fam/*.[ch]; do
		[ -e "$f" ] || continue
		grep -nE '^#include "(containers|office|pdf|yara|detect)/' "$f" |
		    grep -vE "^[0-9]+:#include \"$fam/" | while IFS= read -r l; do
			echo "lint-includes: $f:$l: $fam/ includes a sibling family"
		done
	done
done | grep . && bad=1

for f in milter/policy/*.[ch] milter/store/*.[ch]; do
	[ -e "$f" ] || continue
	grep -nE '^#include ["<](libmilter/mfapi\.h|libmilter\.h|daemon/milter\.h)[">]' "$f" |
	    while IFS= read -r l; do
		echo "lint-includes: $f:$l: policy/ and store/ stay out of libmilter"
	done
done | grep . && bad=1

[ $bad = 0 ] || { echo "lint-includes: include rules broken"; exit 1; }
echo "lint-includes: ok"
