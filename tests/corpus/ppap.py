#!/usr/bin/env python3
"""ppap.py: PPAP mails (a password ZIP and its password in the same mail) through
embargo-scan --json, as tests/data/ppap/mkppap.py writes them: ISO-2022-JP (7bit,
password on a line after "解凍パスワードは下記の通りです"), Shift_JIS labelled CP932
in base64 (full-width password after a full-width colon), UTF-8 HTML-only in
quoted-printable (password in a table cell, 40 quoted decoys, WinZip AES), EUC-JP
8bit (「」), a UTF-8 reply whose quoted part holds an older password.

Checks (one ok/not ok line each), for each mail with its password in it:
  - the ZIP is opened with it: archive.unlocked, no archive.encrypted, and the
    member inside is a part of the report, analysed (its class known);
  - the shipped policy tags it, does not quarantine it (issue 12 item 3);
and for the mail without a password: archive.encrypted, quarantined (fail-closed);
and for the ZIP holding a macro document (from the corpus): opened, macro.vba
found inside, and the message is still quarantined or rejected.
Needs zip and 7z (p7zip-full); only the standard library.
"""
import json
import os
import subprocess
import sys
import tempfile

BUILD = os.environ.get("EMBARGO_BUILD", "build")
HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.environ.get("EMBARGO_CORPUS", os.path.join(HERE, "..", "samples"))
if not os.access(os.path.join(BUILD, "embargo-scan"), os.X_OK) and "//" in BUILD:
    BUILD = "/" + BUILD.split("//", 1)[1]
SCAN = os.path.join(BUILD, "embargo-scan")
MK = os.path.join(HERE, "..", "data", "ppap", "mkppap.py")
MACRO = os.path.join(CORPUS, "vba_macro", "document_SimpleMacro.docm")
results = []


def check(cond, what):
    results.append(bool(cond))
    print("%s %d - %s" % ("ok" if cond else "not ok", len(results), what))


def scan(path):
    p = subprocess.run([SCAN, "--json", path], capture_output=True, timeout=120)
    try:
        return json.loads(p.stdout)
    except ValueError:
        return None


def main():
    with tempfile.TemporaryDirectory() as d:
        args = [sys.executable, MK, d] + ([MACRO] if os.path.exists(MACRO) else [])
        subprocess.run(args, check=True)
        names = sorted(f[:-4] for f in os.listdir(d) if f.endswith(".eml"))
        check(len(names) >= 6, "mkppap.py wrote %d mails" % len(names))
        for n in names:
            with open(os.path.join(d, n + ".expect")) as f:
                pw, member = f.read().split()
            rep = scan(os.path.join(d, n + ".eml"))
            if rep is None:
                check(False, "%s: embargo-scan gave a JSON report" % n)
                continue
            found = {f["name"] for f in rep.get("findings", [])}
            inner = [p for p in rep.get("parts", [])
                     if p.get("path", "").endswith("/" + member)]
            act = rep.get("action")
            if pw == "-":
                check("archive.encrypted" in found and "archive.unlocked" not in found,
                      "%s: no password in the mail, the ZIP stays locked" % n)
                check(act == "quarantine", "%s: locked ZIP quarantined (got %s)" % (n, act))
                continue
            check("archive.unlocked" in found and "archive.encrypted" not in found,
                  "%s: ZIP opened with the password %s from the mail (%s)"
                  % (n, pw, " ".join(sorted(found))))
            check(bool(inner) and inner[0].get("class") not in (None, "empty"),
                  "%s: %s inside is reported and analysed" % (n, member))
            if n == "ppap_macro":
                check(any(x.startswith("macro.") for x in found),
                      "%s: the macro inside is found" % n)
                check(act in ("quarantine", "reject"),
                      "%s: still held (got %s by %s)" % (n, act, rep.get("rule")))
            else:
                check(act == "tag", "%s: harmless and unlocked: tagged, not held (got %s "
                      "by %s)" % (n, act, rep.get("rule")))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
