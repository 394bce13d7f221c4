#!/usr/bin/env python3
"""sevenzip.py: 7z AES end to end: a message with a 7z attachment encrypted by
7z (p7zip-full, through tests/data/sevenzip/mk7z.sh) and its password in the body,
through embargo-scan --json.

Checks (one ok/not ok line each):
  - data encrypted (lzma2.7z) and headers encrypted too (hdr.7z, -mhe=on): the
    members are parts with their sizes, archive.unlocked, no archive.encrypted,
    and the password appears in no finding;
  - the same with a wrong password: archive.encrypted, nothing decoded;
  - the password in a second text part after the archive: opened at end of
    message;
  - a .docm with VBA inside a -mhe=on 7z (corpus vba_macro/document_SimpleMacro.docm):
    macro.vba on its vbaProject.bin;
  - the corpus's encrypted 7z samples (encrypted_archive/*.7z) with the candidate
    passwords of their projects in the body: archive.unlocked, no archive.encrypted;
  - encrypted RAR (encrypted_archive/*rar5*): still archive.encrypted with the
    password in the body, and the finding says RAR encryption is not decrypted.
Only the standard library.
"""
import email.mime.application
import email.mime.multipart
import email.mime.text
import glob
import json
import os
import subprocess
import sys
import tempfile

BUILD = os.environ.get("EMBARGO_BUILD", "build")
ROOT = os.environ.get("EMBARGO_ROOT", ".")
CORPUS = os.environ.get("EMBARGO_CORPUS", os.path.join(ROOT, "tests", "samples"))
if not os.access(os.path.join(BUILD, "embargo-scan"), os.X_OK) and "//" in BUILD:
    BUILD = "/" + BUILD.split("//", 1)[1]
SCAN = os.path.join(BUILD, "embargo-scan")
# the passwords the corpus samples' own projects use
CORPUS_PASSWORDS = ["password", "Tika", "passwd", "12345678"]
failed = 0


def say(ok, what):
    global failed
    failed += not ok
    print(("ok" if ok else "not ok") + " - " + what)


def scan_mail(path, text, after=None):
    """The JSON report of a message with TEXT as its body and PATH attached, and
    AFTER as a text part after the attachment."""
    m = email.mime.multipart.MIMEMultipart()
    m["From"], m["To"], m["Subject"] = "a@example.org", "b@example.net", "Invoice"
    m.attach(email.mime.text.MIMEText(text))
    with open(path, "rb") as f:
        a = email.mime.application.MIMEApplication(f.read(), "x-7z-compressed")
    a.add_header("Content-Disposition", "attachment", filename=os.path.basename(path))
    m.attach(a)
    if after is not None:
        m.attach(email.mime.text.MIMEText(after))
    with tempfile.NamedTemporaryFile(suffix=".eml") as t:
        t.write(m.as_bytes())
        t.flush()
        p = subprocess.run([SCAN, "--json", t.name], capture_output=True, timeout=120)
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        try:
            return json.loads(line)
        except ValueError:
            continue
    return {"parts": [], "findings": []}


def finding(rep, name):
    return [f["detail"] for f in rep["findings"] if f["name"] == name]


def member(rep, name):
    """The part NAME with content (a member locked at first is also an empty part
    of that name, made before a late password opened it)."""
    found = [p for p in rep["parts"] if (p.get("path") or "").endswith("/" + name)]
    return max(found, key=lambda p: p.get("size") or 0) if found else None


def main():
    fx = tempfile.mkdtemp(prefix="embargo-7z-")
    subprocess.run(["sh", os.path.join(ROOT, "tests/data/sevenzip/mk7z.sh"), fx, CORPUS],
                   check=True)
    body = "Hello,\nplease find the figures attached.\nPassword: infected\n"
    for arc in ("lzma2.7z", "hdr.7z"):
        rep = scan_mail(os.path.join(fx, arc), body)
        notes, data = member(rep, "notes.txt"), member(rep, "data.bin")
        say(notes is not None and notes["size"] == 860 and data is not None and
            data["size"] == 3000, "%s: members decoded with their sizes" % arc)
        say(finding(rep, "archive.unlocked") and not finding(rep, "archive.encrypted"),
            "%s: archive.unlocked, no archive.encrypted" % arc)
        say(not any("infected" in f["detail"] for f in rep["findings"]),
            "%s: the password is in no finding" % arc)
        rep = scan_mail(os.path.join(fx, arc), "Password: infectious\n")
        say(finding(rep, "archive.encrypted") and not finding(rep, "archive.unlocked") and
            all((p.get("size") or 0) == 0 for p in rep["parts"] if p["depth"] >= 2),
            "%s with a wrong password: archive.encrypted, nothing decoded" % arc)
        rep = scan_mail(os.path.join(fx, arc), "Hello,\n", after=body)
        say(finding(rep, "archive.unlocked") and member(rep, "data.bin") is not None and
            member(rep, "data.bin")["size"] == 3000,
            "%s with the password in a later text part: opened" % arc)
    macro = os.path.join(fx, "macro.7z")
    if os.path.exists(macro):
        rep = scan_mail(macro, body)
        vba = [f for f in rep["findings"] if f["name"] == "macro.vba" and
               f["part"].endswith("invoice.docm/word/vbaProject.bin")]
        say(bool(vba), "a .docm with VBA inside a -mhe=on 7z: macro.vba")
    else:
        print("ok - # SKIP no corpus: macro.7z not made")
    pw = "Hello,\n" + "".join("Password: %s\n" % p for p in CORPUS_PASSWORDS)
    for path in sorted(glob.glob(os.path.join(CORPUS, "encrypted_archive", "*.7z"))):
        rep = scan_mail(path, pw)
        say(finding(rep, "archive.unlocked") and not finding(rep, "archive.encrypted"),
            "%s: opened with the password in the body" % os.path.basename(path))
    for path in sorted(glob.glob(os.path.join(CORPUS, "encrypted_archive", "*rar5*"))):
        rep = scan_mail(path, pw)
        det = finding(rep, "archive.encrypted")
        say(det and "RAR encryption is not decrypted" in det[0],
            "%s: archive.encrypted naming RAR" % os.path.basename(path))
    subprocess.run(["rm", "-rf", fx])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
