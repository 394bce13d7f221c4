"""nodelay.py PID PORT: exit 0 when process PID's socket listening on 127.0.0.1:PORT
has TCP_NODELAY set (read through a duplicate of its descriptor via pidfd_getfd)."""
import ctypes, os, socket, sys

pid, port = int(sys.argv[1]), int(sys.argv[2])
libc = ctypes.CDLL(None, use_errno=True)
SYS_pidfd_open, SYS_pidfd_getfd = 434, 438
pidfd = libc.syscall(SYS_pidfd_open, pid, 0)
if pidfd < 0:
    sys.exit("pidfd_open failed")
for name in os.listdir(f"/proc/{pid}/fd"):
    fd = libc.syscall(SYS_pidfd_getfd, pidfd, int(name), 0)
    if fd < 0:
        continue
    try:
        s = socket.socket(fileno=fd)
    except OSError:
        os.close(fd)
        continue
    try:
        if s.family == socket.AF_INET and s.getsockname()[1] == port:
            sys.exit(0 if s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) else 1)
    except OSError:
        pass
    finally:
        s.detach()
        os.close(fd)
sys.exit("listening socket not found")
