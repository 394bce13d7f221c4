#!/usr/bin/env python3
"""smuggling.py: HTML and SVG smuggling shapes built around a real payload.

The payload is the PE that $EMBARGO_CORPUS/html_smuggling/clam.exe.html carries
(the ClamAV test executable, 544 bytes). Each shape below wraps it the way
smuggling kits do (pieces joined with +, an array .join(""), a reversed string,
pieces in variables, a Uint8Array of numbers, a Uint8Array XORed in a loop with a
literal key, an SVG image, msSaveOrOpenBlob) and is scanned with
embargo-scan --json --raw. Each must give type.html_smuggling on the page and a
child blob.bin that is that same PE (same SHA-256, class executable,
type.executable). Only the standard library.
"""
import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

BUILD = os.environ.get("EMBARGO_BUILD", "build")
# The samples live in the tree (tests/samples/, copied from the shared corpus).
SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "samples")
CORPUS = os.environ.get("EMBARGO_CORPUS", SAMPLES)
if not os.access(os.path.join(BUILD, "embargo-scan"), os.X_OK) and "//" in BUILD:
    BUILD = "/" + BUILD.split("//", 1)[1]
SCAN = os.path.join(BUILD, "embargo-scan")
results = []

SAVE = ("var a=document.createElement('a');a.href=URL.createObjectURL("
        "new Blob([%s]));a.download='invoice.zip';a.click();")


def check(ok, desc):
    results.append(ok)
    print(("ok - " if ok else "not ok - ") + desc)


def scan(path):
    p = subprocess.run([SCAN, "--json", "--raw", path], capture_output=True,
                       timeout=120)
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        if line.strip().startswith("{"):
            return json.loads(line)
    return None


def pieces(s, n):
    k = (len(s) + n - 1) // n
    return [s[i:i + k] for i in range(0, len(s), k)]


def shapes(b64, pe):
    ps = pieces(b64, 12)
    nums = ",".join(str(b) for b in pe)
    xnums = ",".join("0x%02x" % (b ^ 0x5a) for b in pe)
    svg_script = "var s='%s';" % b64 + SAVE % "Uint8Array.from(atob(s),c=>c.charCodeAt(0))"
    return {
        "plus.html": "<script>var b=" + "+\n".join('"%s"' % p for p in ps) + ";"
                     + SAVE % "atob(b)" + "</script>",
        "join.html": "<script>var b=[" + ",".join("'%s'" % p for p in ps)
                     + "].join('');" + SAVE % "atob(b)" + "</script>",
        "reverse.html": "<script>var r='%s';var b=r.split('').reverse().join('');"
                        % b64[::-1] + SAVE % "atob(b)" + "</script>",
        "vars.html": "<script>" + "".join("var p%d='%s';\n" % (i, p)
                                          for i, p in enumerate(ps))
                     + "var b=" + "+".join("p%d" % i for i in range(len(ps))) + ";"
                     + SAVE % "atob(b)" + "</script>",
        "array.html": "<script>var d=new Uint8Array([%s]);" % nums + SAVE % "d"
                      + "</script>",
        "xor.html": "<script>var k=0x5a;var d=new Uint8Array([%s]);" % xnums
                    + "for(var i=0;i<d.length;i++){d[i]^=k;}" + SAVE % "d"
                    + "</script>",
        "image.svg": '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
                     "<script><![CDATA[" + svg_script + "]]></script></svg>",
        "mssave.html": "<script>var b=atob('%s');" % b64
                       + "navigator.msSaveOrOpenBlob(new Blob([b]),'a.exe');</script>",
    }


def main():
    src = os.path.join(CORPUS, "html_smuggling", "clam.exe.html")
    if not os.access(SCAN, os.X_OK) or not os.path.exists(src):
        print("not ok - embargo-scan or the corpus sample is missing")
        return 1
    b64 = re.search(r"base64,([A-Za-z0-9+/=]+)", open(src).read()).group(1)
    pe = base64.b64decode(b64)
    want = hashlib.sha256(pe).hexdigest()
    with tempfile.TemporaryDirectory() as d:
        for name, text in shapes(b64, pe).items():
            path = os.path.join(d, name)
            with open(path, "w") as f:
                f.write(text)
            o = scan(path) or {}
            parts = o.get("parts", [])
            fnd = {(f["name"], f["part"]) for f in o.get("findings", [])}
            blob = [p for p in parts if p.get("filename") == "blob.bin"]
            check(any(n == "type.html_smuggling" for n, _ in fnd),
                  name + ": type.html_smuggling")
            check(len(blob) == 1 and blob[0]["sha256"] == want
                  and blob[0]["class"] == "executable"
                  and ("type.executable", blob[0]["path"]) in fnd,
                  name + ": the PE is rebuilt and found as type.executable")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
