#!/usr/bin/env python3
"""web_flood.py PORT: hostile clients against embargo-web on 127.0.0.1:PORT.

Opens 1,000 connections from 127.0.0.1 (some sending a request line one byte at a
time, slowloris-style, the rest idle), then, while they are all open, asks for
/login from 127.0.0.2 (another client) and expects an answer; closes them and asks
again from 127.0.0.1. Prints TAP lines; exit status 0 when both were answered.
"""
import resource
import socket
import sys
import time

port = int(sys.argv[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(4096, hard), hard))


def ask(src, timeout=10.0):
    s = socket.socket()
    s.settimeout(timeout)
    try:
        s.bind((src, 0))
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.split(b"\r\n", 1)[0].decode("latin-1")
    except OSError as e:
        return "error: %s" % e
    finally:
        s.close()


socks = []
opened = 0
for i in range(1000):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect_ex(("127.0.0.1", port))
        socks.append(s)
        opened += 1
    except OSError:
        s.close()
time.sleep(0.5)
slow = b"GET /login HTTP/1.1\r\nHost: x\r\n"
for step in range(6):  # a byte every half second to the first 200
    for s in socks[:200]:
        try:
            s.send(slow[step:step + 1])
        except OSError:
            pass
    time.sleep(0.5)
during = ask("127.0.0.2")
print(("ok" if during.startswith("HTTP/1.1 200") else "not ok") +
      " - with %d hostile connections open, another client is answered (%s)" % (opened, during))
for s in socks:
    s.close()
time.sleep(1)
after = ask("127.0.0.1")
print(("ok" if after.startswith("HTTP/1.1 200") else "not ok") +
      " - after they close, the same address is answered again (%s)" % after)
sys.exit(0 if during.startswith("HTTP/1.1 200") and after.startswith("HTTP/1.1 200") else 1)
