#!/usr/bin/env python3
"""pdf_filters.py: PDFs made here whose object stream and embedded file hide behind
the text filters a scanner that only inflates does not undo.

Each file has an /OpenAction JavaScript action inside an object stream and a PE
attached as payload.exe; the streams are encoded with a filter chain:
  - [/ASCII85Decode /FlateDecode] (Python's base64.a85encode and zlib),
  - [/AHx /Fl] (abbreviated names; hex),
  - /ASCIIHexDecode alone, /ASCII85Decode alone.
Checks (one ok/not ok line each): pdf.javascript (only visible in the decoded
object stream) and payload.exe extracted as a part of class executable; and a file
whose embedded stream uses /LZWDecode (not decoded) gets scan.error, not a clean
pass. Only the standard library.
"""
import base64
import binascii
import json
import os
import subprocess
import sys
import tempfile
import zlib

BUILD = os.environ.get("EMBARGO_BUILD", "build")
if not os.access(os.path.join(BUILD, "embargo-scan"), os.X_OK) and "//" in BUILD:
    BUILD = "/" + BUILD.split("//", 1)[1]
SCAN = os.path.join(BUILD, "embargo-scan")
results = []


def say(ok, what):
    results.append(bool(ok))
    print(("ok" if ok else "not ok") + " - " + what)


def encode(data, chain):
    """DATA through the encoders of CHAIN, last filter first (as a reader undoes
    them first to last)."""
    for f in reversed(chain):
        if f in ("FlateDecode", "Fl"):
            data = zlib.compress(data)
        elif f in ("ASCIIHexDecode", "AHx"):
            data = binascii.hexlify(data) + b">"
        elif f in ("ASCII85Decode", "A85"):
            data = base64.a85encode(data) + b"~>"
        elif f == "LZWDecode":
            data = b"\x80\x0b\x60\x50\x22\x0c\x0c\x85\x01"    # not decoded by Embargo
    return data


def pdf(path, chain):
    pe = bytearray(4096)
    pe[0:2] = b"MZ"
    pe[0x3c:0x40] = (0x80).to_bytes(4, "little")
    pe[0x80:0x84] = b"PE\0\0"
    pe[0x84:0x86] = (0x14c).to_bytes(2, "little")
    filt = b"/" + chain[0].encode() if len(chain) == 1 else \
        b"[" + b" ".join(b"/" + f.encode() for f in chain) + b"]"
    # objects 4 (the JavaScript action) and 6 (the filespec) live in object stream 8
    inner = [(4, b"<< /Type /Action /S /JavaScript /JS (app.alert\\(1\\)) >>"),
             (6, b"<< /Type /Filespec /F (payload.exe) /EF << /F 7 0 R >> >>")]
    body, header = b"", b""
    for num, o in inner:
        header += b"%d %d " % (num, len(body))
        body += o + b"\n"
    objstm = encode(header + body, chain)
    embedded = encode(bytes(pe), chain)
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R /Names << /EmbeddedFiles "
           b"<< /Names [(payload.exe) 6 0 R] >> >> >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        7: b"<< /Type /EmbeddedFile /Filter " + filt + b" /Length %d >>\nstream\n"
           % len(embedded) + embedded + b"\nendstream",
        8: b"<< /Type /ObjStm /N 2 /First %d /Filter " % len(header) + filt +
           b" /Length %d >>\nstream\n" % len(objstm) + objstm + b"\nendstream",
    }
    out = bytearray(b"%PDF-1.7\n")
    for i in sorted(objs):
        out += b"%d 0 obj\n" % i + objs[i] + b"\nendobj\n"
    out += b"trailer\n<< /Size 9 /Root 1 0 R >>\n%%EOF\n"
    with open(path, "wb") as f:
        f.write(out)


def report(path):
    p = subprocess.run([SCAN, "--json", "--raw", path], capture_output=True, timeout=120)
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        try:
            return json.loads(line)
        except ValueError:
            continue
    return None


def names(rep):
    return sorted({f["name"] for f in rep["findings"]}) if rep else []


def main():
    d = tempfile.mkdtemp(prefix="embargo-pdffilt.")
    for chain in (["ASCII85Decode", "FlateDecode"], ["AHx", "Fl"], ["ASCIIHexDecode"],
                  ["ASCII85Decode"]):
        path = os.path.join(d, "-".join(chain) + ".pdf")
        pdf(path, chain)
        rep = report(path)
        exe = [p for p in (rep or {"parts": []})["parts"]
               if p.get("filename") == "payload.exe" and p.get("class") == "executable"]
        say("pdf.javascript" in names(rep) and exe,
            "%s: pdf.javascript from the object stream, payload.exe extracted (got %s)"
            % (chain, names(rep)))
    path = os.path.join(d, "lzw.pdf")
    pdf(path, ["LZWDecode"])
    rep = report(path)
    say("scan.error" in names(rep), "LZWDecode (not decoded): scan.error, not a clean "
        "pass (got %s)" % names(rep))
    subprocess.run(["rm", "-rf", d])
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
