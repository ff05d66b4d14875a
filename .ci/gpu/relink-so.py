#!/usr/bin/env python3
"""Re-links a JCuda JNI library built against one major version of a CUDA library to the next one.

usage: relink-so.py IN OUT OLD_SONAME NEW_SONAME   (e.g. libnvrtc.so.12 libnvrtc.so.13)

JCuda 12.0.0's JNI libraries name libnvrtc.so.12 / libcublas.so.12 and ask for their symbols at the
version "libnvrtc.so.12"; CUDA 13 ships the same C functions (same signatures) at version
"libnvrtc.so.13". Both names have the same length, so the names are replaced in place in the dynamic
string table and the version hashes recomputed; nothing else in the file moves. Functions CUDA 13
dropped (nvrtcGetNVVM, ...) stay unresolved until called: the JVM loads libraries with lazy binding,
and the engine never calls them.
"""
import struct
import sys


def elf_hash(name: bytes) -> int:
    h = 0
    for c in name:
        h = ((h << 4) + c) & 0xFFFFFFFF
        g = h & 0xF0000000
        if g:
            h ^= g >> 24
        h &= ~g & 0xFFFFFFFF
    return h


def relink(data: bytearray, old: bytes, new: bytes) -> int:
    if len(old) != len(new):
        sys.exit(f"relink-so: {old!r} and {new!r} differ in length")
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        sys.exit("relink-so: not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    SHT_DYNAMIC, SHT_GNU_VERNEED = 6, 0x6FFFFFFE
    dynamic = next(s for s in sections if s[1] == SHT_DYNAMIC)
    dynstr = sections[dynamic[6]]
    start, size = dynstr[4], dynstr[5]
    table = bytes(data[start:start + size])
    count = table.count(old + b"\0")
    if count == 0:
        sys.exit(f"relink-so: {old.decode()} is not named in the file")
    data[start:start + size] = table.replace(old + b"\0", new + b"\0")
    fixed = 0
    for s in sections:
        if s[1] != SHT_GNU_VERNEED:
            continue
        at = s[4]
        for _ in range(s[7]):  # sh_info: the number of Verneed entries
            _, cnt, _, aux, nxt = struct.unpack_from("<HHIII", data, at)
            a = at + aux
            for _ in range(cnt):
                _, flags, other, name, anext = struct.unpack_from("<IHHII", data, a)
                end = data.index(b"\0", start + name)
                if bytes(data[start + name:end]) == new:
                    struct.pack_into("<I", data, a, elf_hash(new))
                    fixed += 1
                a += anext
            at += nxt
    return fixed


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    source, target, old, new = sys.argv[1:]
    content = bytearray(open(source, "rb").read())
    versions = relink(content, old.encode(), new.encode())
    with open(target, "wb") as f:
        f.write(content)
    print(f"relink-so: {target}: {old} -> {new} ({versions} symbol version(s))")
