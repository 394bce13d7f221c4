#!/bin/sh
# run.sh: end-to-end tests through a real Postfix on loopback. Starts a private
# Postfix (its own config and queue, smtpd on a free port, everything relayed to
# smtp-sink) with smtpd_milters pointing at a freshly started build/embargo, runs
# every tests/e2e/t_*.sh (EMBARGO_E2E_ONLY=ppap: only t_ppap.sh), sourced in a
# subshell (each prints ok/not ok lines), and
# stops everything afterwards, also when a test fails.
set -u
. "$EMBARGO_ROOT/tests/lib.sh"
. "$EMBARGO_ROOT/tests/e2e/postfix.sh"
DIR=$(mktemp -d /tmp/embargo-e2e.XXXXXX)
chmod 755 "$DIR"
SOCK=unix:$DIR/embargo.sock
export DIR SOCK
cleanup() {
	pf_stop
	em_stop "$DIR" >/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$DIR"
}
trap cleanup EXIT INT TERM

em_config "$DIR" "${EMBARGO_TEST_SETTINGS:-}"
if ! em_start "$DIR" "$SOCK"; then
	notok "embargo starts"; cat "$DIR/embargo.log"; exit 1
fi
pf_setup "$DIR" "$SOCK"
if ! pf_start; then
	notok "postfix starts"; exit 1
fi
ok "private postfix and embargo started"

for t in "$EMBARGO_ROOT"/tests/e2e/t_${EMBARGO_E2E_ONLY:-*}.sh; do
	echo "# $(basename "$t")"
	( . "$t" )
done
em_alive "$DIR" && ok "embargo alive after the e2e tests" || notok "embargo alive after the e2e tests"
