"""notify_listen.py PATH SECONDS: a stand-in for systemd's NOTIFY_SOCKET; prints each
datagram received (newlines as '|') until SECONDS pass."""
import socket, sys, time

s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
end = time.monotonic() + float(sys.argv[2])
while time.monotonic() < end:
    s.settimeout(max(0.1, end - time.monotonic()))
    try:
        print(s.recv(4096).decode().strip().replace("\n", "|"), flush=True)
    except socket.timeout:
        pass
