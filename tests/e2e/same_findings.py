"""same_findings.py LOG QID SCAN_JSON: the daemon's summary line for queue id QID
lists exactly the findings (name@path) that embargo-scan found in the same message.
Paths are escaped as the daemon escapes them (printable ASCII kept, else \\xHH)."""
import json, re, sys

log, qid, scan = sys.argv[1], sys.argv[2], sys.argv[3]

def safe(s, cap=200):
    b = s.encode("utf-8", "surrogateescape")
    out = "".join(chr(c) if 0x20 <= c < 0x7f and c != 0x5c else "\\x%02x" % c for c in b[:cap])
    return out + ("..." if len(b) > cap else "")

with open(scan) as f:
    obj = json.loads(f.readline())
want = sorted("%s@%s" % (x["name"], safe(x["part"])) for x in obj["findings"])
line = None
with open(log, errors="replace") as f:
    for l in f:
        if (": %s: from=" % qid) in l:
            line = l
if line is None:
    sys.exit("no summary line for %s" % qid)
m = re.search(r" findings=(.*) rule=", line)
got = m.group(1)
if got.endswith("..."):
    print("summary truncated; compared the listed prefix only")
    got_list = got[:-3].split(",")[:-1]
    ok = all(g in want for g in got_list)
else:
    got_list = [] if got == "none" else got.split(",")
    ok = sorted(got_list) == want
if not ok:
    print("daemon:", sorted(got_list))
    print("scan:  ", want)
    sys.exit(1)
