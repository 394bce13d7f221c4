# t_corpus.sh: the daemon behind Postfix finds in corpus messages exactly what
# embargo-scan finds in the same files (same pipeline, headers through the milter
# callbacks instead of the stream).
n=0
for f in "$EMBARGO_CORPUS"/eml/tricky/*.eml "$EMBARGO_CORPUS"/eml/native/*.eml \
    $(for d in "$EMBARGO_CORPUS"/eml/*/; do ls "$d"*.eml 2>/dev/null | head -1; done); do
	[ -f "$f" ] || continue
	n=$((n + 1))
	name=$(basename "$f")
	before=$(grep -c ": from=<" "$DIR/embargo.log")
	send "$f" > "$DIR/corpus.swaks"
	"$EMBARGO_BUILD/embargo-scan" -c "$DIR/embargo.conf" --json "$f" > "$DIR/corpus.json" 2>/dev/null
	# sends are sequential: the next summary line is this message's, whatever
	# Postfix answered (delivered, rejected, held)
	i=0
	while [ "$(grep -c ": from=<" "$DIR/embargo.log")" -le "$before" ] && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1))
	done
	qid=$(grep ": from=<" "$DIR/embargo.log" | sed -n "$((before + 1))p" | sed -n 's/^[^ ]* embargo\[[a-z]*\]: \([^:]*\): from=.*/\1/p')
	if [ -n "$qid" ] && python3 "$EMBARGO_ROOT/tests/e2e/same_findings.py" "$DIR/embargo.log" "$qid" "$DIR/corpus.json" > "$DIR/corpus.cmp" 2>&1; then
		ok "daemon and embargo-scan agree on $name"
	else
		notok "daemon and embargo-scan agree on $name (qid ${qid:-none})"; sed 's/^/    /' "$DIR/corpus.cmp" 2>/dev/null
	fi
done
[ $n -gt 20 ] && ok "corpus messages sent through Postfix: $n" || notok "corpus messages found under $EMBARGO_CORPUS/eml"
