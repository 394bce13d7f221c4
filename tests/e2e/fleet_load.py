#!/usr/bin/env python3
"""fleet_load.py: a fast SMTP sender for t_fleet_pgdown.sh, standing in for the
upstream MTA: what a server answers 4xx (or cannot take) it keeps and sends again
later, like a real MTA's queue.
  send OUT N MACRO PORT...   N messages (every 5th the macro document MACRO, the
      others a small clean text), Message-ID <load-I@fleet.test>, spread over the
      PORTs, 4 threads; appends "I accepted|deferred|rejected CODE" per message to
      OUT as it goes (the test reads its length as progress).
  retry OUT MACRO PORT...    sends again each message OUT says was deferred (last
      word per I), appends the new outcome to OUT.
Limits: no TLS, no AUTH; one connection per message."""
import smtplib, sys, threading

def message(i, macro):
    mid = "<load-%d@fleet.test>" % i
    if i % 5 == 0:
        lines = [l for l in macro.split(b"\n")
                 if not l.lower().startswith((b"message-id:", b"subject:"))]
        return (b"Message-ID: " + mid.encode() + b"\nSubject: load %d macro\n" % i
                + b"\n".join(lines))
    return ("From: sender@example.org\nTo: rcpt@example.net\nMessage-ID: %s\n"
            "Subject: load %d clean\n\nclean message %d\n" % (mid, i, i)).encode()

def send_one(port, i, macro):
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=90) as s:
            s.sendmail("sender@example.org", ["rcpt@example.net"], message(i, macro))
        return "accepted 250"
    except smtplib.SMTPResponseException as e:
        return ("deferred %d" if 400 <= e.smtp_code < 500 else "rejected %d") % e.smtp_code
    except smtplib.SMTPRecipientsRefused as e:
        code = list(e.recipients.values())[0][0]
        return ("deferred %d" if 400 <= code < 500 else "rejected %d") % code
    except (OSError, smtplib.SMTPException) as e:
        return "deferred 0"

def run(out, todo, ports, macro):
    lock = threading.Lock()
    work = list(todo)
    def worker():
        while True:
            with lock:
                if not work:
                    return
                i = work.pop(0)
            r = send_one(ports[i % len(ports)], i, macro)
            with lock:
                with open(out, "a") as f:
                    f.write("%d %s\n" % (i, r))
    ts = [threading.Thread(target=worker) for _ in range(4)]
    for t in ts: t.start()
    for t in ts: t.join()

def main():
    if sys.argv[1] == "send":
        out, n, macro = sys.argv[2], int(sys.argv[3]), open(sys.argv[4], "rb").read()
        run(out, range(1, n + 1), [int(p) for p in sys.argv[5:]], macro)
    else:
        out, macro = sys.argv[2], open(sys.argv[3], "rb").read()
        last = {}
        for l in open(out):
            i, r, _ = l.split()
            last[int(i)] = r
        run(out, sorted(i for i, r in last.items() if r == "deferred"),
            [int(p) for p in sys.argv[4:]], macro)

if __name__ == "__main__":  # wkill_load.py imports run() and send_one()
    main()
