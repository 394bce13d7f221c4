"""idle.py: silent and idle milter clients for t_timeouts.sh.

  idle.py silent PATH        three sessions go silent: before the first packet, after
                             option negotiation, and in the middle of a message body;
                             prints "CASE closed_after=SECONDS" (or "CASE open") for each
  idle.py hold PATH N SECS   opens N connections, prints "held=H refused=R" once (R: those
                             closed by the daemon within 1 s), then holds them SECS seconds
"""
import socket, struct, sys, threading, time


def pkt(cmd, data=b""):
    return struct.pack(">I", len(data) + 1) + cmd + data


OPTNEG = pkt(b"O", struct.pack(">III", 6, 0x1FF, 0x1FFFFF))
PRE_BODY = (pkt(b"C", b"client.example\x004" + struct.pack(">H", 25) + b"192.0.2.1\x00")
            + pkt(b"H", b"client.example\x00") + pkt(b"M", b"<a@example.org>\x00")
            + pkt(b"R", b"<b@example.net>\x00") + pkt(b"L", b"Subject\x00idle\x00")
            + pkt(b"N") + pkt(b"B", b"the body starts and then"))


def wait_closed(s, limit):
    """Seconds until the peer closes (reads b''), or None after LIMIT seconds."""
    t0 = time.monotonic()
    s.settimeout(0.5)
    while time.monotonic() - t0 < limit:
        try:
            if s.recv(65536) == b"":
                return time.monotonic() - t0
        except socket.timeout:
            continue
        except OSError:
            return time.monotonic() - t0
    return None


def silent(path):
    sends = {"before-first-packet": b"", "after-negotiation": OPTNEG,
             "mid-message": OPTNEG + PRE_BODY}
    res = {}

    def one(name, data):
        s = socket.socket(socket.AF_UNIX)
        s.connect(path)
        if data:
            s.sendall(data)
        res[name] = wait_closed(s, 30)
        s.close()
    ts = [threading.Thread(target=one, args=kv) for kv in sends.items()]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    for name in sends:
        v = res.get(name)
        print(f"{name} " + ("open" if v is None else f"closed_after={v:.1f}"))


def hold(path, n, secs):
    conns, refused = [], 0
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(path)
        except OSError:
            refused += 1
            continue
        conns.append(s)
    time.sleep(1)
    for s in conns:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                refused += 1
        except BlockingIOError:
            pass
        except OSError:
            refused += 1
    print(f"held={n - refused} refused={refused}", flush=True)
    time.sleep(secs)


if __name__ == "__main__":
    if sys.argv[1] == "silent":
        silent(sys.argv[2])
    else:
        hold(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
