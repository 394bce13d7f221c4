# t_basic.sh: a message sent through Postfix arrives at the sink with the X-Embargo
# header, and Embargo's summary line carries Postfix's queue id.
M=$DIR/basic.eml
printf 'From: sender@example.org\r\nTo: rcpt@example.net\r\nSubject: e2e basic\r\n\r\nHello through Postfix.\r\n' > "$M"
before=$(ls "$SINK" | wc -l)
send "$M" > "$DIR/basic.swaks"
check "swaks gets 250 queued" grep -q "250 2.0.0 Ok: queued as" "$DIR/basic.swaks"
QID=$(qid_of "$DIR/basic.swaks")
check "message delivered to the sink" wait_sink $((before + 1))
check "delivered copy has X-Embargo with version and size" \
    grep -qE "^X-Embargo: Embargo [0-9]+\.[0-9]+\.[0-9]+; size=[0-9]+" $(ls -t "$SINK"/* | head -1)
check "embargo summary line keyed by Postfix's queue id $QID" \
    grep -q "$QID: from=<sender@example.org> to=<rcpt@example.net>" "$DIR/embargo.log"
