#!/bin/sh
# run.sh: Embargo's benchmarks (make bench). Every figure is printed beside the same
# run's no-op libmilter milter (bench/noop.c): the protocol's own ceiling.
#
# Scenarios: mixed set at 1, 8 and 64 connections; small text mail at 8 connections
# (p99 of messages without attachments); memory with 64 concurrent 20 MB attachments
# and at 2/10/20 MB (flat beyond the in-memory spool limit); TCP without and with
# TCP_NODELAY (the 40 ms trap); quarantine writes/s, SQLite against PostgreSQL (qwrite,
# a private cluster from tests/pg.sh); embargo-scan MB/s over the bench corpus; the bytes
# the mixed set gives YARA and libyara's own rate (yararate), which bound the ratio.
# Output: a table on stdout and in $B/bench/results.md. Bounded by message counts.
set -eu
B=${B:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=$(cd "$ROOT" && mkdir -p "$B" && cd "$B" && pwd)
export EMBARGO_ROOT=$ROOT EMBARGO_BUILD=$B
. "$ROOT/tests/lib.sh"
CORPUS=${EMBARGO_CORPUS:-$ROOT/tests/samples}
OUT=$B/bench; C=$OUT/corpus; W=$(mktemp -d /tmp/embargo-bench.XXXXXX)
chmod 755 "$W"
N=${BENCH_N:-2000}
trap 'set +e; em_stop "$W" >/dev/null 2>&1; [ -f "$W/pg/data/postmaster.pid" ] && pg_stop "$W"; kill $(cat "$W"/noop.pid 2>/dev/null) 2>/dev/null; rm -rf "$W"; true' EXIT
mkdir -p "$OUT"
[ -f "$C/att25m.eml" ] || python3 "$ROOT/bench/mkcorpus.py" "$C" "$CORPUS" >/dev/null
LOAD=$OUT/miltload
RES=$OUT/results.md

# mixed set in realistic proportions: mostly clean text, some documents, a few risky
MIXED=""
for i in $(seq 28); do MIXED="$MIXED $C/small.eml"; done
for i in $(seq 5); do MIXED="$MIXED $C/docx50k.eml"; done
MIXED="$MIXED $C/pdf1m.eml $C/pdf1m.eml $C/zipexe.eml $C/zipexe.eml $C/nested.eml $C/nested.eml"
[ -f "$C/macro.eml" ] && MIXED="$MIXED $C/macro.eml"

start_noop() { # socket [-N]
	"$OUT/noop-milter" -p "$@" & echo $! > "$W/noop.pid"; sleep 0.5
}
stop_noop() { kill "$(cat "$W/noop.pid")" 2>/dev/null; sleep 0.3; }
start_embargo() { # socket
	em_stop "$W" >/dev/null 2>&1 || true
	: > "$W/embargo.log"
	em_start "$W" "$1" || { cat "$W/embargo.log"; exit 1; }
}
run() { # label socket pidfile conns count files...
	l=$1 s=$2 p=$3 c=$4 n=$5; shift 5
	"$LOAD" -s "$s" -c "$c" -n "$n" -p "$(cat "$p")" -l "$l" "$@" | tee -a "$W/raw"
}
field() { # line name
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
ratio() { python3 -c "print('%.0f%%' % (100.0 * $1 / $2) if $2 else 'n/a')"; }

em_config "$W" "log_level = \"notice\"" "scan_workers = 0" "${EMBARGO_TEST_SETTINGS:-}"
: > "$W/raw"
PP=$("$OUT/pingpong" 2>/dev/null || echo "rtt_us=? same_cpu_us=? cross_cpu_us=?")
S=unix:$W/embargo.sock; NS=unix:$W/noop.sock
{
echo "# Embargo benchmark"
echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1); $(uname -sr)."
echo "Embargo $("$B/embargo" -V | cut -d' ' -f2), config conf/embargo.conf (starter YARA rules, shipped policy), unix sockets unless noted."
echo "A context-switch round trip between two processes (bench/pingpong: a byte there and back over a socketpair) costs here $(echo "$PP" | sed 's/rtt_us=\([^ ]*\) same_cpu_us=\([^ ]*\) cross_cpu_us=\([^ ]*\)/\1 us unpinned, \2 us on one CPU, \3 us across two/')."
echo "Each row: messages/s, MB/s, latency p50/p95/p99 (ms), errors, peak RSS of the milter (Embargo: the daemon + the sum of its scan workers' peaks), CPU time per message of the milter (Embargo: daemon and workers) and of the load driver (they share the cores), context switches of the whole machine per message (/proc/stat); ratio = Embargo / no-op milter in the same run."
echo
echo "| scenario | milter | msg/s | MB/s | p50 | p95 | p99 | errors | peak RSS | milter CPU/msg | driver CPU/msg | switches/msg | ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} > "$RES"

row() { # scenario milter line ratio
	w=$(field "$3" whwm_kb); w=${w:-0}
	rss="$(( $(field "$3" hwm_kb) / 1024 )) MB"
	[ "$w" -gt 0 ] && rss="$rss + $((w / 1024)) MB"
	echo "| $1 | $2 | $(field "$3" msg_s) | $(field "$3" mb_s) | $(field "$3" p50_ms) | $(field "$3" p95_ms) | $(field "$3" p99_ms) | $(field "$3" errors) | $rss | $(field "$3" cpu_us) us | $(field "$3" driver_cpu_us) us | $(field "$3" ctxt) | $4 |" >> "$RES"
}

pair() { # scenario conns count files...
	sc=$1 c=$2 n=$3; shift 3
	start_noop "$NS"
	a=$(run "noop $sc" "$NS" "$W/noop.pid" "$c" "$n" "$@")
	stop_noop
	start_embargo "$S"
	e=$(run "embargo $sc" "$S" "$W/embargo.pid" "$c" "$n" "$@")
	row "$sc" no-op "$a" ""
	row "$sc" embargo "$e" "$(ratio "$(field "$e" msg_s)" "$(field "$a" msg_s)")"
}

pair "mixed, 1 conn" 1 $((N / 4)) $MIXED
pair "mixed, 8 conns" 8 "$N" $MIXED
# The worker hop. Every row runs the daemon as shipped: no parser in it, every message
# scanned in embargo-worker (scan_workers = 0: one per core); peak RSS is the daemon's
# plus its workers'. The daemon has no in-process scan any more: BENCH_INPROC=DIR (the
# build folder of a tree from before it was removed, e.g. `git archive <commit> | tar
# -x` then make) runs the mixed set at 8 connections through the sandboxed daemon and
# through that daemon's in-process pipeline, in this run, each BENCH_HOP_N messages
# (5000) after 400 unmeasured, and the ratio is the cost of the hop.
HN=${BENCH_HOP_N:-5000}
hoprun() { # label: the mixed set at 8 connections, HN messages, after 400 unmeasured
	# (steady state: the workers' and the daemon's caches, the arena's pages)
	"$LOAD" -s "$S" -c 8 -n 400 -l warm $MIXED > /dev/null
	run "$1" "$S" "$W/embargo.pid" 8 "$HN" $MIXED
}
inproc() { # the mixed set at 8 connections through BENCH_INPROC's in-process daemon
	ob=$EMBARGO_BUILD ort=$EMBARGO_ROOT
	EMBARGO_BUILD=$BENCH_INPROC EMBARGO_ROOT=$(cd "$BENCH_INPROC/.." && pwd)
	cp "$W/embargo.conf" "$W/embargo.conf.w"
	# that tree's own shipped config (it knows none of the later keys); in-process
	# there with scan_workers = 0
	em_config "$W" "log_level = \"notice\"" "scan_workers = 0" "${EMBARGO_TEST_SETTINGS:-}"
	start_embargo "$S"
	EMBARGO_BUILD=$ob EMBARGO_ROOT=$ort; mv "$W/embargo.conf.w" "$W/embargo.conf"
	hoprun "embargo in-process mixed 8"
	em_stop "$W" >/dev/null 2>&1 || true
}
if [ -n "${BENCH_INPROC:-}" ] && [ -x "$BENCH_INPROC/embargo" ]; then
	start_embargo "$S"
	ew=$(hoprun "embargo sandboxed mixed 8")
	e=$(inproc)
	row "mixed, 8 conns, in-process ($BENCH_INPROC)" "embargo, no sandbox" "$e" ""
	row "mixed, 8 conns, $(sed -n 's/^\(scan_workers = [0-9]*\).*/\1/p' "$W/embargo.conf") (0: $(nproc))" "embargo, sandboxed" "$ew" \
	    "$(ratio "$(field "$ew" msg_s)" "$(field "$e" msg_s)") of in-process"
	# BENCH_HOP_PAIRS=K: K alternated pairs in all (this machine's noise is larger
	# than the hop), each ratio and the median
	pf() { # sandboxed-line in-process-line: msg/s, CPU/msg and switches/msg of both
		echo "$(field "$1" msg_s):$(field "$2" msg_s):$(field "$1" cpu_us):$(field "$2" cpu_us):$(field "$1" ctxt):$(field "$2" ctxt)"
	}
	r=$(pf "$ew" "$e")
	i=1
	while [ "$i" -lt "${BENCH_HOP_PAIRS:-1}" ]; do
		start_embargo "$S"
		a=$(hoprun "embargo sandboxed mixed 8")
		b=$(inproc)
		r="$r $(pf "$a" "$b")"
		i=$((i + 1))
	done
	if [ "${BENCH_HOP_PAIRS:-1}" -gt 1 ]; then
		python3 - "$r" "$PP" > "$W/hop.md" <<'PY'
import statistics, sys
ps = [[float(v) for v in x.split(":")] for x in sys.argv[1].split()]
rtt = float(sys.argv[2].split()[1].split("=")[1])  # on one CPU: wall time is CPU time
med = lambda i: statistics.median(p[i] for p in ps)
print("The worker hop, %d alternated pairs (sandboxed / in-process msg/s, mixed set, 8 conns): %s; median %.0f%%."
      % (len(ps), ", ".join("%.0f%%" % (100 * p[0] / p[1]) for p in ps),
         100 * statistics.median(p[0] / p[1] for p in ps)))
print("Medians per message, sandboxed against in-process: CPU of the milter %.0f us against %.0f us; context switches of the machine %.1f against %.1f."
      % (med(2), med(3), med(4), med(5)))
print("At %.1f us per round trip of two switches on one CPU (bench/pingpong), the %.1f switches more cost about %.0f us a message; the CPU per message differs by %+.0f us (sandboxed minus in-process).\n"
      % (rtt, med(4) - med(5), (med(4) - med(5)) / 2 * rtt, med(2) - med(3)))
PY
	fi
fi
pair "mixed, 64 conns" 64 "$N" $MIXED
pair "small text, 8 conns" 8 "$N" "$C/small.eml"

# Memory: a fresh daemon per scenario so the peak belongs to it.
start_embargo "$S"
e=$(run "embargo 64x20MB" "$S" "$W/embargo.pid" 64 64 "$C/att20m.eml")
row "64 concurrent 20 MB attachments" embargo "$e" ""
for mb in 2 10 20 25; do
	start_embargo "$S"
	e=$(run "embargo ${mb}MB" "$S" "$W/embargo.pid" 8 16 "$C/att${mb}m.eml")
	row "8 conns, ${mb} MB attachments" embargo "$e" ""
done

# TCP: the Nagle trap. No-op milter without and with TCP_NODELAY, and Embargo.
P=$(free_port)
start_noop "inet:$P@127.0.0.1"
a=$(run "noop tcp nagle" "inet:$P@127.0.0.1" "$W/noop.pid" 8 400 "$C/small.eml"); stop_noop
row "small text over TCP, 8 conns" "no-op, Nagle on" "$a" ""
P=$(free_port)
start_noop "inet:$P@127.0.0.1" -N
a=$(run "noop tcp nodelay" "inet:$P@127.0.0.1" "$W/noop.pid" 8 "$N" "$C/small.eml"); stop_noop
row "small text over TCP, 8 conns" "no-op, TCP_NODELAY" "$a" ""
P=$(free_port)
start_embargo "inet:$P@127.0.0.1"
e=$(run "embargo tcp" "inet:$P@127.0.0.1" "$W/embargo.pid" 8 "$N" "$C/small.eml")
row "small text over TCP, 8 conns" embargo "$e" "$(ratio "$(field "$e" msg_s)" "$(field "$a" msg_s)")"

# after the table: the hop's pairs, when asked for
[ -f "$W/hop.md" ] && { echo; cat "$W/hop.md"; } >> "$RES"

# Quarantine writes per second (store_put, committed): SQLite plus files against
# PostgreSQL in a private cluster (tests/pg.sh, fsync on), same run, 20 kB bodies.
if [ -x "$OUT/qwrite" ]; then
	. "$ROOT/tests/pg.sh"
	if pg_have && pg_start "$W" >/dev/null 2>&1; then
		{
		echo
		echo "Quarantine writes per second (bench/qwrite: store_put of a 20 kB body and its row, committed; a handle per write as the daemon opens one), same run:"
		echo
		echo "| back end | writers | writes/s | errors |"
		echo "|---|---|---|---|"
		for t in 1 8; do
			for be in sqlite postgresql; do
				ci=""; [ $be = postgresql ] && ci=$PG_CONNINFO
				l=$("$OUT/qwrite" "$W/qw-$be-$t" "$ci" $t $((t * 200)) 20000 || true)
				echo "| $be | $t | $(field "$l" writes_s) | $(field "$l" errors) |"
			done
		done
		} >> "$RES"
		pg_stop "$W"
	else
		echo "(no PostgreSQL 15: quarantine write rows skipped)" >> "$RES"
	fi
fi

# embargo-scan throughput over the bench corpus (one process, one thread).
files="$C/small.eml $C/docx50k.eml $C/pdf1m.eml $C/zipexe.eml $C/nested.eml $C/att10m.eml $C/att20m.eml"
bytes=$(cat $files | wc -c)
t=$(python3 -c "import subprocess,time,sys; t=time.time(); subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); print(time.time()-t)" \
    "$B/embargo-scan" -c "$W/embargo.conf" $files)
# What bounds the mixed-set ratio: every analysed part (each has a SHA-256 in the
# report) goes through YARA, whose own rate yararate measures.
analysed=$("$B/embargo-scan" --json -c "$W/embargo.conf" $MIXED 2>/dev/null | python3 -c '
import json, sys
d, i, n, dec = sys.stdin.read(), 0, 0, json.JSONDecoder()
while True:
    while i < len(d) and d[i].isspace():
        i += 1
    if i >= len(d):
        break
    o, i = dec.raw_decode(d, i)
    n += sum(p["size"] or 0 for p in o["parts"] if p.get("sha256"))
print(n)')
wire=$(cat $MIXED | wc -c)
{
echo
echo "embargo-scan over the bench corpus ($(echo $files | wc -w) messages, $((bytes / 1000000)) MB): $(python3 -c "print('%.1f MB/s' % ($bytes / 1e6 / $t))") (one thread)."
echo
echo "The mixed set ($(echo $MIXED | wc -w) messages, $wire bytes on the wire) has $analysed bytes in analysed parts, each scanned by YARA:"
echo
"$OUT/yararate" "$ROOT"/conf/rules/*.yar | sed 's/^/- /'
echo
echo "Raw driver lines:"
echo
sed 's/^/    /' "$W/raw"
} >> "$RES"
cat "$RES"
