#!/bin/sh
# lint-daemon.sh: the daemon links no format parser (issue 18; run by make lint from
# the top of the tree after the build). Every parser runs in embargo-worker; the
# daemon (build/embargo, or the program given as $1) must show none of:
#   - a direct dependency (DT_NEEDED) on libarchive, libmagic, libyara, libytnef,
#     liblzma;
#   - an undefined symbol of theirs (archive_*, magic_*, yr_*, ytnef/TNEF*, lzma_*);
#   - a function or variable defined by an object of scanners/{mime,detect,containers,
#     office,pdf,yara} or by the pipeline of scanners/core (message, scan, dispatch).
# Prints each offender and exits 1; exits 0 when there is none.
# Limits: looks at global symbols (nm), so a parser whose code were copied into a
# daemon file under another name would pass.
B=${B:-build}
bin=${1:-$B/embargo}
[ -f "$bin" ] || { echo "lint-daemon: $bin not built"; exit 1; }
bad=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
    grep -E '^lib(archive|magic|yara|ytnef|lzma)\.' |
    sed "s|^|lint-daemon: $bin needs |" | grep . && bad=1

nm -u "$bin" | awk '{print $NF}' | sed 's/@.*//' |
    grep -E '^(archive_|magic_|yr_|ytnef|TNEF|lzma_)' |
    sed "s|^|lint-daemon: $bin uses |" | grep . && bad=1

objs=$(ls $B/obj/scanners/mime/*.o $B/obj/scanners/detect/*.o \
    $B/obj/scanners/containers/*.o $B/obj/scanners/office/*.o $B/obj/scanners/pdf/*.o \
    $B/obj/scanners/yara/*.o $B/obj/scanners/core/message.o $B/obj/scanners/core/scan.o \
    $B/obj/scanners/core/dispatch.o 2>/dev/null)
[ -n "$objs" ] || { echo "lint-daemon: no parser objects under $B/obj"; exit 1; }
nm --defined-only -g $objs 2>/dev/null | awk 'NF == 3 && $2 ~ /[TDBR]/ {print $3}' |
    sort -u > "$tmp/parsers"
nm --defined-only "$bin" | awk 'NF == 3 && $2 ~ /[TDBR]/ {print $3}' | sort -u > "$tmp/bin"
comm -12 "$tmp/parsers" "$tmp/bin" | sed "s|^|lint-daemon: $bin contains parser symbol |" |
    head -20 | grep . && bad=1

[ $bad = 0 ] || { echo "lint-daemon: the daemon links a parser"; exit 1; }
echo "lint-daemon: ok ($bin links no parser)"
