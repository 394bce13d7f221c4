#!/usr/bin/env python3
"""tnef.py: Outlook TNEF (winmail.dat) in real-looking mail, through the shipped policy.

tests/data/mktnef.py wraps real corpus files into TNEF streams: the ClamAV test
executable ($EMBARGO_CORPUS/executable/clam.exe), the remote-template docx
($EMBARGO_CORPUS/external_link/testAttachedTemplate.docx), and the executable
inside an embedded (forwarded) message. Each stream goes into a message as
application/ms-tnef "winmail.dat", scanned with embargo-scan -c conf/embargo.conf
--json. Checks: the part is class tnef, each attachment is a child part with its
long name and the real bytes (SHA-256), its own findings are there
(type.executable, doc.remote_template), the action is the shipped one; a
truncated stream is archive.corrupt and quarantined, never accepted. And the
corpus's own Outlook-written winmail.dat (clean/testWINMAIL.dat, Apache Tika)
opens into its five attachments and is accepted.
Only the standard library.
"""
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data"))
import mktnef  # noqa: E402

BUILD = os.environ.get("EMBARGO_BUILD", "build")
ROOT = os.environ.get("EMBARGO_ROOT", ".")
# The samples live in the tree (tests/samples/, copied from the shared corpus).
SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples")
CORPUS = os.environ.get("EMBARGO_CORPUS", SAMPLES)
if not os.access(os.path.join(BUILD, "embargo-scan"), os.X_OK) and "//" in BUILD:
    BUILD = "/" + BUILD.split("//", 1)[1]
SCAN = os.path.join(BUILD, "embargo-scan")
CONF = os.path.join(ROOT, "conf", "embargo.conf")
results = []


def check(ok, desc):
    results.append(ok)
    print(("ok - " if ok else "not ok - ") + desc)


def message(tnef):
    b64 = base64.encodebytes(tnef).decode()
    return ("From: a@example.org\r\nTo: b@example.org\r\nSubject: invoice\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
            "--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
            "--b\r\nContent-Type: application/ms-tnef; name=\"winmail.dat\"\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            "Content-Disposition: attachment; filename=\"winmail.dat\"\r\n\r\n"
            + b64.replace("\n", "\r\n") + "--b--\r\n").encode()


def scan(d, name, data):
    path = os.path.join(d, name)
    with open(path, "wb") as f:
        f.write(data)
    p = subprocess.run([SCAN, "-c", CONF, "--json", path], capture_output=True,
                       timeout=120)
    try:
        return json.loads(p.stdout.decode("utf-8", "replace"))
    except ValueError:
        return {"stdout": p.stdout[:200]}


def part(o, filename):
    return [p for p in o.get("parts", []) if p.get("filename") == filename]


def has(o, name, path):
    return any(f["name"] == name and f["part"] == path for f in o.get("findings", []))


def main():
    exe = open(os.path.join(CORPUS, "executable", "clam.exe"), "rb").read()
    docx = open(os.path.join(CORPUS, "external_link", "testAttachedTemplate.docx"),
                "rb").read()
    with tempfile.TemporaryDirectory() as d:
        o = scan(d, "two.eml", message(mktnef.stream(
            [("Invoice 2026-12.exe", exe), ("Terms.docx", docx)])))
        w = part(o, "winmail.dat")
        check(len(w) == 1 and w[0]["class"] == "tnef", "winmail.dat is class tnef")
        x, t = part(o, "Invoice 2026-12.exe"), part(o, "Terms.docx")
        check(len(x) == 1 and x[0]["sha256"] == hashlib.sha256(exe).hexdigest()
              and has(o, "type.executable", x[0]["path"]),
              "the executable inside is a child with its bytes and type.executable")
        check(len(t) == 1 and t[0]["class"] == "ooxml" and any(
            f["name"] == "doc.remote_template" and f["part"].startswith(t[0]["path"])
            for f in o.get("findings", [])),
              "the docx inside is opened and its remote template found")
        check(o.get("action") == "reject", "the message is rejected (%s)" % o.get("action"))

        o = scan(d, "nested.eml", message(mktnef.nested("inner.exe", exe)))
        x = part(o, "inner.exe")
        check(len(x) == 1 and x[0]["depth"] > part(o, "forwarded.msg")[0]["depth"]
              and has(o, "type.executable", x[0]["path"]),
              "an executable in an embedded message is found")

        whole = mktnef.stream([("a.exe", exe)])
        o = scan(d, "cut.eml", message(whole[:len(whole) // 2]))
        check(any(f["name"] == "archive.corrupt" for f in o.get("findings", []))
              and o.get("action") in ("quarantine", "reject"),
              "a truncated winmail.dat is archive.corrupt and held (%s)" % o.get("action"))
        o = scan(d, "real.eml", message(open(os.path.join(
            CORPUS, "clean", "testWINMAIL.dat"), "rb").read()))
        names = sorted(p["filename"] for p in o.get("parts", [])
                       if (p.get("filename") or "").startswith("quick."))
        check(names == ["quick.doc", "quick.html", "quick.pdf", "quick.txt", "quick.xml"]
              and o.get("action") == "accept",
              "Outlook's testWINMAIL.dat: five attachments, accepted (%s, %s)"
              % (names, o.get("action")))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
