#!/usr/bin/env python3
"""mkseeds.py: writes the fuzz seeds of fuzz_mime (tests/fuzz/seeds/mime/).
Each seed is one chunk-size byte followed by a small message exercising one
feature: nesting, encodings, RFC 2231/2047 names, uuencode, broken structure.
Run from the repository root: python3 tests/data/mime/mkseeds.py"""
import os

OUT = "tests/fuzz/seeds/mime"
MP = (b"Subject: =?utf-8?q?s=C3=A9ed?=\r\nContent-Type: multipart/mixed; "
      b"boundary=\"b\"\r\n\r\npre\r\n")

def binhex(name, data):
    """A BinHex 4.0 block (CRCs zero, no run-length escapes) for NAME holding DATA."""
    alpha = b"!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr"
    raw = (bytes([len(name)]) + name + bytes(11) + len(data).to_bytes(4, "big") +
           bytes(6) + data + bytes(4))
    bits, acc, out = 0, 0, bytearray(b":")
    for c in raw:
        acc, bits = acc << 8 | c, bits + 8
        while bits >= 6:
            bits -= 6
            out.append(alpha[acc >> bits & 63])
    if bits:
        out.append(alpha[acc << (6 - bits) & 63])
    out += b":"
    return b"\r\n".join(bytes(out[i:i + 64]) for i in range(0, len(out), 64))


SEEDS = {
    "tree": MP + b"--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
    b"--b\r\nContent-Type: multipart/alternative; boundary=c\r\n\r\n--c\r\n\r\nx\r\n"
    b"--c--\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nContent-Type: text/plain;"
    b" name=in.txt\r\n\r\ninner\r\n--b--\r\n",
    "encodings": MP + b"--b\r\nContent-Transfer-Encoding: base64\r\n\r\nTVo=\r\n"
    b"--b\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\na=3D=\r\nb=XY\r\n--b--\r\n",
    "names": MP + b"--b\r\nContent-Disposition: attachment;\r\n filename*0*=UTF-8''a%20;"
    b"\r\n filename*1=b.exe\r\nContent-Type: x/y; name=\"=?UTF-8?B?w6QuZXhl?=\"\r\n\r\nx"
    b"\r\n--b--\r\n",
    "uuencode": b"Content-Type: text/plain\r\n\r\nbegin 644 a.exe\r\n#04)#\r\n`\r\nend\r\n"
    b"(This file must be converted with BinHex 4.0)\r\n",
    "binhex": b"Content-Type: application/octet-stream\r\n\r\n"
    b"(This file must be converted with BinHex 4.0)\r\n" + binhex(b"a.exe", b"MZ" * 40) +
    b"\r\n",
    "broken": b"Content-Type: multipart/mixed; boundary=a; boundary=b\r\n"
    b"Content-Type(x): text/plain\r\n\r\n--a\r\nno header here\r\n--b\r\n--a--\r\n"
    b"--b\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    b"Q29udGVudC1UeXBlOiB0ZXh0L3BsYWluDQoNCk1a\r\n",
}

os.makedirs(OUT, exist_ok=True)
for i, (name, body) in enumerate(sorted(SEEDS.items())):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bytes([i * 3 % 17]) + body)
