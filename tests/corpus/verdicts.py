#!/usr/bin/env python3
"""verdicts.py: the shipped policy on the corpus messages.

For every message under $EMBARGO_CORPUS/eml/ listed in MANIFEST.tsv, run
`embargo-scan -c conf/embargo.conf --json FILE` (the shipped config and policy)
and check the action against the expected verdict:
    block -> reject, quarantine -> quarantine, tag -> tag, clean -> accept.
One ok/not ok line per message (with the action, rule and explanation on
failure), then a per-class summary and the pass rate as comments.
This depends on every scanner (MIME, type detection, analysers, YARA): while some
are placeholders many lines fail, which is the honest state of the gateway.
Only the standard library.
"""
import collections
import json
import os
import subprocess
import sys

BUILD = os.environ.get("EMBARGO_BUILD", "build")
ROOT = os.environ.get("EMBARGO_ROOT", ".")
# The samples live in the tree (tests/samples/, copied from the shared corpus).
SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples")
CORPUS = os.environ.get("EMBARGO_CORPUS", SAMPLES)
# run.sh joins ROOT and B even when B is absolute (B=/tmp/b-x gives ROOT//tmp/b-x)
if not os.access(os.path.join(BUILD, "embargo-scan"), os.X_OK) and "//" in BUILD:
    BUILD = "/" + BUILD.split("//", 1)[1]
SCAN = os.path.join(BUILD, "embargo-scan")
CONF = os.path.join(ROOT, "conf", "embargo.conf")
EXPECT = {"block": "reject", "quarantine": "quarantine", "tag": "tag",
          "clean": "accept"}
BATCH = 20
# Where Embargo deliberately decides otherwise than MANIFEST.tsv: the action we
# assert instead, and why. Each is still checked, so a change shows up.
DISAGREE = {
    "eml/clean/pdf-stats-test.pdf.eml": (
        "reject", "the PDF really holds /Launch, /JavaScript, /EmbeddedFile and "
        "/RichMedia (ClamAV's PDF statistics fixture)"),
    "eml/mismatch/test_embed_rar.jpg.eml": (
        "accept", "the stored file holds no archive or executable signature "
        "anywhere: a plain JPEG"),
    "eml/external_link/testAttachedTemplate.docx.eml": (
        "quarantine", "its attachedTemplate is http://example.com/templates/"
        "malicious.dotx: a remote template (doc.remote_template), which the "
        "shipped policy quarantines since issue 12"),
    "eml/mismatch/test_pe_overlay.bmp.eml": (
        "reject", "a real PE sits at offset 249954 of the bitmap (a polyglot): "
        "type.embedded_pe, rejected like any executable since issue 12"),
    "eml/mail_container/testRFC822_encrypted_zip.eml": (
        "tag", "the password is in the mail and the ZIP, opened, holds a plain text "
        "file: unlocked and clean is tagged, not held (issue 12 item 3, rule "
        "tag-unlocked)"),
    "eml/native/testRFC822_encrypted_zip.eml": (
        "tag", "the password is in the mail and the ZIP, opened, holds a plain text "
        "file: unlocked and clean is tagged, not held (issue 12 item 3, rule "
        "tag-unlocked)"),
    "eml/archive_executable/clam.arj.eml": (
        "quarantine", "libarchive lists ARJ but cannot decompress its method: "
        "not inspected, so held for review, never delivered"),
}


def manifest():
    rows = []
    with open(os.path.join(CORPUS, "MANIFEST.tsv"), encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 5 or not cols[0].startswith("eml/"):
                continue
            if cols[4] in EXPECT:
                rows.append((cols[0], cols[3], cols[4]))
    return rows


def scan_batch(paths):
    """{path: result dict or None}; one embargo-scan for several files."""
    out = {}
    try:
        p = subprocess.run([SCAN, "-c", CONF, "--json"] + paths,
                           capture_output=True, timeout=60 * len(paths))
    except subprocess.TimeoutExpired:
        return {q: None for q in paths}
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        out[obj.get("file")] = obj
    return out


def main():
    rows = manifest()
    if not rows:
        print("not ok - MANIFEST.tsv lists corpus messages")
        return 1
    if not os.access(SCAN, os.X_OK):
        print("not ok - %s exists" % SCAN)
        return 1
    per_class = collections.defaultdict(lambda: [0, 0])
    passed = 0
    for i in range(0, len(rows), BATCH):
        batch = rows[i:i + BATCH]
        paths = [os.path.join(CORPUS, r[0]) for r in batch]
        res = scan_batch(paths)
        for (rel, cls, verdict), path in zip(batch, paths):
            want = EXPECT[verdict]
            note = ""
            if rel in DISAGREE:
                want, reason = DISAGREE[rel]
                note = "; MANIFEST says %s, we assert %s: %s" % (verdict, want, reason)
            obj = res.get(path)
            got = obj.get("action") if obj else "error"
            good = got == want
            per_class[cls][1] += 1
            if good:
                per_class[cls][0] += 1
                passed += 1
                print("ok - %s: %s (%s%s)" % (rel, want, verdict, note))
            else:
                why = (obj or {}).get("explain") or "no result"
                print("not ok - %s: %s expected (%s), got %s: %s"
                      % (rel, want, verdict, got, why[:300]))
    for cls in sorted(per_class):
        good, total = per_class[cls]
        print("# %-22s %3d/%3d" % (cls, good, total))
    print("# pass rate %d/%d (%.0f%%)" % (passed, len(rows),
                                        100.0 * passed / len(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
