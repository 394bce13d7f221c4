#!/usr/bin/env python3
"""regress.py: small generated inputs for bugs fixed after review, each with the
behaviour it pins (ok/not ok lines). Only the standard library."""
import io, json, os, subprocess, sys, tarfile, tempfile

SCAN = os.path.join(os.environ.get("EMBARGO_BUILD", "build"), "embargo-scan")


def scan(path):
    p = subprocess.run([SCAN, "--json", "--raw", path], capture_output=True, timeout=60)
    return p.returncode, json.loads(p.stdout.decode().splitlines()[0])


def check(ok, what):
    print(("ok - " if ok else "not ok - ") + what)


with tempfile.TemporaryDirectory() as d:
    # An empty .tar.gz (about 45 bytes expanding to 10 KiB of zero blocks) is not a
    # decompression bomb: tiny archives fall under the ratio floor.
    path = os.path.join(d, "empty.tar.gz")
    with tarfile.open(path, "w:gz") as t:
        pass
    rc, res = scan(path)
    names = [f["name"] for f in res["findings"]]
    check(rc == 0 and res["action"] == "accept" and "archive.bomb" not in names,
          "empty .tar.gz is accepted, not a bomb (got %s %s)" % (res["action"], names))
    # The same tar with a file in it is opened and the file scanned.
    path = os.path.join(d, "one.tar.gz")
    with tarfile.open(path, "w:gz") as t:
        data = b"hello\n"
        info = tarfile.TarInfo("notes.txt")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    rc, res = scan(path)
    check(any(p.get("filename") == "notes.txt" for p in res["parts"]),
          "member of a small .tar.gz is scanned")
# A FAT image behind an MBR partition table is typed as a disk image and its files
# are read (they used to stay an unknown blob).
root = os.environ.get("EMBARGO_ROOT", ".")
rc, res = scan(os.path.join(root, "tests/data/fat/mkfat_mbr.img"))
check(res["parts"][0].get("class") == "disk_image" and
      any((p.get("filename") or "").endswith(".exe") for p in res["parts"]),
      "MBR-partitioned FAT image is a disk image and its files are scanned")
sys.exit(0)
