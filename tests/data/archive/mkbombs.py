#!/usr/bin/env python3
"""mkbombs.py OUTDIR: build the archive fixtures the archive tests use.

Everything is generated here at test time (nothing hostile is stored in the tree):
  deep.zip       12 zips nested in each other around a text file (depth limit)
  ratio.zip      one 48 MiB member of zeros (ratio cap -> archive.bomb)
  many.zip       300 small members (member limit)
  overlap.zip    one deflate stream of 16 MiB shared by 40 central-directory entries
                 (David Fifield's overlapping-entry construction, non-recursive)
  padded.zip     a small fake OLE2 document followed by 64 MiB of zeros (the 2023
                 Emotet inflated-document trick) -> archive.padding
  padblock.zip   a document padded with a repeating 7-byte block
  plain.zip      two small text members (control)
  trunc.zip      plain.zip cut in half (archive.corrupt)
  note.txt.gz    a single gzip stream (raw format)
  secret.zip     inv.exe encrypted with `zip -P 'Tr0ub4dor&3'` (needs zip)
  secret2.zip    the same with another password `x7-Kq9`
Deterministic: fixed timestamps, so rebuilding gives the same bytes.
"""
import gzip
import io
import os
import struct
import subprocess
import sys
import zipfile
import zlib

T = (2024, 1, 1, 0, 0, 0)


def zbytes(members, method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members:
            z.writestr(zipfile.ZipInfo(name, T), data, compress_type=method)
    return buf.getvalue()


def write(out, name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def zeros_member(name, prefix, total, block=b"\0"):
    """A zip with one member: PREFIX then BLOCK repeated up to TOTAL bytes, deflated
    in chunks so memory stays small."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    crc, size, out = 0, 0, []
    chunk = (block * ((1 << 20) // len(block) + 1))[: 1 << 20]
    pieces = [prefix]
    left = total - len(prefix)
    while left > 0:
        pieces.append(chunk[: min(left, len(chunk))])
        left -= len(pieces[-1])
        for p in pieces:
            crc = zlib.crc32(p, crc)
            size += len(p)
            out.append(comp.compress(p))
        pieces = []
    out.append(comp.flush())
    data = b"".join(out)
    return raw_zip([(name, data, crc, size)])


def raw_zip(entries, cd_entries=None):
    """Build a zip from pre-deflated ENTRIES [(name, deflated, crc, size)]. With
    CD_ENTRIES [(name, local_index)], the central directory lists those instead
    (several pointing to one local header: overlapping entries)."""
    body, offs = b"", []
    for name, data, crc, size in entries:
        n = name.encode()
        offs.append(len(body))
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x5821, crc,
                            len(data), size, len(n), 0) + n + data
    cd = b""
    lst = cd_entries or [(e[0], i) for i, e in enumerate(entries)]
    for name, i in lst:
        _, data, crc, size = entries[i]
        n = name.encode()
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x5821,
                          crc, len(data), size, len(n), 0, 0, 0, 0, 0, offs[i]) + n
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(lst), len(lst), len(cd),
                       len(body), 0)
    return body + cd + eocd


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    inner = zbytes([("bottom.txt", b"just text at the bottom\n")])
    for i in range(12):
        inner = zbytes([("level%02d.zip" % (11 - i), inner)])
    write(out, "deep.zip", inner)
    write(out, "ratio.zip", zeros_member("data.bin", b"", 48 << 20))
    write(out, "many.zip", zbytes([("m%03d.txt" % i, b"x%d\n" % i) for i in range(300)]))
    one = zeros_member("a.bin", b"", 16 << 20)
    # reuse the single local entry of ONE: 40 central entries point at it
    n = struct.unpack("<H", one[26:28])[0]
    csize = struct.unpack("<I", one[18:22])[0]
    data = one[30 + n: 30 + n + csize]
    crc = struct.unpack("<I", one[14:18])[0]
    write(out, "overlap.zip", raw_zip([("a.bin", data, crc, 16 << 20)],
                                      [("a.bin", 0)] * 40))
    doc = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"fake document body " * 2000
    write(out, "padded.zip", zeros_member("invoice.doc", doc, 64 << 20))
    write(out, "padblock.zip", zeros_member("report.doc", doc, 40 << 20, b"ABCDEFG"))
    plain = zbytes([("a.txt", b"hello\n" * 100), ("b.txt", b"world\n" * 100)])
    write(out, "plain.zip", plain)
    write(out, "trunc.zip", plain[: len(plain) // 2])
    write(out, "note.txt.gz", gzip.compress(b"a gzip'd note\n" * 50, mtime=0))
    payload = os.path.join(out, "inv.exe")
    write(out, "inv.exe", b"MZ" + b"\0" * 58 + b"\x40\0\0\0" + b"not a real program\n")
    for zname, pw in (("secret.zip", "Tr0ub4dor&3"), ("secret2.zip", "x7-Kq9")):
        path = os.path.join(out, zname)
        if os.path.exists(path):
            os.unlink(path)
        try:
            subprocess.run(["zip", "-q", "-j", "-X", "-P", pw, path, payload],
                           check=True)
        except (OSError, subprocess.CalledProcessError):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
