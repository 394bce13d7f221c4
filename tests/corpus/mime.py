#!/usr/bin/env python3
"""mime.py: embargo-scan --json (message mode) over every message of the corpus
($EMBARGO_CORPUS/eml/): the MIME parser must find each attachment, name it as the
sender did and decode it byte for byte.

Checks (one ok/not ok line each):
  - eml/<class>/<name>.eml (wrapped samples): a part whose filename is <name> and
    whose SHA-256 is the MANIFEST digest of <class>/<name>;
  - eml/tricky/*.eml (hand-built edge cases): the expected filename (RFC 2231
    continuations and charsets, RFC 2047, right-to-left override, uuencoded,
    name/filename conflicts) at the expected section, decoded to the sample it
    wraps, plus mime.uuencode / mime.malformed where the case calls for them;
  - eml/mail_container/clam.exe.binhex.eml: the BinHex attachment is decoded and
    its data fork, clam.exe, is a child part identical to executable/clam.exe;
  - eml/native/*.eml (ClamAV and Tika bypass tests): the attachment (clam.exe,
    test.zip) is exposed whatever the trick (comments in header names, repeated
    boundaries or Content-Types, RFC 2231 boundaries);
  - no message makes embargo-scan fail or record scan.error from the MIME parser.
Only the standard library.
"""
import json
import os
import subprocess
import sys

ROOT = os.environ.get("EMBARGO_ROOT", ".")
BUILD = os.environ.get("EMBARGO_BUILD", "build")
# The samples live in the tree (tests/samples/, copied from the shared corpus).
SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples")
CORPUS = os.environ.get("EMBARGO_CORPUS", SAMPLES)
# run.sh joins ROOT and B even when B is absolute (B=/tmp/b-x gives ROOT//tmp/b-x)
if not os.access(os.path.join(BUILD, "embargo-scan"), os.X_OK) and "//" in BUILD:
    BUILD = "/" + BUILD.split("//", 1)[1]
SCAN = os.path.join(BUILD, "embargo-scan")
RLO = "Invoice_7711\u202efdp.exe"

# tricky case: (section path prefix or None, filename or None, sample, findings)
TRICKY = {
    "declared_jpeg_is_docm": ("2", "holiday.jpg", "vba_macro/document_SimpleMacro.docm", ()),
    "declared_text_is_pe": ("2", "readme.txt", "executable/clam.exe", ()),
    "deep_multipart_tree": ("1.2.2.1", "setup.exe", "executable/clam.exe", ()),
    "inline_disposition_exe": ("2", "logo.exe", "executable/clam.exe", ()),
    "name_vs_filename_differ": ("2", "invoice.exe", "executable/clam.exe",
                                ("mime.malformed",)),
    "nested_rfc822_vba_autoexec": ("2.2", "Payment_Schedule.xls", "vba_autoexec/test.xls", ()),
    "no_content_disposition": ("2", "Budget_Q1.xls", None, ()),
    "no_filename_at_all": ("2", None, "executable/clam.exe", ()),
    "quoted_printable_vba_doc": ("2", "Minutes.doc", "vba_macro/testWORD_macros.doc", ()),
    "rfc2047_filename": ("2", "Zahlungsavis_Nr_88.pdf.exe", "executable/clam.exe", ()),
    "rfc2231_continuation": ("2", "Rechnung_2024_01_17_Kunde_4711.pdf.exe",
                             "executable/clam.exe", ()),
    "rfc2231_filename_only": ("2", "\u00dcberweisung_M\u00e4rz.exe", "executable/clam.exe", ()),
    "rlo_filename_rfc2047": ("2", RLO, "executable/clam.exe", ()),
    "rlo_filename_rfc2231": ("2", RLO, "executable/clam.exe", ()),
    "uuencode_in_body": ("1/", "invoice.exe", "executable/clam.exe", ("mime.uuencode",)),
}
count = 0


def say(ok, what):
    global count
    count += 1
    print(("ok" if ok else "not ok") + " - " + what)


def manifest():
    digests = {}
    with open(os.path.join(CORPUS, "MANIFEST.tsv"), encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) >= 2 and f[0] != "path":
                digests[f[0]] = f[1]
    return digests


def scan(rel):
    """The JSON report of one message, or None when embargo-scan failed."""
    try:
        p = subprocess.run([SCAN, "--json", os.path.join(CORPUS, rel)],
                           capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        print("# %s: %s" % (rel, e))
        return None
    if p.returncode not in (0, 1, 2, 3):
        print("# %s: exit %d: %s" % (rel, p.returncode, p.stderr[:200]))
        return None
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("{"):
            return json.loads(line)
    print("# %s: no JSON line" % rel)
    return None


def mime_errors(rep):
    return [f for f in rep.get("findings", [])
            if f["name"] == "scan.error" and "mime" in (f.get("detail") or "")]


def has_part(rep, name, sha, prefix=None):
    for p in rep.get("parts", []):
        if name is not None and p.get("filename") != name:
            continue
        if name is None and p.get("filename"):
            continue
        if sha is not None and p.get("sha256") != sha:
            continue
        if prefix is not None and not p.get("path", "").startswith(prefix):
            continue
        return True
    return False


def check_wrapped(rel, digests):
    cls, fname = rel.split("/")[1], os.path.basename(rel)[:-4]
    rep = scan(rel)
    if rep is None:
        say(False, "%s: embargo-scan ran" % rel)
        return
    sha = digests.get("%s/%s" % (cls, fname))
    say(has_part(rep, fname, sha) and not mime_errors(rep),
        "%s: part %s decoded to the sample" % (rel, fname))


def check_tricky(rel, digests):
    key = os.path.basename(rel)[:-4]
    rep = scan(rel)
    if key not in TRICKY or rep is None:
        say(False, "%s: known case, embargo-scan ran" % rel)
        return
    prefix, fname, sample, want = TRICKY[key]
    sha = digests.get(sample) if sample else None
    names = {f["name"] for f in rep.get("findings", [])}
    ok = has_part(rep, fname, sha, prefix) and all(w in names for w in want)
    say(ok and not mime_errors(rep), "%s: %s at %s%s" % (rel, fname or "nameless part",
        prefix, " with " + ",".join(want) if want else ""))


def check_native(rel, digests):
    rep = scan(rel)
    if rep is None:
        say(False, "%s: embargo-scan ran" % rel)
        return
    if "clam" in rel:
        ok = has_part(rep, "clam.exe", digests.get("executable/clam.exe"))
        what = "clam.exe exposed and decoded"
    else:
        ok = has_part(rep, "test.zip", None)
        what = "test.zip exposed"
    say(ok and not mime_errors(rep), "%s: %s" % (rel, what))


def main():
    if not os.access(SCAN, os.X_OK):
        say(False, "embargo-scan is built (%s)" % SCAN)
        return 1
    digests = manifest()
    emls = sorted(p for p in digests if p.startswith("eml/") and p.endswith(".eml"))
    for rel in emls:
        cls = rel.split("/")[1]
        if cls == "tricky":
            check_tricky(rel, digests)
        elif cls == "native":
            check_native(rel, digests)
        else:
            check_wrapped(rel, digests)
    rel = "eml/mail_container/clam.exe.binhex.eml"
    rep = scan(rel) if rel in digests else None
    say(rep is not None and has_part(rep, "clam.exe", digests.get("executable/clam.exe"),
                                     "2:clam.exe.binhex/"),
        "%s: BinHex data fork clam.exe decoded as a child" % rel)
    say(len(emls) >= 300, "the manifest lists the corpus messages (%d)" % len(emls))
    return 0


if __name__ == "__main__":
    sys.exit(main())
