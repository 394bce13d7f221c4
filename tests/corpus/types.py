#!/usr/bin/env python3
"""types.py: type detection and filename checks on the real corpus.

embargo-scan --json --raw over $EMBARGO_CORPUS; one ok/not ok line per check:
  - executable/: part 0 is class executable with type.executable;
  - script/: type.script; lnk/: type.shortcut; disk_image/: type.disk_image;
  - double_extension/: name.double_extension or name.rtlo on the file or the
    member that carries the name;
  - mismatch/: type.mismatch on part 0 (test_embed_rar.jpg is left out: its bytes
    hold no RAR, zip, 7z or PE signature, so there is nothing for a type rule to see);
  - clean/: each file's class (ooxml, odf, ole2, archive, pdf, ...) and no type.* or
    name.* finding above info anywhere in it; testOneNote.one is the exception the
    rules make on purpose (every OneNote is type.onenote and .one is a dangerous
    extension), checked as such;
  - mail_container/ messages: class message with type.message;
  - encrypted_office/ OOXML (.docx/.xlsx/.pptx): class ole2 and no type.mismatch.
Only the standard library.
"""
import json
import os
import subprocess
import sys

BUILD = os.environ.get("EMBARGO_BUILD", "build")
# The samples live in the tree (tests/samples/, copied from the shared corpus).
SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples")
CORPUS = os.environ.get("EMBARGO_CORPUS", SAMPLES)
if not os.access(os.path.join(BUILD, "embargo-scan"), os.X_OK) and "//" in BUILD:
    BUILD = "/" + BUILD.split("//", 1)[1]
SCAN = os.path.join(BUILD, "embargo-scan")

CLASS_BY_EXT = {
    ".docx": "ooxml", ".docm": "ooxml", ".xlsx": "ooxml", ".xltm": "ooxml",
    ".pptx": "ooxml", ".vsdx": "ooxml", ".vsdm": "ooxml", ".xps": "ooxml",
    ".odt": "odf", ".ods": "odf", ".odp": "odf", ".doc": "ole2", ".xls": "ole2",
    ".msg": "ole2", ".7z": "archive", ".rar": "archive", ".tar": "archive",
    ".tgz": "archive", ".cab": "archive", ".pdf": "pdf", ".rtf": "rtf",
    ".gif": "image", ".jpg": "image", ".bmp": "image", ".tif": "image",
    ".webp": "image", ".html": "html", ".xml": "xml", ".csv": "text",
    ".txt": "text", ".mhtml": "message", ".one": "onenote",
}
MESSAGES = ("clam.mail", "testRFC822_encrypted_zip")
results = []


def check(ok, desc):
    results.append(ok)
    print(("ok - " if ok else "not ok - ") + desc)


def scan(rel):
    try:
        p = subprocess.run([SCAN, "--json", "--raw", os.path.join(CORPUS, rel)],
                           capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        return None
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        if line.strip().startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def files(cls):
    d = os.path.join(CORPUS, cls)
    return sorted(os.path.join(cls, f) for f in os.listdir(d)
                  if os.path.isfile(os.path.join(d, f)))


def top(o):
    return o["parts"][0] if o and o.get("parts") else {}


def names(o, part=None):
    return {f["name"] for f in (o or {}).get("findings", [])
            if part is None or f["part"] == part}


def main():
    if not os.access(SCAN, os.X_OK):
        print("not ok - embargo-scan not built at " + SCAN)
        return 1
    for cls, finding, klass in (("executable", "type.executable", "executable"),
                                ("script", "type.script", "script"),
                                ("lnk", "type.shortcut", "shortcut"),
                                ("disk_image", "type.disk_image", "disk_image")):
        for rel in files(cls):
            o = scan(rel)
            p0 = top(o)
            check(p0.get("class") == klass and finding in names(o, p0.get("path")),
                  "%s is %s with %s (got %s, %s)" % (rel, klass, finding,
                  p0.get("class"), sorted(names(o, p0.get("path")))))
    for rel in files("double_extension"):
        o = scan(rel)
        got = names(o) & {"name.double_extension", "name.rtlo"}
        check(bool(got), "%s: name.double_extension or name.rtlo (got %s)"
              % (rel, sorted(names(o))))
    for rel in files("mismatch"):
        if rel.endswith("test_embed_rar.jpg"):
            continue
        o = scan(rel)
        check("type.mismatch" in names(o, top(o).get("path")),
              "%s: type.mismatch on the file (got %s)" % (rel, sorted(names(o))))
    for rel in files("clean"):
        o = scan(rel)
        ext = os.path.splitext(rel)[1].lower()
        if ext in CLASS_BY_EXT:
            check(top(o).get("class") == CLASS_BY_EXT[ext], "%s is class %s (got %s)"
                  % (rel, CLASS_BY_EXT[ext], top(o).get("class")))
        if ext == ".one":
            got = {n for n in names(o) if n.split(".")[0] in ("type", "name")}
            check(got == {"type.onenote"},
                  "%s: a OneNote file is type.onenote, its name is no finding (got %s)"
                  % (rel, sorted(got)))
            continue
        risky = sorted("%s@%s" % (f["name"], f["part"]) for f in (o or {"findings": []})
                       ["findings"] if f["name"].split(".")[0] in ("type", "name")
                       and f["severity"] != "info")
        check(o is not None and not risky, "%s: no type/name risk finding (got %s)"
              % (rel, risky))
    check(top(scan("clean/empty")).get("class") == "empty", "clean/empty is class empty")
    # an encrypted OOXML package is an OLE2 file by definition: no type.mismatch
    for rel in files("encrypted_office"):
        if os.path.splitext(rel)[1].lower() not in (".docx", ".xlsx", ".pptx"):
            continue
        o = scan(rel)
        check(o is not None and top(o).get("class") == "ole2" and
              "type.mismatch" not in names(o),
              "%s: encrypted OOXML (OLE2) is no type mismatch (got %s)"
              % (rel, sorted(names(o))))
    for rel in files("mail_container"):
        if not (rel.endswith(".eml") or os.path.basename(rel) in MESSAGES):
            continue
        o = scan(rel)
        check(top(o).get("class") == "message" and "type.message" in names(o),
              "%s is a message (got %s)" % (rel, top(o).get("class")))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
