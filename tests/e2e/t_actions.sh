# t_actions.sh: the shipped policy behind Postfix, on corpus messages: a clean
# document is delivered untouched, a macro document is quarantined (accepted, not
# delivered, in the store under Postfix's queue id), an executable is rejected with
# the configured reply. (Release, strip and a full quarantine are in
# t_actions_custom.sh, with a policy that does not depend on the analysers.)
# Depends on the scanners (type detection, OLE/VBA): fails honestly until they land.
C=$EMBARGO_CORPUS/eml
clean=$C/clean/EmbeddedDocument.docx.eml
macro=$C/vba_macro/document_SimpleMacro.doc.eml
exe=$C/executable/clam-aspack.exe.eml

before=$(ls "$SINK" | wc -l)
send "$clean" > "$DIR/act-clean.swaks"
check "clean document: 250 queued" grep -q "250 2.0.0 Ok: queued as" "$DIR/act-clean.swaks"
check "clean document delivered" wait_sink $((before + 1))
last=$(ls -t "$SINK"/* 2>/dev/null | head -1)
check "clean document not tagged" sh -c "! grep -q '^X-Embargo-Action:' '$last'"

before=$(ls "$SINK" | wc -l)
send "$macro" > "$DIR/act-macro.swaks"
check "macro document: 250 queued (quarantine discards after storing)" \
    grep -q "250 2.0.0 Ok: queued as" "$DIR/act-macro.swaks"
MQID=$(qid_of "$DIR/act-macro.swaks")
wait_log "$MQID: milter-discard" >/dev/null
sleep 1
check "macro document not delivered" test "$(ls "$SINK" | wc -l)" -eq "$before"
"$EMBARGO_BUILD/embargo-quarantine" -c "$DIR/embargo.conf" list --json > "$DIR/act-list.json" 2>&1
check "macro document in the quarantine under queue id $MQID" \
    grep -q "\"queue_id\":\"$MQID\".*\"action\":\"quarantine\"" "$DIR/act-list.json"

send "$exe" > "$DIR/act-exe.swaks"
check "executable rejected with the configured reply" \
    grep -q "550 5.7.1 Executable content is not accepted" "$DIR/act-exe.swaks"

