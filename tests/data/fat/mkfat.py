#!/usr/bin/env python3
"""mkfat.py: FAT12/16/32 images for tests/unit/test_fatimg.c and the fuzz seeds.

Usage: mkfat.py OUTDIR        writes the fixtures below into OUTDIR
       mkfat.py --seeds DIR   writes small seeds (mkfat_*.img, cut short) for
                              tests/fuzz/seeds/fatimg (then seeds_to_analysers.sh)

Writes the structures itself (boot sector, FATs, directories, VFAT long names), so
neither mkfs.fat nor mtools is needed. Cross-checked once by hand: 7-Zip (7z l, 7z x)
lists fat12/fat16/fat32/mbr.img with the same paths and bytes, and badlfn.img under
its 8.3 name. Same bytes every run (fixed volume ids, no
dates). Fixtures:
  fat12.img     README.TXT, a deleted entry, a volume label, a long-named directory
                "Documents" holding "Invoice 2024 final.pdf.exe" (3000 bytes, 6
                clusters: FAT12 odd/even entries)
  fat16.img     the same tree on a volume of 4200+ clusters (FAT16)
  fat32.img     the same tree on FAT32 (root directory in cluster 2), plus a file
                named with a non-BMP character ("Fact\u00fcre \U0001F4B0.js")
  mbr.img       fat12.img as the first partition (type 0x01, LBA 63) of an MBR
  badlfn.img    a long name whose checksum does not match: the 8.3 name is used
  loop.img      README.TXT declares 4000 bytes, its chain is 2 -> 3 -> 2
  pastend.img   volume of 200 sectors cut after 40: a 6-cluster file (after a
                32-cluster one) whose chain runs
                past the end of the image
  truncated.img fat12.img cut to 700 bytes (inside the FAT, before the root)
  dirloop.img   directory A holds README.TXT and a directory B whose cluster is A's
  deep32.img    32 nested directories D, file deep.txt inside the last (read)
  deep33.img    33 nested directories D, file deep.txt inside the last (not read)
  notfat.bin    512 bytes with 55AA and a jump but 3 bytes per sector
  names.img     hostile long names: "a/b\\c<U+0001><lone surrogate D800>.exe" and "."
"""
import os
import struct
import sys

EOC = {12: 0xFFF, 16: 0xFFFF, 32: 0x0FFFFFFF}


def short83(name):
    base, _, ext = name.partition(".")
    return (base.upper().ljust(8)[:8] + ext.upper().ljust(3)[:3]).encode("ascii")


def lfn_sum(s11):
    s = 0
    for b in s11:
        s = (((s & 1) << 7) + (s >> 1) + b) & 0xFF
    return s


def lfn_entries(name, s11, bad_sum=False):
    raw = name.encode("utf-16-le", "surrogatepass")
    units = list(struct.unpack("<%dH" % (len(raw) // 2), raw))
    if len(units) % 13:
        units.append(0)
    while len(units) % 13:
        units.append(0xFFFF)
    n = len(units) // 13
    csum = (lfn_sum(s11) + (1 if bad_sum else 0)) & 0xFF
    out = []
    for ordn in range(n, 0, -1):
        ch = units[(ordn - 1) * 13:ordn * 13]
        e = bytearray(32)
        e[0] = ordn | (0x40 if ordn == n else 0)
        e[1:11] = struct.pack("<5H", *ch[0:5])
        e[11] = 0x0F
        e[13] = csum
        e[14:26] = struct.pack("<6H", *ch[5:11])
        e[28:32] = struct.pack("<2H", *ch[11:13])
        out.append(bytes(e))
    return out


def dirent(s11, attr, clus, size):
    return s11 + struct.pack("<BBBHHHHHHHI", attr, 0, 0, 0, 0, 0,
                             clus >> 16, 0, 0, clus & 0xFFFF, size)


class Vol:
    def __init__(self, ftype, totsec, spc=1, rootents=32, nfats=2, bps=512):
        self.t, self.totsec, self.spc, self.bps, self.nfats = ftype, totsec, spc, bps, nfats
        self.rootents = 0 if ftype == 32 else rootents
        self.rsvd = 32 if ftype == 32 else 1
        self.fatsz = -(-((totsec // spc + 2) * ftype // 8 + 2) // bps)
        rootsecs = -(-(self.rootents * 32) // bps)
        self.datasec = self.rsvd + nfats * self.fatsz + rootsecs
        self.nclus = (totsec - self.datasec) // spc
        self.csize = bps * spc
        self.fat = [0] * (self.nclus + 2)
        self.fat[0] = 0x0FFFFFF8 & EOC[ftype]
        self.fat[1] = EOC[ftype]
        self.data = bytearray(self.nclus * self.csize)
        self.nextc = 2
        self.root = b""
        self.rootclus = self.alloc(1)[0] if ftype == 32 else 0

    def alloc(self, nbytes):
        n = max(1, -(-nbytes // self.csize))
        cl = list(range(self.nextc, self.nextc + n))
        self.nextc += n
        for a, b in zip(cl, cl[1:]):
            self.fat[a] = b
        self.fat[cl[-1]] = EOC[self.t]
        return cl

    def put(self, cl, data):
        for i, c in enumerate(cl):
            chunk = data[i * self.csize:(i + 1) * self.csize]
            off = (c - 2) * self.csize
            self.data[off:off + len(chunk)] = chunk

    def entries(self, items, parent, me):
        """Directory entries for ITEMS: (name, short, content) files and
        (name, short, [children]) directories; returns bytes."""
        out = []
        if me:
            out.append(dirent(b".          ", 0x10, me, 0))
            out.append(dirent(b"..         ", 0x10, parent, 0))
        for it in items:
            name, s11, body = it[0], it[1], it[2]
            bad = len(it) > 3 and it[3] == "badsum"
            if name is not None:
                out.extend(lfn_entries(name, s11, bad))
            if isinstance(body, list):
                cl = self.alloc(32 * (len(body) * 4 + 3))
                self.put(cl, self.entries(body, me, cl[0]))
                out.append(dirent(s11, 0x10, cl[0], 0))
            elif body is None:          # a raw 32-byte entry
                out.append(s11)
            else:
                cl = self.alloc(len(body)) if body else [0]
                if body:
                    self.put(cl, body)
                out.append(dirent(s11, 0x20, cl[0], len(body)))
        return b"".join(out)

    def build(self, items):
        ents = self.entries(items, 0, 0)
        if self.t == 32:
            cl = [self.rootclus]
            if len(ents) > self.csize:
                raise SystemExit("fat32 root too big for one cluster")
            self.put(cl, ents)
        else:
            self.root = ents.ljust(self.rootents * 32, b"\0")

    def fat_bytes(self):
        b = bytearray(self.fatsz * self.bps)
        for n, v in enumerate(self.fat):
            if self.t == 12:
                off = n + n // 2
                if n & 1:
                    b[off] = (b[off] & 0x0F) | ((v & 0x0F) << 4)
                    b[off + 1] = (v >> 4) & 0xFF
                else:
                    b[off] = v & 0xFF
                    b[off + 1] = (b[off + 1] & 0xF0) | ((v >> 8) & 0x0F)
            elif self.t == 16:
                struct.pack_into("<H", b, n * 2, v)
            else:
                struct.pack_into("<I", b, n * 4, v)
        return bytes(b)

    def boot(self):
        b = bytearray(self.bps)
        # the jump lands after the BPB (7-Zip checks it: 0x5A for FAT32)
        b[0:3] = b"\xEB\x58\x90" if self.t == 32 else b"\xEB\x3C\x90"
        b[3:11] = b"MSWIN4.1"
        t16 = self.totsec if self.totsec < 65536 and self.t != 32 else 0
        struct.pack_into("<HBHBHHBHHHII", b, 11, self.bps, self.spc, self.rsvd,
                         self.nfats, self.rootents, t16, 0xF8,
                         0 if self.t == 32 else self.fatsz, 32, 2, 0,
                         0 if t16 else self.totsec)
        if self.t == 32:
            struct.pack_into("<IHHIHH", b, 36, self.fatsz, 0, 0, self.rootclus, 1, 6)
            struct.pack_into("<BBBI", b, 64, 0x80, 0, 0x29, 0x12345678)
            b[71:82] = b"EMBARGO    "
            b[82:90] = b"FAT32   "
        else:
            struct.pack_into("<BBBI", b, 36, 0x80, 0, 0x29, 0x12345678)
            b[43:54] = b"EMBARGO    "
            b[54:62] = ("FAT%d   " % self.t).encode()
        b[510:512] = b"\x55\xAA"
        return bytes(b)

    def image(self):
        rsv = self.boot().ljust(self.rsvd * self.bps, b"\0")
        img = rsv + self.fat_bytes() * self.nfats + self.root + bytes(self.data)
        return img.ljust(self.totsec * self.bps, b"\0")

    def first_cluster(self, s11):
        """First cluster of the entry named S11, searching all directories."""
        blob = self.root + bytes(self.data)
        i = blob.find(s11)
        while i % 32:
            i = blob.find(s11, i + 1)
        e = blob[i:i + 32]
        return struct.unpack_from("<H", e, 20)[0] << 16 | struct.unpack_from("<H", e, 26)[0]


def invoice():
    return bytes((i * 7 + 3) & 0xFF for i in range(3000))


def tree(extra=()):
    return [(None, short83("README.TXT"), b"hello from a FAT image\n"),
            (None, dirent(b"\xE5ELETED TXT", 0x20, 0, 0), None),
            (None, dirent(b"EMBARGO    ", 0x08, 0, 0), None),
            ("Documents", short83("DOCUME~1"), [
                ("Invoice 2024 final.pdf.exe", short83("INVOIC~1.EXE"), invoice())]),
            ] + list(extra)


def fat12():
    v = Vol(12, 200)
    v.build(tree())
    return v


def mbr(vol_img):
    m = bytearray(512)
    m[446:462] = struct.pack("<B3sB3sII", 0x80, b"\0\0\0", 0x01, b"\0\0\0", 63,
                             len(vol_img) // 512)
    m[510:512] = b"\x55\xAA"
    return bytes(m) + bytes(62 * 512) + vol_img


def nested(n):
    items = [(None, short83("DEEP.TXT"), b"deep file\n")]
    for _ in range(n):
        items = [(None, short83("D"), items)]
    v = Vol(12, 200)
    v.build(items)
    return v.image()


def fixtures():
    out = {}
    v = fat12()
    out["fat12.img"] = v.image()
    v16 = Vol(16, 4300)
    v16.build(tree())
    assert v16.nclus >= 4085
    out["fat16.img"] = v16.image()
    v32 = Vol(32, 400)
    v32.build(tree([("Fact\u00fcre \U0001F4B0.js", short83("FACTRE~1.JS"),
                     b"WScript.Echo(1);\n")]))
    out["fat32.img"] = v32.image()
    out["mbr.img"] = mbr(out["fat12.img"])
    vb = Vol(12, 200)
    vb.build([("Long name.txt", short83("LONGNA~1.TXT"), b"x\n", "badsum")])
    out["badlfn.img"] = vb.image()
    vl = Vol(12, 200)
    vl.build([(None, short83("README.TXT"), b"loop" * 1000)])
    c = vl.first_cluster(short83("README.TXT"))
    vl.fat[c + 1] = c               # 2 -> 3 -> 2 -> ...
    out["loop.img"] = vl.image()
    vp = Vol(12, 200)
    vp.build([(None, short83("PAD.BIN"), bytes(32 * 512)),
              (None, short83("BIG.BIN"), invoice())])
    out["pastend.img"] = vp.image()[:40 * 512]
    out["truncated.img"] = out["fat12.img"][:700]
    vd = Vol(12, 200)
    vd.build([(None, short83("A"), [(None, short83("README.TXT"), b"in A\n"),
                                    (None, short83("B"), [])])])
    a = vd.first_cluster(short83("A"))
    off = (a - 2) * vd.csize
    blk = vd.data[off:off + vd.csize]
    i = blk.find(short83("B"))
    struct.pack_into("<H", vd.data, off + i + 26, a)
    out["dirloop.img"] = vd.image()
    out["deep32.img"] = nested(32)
    out["deep33.img"] = nested(33)
    nf = bytearray(512)
    nf[0:3] = b"\xEB\x3C\x90"
    nf[11:13] = b"\x03\x00"
    nf[510:512] = b"\x55\xAA"
    out["notfat.bin"] = bytes(nf)
    vn = Vol(12, 200)
    vn.build([("a/b\\c\x01\ud800.exe", short83("ABC~1.EXE"), b"MZ"),
              (".", short83("DOT~1.TXT"), b"dot\n")])
    out["names.img"] = vn.image()
    return out


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--seeds":
        f = fixtures()
        # prefixed: tests/data/qa/mkfat.py writes its own seeds to the same folder
        want = {"mkfat_fat12.img": f["fat12.img"][:40 * 512],
                "mkfat_loop.img": f["loop.img"][:12 * 512],
                "mkfat_dirloop.img": f["dirloop.img"][:12 * 512],
                "mkfat_fat32.img": f["fat32.img"][:80 * 512],
                "mkfat_mbr.img": f["mbr.img"][:(63 + 12) * 512]}
        d = sys.argv[2]
    elif len(sys.argv) == 2:
        want, d = fixtures(), sys.argv[1]
    else:
        sys.exit("usage: mkfat.py OUTDIR | --seeds DIR")
    os.makedirs(d, exist_ok=True)
    for name, data in want.items():
        with open(os.path.join(d, name), "wb") as fp:
            fp.write(data)


if __name__ == "__main__":
    main()
