#!/usr/bin/env python3
"""mkcorpus.py OUTDIR [CORPUS]: build the benchmark messages (nothing live, all made
here; the macro document is copied from the shared test corpus when given).

  small.eml      plain text mail, ~2 KB
  docx50k.eml    a clean 50 KB .docx
  pdf1m.eml      a 1 MB PDF
  zipexe.eml     a zip holding a (harmless, header-only) PE executable
  macro.eml      a Word document with an auto-exec VBA macro (from the corpus)
  nested.eml     zip in zip in zip holding a text file
  att2m.eml, att10m.eml, att20m.eml, att25m.eml   random binary attachments
"""
import base64, email.utils, io, os, random, sys, zipfile

out = sys.argv[1]
corpus = sys.argv[2] if len(sys.argv) > 2 else None
os.makedirs(out, exist_ok=True)
rnd = random.Random(42)

def words(n):
    w = ["invoice", "payment", "meeting", "report", "quarter", "project", "review",
         "schedule", "budget", "team", "office", "customer", "order", "update"]
    return " ".join(rnd.choice(w) for _ in range(n))

def message(name, attachment=None, att_name=None, ctype="application/octet-stream"):
    b = "----=_bench_%d" % rnd.randrange(1 << 30)
    lines = ["From: Bench Sender <bench@example.org>", "To: rcpt@example.net",
             "Subject: " + words(5), "Date: " + email.utils.formatdate(),
             "Message-ID: <%d@bench.example.org>" % rnd.randrange(1 << 40),
             "MIME-Version: 1.0"]
    text = "\r\n".join(words(12) for _ in range(25)) + "\r\n"
    if attachment is None:
        lines += ["Content-Type: text/plain; charset=us-ascii", "", text]
    else:
        enc = base64.encodebytes(attachment).decode().replace("\n", "\r\n")
        lines += ['Content-Type: multipart/mixed; boundary="%s"' % b, "",
                  "--" + b, "Content-Type: text/plain; charset=us-ascii", "", text,
                  "--" + b, '%s; name="%s"' % ("Content-Type: " + ctype, att_name),
                  'Content-Disposition: attachment; filename="%s"' % att_name,
                  "Content-Transfer-Encoding: base64", "", enc, "--" + b + "--", ""]
    with open(os.path.join(out, name), "wb") as f:
        f.write("\r\n".join(lines).encode())

def docx(size):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Default Extension="jpeg" ContentType="image/jpeg"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        body = "".join("<w:p><w:r><w:t>%s</w:t></w:r></w:p>" % words(15) for _ in range(300))
        z.writestr("word/document.xml",
                   '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>%s</w:body></w:document>' % body)
        z.writestr("word/media/image1.jpeg", b"\xff\xd8\xff\xe0" + rnd.randbytes(size // 1), compress_type=zipfile.ZIP_STORED)
    data = bio.getvalue()
    return data

def pdf(size):
    payload = rnd.randbytes(size)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(payload) + payload + b"\nendstream"]
    outb = bytearray(b"%PDF-1.4\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(outb))
        outb += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    x = len(outb)
    outb += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        outb += b"%010d 00000 n \n" % o
    outb += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return bytes(outb)

def pe():
    b = bytearray(20000)
    b[0:2] = b"MZ"
    b[0x3c:0x40] = (0x80).to_bytes(4, "little")
    b[0x80:0x84] = b"PE\0\0"
    b[0x84:0x86] = (0x14c).to_bytes(2, "little")
    return bytes(b)

def zipped(name, data):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, data)
    return bio.getvalue()

message("small.eml")
message("docx50k.eml", docx(40000), "report.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
message("pdf1m.eml", pdf(1000000), "statement.pdf", "application/pdf")
message("zipexe.eml", zipped("setup.exe", pe()), "setup.zip", "application/zip")
message("nested.eml", zipped("l2.zip", zipped("l3.zip", zipped("notes.txt", words(2000).encode()))),
        "nested.zip", "application/zip")
macro = None
if corpus:
    for cand in ("vba_autoexec", "vba_macro"):
        d = os.path.join(corpus, cand)
        if os.path.isdir(d):
            files = sorted(f for f in os.listdir(d) if f.endswith((".doc", ".xls", ".docm")))
            if files:
                macro = os.path.join(d, files[0])
                break
if macro:
    with open(macro, "rb") as f:
        message("macro.eml", f.read(), os.path.basename(macro), "application/msword")
for mb in (2, 10, 20, 25):
    message("att%dm.eml" % mb, rnd.randbytes(mb * 1000 * 1000), "data%dm.bin" % mb)
print("corpus in", out)
