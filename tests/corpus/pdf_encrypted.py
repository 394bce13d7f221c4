#!/usr/bin/env python3
"""pdf_encrypted.py: PDFs encrypted by qpdf (a real, independent implementation of
the Standard security handler) and analysed by embargo-scan in the clear.

One plain PDF is made here: an /OpenAction JavaScript action, and a PE attached as
payload.exe. qpdf puts its objects in object streams (so /JavaScript is only
visible once the streams are decrypted) and encrypts it four ways with an empty
user password: RC4 40-bit (R2), RC4 128-bit (R3), AES-128 (R4), AES-256 (R6).
Checks (one ok/not ok line each):
  - each: doc.decrypted (naming the method), pdf.javascript, and payload.exe
    extracted as a part of class executable; no doc.encrypted;
  - the plain file: the same findings, without doc.decrypted;
  - AES-128 and AES-256 with the user password "s3cret": alone, doc.encrypted and
    nothing extracted; in a message whose text gives the password, doc.unlocked
    and payload.exe extracted.
Needs qpdf (contrib/install-deps.sh test installs it). Only the standard library.
"""
import email.mime.application
import email.mime.multipart
import email.mime.text
import json
import os
import subprocess
import sys
import tempfile

BUILD = os.environ.get("EMBARGO_BUILD", "build")
if not os.access(os.path.join(BUILD, "embargo-scan"), os.X_OK) and "//" in BUILD:
    BUILD = "/" + BUILD.split("//", 1)[1]
SCAN = os.path.join(BUILD, "embargo-scan")
results = []


def say(ok, what):
    results.append(bool(ok))
    print(("ok" if ok else "not ok") + " - " + what)


def plain_pdf(path):
    pe = bytearray(4096)
    pe[0:2] = b"MZ"
    pe[0x3c:0x40] = (0x80).to_bytes(4, "little")
    pe[0x80:0x84] = b"PE\0\0"
    pe[0x84:0x86] = (0x14c).to_bytes(2, "little")
    js = b"app.alert('hello from an encrypted pdf');"
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R /Names << /EmbeddedFiles "
           b"<< /Names [(payload.exe) 6 0 R] >> >> >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        4: b"<< /Type /Action /S /JavaScript /JS 5 0 R >>",
        5: b"<< /Length %d >>\nstream\n" % len(js) + js + b"\nendstream",
        6: b"<< /Type /Filespec /F (payload.exe) /UF (payload.exe) /EF << /F 7 0 R >> >>",
        7: b"<< /Type /EmbeddedFile /Length %d >>\nstream\n" % len(pe) + bytes(pe) +
           b"\nendstream",
    }
    out = bytearray(b"%PDF-1.7\n")
    offs = {}
    for i in sorted(objs):
        offs[i] = len(out)
        out += b"%d 0 obj\n" % i + objs[i] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for i in sorted(objs):
        out += b"%010d 00000 n \n" % offs[i]
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    with open(path, "wb") as f:
        f.write(out)


def report(args):
    p = subprocess.run([SCAN, "--json"] + args, capture_output=True, timeout=120)
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        try:
            return json.loads(line)
        except ValueError:
            continue
    return None


def names(rep):
    return sorted({f["name"] for f in rep["findings"]}) if rep else []


def payload(rep):
    return [p for p in (rep or {"parts": []})["parts"]
            if (p.get("path") or "").endswith("payload.exe") and
            p.get("class") == "executable"]


def mail(pdf, text, path):
    m = email.mime.multipart.MIMEMultipart()
    m["From"], m["To"], m["Subject"] = "a@example.org", "b@example.net", "Statement"
    m.attach(email.mime.text.MIMEText(text))
    with open(pdf, "rb") as f:
        a = email.mime.application.MIMEApplication(f.read())
    a.add_header("Content-Disposition", "attachment", filename="statement.pdf")
    m.attach(a)
    with open(path, "wb") as f:
        f.write(m.as_bytes())


def main():
    d = tempfile.mkdtemp(prefix="embargo-pdfcrypt.")
    plain = os.path.join(d, "plain.pdf")
    plain_pdf(plain)
    rep = report(["--raw", plain])
    say("pdf.javascript" in names(rep) and payload(rep) and "doc.decrypted" not in names(rep),
        "plain PDF: pdf.javascript and payload.exe extracted (got %s)" % names(rep))
    for label, args in (("RC4 40-bit", ["40"]), ("RC4 128-bit", ["128", "--use-aes=n"]),
                        ("AES 128-bit", ["128", "--use-aes=y"]), ("AES 256-bit", ["256"])):
        out = os.path.join(d, "enc-%s.pdf" % label.replace(" ", "-"))
        q = subprocess.run(["qpdf", "--object-streams=generate", "--allow-weak-crypto",
                            "--encrypt", "", "owner"] + args + ["--", plain, out],
                           capture_output=True)
        if q.returncode not in (0, 3):
            say(False, "qpdf encrypts with %s: %s" % (label, q.stderr.decode()[:200]))
            continue
        rep = report(["--raw", out])
        what = [f["detail"] for f in rep["findings"] if f["name"] == "doc.decrypted"] \
            if rep else []
        say(what and label in what[0] and "pdf.javascript" in names(rep) and
            payload(rep) and "doc.encrypted" not in names(rep),
            "%s, empty user password: decrypted (%s), pdf.javascript, payload.exe "
            "extracted (got %s)" % (label, what, names(rep)))
    for label, args in (("AES 128-bit", ["128", "--use-aes=y"]), ("AES 256-bit", ["256"])):
        out = os.path.join(d, "user-%s.pdf" % label.replace(" ", "-"))
        subprocess.run(["qpdf", "--object-streams=generate", "--encrypt", "s3cret",
                        "owner"] + args + ["--", plain, out], capture_output=True)
        rep = report(["--raw", out])
        say("doc.encrypted" in names(rep) and not payload(rep),
            "%s with a user password, alone: doc.encrypted, nothing extracted (got %s)"
            % (label, names(rep)))
        eml = os.path.join(d, "user-%s.eml" % label.replace(" ", "-"))
        mail(out, "Your statement is attached.\nPassword: s3cret\n", eml)
        rep = report([eml])
        say("doc.unlocked" in names(rep) and payload(rep),
            "%s with the password in the mail: doc.unlocked, payload.exe extracted "
            "(got %s)" % (label, names(rep)))
    subprocess.run(["rm", "-rf", d])
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
