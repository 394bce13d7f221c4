#!/usr/bin/env python3
"""mktnef.py: write small TNEF streams (winmail.dat) for tests, from MS-OXTNEF.

A stream is the signature 0x223E9F78, a 16-bit key, then attributes: level (1
message, 2 attachment), id (type << 16 | number), length, data, and a checksum
(sum of the data bytes mod 65536), all little-endian. An attachment opens with
attAttachRendData and carries attAttachTitle (short name), attAttachData (bytes)
and optionally attAttachment (MAPI properties: the long file name
PR_ATTACH_LONG_FILENAME, or an embedded message PR_ATTACH_DATA_OBJ holding a
TNEF stream of its own).

Usage: mktnef.py OUT NAME=FILE [NAME=FILE ...]   (a FILE of "-" is empty)
       mktnef.py --nested OUT NAME=FILE          (the file inside an embedded
                                                  message inside the stream)
Only the standard library; the functions are imported by the tests' own scripts.
"""
import struct
import sys

SIG = 0x223E9F78


def attr(level, att, data):
    return (struct.pack("<BII", level, att, len(data)) + data
            + struct.pack("<H", sum(data) & 0xffff))


def mapi_string(prop, text):
    """One PT_STRING8 MAPI property (count 1, length, data padded to 4)."""
    b = text.encode("latin-1") + b"\0"
    pad = b"\0" * (-len(b) % 4)
    return struct.pack("<HHII", 0x001E, prop, 1, len(b)) + b + pad


def mapi_object(prop, data):
    """One PT_OBJECT MAPI property: IID_IMessage then DATA."""
    b = bytes(16) + data
    pad = b"\0" * (-len(b) % 4)
    return struct.pack("<HHII", 0x000D, prop, 1, len(b)) + b + pad


def attachment(name, data, long_name=True):
    rend = struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0)
    out = attr(2, 0x00069002, rend)
    out += attr(2, 0x00018010, name.encode("latin-1")[:12] + b"\0")
    out += attr(2, 0x0006800F, data)
    if long_name:
        props = [mapi_string(0x3707, name)]
        out += attr(2, 0x00069005, struct.pack("<I", len(props)) + b"".join(props))
    return out


def stream(attachments, extra=b""):
    out = struct.pack("<IH", SIG, 0x1234)
    out += attr(1, 0x00089006, struct.pack("<I", 0x00010000))
    out += attr(1, 0x00069007, struct.pack("<II", 1252, 0))
    out += attr(1, 0x00078008, b"IPM.Microsoft Mail.Note\0")
    for name, data in attachments:
        out += attachment(name, data)
    return out + extra


def nested(name, data):
    """A stream whose one attachment is an embedded message holding NAME."""
    inner = stream([(name, data)])
    rend = struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0)
    props = [mapi_string(0x3707, "forwarded.msg"), mapi_object(0x3701, inner)]
    att = attr(2, 0x00069002, rend)
    att += attr(2, 0x00018010, b"forward\0")
    att += attr(2, 0x00069005, struct.pack("<I", len(props)) + b"".join(props))
    return stream([]) + att


def main(argv):
    nest = argv[1:2] == ["--nested"]
    args = argv[2:] if nest else argv[1:]
    files = []
    for a in args[1:]:
        name, path = a.split("=", 1)
        files.append((name, b"" if path == "-" else open(path, "rb").read()))
    data = nested(*files[0]) if nest else stream(files)
    with open(args[0], "wb") as f:
        f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
