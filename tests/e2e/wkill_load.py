#!/usr/bin/env python3
"""wkill_load.py: the sender of t_worker_kill.sh, standing in for the upstream MTA:
what the server answers 4xx (or cannot take) it keeps and sends again later.
  send OUT N PORT CLEAN MACRO ZIP   N messages, I % 3: 0 the macro document MACRO,
      1 the small text CLEAN, 2 the clean zip ZIP; Message-ID <wkill-I@e2e.test>,
      Subject "wkill I KIND"; 8 threads, one connection per message; appends
      "I accepted|deferred|rejected CODE" per message to OUT.
  retry OUT PORT CLEAN MACRO ZIP    sends again each message OUT says was deferred
      (last word per I), appends the new outcome.
Limits: no TLS, no AUTH."""
import smtplib, sys, threading

KINDS = ["macro", "clean", "zip"]

def message(i, tmpl):
    kind = KINDS[i % 3]
    lines = [l for l in tmpl[kind].replace(b"\r\n", b"\n").split(b"\n")
             if not l.lower().startswith((b"message-id:", b"subject:"))]
    return (b"Message-ID: <wkill-%d@e2e.test>\nSubject: wkill %d %s\n" % (i, i, kind.encode())
            + b"\n".join(lines))

def send_one(port, i, tmpl):
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=90) as s:
            s.sendmail("sender@example.org", ["rcpt@example.net"], message(i, tmpl))
        return "accepted 250"
    except smtplib.SMTPResponseException as e:
        return ("deferred %d" if 400 <= e.smtp_code < 500 else "rejected %d") % e.smtp_code
    except smtplib.SMTPRecipientsRefused as e:
        code = list(e.recipients.values())[0][0]
        return ("deferred %d" if 400 <= code < 500 else "rejected %d") % code
    except (OSError, smtplib.SMTPException):
        return "deferred 0"

def run(out, todo, port, tmpl):
    lock = threading.Lock()
    work = list(todo)
    def worker():
        while True:
            with lock:
                if not work:
                    return
                i = work.pop(0)
            r = send_one(port, i, tmpl)
            with lock:
                with open(out, "a") as f:
                    f.write("%d %s\n" % (i, r))
    ts = [threading.Thread(target=worker) for _ in range(8)]
    for t in ts: t.start()
    for t in ts: t.join()

def main():
    cmd, out = sys.argv[1], sys.argv[2]
    if cmd == "send":
        n, rest = int(sys.argv[3]), sys.argv[4:]
    else:
        rest = sys.argv[3:]
    port = int(rest[0])
    tmpl = {k: open(f, "rb").read() for k, f in zip(["clean", "macro", "zip"], rest[1:4])}
    if cmd == "send":
        run(out, range(1, n + 1), port, tmpl)
    else:
        last = {}
        for l in open(out):
            i, r, _ = l.split()
            last[int(i)] = r
        run(out, sorted(i for i, r in last.items() if r == "deferred"), port, tmpl)

main()
