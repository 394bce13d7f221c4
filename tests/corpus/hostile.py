#!/usr/bin/env python3
"""hostile.py: embargo-scan on generated hostile inputs (tests/data/qa/mkhostile.py).

The inputs are written at test time into $EMBARGO_BUILD/qa-hostile. For each one,
embargo-scan --json (--raw for a lone attachment) runs under a 60 s timeout and:
  - exits 0 or 1 (never a signal, never 2), within the timeout;
  - prints one JSON object;
  - carries the limit finding the input is built to cross, where one applies
    (mime.limit, archive.limit, scan.error for an OLE chain loop); "@child"
    instead wants a part at depth 1 (the data behind 1 KiB of NULs in a gzip);
  - stays under 300 MB peak RSS (ru_maxrss of that child, from os.wait4).
Also checks that the run took under 10 s (these inputs are cut at a bound early).
Only the standard library.
BUGS: RSS is the child's peak as the kernel reports it, which includes the forked
python before exec (an upper bound, ~25 MB); a leak that stays under
300 MB is not caught here (the ASan run of this test catches it).
"""
import json
import os
import subprocess
import sys
import threading
import time

BUILD = os.environ.get("EMBARGO_BUILD", "build")
ROOT = os.environ.get("EMBARGO_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
if not os.access(os.path.join(BUILD, "embargo-scan"), os.X_OK) and "//" in BUILD:
    BUILD = "/" + BUILD.split("//", 1)[1]
SCAN = os.path.join(BUILD, "embargo-scan")
OUT = os.path.join(BUILD, "qa-hostile")
TIMEOUT = 60
FAST = 10
RSS_MAX_KB = 300 * 1024
# Under ASan, freed blocks wait in a 256 MB quarantine and count as RSS: cap it so
# the RSS check measures the scanner, not the sanitizer (no effect on other builds).
ENV = dict(os.environ)
ENV["ASAN_OPTIONS"] = ":".join(x for x in (os.environ.get("ASAN_OPTIONS"),
                                           "quarantine_size_mb=32") if x)

# file -> (raw mode, finding that must appear or None, substring of its detail)
CASES = {
    "deep.eml": (False, "mime.limit", None),
    "parts.eml": (False, "mime.limit", None),
    "longhdr.eml": (False, "mime.limit", None),
    "b64nul.eml": (False, None, None),
    "zip50k.zip": (True, "archive.limit", None),
    "fatloop.doc": (True, "scan.error", "loop"),
    "nest.pdf": (True, None, None),
    "brace.rtf": (True, None, None),
    "crosslink.xls": (True, "archive.limit", "unpacked bytes"),
    "binhex.eml": (False, "mime.binhex", "bomb.exe"),
    "zeropad.gz": (True, "@child", None),
}


def run(path, raw):
    """Run embargo-scan; return (status, seconds, maxrss_kb, stdout)."""
    args = [SCAN, "--json"] + (["--raw"] if raw else []) + [path]
    with open(path + ".out", "wb") as out, open(path + ".err", "wb") as err:
        t0 = time.monotonic()
        p = subprocess.Popen(args, stdout=out, stderr=err, env=ENV)
        timer = threading.Timer(TIMEOUT, p.kill)
        timer.start()
        _, status, ru = os.wait4(p.pid, 0)
        timer.cancel()
        p.returncode = status
        secs = time.monotonic() - t0
    with open(path + ".out", "rb") as f:
        return status, secs, ru.ru_maxrss, f.read()


def check(name, raw, want, detail):
    path = os.path.join(OUT, name)
    status, secs, rss, out = run(path, raw)
    res = []
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    res.append((code in (0, 1), "%s: exit status 0 or 1 (got %s)" % (
        name, code if code is not None else "signal %d" % os.WTERMSIG(status))))
    res.append((secs < FAST, "%s: done in %.2f s (< %d s)" % (name, secs, FAST)))
    res.append((rss < RSS_MAX_KB, "%s: peak RSS %d KB (< %d KB)" % (name, rss, RSS_MAX_KB)))
    try:
        obj = json.loads(out.decode("utf-8", "replace").splitlines()[0])
    except (ValueError, IndexError):
        res.append((False, "%s: one JSON object on stdout" % name))
        return res
    if want == "@child":
        kids = [p for p in obj.get("parts", []) if p.get("depth") == 1]
        res.append((bool(kids), "%s: the decompressed data is a child part" % name))
    elif want:
        hits = [f for f in obj.get("findings", []) if f["name"] == want]
        ok = bool(hits) and (detail is None or any(detail in (f.get("detail") or "")
                                                    for f in hits))
        res.append((ok, "%s: %s finding%s" % (name, want,
                                              " mentioning '%s'" % detail if detail else "")))
    return res


def main():
    if not os.access(SCAN, os.X_OK):
        print("ok - hostile # SKIP no %s" % SCAN)
        return 0
    gen = os.path.join(ROOT, "tests", "data", "qa", "mkhostile.py")
    subprocess.run([sys.executable, gen, OUT], check=True)
    bad = 0
    for name, (raw, want, detail) in CASES.items():
        for ok, desc in check(name, raw, want, detail):
            print("%s - %s" % ("ok" if ok else "not ok", desc))
            bad += not ok
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
