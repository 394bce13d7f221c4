# t_digest.sh: embargo-quarantine digest and embargo-web's /d/ links, on a store
# built from fixture files: the dry run lists each recipient's held mail once, grouped,
# in English and in Japanese (decoded subjects, plain reasons, links), honours --since
# and --to; a real run sends one multipart/alternative message per recipient through
# release_command (RFC 2047 Subject, base64 UTF-8 parts, escaped HTML) and a second
# run the same day sends nothing; a link's GET changes nothing, its POST records
# release-requested by digest:RCPT once; forged, expired and reused links get 403/410;
# a rule with release = "self" releases to the recipient; --notice sends one rate-
# limited admin notice. Needs root (embargo-web switches to nobody).
if [ "$(id -u)" != 0 ] || ! getent passwd nobody > /dev/null; then
	ok "digest: SKIP (needs root and user nobody)"
	return 0 2>/dev/null || exit 0
fi
T=$(mktemp -d /tmp/embargo-digest.XXXXXX) || exit 1
chmod 755 "$T"
Q=$T/quarantine
P=$(free_port)
U="http://127.0.0.1:$P"
EQ="$EMBARGO_BUILD/embargo-quarantine"
mkdir -p "$T/out"
# release_command: each run's arguments and message into out/N.args, out/N.eml
printf '#!/bin/sh\nn=$(ls %s/out | wc -l)\necho "$*" > %s/out/$n.args\ncat > %s/out/$n.eml\n' "$T" "$T" "$T" > "$T/send.sh"
chmod 755 "$T/send.sh"
chown nobody "$T/out"
cat > "$T/policy.conf" <<'POL'
rules = (
	{ name = "quarantine-active-content"; action = "quarantine"; findings = [ "macro.*" ]; },
	{ name = "self-service"; action = "quarantine"; findings = [ "pdf.*" ]; release = "self"; }
);
POL
em_config "$T" "user = \"nobody\"" "web_listen = \"127.0.0.1:$P\"" "web_url = \"$U\"" \
    "web_users = \"$T/web_users\"" "release_command = \"$T/send.sh\"" \
    "policy_file = \"$T/policy.conf\"" "digest_templates = \"$EMBARGO_ROOT/conf/digest\"" \
    "digest_from = \"postmaster@gw.example\""
mkdir -p "$Q/msg" "$Q/tmp"
head -c 32 /dev/urandom > "$Q/release.key"
NOW=$(date +%s)
# fixture ID RCPTS(\n-separated) SUBJECT RULE FINDINGS AGE-SECONDS [STATE]
fixture() {
	printf 'From: a@example.org\r\nTo: x\r\nSubject: %s\r\n\r\nbody\r\n' "$3" > "$Q/msg/$1.eml"
	printf 'embargo-store 1\nid %s\ntime %s\nsize 60\nhas_file 1\nsender a@example.org\nrecipients %s\nsubject %s\nrule %s\nfindings %s\naction quarantine\nstate %s\n' \
	    "$1" "$((NOW - $6))" "$2" "$3" "$4" "$5" "${7:-quarantined}" > "$Q/msg/$1.meta"
}
A=d1000000000000000000000a B=d1000000000000000000000b C=d1000000000000000000000c
D=d1000000000000000000000d E=d1000000000000000000000e F=d1000000000000000000000f
fixture $A 'alice@b.example\nbob@b.example' 'invoice <script>alert(1)</script>' quarantine-active-content macro.vba@2:x.doc 3600
fixture $B 'Alice@b.example' '=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=' quarantine-active-content macro.vba.autoexec@2:y.xlsm 7200
fixture $C 'carol@c.example' 'old one' quarantine-active-content macro.vba@2:z.doc 200000
fixture $D 'dave@c.example' 'already released' quarantine-active-content macro.vba@2:z.doc 60 released
fixture $E 'erin@c.example' 'self service pdf' self-service pdf.javascript@2:a.pdf 60
fixture $F 'frank@c.example' 'gone later' quarantine-active-content macro.vba@2:f.doc 60
# For the admin notice (interval 1 day): stored in the middle of yesterday (UTC), released.
fixture d1000000000000000000001a 'zed@z.example' 'noticed' quarantine-active-content macro.vba@2:q.doc \
    $((NOW - (NOW / 86400 * 86400 - 43200))) released
"$EQ" -c "$T/embargo.conf" reindex > /dev/null
check "fixture: recipients stored one per line" \
    sh -c "'$EQ' -c '$T/embargo.conf' show $A | grep -q 'bob@b.example'"

# Dry run, English.
"$EQ" -c "$T/embargo.conf" digest --dry-run > "$T/dry.en" 2>&1; rc=$?
check "dry run exits 0 ($rc)" test $rc = 0
check "dry run: one digest per recipient (alice, bob, erin, frank), sorted" \
    test "$(grep '^To: ' "$T/dry.en" | tr '\n' ' ')" = "To: alice@b.example To: bob@b.example To: erin@c.example To: frank@c.example "
check "dry run: alice's two entries grouped in one digest (case-folded address)" \
    sh -c "sed -n '/^To: alice/,/^To: bob/p' '$T/dry.en' | grep -c '^- From:' | grep -qx 2"
check "dry run: the subject says the recipient and the count" \
    grep -q '^Subject: Held mail for alice@b.example: 2 message(s)' "$T/dry.en"
check "dry run: the RFC 2047 subject decoded (ISO-2022-JP to UTF-8)" grep -q 'Subject: こんにちは' "$T/dry.en"
check "dry run: the reason in plain words, not the rule's name" \
    sh -c "grep -q 'Why:     A document in it has macros' '$T/dry.en' && ! grep -q 'quarantine-active-content' '$T/dry.en'"
check "dry run: a link per entry to web_url/d/" \
    test "$(grep -c "^  $U/d/[A-Za-z0-9_-]*\$" "$T/dry.en")" = 5
check "dry run: older than 24h and released entries left out" \
    sh -c "! grep -qE 'old one|already released|carol|dave' '$T/dry.en'"
check "dry run sends nothing" test -z "$(ls "$T/out")"
"$EQ" -c "$T/embargo.conf" digest --dry-run --since 3d > "$T/dry.since"
check "--since 3d includes the older entry" grep -q 'old one' "$T/dry.since"
"$EQ" -c "$T/embargo.conf" digest --dry-run --to erin@c.example > "$T/dry.to"
check "--to limits the recipients" test "$(grep -c '^To: ' "$T/dry.to")" = 1
sed -i "s|^web_url = .*|web_url = \"$U/\";|" "$T/embargo.conf"
"$EQ" -c "$T/embargo.conf" digest --dry-run --to erin@c.example > "$T/dry.slash"
check "a web_url ending in / gives links without //" \
    sh -c "grep -q '^  $U/d/' '$T/dry.slash' && ! grep -q '//d/' '$T/dry.slash'"
sed -i "s|^web_url = .*|web_url = \"$U\";|" "$T/embargo.conf"
# Japanese.
sed -i 's/^digest_language = .*/digest_language = "ja";/' "$T/embargo.conf"
"$EQ" -c "$T/embargo.conf" digest --dry-run > "$T/dry.ja"
check "ja dry run: Japanese subject and text" \
    sh -c "grep -q '^Subject: 保留中のメール (alice@b.example 宛て 2 件)' '$T/dry.ja' && grep -q '差出人: a@example.org' '$T/dry.ja'"
check "ja dry run: the reason in Japanese" grep -q '理由:   添付文書に、開くとコードを実行できるマクロ' "$T/dry.ja"
sed -i 's/^digest_language = .*/digest_language = "xx";/' "$T/embargo.conf"
"$EQ" -c "$T/embargo.conf" digest --dry-run > "$T/dry.xx" 2>&1; rc=$?
check "an unknown digest_language is refused ($rc)" sh -c "test $rc = 2 && grep -q 'en or ja' '$T/dry.xx'"
sed -i 's/^digest_language = .*/digest_language = "ja";/' "$T/embargo.conf"

# A real run: one message per recipient through release_command.
"$EQ" -c "$T/embargo.conf" digest > "$T/run1.out" 2>&1; rc=$?
check "digest run exits 0 ($rc)" test $rc = 0
check "four messages sent, each to one recipient with -f digest_from" \
    sh -c "test \$(ls '$T'/out/*.eml | wc -l) = 4 && grep -qx -- '-i -f postmaster@gw.example -- alice@b.example' '$T'/out/*.args"
M=$(grep -l -- '-- alice@b.example' "$T"/out/*.args | sed 's/args$/eml/')
python3 - "$M" "$T/mail" <<'PY' > "$T/parse.out" 2>&1
import email, email.policy, sys
raw = open(sys.argv[1], 'rb').read()
m = email.message_from_bytes(raw, policy=email.policy.default)
assert b'\r\n' in raw and b'\n' not in raw.replace(b'\r\n', b''), 'CRLF lines'
assert m['Subject'].startswith('=?') is False
raw_subj = [l for l in raw.split(b'\r\n') if l.startswith(b'Subject:')][0]
assert b'=?UTF-8?B?' in raw_subj, raw_subj
assert str(m['Subject']) == '保留中のメール (alice@b.example 宛て 2 件)', str(m['Subject'])
assert m.get_content_type() == 'multipart/alternative'
assert m['Auto-Submitted'] == 'auto-generated'
parts = list(m.iter_parts())
assert [p.get_content_type() for p in parts] == ['text/plain', 'text/html']
for p in parts:
    assert p['Content-Transfer-Encoding'] == 'base64'
    assert p.get_content_charset() == 'utf-8'
html = parts[1].get_content()
assert 'invoice &lt;script&gt;alert(1)&lt;/script&gt;' in html and '<script>' not in html
assert 'src=' not in html and 'http://' not in html.replace(sys.argv[2] if False else '', '') or True
open(sys.argv[2] + '.txt', 'w').write(parts[0].get_content())
open(sys.argv[2] + '.html', 'w').write(html)
print('parsed')
PY
check "the digest parses: RFC 2047 UTF-8 Subject, multipart/alternative, base64 UTF-8 parts, escaped HTML" \
    grep -qx parsed "$T/parse.out" || cat "$T/parse.out"
check "the HTML part loads nothing remote (only links to web_url)" \
    sh -c "! grep -qiE '<img|<script|<link|<iframe|src=' '$T/mail.html'"
"$EQ" -c "$T/embargo.conf" digest > "$T/run2.out" 2>&1
check "a second run the same day sends nothing (once per recipient and day)" \
    sh -c "test \$(ls '$T'/out/*.eml | wc -l) = 4 && test \$(grep -c 'already sent today' '$T/run2.out') = 4"
echo admin-pw | "$EQ" -c "$T/embargo.conf" passwd alice --role admin
chmod 644 "$T/web_users"
chown -R nobody:nogroup "$Q"

# embargo-web and the links.
"$EMBARGO_BUILD/embargo-web" -c "$T/embargo.conf" > "$T/web.log" 2>&1 &
WPID=$!
i=0; while ! grep -q "listening on" "$T/web.log" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
code() { curl -s -o /dev/null -w "%{http_code}" "$@"; }
LA=$(grep -o "$U/d/[A-Za-z0-9_-]*" "$T/mail.txt" | tail -1)     # alice, entry A
LE=$(grep -o "$U/d/[A-Za-z0-9_-]*" "$T"/dry.to | head -1)        # erin, entry E (dry run: same key)
curl -s "$LA" > "$T/get.html"
check "GET shows the entry escaped, with a POST form" \
    sh -c "grep -q 'invoice &lt;script&gt;' '$T/get.html' && grep -q '<form method=\"post\" action=\"/d/' '$T/get.html' && ! grep -q '<script>alert' '$T/get.html'"
curl -s "$LA" > /dev/null
check "GET (twice) consumes nothing and records nothing" \
    sh -c "! '$EQ' -c '$T/embargo.conf' show $A | grep -q release-requested"
check "POST: 200" test "$(code -d confirm=1 "$LA")" = 200
"$EQ" -c "$T/embargo.conf" show $A > "$T/showA"
check "the audit trail records release-requested by digest:alice@b.example" \
    grep -q 'release-requested.*digest:alice@b.example' "$T/showA"
check "the entry stays quarantined (the admins decide)" grep -q 'quarantined' "$T/showA"
check "a reused link: 410" test "$(code -d confirm=1 "$LA")" = 410
check "the reused link recorded nothing more" test "$(grep -c release-requested "$T/showA")" = 1
TOK=${LA#"$U/d/"}
FORGED=$(printf '%s' "$TOK" | python3 -c 'import sys; t=sys.stdin.read(); print(t[:-3] + ("A" if t[-3] != "A" else "B") + t[-2:])')
check "a forged link (one MAC character changed): 403 on GET and POST" \
    sh -c "test \"\$(curl -s -o /dev/null -w '%{http_code}' '$U/d/$FORGED')\" = 403 && test \"\$(curl -s -o /dev/null -w '%{http_code}' -d confirm=1 '$U/d/$FORGED')\" = 403"
LONG=$(head -c 3000 /dev/zero | tr '\0' A)
check "garbage, empty and over-long tokens: 403" \
    sh -c "test \"\$(curl -s -o /dev/null -w '%{http_code}' '$U/d/notAtoken_at-all')\" = 403 && test \"\$(curl -s -o /dev/null -w '%{http_code}' '$U/d/')\" = 403 && test \"\$(curl -s -o /dev/null -w '%{http_code}' '$U/d/$LONG')\" = 403"
# An expired link, signed with the real key (the format of digest.h, made independently).
EXP=$(python3 -c 'import base64, hashlib, hmac, sys
p = ("1|%s|%s|%s|release" % tuple(sys.argv[2:5])).encode()
k = open(sys.argv[1], "rb").read()
print(base64.urlsafe_b64encode(p + hmac.new(k, p, hashlib.sha256).digest()).decode().rstrip("="))' \
    "$Q/digest.key" $B alice@b.example $((NOW - 10)))
FRESH=$(python3 -c 'import base64, hashlib, hmac, sys
p = ("1|%s|%s|%s|release" % tuple(sys.argv[2:5])).encode()
k = open(sys.argv[1], "rb").read()
print(base64.urlsafe_b64encode(p + hmac.new(k, p, hashlib.sha256).digest()).decode().rstrip("="))' \
    "$Q/digest.key" $B alice@b.example $((NOW + 600)))
check "a link made independently with the key and a future expiry is accepted (GET 200)" \
    test "$(code "$U/d/$FRESH")" = 200
check "an expired link: 410 (and it shows nothing)" \
    sh -c "test \"\$(curl -s -o '$T/exp.html' -w '%{http_code}' '$U/d/$EXP')\" = 410 && ! grep -q 'a@example.org' '$T/exp.html'"
check "self-release rule: POST releases to the recipient" \
    test "$(code -d confirm=1 "$LE")" = 200
"$EQ" -c "$T/embargo.conf" show $E > "$T/showE"
check "self-release: released by digest:erin@c.example, delivered to erin only" \
    sh -c "grep -q 'released' '$T/showE' && grep -q 'digest:erin@c.example' '$T/showE' && grep -qx -- '-i -f a@example.org -- erin@c.example' '$T'/out/*.args"
"$EQ" -c "$T/embargo.conf" delete $F > /dev/null
LF=$(grep -o "$U/d/[A-Za-z0-9_-]*" "$T/dry.en" | tail -1)
check "a link to an entry no longer held: 410" test "$(code "$LF")" = 410

# The admin notice, rate-limited per window.
sed -i 's/^admin_notice = .*/admin_notice = "admin@gw.example";/; s/^admin_notice_interval = .*/admin_notice_interval = 86400;/' "$T/embargo.conf"
n0=$(ls "$T"/out/*.eml | wc -l)
YNOON=$((NOW / 86400 * 86400 - 43200))
sqlite3 "$Q/index.db" "INSERT INTO audit (id, time, event, user, detail) VALUES ('$C', $YNOON, 'release-requested', 'digest:carol@c.example', 'digest link')"
"$EQ" -c "$T/embargo.conf" digest --notice > "$T/n1.out" 2>&1
"$EQ" -c "$T/embargo.conf" digest --notice > "$T/n2.out" 2>&1
M=$(ls -t "$T"/out/*.eml | head -1)
check "the notice names the count, the recipient domain and the release requests" \
    sh -c "grep -q 'To: admin@gw.example' '$M' && python3 -c 'import email,sys; m=email.message_from_bytes(open(sys.argv[1],\"rb\").read()); assert m.get_content_type() == \"text/plain\"; t=m.get_payload(decode=True).decode(); assert \"z.example\" in t and \"1 message quarantined\" in t and \"Release requested from digest links:\n$C\" in t and \"by digest:carol@c.example\" in t, t' '$M'"
check "--notice twice in a window: one notice to admin_notice" \
    sh -c "test \$(ls '$T'/out/*.eml | wc -l) = $((n0 + 1)) && grep -q 'notice sent to admin@gw.example' '$T/n1.out' && grep -q 'already sent' '$T/n2.out'"

kill "$WPID"; wait "$WPID" 2>/dev/null
[ -n "${KEEP:-}" ] || rm -rf "$T"
