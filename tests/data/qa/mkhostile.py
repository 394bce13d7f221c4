#!/usr/bin/env python3
"""mkhostile.py: write hostile inputs for tests/corpus/hostile.py.

    python3 mkhostile.py OUTDIR

Writes, deterministically (same bytes every run), into OUTDIR:
  deep.eml       multipart/mixed nested 200 levels (MIME depth cap is 20)
  parts.eml      100000 tiny text parts in one multipart (parts cap is 1000)
  longhdr.eml    one 10 MB header line (header cap 256 KiB, line cap 64 KiB)
  b64nul.eml     a base64 attachment with NUL bytes inside the encoded text and
                 NULs in the decoded data
  zip50k.zip     a zip of 50000 empty stored members (members cap is 10000)
  fatloop.doc    an OLE2/CFB file whose FAT chains loop (directory 1->2->1,
                 stream sector 3->3) and whose directory tree points back at itself
  nest.pdf       %PDF header then 5 MB of '<<'
  brace.rtf      {\\rtf1 then 1M '{'
  crosslink.xls  an OLE2 file of 20000 directory entries named Workbook, all
                 cross-linked to one 3 MB chain (each read is legal; together they
                 are 60 GB of work unless stream reads count against the budget)
  binhex.eml     a 400 KB BinHex block whose run-length codes expand to 25 MB
                 (byte-at-a-time output once took 30 s)
  zeropad.gz     gzip of 1024 NULs then a PE header: libarchive's tar bidder takes
                 the NULs for an end-of-archive mark (an empty tar.gz)
Limits: all files are under 11 MB. Only the standard library.
BUGS: the OLE file is hand-built for one loop shape; other shapes (DIFAT loops,
mini FAT loops) are left to the cfb fuzz target.
"""
import gzip
import os
import struct
import sys
import zipfile

HDR = (b"From: qa@example.org\r\nTo: rcpt@example.org\r\n"
       b"Subject: hostile\r\nDate: Wed, 25 Nov 2026 22:00:00 +0000\r\n"
       b"Message-ID: <hostile@example.org>\r\nMIME-Version: 1.0\r\n")


def deep(levels=200):
    out = [HDR, b"Content-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n"]
    for i in range(1, levels):
        out.append(b"--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n"
                   % (i - 1, i))
    out.append(b"--b%d\r\nContent-Type: text/plain\r\n\r\ninnermost\r\n" % (levels - 1))
    for i in range(levels - 1, -1, -1):
        out.append(b"--b%d--\r\n" % i)
    return b"".join(out)


def parts(n=100000):
    out = [HDR, b"Content-Type: multipart/mixed; boundary=\"p\"\r\n\r\n"]
    out.append(b"--p\r\nContent-Type: text/plain\r\n\r\nx\r\n" * n)
    out.append(b"--p--\r\n")
    return b"".join(out)


def longhdr(size=10 * 1024 * 1024):
    return (HDR + b"X-Long: " + b"a" * size + b"\r\n"
            b"Content-Type: text/plain\r\n\r\nbody\r\n")


def b64nul():
    body = bytes(range(256)) * 4 + b"\0" * 1024
    import base64
    enc = base64.b64encode(body)
    # NULs and junk inside the encoded text, every 7 bytes
    junk = b"".join(enc[i:i + 7] + b"\0" for i in range(0, len(enc), 7))
    lines = b"\r\n".join(junk[i:i + 76] for i in range(0, len(junk), 76))
    return (HDR + b"Content-Type: multipart/mixed; boundary=\"n\"\r\n\r\n"
            b"--n\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
            b"--n\r\nContent-Type: application/octet-stream; name=\"a\0b.bin\"\r\n"
            b"Content-Disposition: attachment; filename=\"a\0b.bin\"\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n" + lines + b"\r\n--n--\r\n")


def zip50k(path, n=50000):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for i in range(n):
            info = zipfile.ZipInfo("e%05d.txt" % i, date_time=(2020, 1, 1, 0, 0, 0))
            z.writestr(info, b"")


def direntry(name, typ, left, right, child, start, size):
    n = name.encode("utf-16-le") + b"\0\0"
    e = n.ljust(64, b"\0") + struct.pack("<HBB", len(n), typ, 1)
    e += struct.pack("<III", left, right, child) + b"\0" * 16 + b"\0" * 4
    e += b"\0" * 16 + struct.pack("<II", start, size) + b"\0" * 4
    assert len(e) == 128
    return e


def fatloop():
    free, endc, fatsect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    h = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    h += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    h += struct.pack("<IIII", 0, 1, 1, 0)     # dir sectors, FAT sectors, dir start, txn
    h += struct.pack("<IIIII", 4096, endc, 0, endc, 0)
    h += struct.pack("<I", 0) + struct.pack("<I", free) * 108
    assert len(h) == 512
    fat = [fatsect, 2, 1, 3] + [free] * 124   # 1->2->1 loop, 3->3 self loop
    s0 = struct.pack("<128I", *fat)
    # root's child is entry 1, whose siblings point at itself and at the root
    s1 = (direntry("Root Entry", 5, free, free, 1, endc, 0)
          + direntry("WordDocument", 2, 1, 0, free, 3, 100000)
          + direntry("Macros", 1, free, free, 3, 0, 0)
          + direntry("VBA", 1, free, free, 2, 0, 0))
    s2 = (direntry("PROJECT", 2, 3, 2, free, 3, 5000)
          + direntry("dir", 2, 0, 1, free, 3, 5000)
          + direntry("x", 2, free, free, free, 3, 4096)
          + direntry("y", 2, free, free, free, 2, 4096))
    s3 = b"\xec\xa5" + b"\0" * 510
    return h + s0 + s1 + s2 + s3


def crosslink(k=20000, size=3 * 1024 * 1024):
    free, endc, fatsect = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    dsec, dirsec = size // 512, (k + 1 + 3) // 4
    nfat = 1
    while nfat * 128 < dsec + dirsec + nfat:
        nfat += 1
    fat = [fatsect] * nfat
    d0 = len(fat)
    fat += [d0 + i + 1 for i in range(dsec - 1)] + [endc]
    r0 = len(fat)
    fat += [r0 + i + 1 for i in range(dirsec - 1)] + [endc]
    fat += [free] * (nfat * 128 - len(fat))
    h = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
    h += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    h += struct.pack("<IIII", 0, nfat, r0, 0)
    h += struct.pack("<IIIII", 4096, endc, 0, endc, 0)
    h += struct.pack("<109I", *(list(range(nfat)) + [free] * (109 - nfat)))
    ents = [direntry("Root Entry", 5, free, free, 1, endc, 0)]
    ents += [direntry("Workbook", 2, free, i + 1 if i < k else free, free, d0, size)
             for i in range(1, k + 1)]
    bof = struct.pack("<HH", 0x0809, 16) + b"\0" * 16
    data = (bof + b"\x00\x02\x00\x00" * (size // 4))[:size]
    return (h + struct.pack("<%dI" % len(fat), *fat) + data
            + b"".join(ents).ljust(dirsec * 512, b"\0"))


def binhex(runs=100000):
    alpha = (b"!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr")
    name = b"bomb.exe"
    raw = (bytes([len(name)]) + name + b"\0APPL????\0\0"
           + struct.pack(">II", 0xFFFFFFF0, 0) + b"\0\0" + b"MZ" + b"\x00\x90\xff" * runs)
    out, acc, n = bytearray(), 0, 0
    for c in raw:
        acc, n = (acc << 8) | c, n + 8
        while n >= 6:
            n -= 6
            out.append(alpha[(acc >> n) & 63])
        acc &= (1 << n) - 1
    if n:
        out.append(alpha[(acc << (6 - n)) & 63])
    lines = b"\r\n".join(bytes(out[i:i + 64]) for i in range(0, len(out), 64))
    return (HDR + b"Content-Type: text/plain\r\n\r\n"
            b"(This file must be converted with BinHex 4.0)\r\n:" + lines + b":\r\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    files = {
        "deep.eml": deep(),
        "parts.eml": parts(),
        "longhdr.eml": longhdr(),
        "b64nul.eml": b64nul(),
        "fatloop.doc": fatloop(),
        "nest.pdf": b"%PDF-1.7\n1 0 obj\n" + b"<<" * (5 * 1024 * 1024 // 2),
        "brace.rtf": b"{\\rtf1" + b"{" * (1024 * 1024),
        "crosslink.xls": crosslink(),
        "binhex.eml": binhex(),
        "zeropad.gz": gzip.compress(b"\0" * 1024 + b"MZ" + b"\x90" * 4096, 9, mtime=0),
    }
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    zip50k(os.path.join(out, "zip50k.zip"))


if __name__ == "__main__":
    main()
