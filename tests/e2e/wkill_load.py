#!/usr/bin/env python3
"""wkill_load.py: the sender of t_worker_kill.sh, standing in for the upstream MTA
(fleet_load.py's sender and threads: what gets a 4xx is kept and sent again later).
  send OUT N PORT CLEAN MACRO ZIP   N messages, I % 3: 0 the macro document MACRO,
      1 the small text CLEAN, 2 the clean zip ZIP; Message-ID <wkill-I@e2e.test>,
      Subject "wkill I KIND"; appends "I accepted|deferred|rejected CODE" per
      message to OUT.
  retry OUT PORT CLEAN MACRO ZIP    sends again each message OUT says was deferred
      (last word per I), appends the new outcome.
Limits: no TLS, no AUTH; one connection per message."""
import os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fleet_load  # noqa: E402

KINDS = ["macro", "clean", "zip"]

def message(i, tmpl):
    kind = KINDS[i % 3]
    lines = [l for l in tmpl[kind].replace(b"\r\n", b"\n").split(b"\n")
             if not l.lower().startswith((b"message-id:", b"subject:"))]
    return (b"Message-ID: <wkill-%d@e2e.test>\nSubject: wkill %d %s\n" % (i, i, kind.encode())
            + b"\n".join(lines))

def main():
    cmd, out = sys.argv[1], sys.argv[2]
    rest = sys.argv[4:] if cmd == "send" else sys.argv[3:]
    tmpl = {k: open(f, "rb").read() for k, f in zip(["clean", "macro", "zip"], rest[1:4])}
    fleet_load.message = message  # fleet_load's send_one builds what we say
    if cmd == "send":
        todo = range(1, int(sys.argv[3]) + 1)
    else:
        last = {}
        for l in open(out):
            i, r, _ = l.split()
            last[int(i)] = r
        todo = sorted(i for i, r in last.items() if r == "deferred")
    fleet_load.run(out, todo, [int(rest[0])], tmpl)

main()
