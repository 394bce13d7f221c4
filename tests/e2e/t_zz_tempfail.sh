# t_zz_tempfail.sh (runs last): with embargo stopped, Postfix tempfails the message
# (milter_default_action = tempfail) instead of delivering it unscanned or losing it;
# after a restart the same message goes through.
M=$DIR/tempfail.eml
printf 'From: sender@example.org\r\nTo: rcpt@example.net\r\nSubject: e2e tempfail\r\n\r\nWhile the milter is down.\r\n' > "$M"
em_stop "$DIR"
before=$(ls "$SINK" | wc -l)
send "$M" > "$DIR/tempfail.swaks"
check "with embargo down the SMTP reply is a 4xx" grep -qE "^<\*\* +4[0-9][0-9] " "$DIR/tempfail.swaks"
check "nothing was queued while embargo was down" sh -c "! grep -q 'queued as' '$DIR/tempfail.swaks'"
sleep 1
check "nothing reached the sink" test "$(ls "$SINK" | wc -l)" -eq "$before"
em_start "$DIR" "$SOCK"
send "$M" > "$DIR/tempfail2.swaks"
check "after restart the message is accepted" grep -q "250 2.0.0 Ok: queued as" "$DIR/tempfail2.swaks"
check "and delivered" wait_sink $((before + 1))
