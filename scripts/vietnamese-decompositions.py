#!/usr/bin/env python3
"""Prints the table DECOMPOSED of crates/server/src/names.rs: every Latin
letter with the Vietnamese diacritics (U+00C0-U+024F, U+1EA0-U+1EFF) whose
canonical decomposition (NFD) is an ASCII letter followed by Vietnamese
combining marks only, from Python's unicodedata."""
import unicodedata as u

MARKS = {0x300, 0x301, 0x302, 0x303, 0x306, 0x309, 0x31B, 0x323}
for cp in list(range(0xC0, 0x250)) + list(range(0x1EA0, 0x1F00)):
    d = u.normalize("NFD", chr(cp))
    if len(d) > 1 and d[0].isascii() and all(ord(x) in MARKS for x in d[1:]):
        tail = "".join("\\u{%x}" % ord(x) for x in d[1:])
        print("    ('\\u{%x}', \"%s%s\")," % (cp, d[0], tail))
