#!/usr/bin/env python3
"""mkmail.py: the two mails of the package tests, written into DIR.

clean.eml: plain text. macro.eml: an OpenDocument text with a Basic module
(Basic/Standard/Module1.xml, a script:module), which the shipped policy
quarantines (macro.odf, rule quarantine-active-content). Made here so the tests
need no sample from outside the tree. Usage: mkmail.py DIR
"""
import base64, io, sys, zipfile

def odt_with_basic():
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", '<?xml version="1.0"?><office:document-content '
                   'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0">'
                   '<office:body><office:text/></office:body></office:document-content>')
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest '
                   'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                   '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                   '"application/vnd.oasis.opendocument.text"/></manifest:manifest>')
        z.writestr("Basic/Standard/Module1.xml", '<?xml version="1.0"?><script:module '
                   'xmlns:script="http://openoffice.org/2000/script" script:name="Module1" '
                   'script:language="StarBasic">Sub Main\n  Shell("calc.exe")\nEnd Sub\n'
                   '</script:module>')
    return b.getvalue()

HDR = "From: bob@example.org\nTo: alice@localhost\nSubject: %s\nMessage-ID: <%s@example.org>\n"

def main():
    d = sys.argv[1]
    with open(d + "/clean.eml", "w") as f:
        f.write(HDR % ("clean", "clean") + "\nHello Alice, nothing attached.\n")
    att = base64.encodebytes(odt_with_basic()).decode()
    with open(d + "/macro.eml", "w") as f:
        f.write(HDR % ("invoice", "macro") + 'MIME-Version: 1.0\nContent-Type: multipart/'
                'mixed; boundary="b1"\n\n--b1\nContent-Type: text/plain\n\nSee attached.\n'
                '--b1\nContent-Type: application/vnd.oasis.opendocument.text; name="invoice.odt"\n'
                'Content-Disposition: attachment; filename="invoice.odt"\n'
                'Content-Transfer-Encoding: base64\n\n' + att + '--b1--\n')

main()
