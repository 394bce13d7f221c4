#!/usr/bin/env python3
"""docs2.py: embargo-scan --json --raw over the corpus files that the PDF (pdf.c),
OneNote (onenote.c) and shortcut (lnk.c) analysers must recognise, and the clean
ones they must leave alone.

Checks (one ok/not ok line each):
  - pdf_active/testPDF_jsActionOnPage.pdf: pdf.javascript;
  - pdf_active/testFlashInPDF.pdf: pdf.flash;
  - pdf_active/*Emb*.pdf: pdf.embedded_file and every embedded file extracted as a
    child part;
  - embedded_executable/clam.pdf: the attachment extracted as clam.exe of class
    executable;
  - embedded_executable/clam.exe.webapp-export.one: a child of class executable;
  - encrypted_office/*.pdf: doc.encrypted;
  - ole_object/*.one: doc.ole_object and the embedded files as children;
  - lnk/*.lnk: a type.shortcut whose detail names the parsed target ("lnk: ...").
    (lnk/test.url is plain text named .url, not an Internet shortcut: no check.)
  - clean/ PDF and OneNote files: typed pdf/onenote (so the analyser ran) and no
    finding these analysers record above info
    (pdf.uri is info). clean/pdf-stats-test.pdf is left out: it is ClamAV's
    statistics fixture and really holds /JS, /Launch, /EmbeddedFile and /RichMedia.
Every part reaches these analysers only once type detection (filetype.c) routes
it: until it lands the checks fail, and say so. Only the standard library.
"""
import glob
import json
import os
import subprocess

BUILD = os.environ.get("EMBARGO_BUILD", "build")
# The samples live in the tree (tests/samples/, copied from the shared corpus).
SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples")
CORPUS = os.environ.get("EMBARGO_CORPUS", SAMPLES)
# run.sh joins ROOT and B even when B is absolute (B=/tmp/b-x gives ROOT//tmp/b-x)
if not os.access(os.path.join(BUILD, "embargo-scan"), os.X_OK) and "//" in BUILD:
    BUILD = "/" + BUILD.split("//", 1)[1]
SCAN = os.path.join(BUILD, "embargo-scan")

MINE = ("pdf.javascript", "pdf.launch", "pdf.open_action", "pdf.embedded_file",
        "pdf.submit_form", "pdf.flash", "doc.encrypted", "doc.ole_object",
        "shortcut.launcher", "shortcut.remote")
CLEAN_SKIP = ("pdf-stats-test.pdf",)


def say(ok, what):
    print(("ok" if ok else "not ok") + " - " + what)


def scan(rel):
    """The JSON report of one corpus file, or None when embargo-scan failed."""
    try:
        p = subprocess.run([SCAN, "--json", "--raw", os.path.join(CORPUS, rel)],
                           capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        print("# %s: %s" % (rel, e))
        return None
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        try:
            return json.loads(line)
        except ValueError:
            continue
    print("# %s: no JSON (exit %d)" % (rel, p.returncode))
    return None


def findings(rep, name=None):
    if rep is None:
        return []
    return [f for f in rep["findings"] if name is None or f["name"] == name]


def children(rep):
    return rep["parts"][1:] if rep else []


def why(rep):
    """The usual cause of a failing line while work is in flight."""
    if rep is None:
        return " (embargo-scan failed)"
    if rep["parts"] and rep["parts"][0].get("class") is None:
        return " (type detection gave no class: filetype.c not in yet?)"
    return ""


def rel(path):
    return os.path.relpath(path, CORPUS)


def files(pattern):
    return sorted(rel(p) for p in glob.glob(os.path.join(CORPUS, pattern)))


def check_has(path, name, extra=""):
    rep = scan(path)
    say(bool(findings(rep, name)), "%s: %s%s%s" % (path, name, extra,
                                                   "" if findings(rep, name) else why(rep)))
    return rep


def main():
    check_has("pdf_active/testPDF_jsActionOnPage.pdf", "pdf.javascript")
    check_has("pdf_active/testFlashInPDF.pdf", "pdf.flash")
    for path in files("pdf_active/*Emb*.pdf"):
        rep = check_has(path, "pdf.embedded_file")
        kids = children(rep)
        say(len(kids) > 0, "%s: embedded files extracted (%d parts)%s"
            % (path, len(kids), "" if kids else why(rep)))
    rep = scan("embedded_executable/clam.pdf")
    exe = [p for p in children(rep) if p.get("filename") == "clam.exe"]
    say(bool(exe) and exe[0].get("class") == "executable",
        "embedded_executable/clam.pdf: clam.exe extracted, class executable%s"
        % ("" if exe and exe[0].get("class") == "executable" else why(rep)))
    rep = scan("embedded_executable/clam.exe.webapp-export.one")
    ok = any(p.get("class") == "executable" for p in children(rep))
    say(ok, "embedded_executable/clam.exe.webapp-export.one: executable child%s"
        % ("" if ok else why(rep)))
    for path in files("encrypted_office/*.pdf"):
        check_has(path, "doc.encrypted")
    for path in files("ole_object/*.one"):
        rep = check_has(path, "doc.ole_object")
        say(len(children(rep)) > 0, "%s: embedded files are children%s"
            % (path, "" if children(rep) else why(rep)))
    for path in files("lnk/*.lnk"):
        rep = scan(path)
        ok = any((f["detail"] or "").startswith("lnk: ") and "target=" in f["detail"]
                 for f in findings(rep, "type.shortcut"))
        say(ok, "%s: type.shortcut names the parsed target%s" % (path, "" if ok else why(rep)))
    for path in files("clean/*.pdf") + files("clean/*.one"):
        if os.path.basename(path) in CLEAN_SKIP:
            continue
        rep = scan(path)
        bad = [f["name"] for f in findings(rep) if f["name"] in MINE]
        # Only a pass when the analyser ran: the part was typed pdf or onenote.
        ran = rep is not None and rep["parts"][0].get("class") in ("pdf", "onenote")
        say(ran and not bad, "%s: analysed, no PDF/OneNote findings above info%s"
            % (path, (" (got %s)" % ", ".join(bad)) if bad else "" if ran else why(rep)))


if __name__ == "__main__":
    main()
