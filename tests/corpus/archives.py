#!/usr/bin/env python3
"""archives.py: embargo-scan --json --raw over the corpus containers.

Checks (one ok/not ok line each):
  - archive_executable/, nested_archive/nested3_exe.zip, disk_image/ with a PE:
    type.executable on a member at the expected depth (libarchive-readable
    formats); the formats libarchive cannot decode (ARJ, Deflate64, Implode, RAR
    1.5/2.x) at least give archive.corrupt, never a clean report;
  - every encrypted_archive/ sample: archive.encrypted;
  - zip_bomb/ samples (not the XML entity bomb, which is the document analysers'
    job): archive.bomb or archive.limit and never a clean report;
  - clean/ archives and documents: no finding of medium severity or more; the two
    lone segments of spanned zips, when type detection calls them archives, are
    reported as not inspectable instead;
  - disk images libarchive cannot read: archive.corrupt saying so.
Needs type detection (filetype.c) to route parts to the archive scanner: while
the placeholder is in, one "ok # SKIP" line says so and nothing else runs.
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
# run.sh joins ROOT and B even when B is absolute (B=/tmp/b-x gives ROOT//tmp/b-x)
if not os.access(os.path.join(BUILD, "embargo-scan"), os.X_OK) and "//" in BUILD:
    BUILD = "/" + BUILD.split("//", 1)[1]
SCAN = os.path.join(BUILD, "embargo-scan")
RISK = ("medium", "high", "critical")

# libarchive 3.6 cannot decode these members (format or method unsupported)
UNDECODABLE = {
    "archive_executable/clam.arj": "ARJ",
    "archive_executable/clam.d64.zip": "Deflate64",
    "archive_executable/clam.impl.zip": "Implode",
    "archive_executable/clam-v2.rar": "RAR 2.x",
}
# sample -> depth (0 = the file) of the executable inside
EXE_DEPTH = {
    "nested_archive/nested3_exe.zip": 3,
    "disk_image/clam.iso": 1,
    "disk_image/clamjol.iso": 1,
    "disk_image/Invoice_lnk_exe.iso": 1,
}
SPANNED = ("clean/logos.zip", "clean/test-documents-spanned.zip")
CLEAN_EXT = (".zip", ".7z", ".rar", ".tar", ".tgz", ".cab", ".docx", ".docm",
             ".xlsx", ".xltm", ".pptx", ".odt", ".ods", ".odp", ".xps", ".vsdx",
             ".vsdm")
results = []


def scan(rel):
    path = os.path.join(CORPUS, rel)
    try:
        p = subprocess.run([SCAN, "--json", "--raw", path], capture_output=True,
                           timeout=120)
    except subprocess.TimeoutExpired:
        return None
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def check(cond, desc):
    print(("ok - " if cond else "not ok - ") + desc)
    results.append(cond)


def names(rep):
    return {f["name"] for f in rep.get("findings", [])}


def risky(rep):
    return [f for f in rep.get("findings", []) if f.get("severity") in RISK]


def exe_depths(rep):
    """Depths of parts that carry type.executable."""
    parts = {p["id"]: p for p in rep.get("parts", [])}
    out = set()
    for f in rep.get("findings", []):
        if f["name"] != "type.executable":
            continue
        for p in parts.values():
            if p["path"] == f.get("part") or p["id"] == f.get("part"):
                out.add(p["depth"])
    return out


def manifest(cls):
    rows = []
    with open(os.path.join(CORPUS, "MANIFEST.tsv"), encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) > 3 and cols[3] == cls and not cols[0].startswith("eml/"):
                rows.append(cols[0])
    return rows


def main():
    if not os.access(SCAN, os.X_OK):
        print("not ok - %s is not built" % SCAN)
        return 1
    probe = scan("archive_executable/clam.zip") or {}
    classes = [p.get("class") for p in probe.get("parts", [])]
    if not classes or classes[0] in (None, "unknown"):
        print("ok # SKIP type detection is not built yet: a zip is not routed to "
              "the archive scanner")
        return 0

    for rel in manifest("archive_executable") + list(EXE_DEPTH):
        rep = scan(rel)
        if rep is None:
            check(False, "%s: scanned" % rel)
            continue
        check(bool(risky(rep)), "%s: never a clean report" % rel)
        if rel in UNDECODABLE:
            check("archive.corrupt" in names(rep),
                  "%s: %s member not decodable -> archive.corrupt"
                  % (rel, UNDECODABLE[rel]))
            continue
        want = EXE_DEPTH.get(rel, 1)
        check(want in exe_depths(rep),
              "%s: type.executable at depth %d (found %s)"
              % (rel, want, sorted(exe_depths(rep))))

    for rel in manifest("encrypted_archive"):
        rep = scan(rel) or {}
        check("archive.encrypted" in names(rep), "%s: archive.encrypted" % rel)

    for rel in manifest("zip_bomb"):
        if rel.endswith("xmlbomb.xlsx"):
            continue
        rep = scan(rel)
        if rep is None:
            check(False, "%s: scanned within 120 s" % rel)
            continue
        check(bool(names(rep) & {"archive.bomb", "archive.limit"}),
              "%s: archive.bomb or archive.limit" % rel)
        check(bool(risky(rep)), "%s: never a clean report" % rel)

    for rel in manifest("clean"):
        if not rel.endswith(CLEAN_EXT):
            continue
        rep = scan(rel) or {"findings": [{"name": "no output", "severity": "high"}]}
        cls = (rep.get("parts") or [{}])[0].get("class")
        if rel in SPANNED and cls in ("archive", "disk_image"):
            check(any("multi-volume" in (f.get("detail") or "")
                      for f in rep.get("findings", [])),
                  "%s: lone segment of a spanned zip said to be not inspected" % rel)
            continue
        bad = ["%s(%s)" % (f["name"], f.get("detail")) for f in risky(rep)]
        check(not bad, "%s: no risk finding %s" % (rel, " ".join(bad)[:300]))

    for rel in ("disk_image/test_udf_1.50.img",):
        rep = scan(rel) or {}
        check(bool(names(rep) & {"archive.corrupt", "scan.error"}),
              "%s: unreadable image reported as not inspected" % rel)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
