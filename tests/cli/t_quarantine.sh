# t_quarantine.sh: embargo-quarantine on a store built from fixture files (msg/ID.eml
# and msg/ID.meta, indexed by `reindex`): every search filter, id prefixes, several
# ids and ids from stdin, JSON arrays and ISO times, stats, bad ids and bad --to
# refused, release refused for a missing or damaged file with the index unchanged,
# release with the marker headers, two concurrent releases delivering once, a
# 300-recipient release in batches (and a failed batch resumed), history in show,
# purge, fsck, a truncated, a garbage and a locked index, -c refused under sudo.
T=$(mktemp -d /tmp/embargo-qtool.XXXXXX)
Q=$T/quarantine
EQ="$EMBARGO_BUILD/embargo-quarantine"
em_config "$T" "release_command = \"$T/release.sh\""
cat > "$T/release.sh" <<EOF
#!/bin/sh
# logs one line per run: the argument count and the arguments; the message to a file
[ -f "$T/fail-after" ] && [ "\$(wc -l < "$T/release.log" 2>/dev/null || echo 0)" -ge "\$(cat "$T/fail-after")" ] && exit 75
n=\$(ls "$T"/out.* 2>/dev/null | wc -l)
cat > "$T/out.\$n"
sleep "\$(cat "$T/delay" 2>/dev/null || echo 0)"
echo "\$#" "\$@" >> "$T/release.log"
EOF
chmod 755 "$T/release.sh"
mkdir -p "$Q/msg" "$Q/tmp"
head -c 32 /dev/urandom > "$Q/release.key"; chmod 600 "$Q/release.key"

# mk ID AGE_SECONDS SENDER RCPTS(\n-escaped) SUBJECT RULE FINDINGS MSGID CLIENT [ACTION]
mk() {
	t=$(( $(date +%s) - $2 ))
	printf 'From: %s\r\nSubject: %s\r\nMessage-ID: %s\r\n\r\nbody of %s\r\n' "$3" "$5" "$8" "$1" > "$Q/msg/$1.eml"
	sha=$(sha256sum "$Q/msg/$1.eml" | cut -d' ' -f1)
	printf 'embargo-store 1\nid %s\ntime %s\nsize 100\nhas_file 1\nqueue_id Q%s\nsender %s\nrecipients %s\nsubject %s\nrule %s\nfindings %s\naction %s\nstate quarantined\nmessage_id %s\nclient_addr %s\nhelo mx.example\nsha256 %s\n' \
	    "$1" "$t" "$1" "$3" "$4" "$5" "$6" "$7" "${10:-quarantine}" "$8" "$9" "$sha" > "$Q/msg/$1.meta"
}
A=aaaa0000000000000000000a; B=aaaa1111111111111111111b; C=bbbb0000000000000000000c
D=cccc0000000000000000000d; E=dddd0000000000000000000e
mk $A 8000 alice@example.org 'bob@example.net\ncarol@example.net' 'Invoice 42' macro-rule 'macro.vba@2:a.doc,macro.vba.autoexec@2:a.doc' '<m-a@example.org>' 192.0.2.1
mk $B 300 eve@evil.example 'bob@example.net' 'Your parcel' exe-rule 'type.executable@2:x.exe' '<m-b@evil.example>' 198.51.100.7
mk $C 60 alice@example.org 'dave@other.example' 'hello' macro-rule 'macro.xlm@2:b.xls' '<m-c@example.org>' 192.0.2.2
mk $D 30 zed@example.com 'x@example.net' 'strip me' strip-rule 'name.rtlo@3:y' '<m-d@example.com>' 203.0.113.9 strip
mk $E 10 zed@example.com "$(seq -f 'r%g@many.example' 1 300 | paste -sd'|' | sed 's/|/\\n/g')" 'many' macro-rule 'macro.vba@2:c.doc' '<m-e@example.com>' 192.0.2.3
echo partial > "$Q/tmp/stale.tmp"

"$EQ" -c "$T/embargo.conf" list > "$T/out" 2>&1; rc=$?
check "no index beside stored messages: list exits 2" test "$rc" = 2
check "and names embargo-quarantine reindex" grep -q "embargo-quarantine reindex" "$T/out"
"$EQ" -c "$T/embargo.conf" reindex > "$T/out" 2>&1
check "reindex rebuilds 5 entries from the files" grep -q "index rebuilt: 5 entries" "$T/out"
check "reindex removed the stale .tmp" test ! -e "$Q/tmp/stale.tmp"
check "list --count counts 5" test "$("$EQ" -c "$T/embargo.conf" list --count)" = 5
cnt() { "$EQ" -c "$T/embargo.conf" list --count "$@"; }
check "--sender plain address" test "$(cnt --sender alice@example.org)" = 2
check "--sender domain" test "$(cnt --sender evil.example)" = 1
check "--sender glob" test "$(cnt --sender 'z*@example.com')" = 2
check "--rcpt plain address (one of several)" test "$(cnt --rcpt carol@example.net)" = 1
check "--rcpt domain" test "$(cnt --rcpt example.net)" = 3
check "--rcpt glob" test "$(cnt --rcpt 'r29?@many.example')" = 1
check "--subject substring, any case" test "$(cnt --subject invoice)" = 1
check "--subject glob" test "$(cnt --subject 'Your*')" = 1
check "--state" test "$(cnt --state quarantined)" = 5
check "--since 2h ago" test "$(cnt --since 2h)" = 4
check "--since 1h --until 45s (relative)" test "$(cnt --since 1h --until 45s)" = 2
check "--since a date" test "$(cnt --since "$(date -d '-100 seconds' '+%Y-%m-%d %H:%M:%S')")" = 3
check "--until a date" test "$(cnt --until "$(date -d '-1 hour' '+%Y-%m-%dT%H:%M')")" = 1
check "--rule glob" test "$(cnt --rule 'macro-*')" = 3
check "--finding glob" test "$(cnt --finding 'macro.vba.*')" = 1
check "--finding exact" test "$(cnt --finding type.executable)" = 1
check "--message-id with or without <>" test "$(cnt --message-id m-b@evil.example)$(cnt --message-id '<m-c@example.org>')" = 11
check "--client address" test "$(cnt --client 198.51.100.7)" = 1
check "--client prefix" test "$(cnt --client 192.0.2.)" = 3
"$EQ" -c "$T/embargo.conf" list --since yesterday > "$T/out" 2>&1; rc=$?
check "a bad --since is refused (exit 1)" test "$rc" = 1

"$EQ" -c "$T/embargo.conf" list > "$T/out"
check "table has a header line" grep -q "^ID .*TIME .*STATE .*ACTION .*RULE .*FROM .*TO .*SUBJECT" "$T/out"
check "table shows readable local times" grep -qE "^$A $(date -d @$(( $(date +%s) - 8000 )) +%Y-%m-%d) [0-9:]{8} [+-][0-9]{4} quarantined" "$T/out"
"$EQ" -c "$T/embargo.conf" list --json --sender alice@example.org --subject invoice > "$T/out"
check "--json: recipients as an array" grep -q '"recipients":\["bob@example.net","carol@example.net"\]' "$T/out"
check "--json: findings as an array of objects" grep -q '"findings":\[{"name":"macro.vba","part":"2:a.doc"},{"name":"macro.vba.autoexec","part":"2:a.doc"}\]' "$T/out"
check "--json: ISO 8601 time" grep -qE '"time":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"' "$T/out"
check "--json: client and message-id kept" grep -q '"client_addr":"192.0.2.1","helo":"mx.example","message_id":"<m-a@example.org>"' "$T/out"
"$EQ" -c "$T/embargo.conf" stats > "$T/out"
check "stats: total" grep -q "^total: 5" "$T/out"
check "stats: by rule" grep -qE "^ +3 +macro-rule" "$T/out"
check "stats: by finding" grep -qE "^ +2 +macro.vba$" "$T/out"
check "stats: by state" grep -qE "^ +5 +quarantined" "$T/out"

"$EQ" -c "$T/embargo.conf" show aaaa00 > "$T/out" 2>&1
check "show by a unique prefix" grep -q "^id: *$A" "$T/out"
check "show prints the history with readable times" grep -qE "^  [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} .* reindexed +by " "$T/out"
check "show parses the message (part tree)" grep -q "parts and findings" "$T/out"
"$EQ" -c "$T/embargo.conf" show aaaa > "$T/out" 2>&1; rc=$?
check "an ambiguous prefix is refused (exit 1)" sh -c "test $rc = 1 && grep -q ambiguous '$T/out'"
"$EQ" -c "$T/embargo.conf" export $A $C > "$T/out"
check "several ids in one command" sh -c "grep -q 'body of $A' '$T/out' && grep -q 'body of $C' '$T/out'"
printf '%s\n%s\n' $A $B | "$EQ" -c "$T/embargo.conf" export - > "$T/out"
check "ids from standard input" sh -c "grep -q 'body of $A' '$T/out' && grep -q 'body of $B' '$T/out'"
for bad in "../../etc/passwd" "aaaa/../x" "aaaa 0000" '$(id)' ';id;' '`id`' "AAAA0000" ""; do
	"$EQ" -c "$T/embargo.conf" show "$bad" > "$T/out" 2>&1; rc=$?
	check "id '$bad' refused as not a quarantine id" sh -c "test $rc = 1 && grep -q 'not a quarantine id' '$T/out'"
done
for bad in "$(printf 'v@x\nBcc: spy@evil')" "$(printf 'v@x\r')" "a@x,spy@evil" "" "no-at-sign" "-oQ/tmp@x" "a b@x" "|cmd@x"; do
	"$EQ" -c "$T/embargo.conf" release $A --to "$bad" > "$T/out" 2>&1; rc=$?
	check "--to '$(printf %s "$bad" | tr '\r\n' '??')' refused" sh -c "test $rc = 1 && grep -q 'not a plain address' '$T/out'"
done
check "nothing was released by a refused --to" test ! -e "$T/release.log"

# A missing and a damaged file: refused, index unchanged.
mv "$Q/msg/$C.eml" "$T/c.eml"
"$EQ" -c "$T/embargo.conf" release $C > "$T/out" 2>&1; rc=$?
check "release of a missing file refused (exit 1) with the reason" sh -c "test $rc = 1 && grep -q 'stored file is missing' '$T/out'"
check "and the index is unchanged" sh -c "'$EQ' -c '$T/embargo.conf' list --json --state quarantined | grep -q '\"id\":\"$C\"'"
cp "$T/c.eml" "$Q/msg/$C.eml"; echo tampered >> "$Q/msg/$C.eml"
"$EQ" -c "$T/embargo.conf" release $C > "$T/out" 2>&1; rc=$?
check "release of a damaged file refused (exit 1)" sh -c "test $rc = 1 && grep -q 'damaged' '$T/out'"
check "nothing delivered for them" test ! -e "$T/release.log"

# --rescan: a macro document the current policy still quarantines is refused
# (index unchanged) unless --force; a clean message passes the rescan.
R=eeee0000000000000000000f
cp "$EMBARGO_CORPUS/eml/vba_macro/document_SimpleMacro.doc.eml" "$Q/msg/$R.eml"
printf 'embargo-store 1\nid %s\ntime %s\nsize 1\nhas_file 1\nsender s@example.org\nrecipients r@example.net\nsubject rescan\naction quarantine\nstate quarantined\n' \
    $R "$(date +%s)" > "$Q/msg/$R.meta"
touch -d '-2 minutes' "$Q/msg/$R.eml" "$Q/msg/$R.meta"
"$EQ" -c "$T/embargo.conf" fsck > /dev/null 2>&1
"$EQ" -c "$T/embargo.conf" release $R --rescan > "$T/out" 2>&1; rc=$?
check "--rescan: refused while the current policy would not deliver" \
    sh -c "test $rc = 1 && grep -q '^rescan: quarantine' '$T/out' && grep -q 'not released' '$T/out'"
check "--rescan: refused, the entry stays quarantined" test "$(cnt --state quarantined --subject rescan)" = 1
"$EQ" -c "$T/embargo.conf" release $R --rescan --force > "$T/out" 2>&1; rc=$?
check "--rescan --force: released anyway" sh -c "test $rc = 0 && grep -q 'released to 1' '$T/out'"
: > "$T/release.log"; rm -f "$T"/out.*

# Release: marker headers, recorded with the acting user.
SUDO_USER=alice "$EQ" -c "$T/embargo.conf" release $B > "$T/out" 2>&1; rc=$?
check "-c refused under sudo" sh -c "test $rc = 1 && grep -q 'not allowed under sudo' '$T/out'"
"$EQ" -c "$T/embargo.conf" release $B --rescan > "$T/out" 2>&1
check "--rescan of a clean message: delivered" grep -q "^rescan: accept" "$T/out"
check "release prints the count" grep -q "$B released to 1 recipient" "$T/out"
check "release_command got -i -f sender -- rcpt" grep -q "^5 -i -f eve@evil.example -- bob@example.net$" "$T/release.log"
check "released copy carries X-Embargo-Released" grep -qE "^X-Embargo-Released: $B; by=root; at=[0-9T:-]+Z" "$T/out.0"
check "released copy carries the HMAC" grep -qE "^X-Embargo-Release-Auth: v1 [0-9a-f]{64}" "$T/out.0"
check "released copy is the stored message after the markers" grep -q "body of $B" "$T/out.0"
"$EQ" -c "$T/embargo.conf" show $B > "$T/out" 2>&1
check "history: releasing then released, by root" sh -c "grep -q 'releasing *by root' '$T/out' && grep -q 'released *by root: to 1 recipient' '$T/out'"
"$EQ" -c "$T/embargo.conf" release $B > "$T/out" 2>&1; rc=$?
check "a second release is refused" sh -c "test $rc = 1 && grep -q 'released: nothing to release' '$T/out'"

# Two concurrent releases of one id deliver once (reliability probe 3c).
echo 1 > "$T/delay"; : > "$T/release.log"
"$EQ" -c "$T/embargo.conf" release $A > "$T/r1" 2>&1 & p1=$!
"$EQ" -c "$T/embargo.conf" release $A > "$T/r2" 2>&1 & p2=$!
wait $p1; r1=$?; wait $p2; r2=$?
rm -f "$T/delay"
check "two concurrent releases: one delivery" test "$(wc -l < "$T/release.log")" = 1
check "two concurrent releases: one succeeds, one is refused" test "$((r1 + r2))" = 1
check "the refused one says why" sh -c "cat '$T/r1' '$T/r2' | grep -q 'another release has it\|release is in progress'"

# 300 recipients (reliability probe 4e): batches of 100, all delivered; a failed
# batch leaves the entry quarantined and a retry resumes after the delivered ones.
: > "$T/release.log"; echo 1 > "$T/fail-after"
"$EQ" -c "$T/embargo.conf" release $E > "$T/out" 2>&1; rc=$?
check "a failed batch: exit 2, not released" sh -c "test $rc = 2 && grep -q 'failed after 100 of 300 recipients' '$T/out'"
check "a failed batch: entry quarantined again" test "$(cnt --state quarantined --subject many)" = 1
rm -f "$T/fail-after"
"$EQ" -c "$T/embargo.conf" release $E > "$T/out" 2>&1
check "the retry resumes after 100" grep -q "resuming after 100 recipients" "$T/out"
check "300 recipients: every one delivered exactly once" \
    sh -c "cut -d' ' -f6- '$T/release.log' | tr ' ' '\n' | sort | uniq -c | awk '\$1 != 1 { bad = 1 } END { exit bad }' && test \$(cut -d' ' -f6- '$T/release.log' | wc -w) = 300"
check "300 recipients: batches of at most 100" sh -c "awk '\$1 > 105 { bad = 1 } END { exit bad }' '$T/release.log'"
check "300 recipients: released" test "$(cnt --state released --subject many)" = 1

# A release interrupted by a crash (state releasing): refused with a hint; --retry
# resets it and delivers.
sqlite3 "$Q/index.db" "update quarantine set state = 'releasing' where id = '$C'"
: > "$T/release.log"
"$EQ" -c "$T/embargo.conf" release $C > "$T/out" 2>&1; rc=$?
check "an interrupted release is refused with the --retry hint" \
    sh -c "test $rc = 1 && grep -q 'release --retry $C' '$T/out'"
cp "$T/c.eml" "$Q/msg/$C.eml"
"$EQ" -c "$T/embargo.conf" release $C --retry > "$T/out" 2>&1; rc=$?
check "release --retry delivers it" sh -c "test $rc = 0 && test \$(wc -l < '$T/release.log') = 1"
"$EQ" -c "$T/embargo.conf" show $C > "$T/out" 2>&1
check "the reset is in the history" grep -q "release-reset *by root" "$T/out"

# delete, purge, audit kept; each change is a syslog line. A private /dev/log (a
# mount namespace with its own /dev) catches what the tool sends to syslog.
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
mkdir -p "$T/dev"; : > "$T/dev/null"; : > "$T/dev/urandom"
python3 -c "
import socket, sys, os
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind('$T/dev/log')
open('$T/syslog.ready', 'w').close()
with open('$T/syslog.txt', 'ab', 0) as f:
    while True:
        f.write(s.recv(65536) + b'\n')" &
slp=$!
i=0; while [ ! -e "$T/syslog.ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
unshare -m sh -c "mount --bind /dev/null '$T/dev/null' && mount --bind /dev/urandom '$T/dev/urandom' && \
    mount --bind '$T/dev' /dev && exec '$EQ' -c '$T/embargo.conf' delete $D" > "$T/out" 2>&1
sleep 0.3
kill $slp 2>/dev/null
check "delete: a syslog line on the mail facility with user and id" \
    grep -q "^<21>.*embargo-quarantine\[[0-9]*\]: quarantine=$D event=deleted user=root" "$T/syslog.txt"
else
	ok "syslog line per change: SKIP (needs root and mount namespaces)"
	"$EQ" -c "$T/embargo.conf" delete $D > "$T/out" 2>&1
fi
check "delete removes the files" sh -c "test ! -e '$Q/msg/$D.eml' && test ! -e '$Q/msg/$D.meta'"
check "deleted entry listed as deleted" test "$(cnt --state deleted)" = 1
"$EQ" -c "$T/embargo.conf" purge --older-than 1h > "$T/out" 2>&1
check "purge removes entries older than the age" sh -c "grep -q 'purged 1 message' '$T/out' && test ! -e '$Q/msg/$A.eml'"
check "purge leaves the younger ones" test "$(cnt)" = 5
check "audit rows outlive purge" sh -c "sqlite3 '$Q/index.db' \"select event from audit where id='$A'\" | grep -q purged"

# fsck: a file without a row (a crash before the insert) is re-indexed.
sqlite3 "$Q/index.db" "delete from quarantine where id = '$C'"
touch -d '-2 minutes' "$Q/msg/$C.eml" "$Q/msg/$C.meta"   # older than fsck's grace
"$EQ" -c "$T/embargo.conf" fsck > "$T/out" 2>&1
check "fsck re-indexes a file without a row" grep -q "reindexed 1" "$T/out"

# Damaged and locked indexes: clear errors, exit 2.
python3 -c "
import sqlite3, time, sys
c = sqlite3.connect('$Q/index.db', isolation_level=None); c.execute('BEGIN EXCLUSIVE')
open('$T/locked', 'w').close(); time.sleep(13)" &
lp=$!
i=0; while [ ! -e "$T/locked" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
"$EQ" -c "$T/embargo.conf" delete $C > "$T/out" 2>&1; rc=$?
kill $lp 2>/dev/null; wait $lp 2>/dev/null
check "a locked index: exit 2 after the busy timeout" test "$rc" = 2
check "a locked index: says locked" grep -q "locked" "$T/out"
cp "$Q/index.db" "$T/index.good"
head -c 4096 /dev/urandom | dd of="$Q/index.db" conv=notrunc 2>/dev/null
rm -f "$Q/index.db-wal" "$Q/index.db-shm"
"$EQ" -c "$T/embargo.conf" list > "$T/out" 2>&1; rc=$?
check "a garbage index: exit 2 with the reason" sh -c "test $rc = 2 && grep -q 'not a database' '$T/out'"
: > "$Q/index.db"
"$EQ" -c "$T/embargo.conf" list > "$T/out" 2>&1; rc=$?
check "an index truncated to 0 bytes: exit 2, names reindex" sh -c "test $rc = 2 && grep -q 'embargo-quarantine reindex' '$T/out'"
"$EQ" -c "$T/embargo.conf" reindex > "$T/out" 2>&1
check "reindex after truncation recovers the stored messages" test "$(cnt)" = 4

if [ "$(id -u)" = 0 ]; then
	chown nobody "$T/embargo.conf"
	"$EQ" -c "$T/embargo.conf" list > "$T/out" 2>&1; rc=$?
	check "as root, a config not owned by root is refused" sh -c "test $rc = 1 && grep -q 'owned by root' '$T/out'"
fi
[ -n "${KEEP:-}" ] || rm -rf "$T"
