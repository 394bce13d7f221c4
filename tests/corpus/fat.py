#!/usr/bin/env python3
"""fat.py: the FAT image reader (scanners/fatimg.c) on the real corpus.

embargo-scan --json over $EMBARGO_CORPUS; one ok/not ok line per check:
  - disk_image/payload_floppy.img (--raw): the PE inside is a child part at depth 1 of
    class executable with type.executable, the image reads without archive.corrupt,
    in under 5 seconds;
  - eml/disk_image/payload_floppy.img.eml (as a message): the PE is found below the
    attached image;
  - every other file of disk_image/ and clean/ gets no "FAT image" finding (the reader
    says "not FAT" and leaves them to archive.c).
Only the standard library.
"""
import json
import os
import subprocess
import sys
import time

BUILD = os.environ.get("EMBARGO_BUILD", "build")
# The samples live in the tree (tests/samples/, copied from the shared corpus).
SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples")
CORPUS = os.environ.get("EMBARGO_CORPUS", SAMPLES)
if not os.access(os.path.join(BUILD, "embargo-scan"), os.X_OK) and "//" in BUILD:
    BUILD = "/" + BUILD.split("//", 1)[1]
SCAN = os.path.join(BUILD, "embargo-scan")
FLOPPY = "disk_image/payload_floppy.img"
results = []


def check(ok, desc):
    results.append(ok)
    print(("ok - " if ok else "not ok - ") + desc)


def scan(rel, raw=True):
    args = [SCAN, "--json"] + (["--raw"] if raw else []) + [os.path.join(CORPUS, rel)]
    try:
        p = subprocess.run(args, capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        return None
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        if line.strip().startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def exe_parts(o, depth):
    """Paths of parts at DEPTH of class executable carrying type.executable."""
    if not o:
        return []
    flagged = {f["part"] for f in o.get("findings", []) if f["name"] == "type.executable"}
    return [p["path"] for p in o.get("parts", []) if p.get("depth") == depth
            and p.get("class") == "executable" and p["path"] in flagged]


def fat_findings(o):
    return ["%s: %s" % (f["name"], f.get("detail")) for f in (o or {}).get("findings", [])
            if (f.get("detail") or "").startswith("FAT image")]


def main():
    if not os.access(SCAN, os.X_OK):
        print("not ok - embargo-scan not built at " + SCAN)
        return 1
    t0 = time.monotonic()
    o = scan(FLOPPY)
    took = time.monotonic() - t0
    got = exe_parts(o, 1)
    check(len(got) == 1, "%s: the PE is an executable child at depth 1 (got %s)"
          % (FLOPPY, got))
    check(o is not None and not [f for f in o["findings"] if f["name"] == "archive.corrupt"],
          "%s: read without archive.corrupt (got %s)" % (FLOPPY, fat_findings(o)))
    check(took < 5, "%s: scanned in %.2fs (< 5s)" % (FLOPPY, took))
    o = scan("eml/" + FLOPPY + ".eml", raw=False)
    got = [p for p in exe_parts(o, 2) if "payload_floppy.img/" in p]
    check(len(got) == 1, "eml/%s.eml: the PE below the attached image (got %s)"
          % (FLOPPY, got))
    for d in ("disk_image", "clean"):
        for name in sorted(os.listdir(os.path.join(CORPUS, d))):
            rel = d + "/" + name
            if rel == FLOPPY or not os.path.isfile(os.path.join(CORPUS, rel)):
                continue
            o = scan(rel)
            check(o is not None and not fat_findings(o),
                  "%s: not read as FAT (got %s)" % (rel, fat_findings(o)))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
