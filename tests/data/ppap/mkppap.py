#!/usr/bin/env python3
"""mkppap.py OUTDIR [MACRO_DOC]: PPAP mails (a password ZIP and its password in the
same mail) in the charsets and layouts Japanese business mail uses, for
tests/corpus/ppap.py. All texts are written for these tests.

Every NAME.eml comes with NAME.expect, one line: the password the mail carries
(or "-" when none) and the member the ZIP holds. The ZIPs are made with `zip -P`
(ZipCrypto) or `7z a -tzip -mem=AES256` (WinZip AES): Python's zipfile cannot
encrypt. With MACRO_DOC, ppap_macro.eml carries that document in the ZIP.
"""
import base64
import os
import quopri
import shutil
import subprocess
import sys
import tempfile

OUT = sys.argv[1]
MACRO = sys.argv[2] if len(sys.argv) > 2 else None
B = "=_ppap_boundary_"


def make_zip(path, password, member, data, aes=False):
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, member)
        with open(src, "wb") as f:
            f.write(data)
        if os.path.exists(path):
            os.unlink(path)
        if aes:
            cmd = ["7z", "a", "-tzip", "-mem=AES256", "-p" + password, path, src]
        else:
            cmd = ["zip", "-q", "-j", "-P", password, path, src]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(path, "rb") as f:
        return f.read()


def b64lines(data):
    s = base64.b64encode(data).decode()
    return "\r\n".join(s[i:i + 76] for i in range(0, len(s), 76))


def mail(name, subject, parts, password, member):
    """parts: (content-type, cte, encoded body str)."""
    head = ("From: =?UTF-8?B?5bGx55Sw?= <yamada@example.co.jp>\r\n"
            "To: tanaka@example.jp\r\n"
            "Subject: %s\r\n"
            "Date: Fri, 04 Dec 2026 10:00:00 +0900\r\n"
            "Message-ID: <%s@example.co.jp>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n" % (subject, name, B))
    body = ""
    for ctype, cte, text in parts:
        body += "--%s\r\nContent-Type: %s\r\n" % (B, ctype)
        if cte:
            body += "Content-Transfer-Encoding: %s\r\n" % cte
        body += "\r\n%s\r\n" % text
    body += "--%s--\r\n" % B
    with open(os.path.join(OUT, name + ".eml"), "wb") as f:
        f.write((head + body).encode("latin-1"))
    with open(os.path.join(OUT, name + ".expect"), "w") as f:
        f.write("%s %s\n" % (password, member))


def attachment(zipdata, fname="documents.zip"):
    return ("application/zip; name=\"%s\"\r\nContent-Disposition: attachment; "
            "filename=\"%s\"" % (fname, fname), "base64", b64lines(zipdata))


def subject(text, label, codec):
    """An RFC 2047 B-encoded Subject."""
    return "=?%s?B?%s?=" % (label, base64.b64encode(text.encode(codec)).decode())


def raw8(data):
    """8-bit bytes carried through the latin-1 writer unchanged."""
    return data.decode("latin-1")


def build():
    os.makedirs(OUT, exist_ok=True)
    harmless = "請求書の控えです。\r\n".encode("utf-8")
    z = os.path.join(OUT, "tmp.zip")

    # 1. ISO-2022-JP, 7bit: "下記の通りです" and the password on a later line.
    pw = "Kq7#mZ2x"
    text = ("田中様\r\n\r\nお世話になっております。山田です。\r\n"
            "請求書をお送りします。\r\n解凍パスワードは下記の通りです。\r\n\r\n"
            "    %s\r\n\r\nよろしくお願いいたします。\r\n" % pw)
    mail("ppap_iso2022jp", subject("請求書の送付", "ISO-2022-JP", "iso-2022-jp"),
          [("text/plain; charset=\"ISO-2022-JP\"", "7bit", raw8(text.encode("iso-2022-jp"))),
          attachment(make_zip(z, pw, "invoice.txt", harmless))], pw, "invoice.txt")

    # 2. Shift_JIS label, CP932 bytes (①, ～), base64; a full-width password
    #    after a full-width colon: the ZIP's password is its ASCII form.
    pw = "Xk7p-2024"
    fw = "".join(chr(ord(c) + 0xfee0) for c in pw)
    text = ("①ご請求書を添付いたします～\r\n【パスワード】\r\n"
            "パスワード：%s\r\n以上、よろしくお願いいたします。\r\n" % fw)
    body = b64lines(text.encode("cp932"))
    mail("ppap_sjis", subject("見積書", "Shift_JIS", "cp932"),
         [("text/plain; charset=Shift_JIS", "base64", body),
          attachment(make_zip(z, pw, "quote.txt", harmless))], pw, "quote.txt")

    # 3. UTF-8, quoted-printable, HTML only: a table cell holds the password, and
    #    the quoted earlier mail holds 40 decoys (more than limits.passwords).
    pw = "Tb9-q1Lm"
    decoys = "".join("<p>パスワード：decoy%02d</p>" % i for i in range(40))
    html = ("<html><body><p>田中様</p><p>資料をお送りします。</p>"
            "<table><tr><td>解凍パスワード</td><td>%s</td></tr></table>"
            "<div class=\"gmail_quote\"><blockquote>%s</blockquote></div>"
            "</body></html>" % (pw, decoys))
    mail("ppap_utf8_html", subject("Re: 資料送付", "UTF-8", "utf-8"),
        [("text/html; charset=utf-8", "quoted-printable",
          quopri.encodestring(html.encode("utf-8")).decode("ascii").replace("\n", "\r\n")),
         attachment(make_zip(z, pw, "report.txt", harmless, aes=True))], pw, "report.txt")

    # 4. EUC-JP, 8bit, 「」 quoting.
    pw = "Ej5kk2Qp"
    text = "開封パスワードは「%s」です。\r\n" % pw
    mail("ppap_eucjp", "eucjp",
         [("text/plain; charset=EUC-JP", "8bit", raw8(text.encode("euc-jp"))),
          attachment(make_zip(z, pw, "memo.txt", harmless))], pw, "memo.txt")

    # 5. UTF-8 plain text reply: the password of this mail first, an old one quoted.
    pw = "Nw55-rt7"
    text = ("PW: %s\r\n\r\n-----Original Message-----\r\nPW: Old11-zz\r\n" % pw)
    mail("ppap_reply", "Re: files",
         [("text/plain; charset=utf-8", "8bit", raw8(text.encode())),
          attachment(make_zip(z, pw, "files.txt", harmless))], pw, "files.txt")

    # 6. No password in the mail: the ZIP stays locked (fail-closed).
    mail("ppap_locked", "separate",
         [("text/plain; charset=ISO-2022-JP", "7bit",
           raw8("パスワードは別途お送りします。\r\n".encode("iso-2022-jp"))),
          attachment(make_zip(z, "Zz-9876-q", "locked.txt", harmless))], "-", "locked.txt")

    # 7. A macro document in the ZIP (Emotet's way): opened, still held.
    if MACRO:
        pw = "Mc4-8812"
        with open(MACRO, "rb") as f:
            doc = f.read()
        member = os.path.basename(MACRO)
        text = "パスワード：%s\r\n" % pw
        mail("ppap_macro", subject("賞与支払届", "ISO-2022-JP", "iso-2022-jp"),
            [("text/plain; charset=ISO-2022-JP", "7bit", raw8(text.encode("iso-2022-jp"))),
             attachment(make_zip(z, pw, member, doc))], pw, member)
    os.unlink(z)


if __name__ == "__main__":
    if shutil.which("zip") is None or shutil.which("7z") is None:
        sys.exit("mkppap.py: needs zip and 7z (p7zip-full)")
    build()
