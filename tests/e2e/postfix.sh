# postfix.sh: a private Postfix instance on loopback for end-to-end tests (sourced).
# Each setting is there for a loopback test instance (Nagle, DNS, chroot, sink).
#   pf_setup DIR MILTER   config, queue and data under DIR/pf, smtpd on $PF_PORT,
#                         everything relayed to an smtp-sink on $SINK_PORT that
#                         writes each message to DIR/sink/
#   pf_start / pf_stop    start and stop Postfix and the sink
#   pf_use DIR            switch to the instance set up in DIR (several may run side
#                         by side: each has its own config, queue, ports and sink);
#                         PF_HOSTNAME (before pf_setup) names it (default mx.embargo.test)
#   pf_log                Postfix's log file
#   wait_sink N           wait until N messages arrived at the sink (at most 30 s)
#   wait_log PATTERN      wait until Postfix's log matches (at most 30 s)

pf_setup() {
	PF=$1/pf; SINK=$1/sink
	PF_PORT=$(free_port); SINK_PORT=$(free_port)
	mkdir -p "$PF/etc" "$PF/queue" "$PF/data" "$SINK"
	chown postfix "$PF/data"; chmod 700 "$PF/data"
	chmod 777 "$SINK"
	printf 'PF_PORT=%s\nSINK_PORT=%s\n' "$PF_PORT" "$SINK_PORT" > "$1/pf.ports"
	cp /usr/share/postfix/master.cf.dist "$PF/etc/master.cf"
	: > "$PF/etc/main.cf"
	postconf -c "$PF/etc" -e \
	    "compatibility_level = 3.6" \
	    "queue_directory = $PF/queue" "data_directory = $PF/data" \
	    "maillog_file = $PF/maillog" "maillog_file_prefixes = /var, /dev/stdout, /tmp" \
	    "myhostname = ${PF_HOSTNAME:-mx.embargo.test}" "mydomain = embargo.test" \
	    "inet_interfaces = 127.0.0.1" "inet_protocols = ipv4" "mynetworks = 127.0.0.0/8" \
	    "mydestination =" "alias_maps =" "alias_database =" "local_recipient_maps =" \
	    "relay_domains =" "relayhost = [127.0.0.1]:$SINK_PORT" \
	    "smtp_dns_support_level = disabled" "disable_dns_lookups = yes" \
	    "smtpd_relay_restrictions = permit_mynetworks, reject" \
	    "in_flow_delay = 0" "smtpd_error_sleep_time = 0" \
	    "smtpd_soft_error_limit = 1000" "smtpd_hard_error_limit = 1000" \
	    "smtpd_milters = $2" "non_smtpd_milters = $2" \
	    "milter_default_action = tempfail" "milter_protocol = 6" \
	    "milter_connect_timeout = 5s" "milter_command_timeout = 30s" \
	    "milter_content_timeout = 60s" 2>/dev/null
	postconf -c "$PF/etc" -F '*/*/chroot = n'
	postconf -c "$PF/etc" -MX smtp/inet
	postconf -c "$PF/etc" -M "127.0.0.1:$PF_PORT/inet = 127.0.0.1:$PF_PORT inet n - n - - smtpd"
}

pf_use() {
	PF=$1/pf; SINK=$1/sink
	. "$1/pf.ports"
}

pf_start() {
	smtp-sink -u postfix -d "$SINK/%Y%m%d%H%M%S." -c "127.0.0.1:$SINK_PORT" 100 \
	    >"$PF/sink.log" 2>&1 &
	echo $! > "$PF/sink.pid"
	postfix -c "$PF/etc" check && postfix -c "$PF/etc" start >/dev/null 2>&1 || {
		echo "postfix failed to start:"; cat "$PF/maillog" 2>/dev/null; return 1; }
	i=0
	until nc_ok "$PF_PORT"; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1
	done
}

nc_ok() {
	python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),1)" 2>/dev/null
}

pf_stop() {
	postfix -c "$PF/etc" stop >/dev/null 2>&1
	pid=$(cat "$PF/queue/pid/master.pid" 2>/dev/null | tr -d ' ')
	i=0
	while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	kill "$(cat "$PF/sink.pid" 2>/dev/null)" 2>/dev/null
	return 0
}

pf_log() { echo "$PF/maillog"; }

wait_sink() {
	i=0
	while [ "$(ls "$SINK" | wc -l)" -lt "$1" ] && [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ "$(ls "$SINK" | wc -l)" -ge "$1" ]
}

wait_log() {
	i=0
	while ! grep -q -- "$1" "$PF/maillog" 2>/dev/null && [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	grep -q -- "$1" "$PF/maillog" 2>/dev/null
}

# send FILE [swaks options...]: one message through Postfix; prints swaks's output.
send() {
	f=$1; shift
	swaks --server "127.0.0.1:$PF_PORT" --from sender@example.org --to rcpt@example.net \
	    --data "@$f" --timeout 60 "$@" 2>&1
}

# Postfix's queue id for the message whose swaks transcript is in $1.
qid_of() { sed -n 's/.*250 2\.0\.0 Ok: queued as \([0-9A-Za-z]*\).*/\1/p' "$1" | head -1; }
