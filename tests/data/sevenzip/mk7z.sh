#!/bin/sh
# mk7z.sh OUTDIR [CORPUS]: the 7z fixtures of tests/unit/test_sevenzip.c and
# tests/corpus/sevenzip.py, made with 7z from Debian's p7zip-full. Password
# "infected" unless named otherwise. Contents are generated here (no live
# malware); the macro document is taken from CORPUS when given and present.
#   lzma2.7z   notes.txt + data.bin, LZMA2, data encrypted (7zAES), solid
#   hdr.7z     the same with -mhe=on (headers encrypted too)
#   lzma.7z    LZMA        bcj.7z   BCJ (x86) + LZMA2 over an .exe-like file
#   delta.7z   Delta:4     copy.7z  Copy (stored, only encrypted)
#   bcj2.7z    BCJ2 (four streams, each encrypted)
#   ppmd.7z    PPMd (not decoded: archive.unsupported_coder)
#   empty.7z   a 0-byte member, a directory and a member inside it
#   many.7z    five members, not solid (five folders)
#   nested.7z  -mhe=on, a zip inside
#   zeros.7z   2 MiB of zeros (for the ratio cap)
#   plain.7z   not encrypted (libarchive reads it)
#   trunc.7z   lzma2.7z cut in the middle
#   macro.7z   -mhe=on, a .docm with VBA (only with CORPUS)
#   sums.txt   sha256sum of the contents, to compare what is decoded
set -eu
corpus=${2:-}
mkdir -p "$1"
out=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

python3 - <<'PY'
import random, zipfile
r = random.Random(7)
open("notes.txt", "w").write("Quarterly figures, see the attached table.\n" * 20)
open("data.bin", "wb").write(bytes(r.randrange(256) for _ in range(3000)))
# an .exe-like file: MZ, then x86 calls (E8 rel32) the BCJ filter rewrites
exe = bytearray(b"MZ" + b"\0" * 62)
for i in range(400):
    exe += b"\x55\x89\xe5\xe8" + (i * 16).to_bytes(4, "little") + b"\x5d\xc3\x90\x90"
open("tool.exe", "wb").write(bytes(exe))
open("wave.raw", "wb").write(bytes((i * 3 + (i // 4)) & 0xFF for i in range(8000)))
open("zeros.bin", "wb").write(bytes(2 << 20))
with zipfile.ZipFile("inner.zip", "w") as z:
    z.writestr("hello.txt", "hello from inside the zip\n")
for i in range(5):
    open("m%d.txt" % i, "w").write(("member %d\n" % i) * (i + 1))
PY
: > empty.txt
mkdir -p folder && printf 'in a folder\n' > folder/x.txt

# a NAME "SWITCHES" FILE...
a() {
	name=$1 sw=$2
	shift 2
	rm -f "$out/$name"
	# shellcheck disable=SC2086
	7z a -bd -y $sw "$out/$name" "$@" >/dev/null
}
a lzma2.7z "-pinfected -m0=LZMA2" notes.txt data.bin
a hdr.7z "-pinfected -mhe=on" notes.txt data.bin
a lzma.7z "-pinfected -m0=LZMA" notes.txt data.bin
a bcj.7z "-pinfected -mf=BCJ" tool.exe
a delta.7z "-pinfected -mf=Delta:4" wave.raw
a copy.7z "-pinfected -m0=Copy" notes.txt data.bin
a bcj2.7z "-pinfected -mf=BCJ2" tool.exe
a ppmd.7z "-pinfected -m0=PPMd" tool.exe
a empty.7z "-pinfected" empty.txt folder
a many.7z "-pinfected -ms=off" m0.txt m1.txt m2.txt m3.txt m4.txt
a nested.7z "-pinfected -mhe=on" inner.zip
a zeros.7z "-pinfected" zeros.bin
a plain.7z "" notes.txt data.bin
sha256sum notes.txt data.bin tool.exe wave.raw > "$out/sums.txt"
size=$(wc -c < "$out/lzma2.7z")
head -c $((size / 2)) "$out/lzma2.7z" > "$out/trunc.7z"
doc="$corpus/vba_macro/document_SimpleMacro.docm"
if [ -n "$corpus" ] && [ -f "$doc" ]; then
	cp "$doc" invoice.docm
	a macro.7z "-pinfected -mhe=on" invoice.docm
fi
