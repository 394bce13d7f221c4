#!/usr/bin/env python3
"""mktwomail.py OUTDIR CORPUS: the two-mail PPAP fixtures, made with `zip -P`.

  first.eml     password ZIP (a harmless text file), no password in the mail
  second.eml    the same sender to the same recipient: "パスワード: <pw>" (UTF-8, base64)
  second_jis.eml  the same in ISO-2022-JP (7bit), full-width colon
  macro1.eml    password ZIP holding a VBA macro .doc (CORPUS/vba_macro/...)
  macro2.eml    its password in a later mail
  other.eml     a password mail from another sender (must not unlock anything)
Senders, recipients and Message-IDs are fixed so tests can grep for them.
"""
import base64
import os
import subprocess
import sys
import tempfile

PW = "Kagi-2026x"
PW_MACRO = "Macro-77zz"


def zip_with(pw, name, data):
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        subprocess.run(["zip", "-q", "-X", "-P", pw, "a.zip", name], cwd=d, check=True)
        with open(os.path.join(d, "a.zip"), "rb") as f:
            return f.read()


def mail(sender, rcpt, msgid, subject, text, zipdata=None, charset="utf-8"):
    h = (f"From: {sender}\r\nTo: {rcpt}\r\nSubject: {subject}\r\n"
         f"Message-ID: <{msgid}>\r\nMIME-Version: 1.0\r\n")
    if charset == "iso-2022-jp":
        body = text.encode("iso-2022-jp")
        part = (f"Content-Type: text/plain; charset=ISO-2022-JP\r\n"
                f"Content-Transfer-Encoding: 7bit\r\n\r\n").encode() + body + b"\r\n"
    else:
        b64 = base64.encodebytes(text.encode("utf-8")).decode().replace("\n", "\r\n")
        part = ("Content-Type: text/plain; charset=UTF-8\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n" + b64).encode()
    if zipdata is None:
        return h.encode() + part
    z = base64.encodebytes(zipdata).decode().replace("\n", "\r\n")
    return (h + 'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\n').encode() + \
        part + ("\r\n--b1\r\nContent-Type: application/zip; name=\"docs.zip\"\r\n"
                "Content-Disposition: attachment; filename=\"docs.zip\"\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n" + z + "--b1--\r\n").encode()


def main():
    out, corpus = sys.argv[1], sys.argv[2]
    with open(os.path.join(corpus, "vba_macro", "document_SimpleMacro.doc"), "rb") as f:
        doc = f.read()
    harmless = "見積書の内容です。\r\nQuote for December.\r\n".encode("utf-8")
    files = {
        "first.eml": mail("tanaka@sender.example", "sato@rcpt.example", "ppap-1@sender.example",
                          "Quote", "お世話になっております。見積書を添付します。\r\n"
                          "パスワードは別途お送りします。\r\n",
                          zip_with(PW, "quote.txt", harmless)),
        "second.eml": mail("tanaka@sender.example", "sato@rcpt.example", "ppap-2@sender.example",
                           "Password", f"先ほどのファイルのパスワードです。\r\n\r\nパスワード: {PW}\r\n"),
        "second_jis.eml": mail("tanaka@sender.example", "sato@rcpt.example",
                               "ppap-2j@sender.example", "Password",
                               f"先ほどのファイルのパスワードです。\r\nパスワード：{PW}\r\n",
                               charset="iso-2022-jp"),
        "macro1.eml": mail("suzuki@sender.example", "sato@rcpt.example", "ppap-m1@sender.example",
                           "Invoice", "請求書を送付します。\r\n",
                           zip_with(PW_MACRO, "invoice.doc", doc)),
        "macro2.eml": mail("suzuki@sender.example", "sato@rcpt.example", "ppap-m2@sender.example",
                           "Password", f"パスワード: {PW_MACRO}\r\n"),
        "other.eml": mail("mallory@other.example", "sato@rcpt.example", "ppap-o@other.example",
                          "Password", f"パスワード: {PW}\r\n"),
    }
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


main()
