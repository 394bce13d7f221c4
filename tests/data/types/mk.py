#!/usr/bin/env python3
"""mk.py: writes the fuzz seeds for filetype+names (tests/fuzz/seeds/filetype/).
Each seed is "filename\\n" then content; all content is made up here (no malware).
Run from the tree root: python3 tests/data/types/mk.py"""
import io
import os
import struct
import zipfile

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "fuzz", "seeds", "filetype")


def pe():
    b = bytearray(0x200)
    b[0:2] = b"MZ"
    struct.pack_into("<I", b, 0x3C, 0x80)
    b[0x80:0x84] = b"PE\0\0"
    struct.pack_into("<HH", b, 0x80 + 22, 0x2102, 0x10B)
    return bytes(b)


def docm():
    f = io.BytesIO()
    with zipfile.ZipFile(f, "w") as z:
        # fixed dates so the seed is the same on every run
        z.writestr(zipfile.ZipInfo("[Content_Types].xml", (2024, 1, 1, 0, 0, 0)), "<Types/>")
        z.writestr(zipfile.ZipInfo("word/vbaProject.bin", (2024, 1, 1, 0, 0, 0)),
                   b"\xd0\xcf\x11\xe0")
    return f.getvalue()


def iso():
    b = bytearray(0x8800)
    b[0x8001:0x8006] = b"CD001"
    return bytes(b)


SEEDS = {
    "pe_as_pdf": b"report.pdf\n" + pe(),
    "docm_as_jpg": b"holiday.jpg\n" + docm(),
    "rtlo_exe": "Statement\u202efdp.exe\n".encode() + pe(),
    "message": b"mail.eml\nReceived: from x\r\nFrom: a@b\r\nSubject: s\r\n\r\nbody\r\n",
    "wsf": b"a.wsf\n<job id=\"x\">\n<script language=\"VBScript\">WScript.Echo 1</script></job>\n",
    "url": b"x.url\n[InternetShortcut]\r\nURL=file://10.0.0.1/s/a.exe\r\n",
    "iso_padded": b"doc.pdf      .iso\n" + iso(),
    "clsid": b"x.{20D04FE0-3AEA-1069-A2D8-08002B30309D}\nplain text\n",
}

os.makedirs(OUT, exist_ok=True)
for name, data in SEEDS.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
