"""The encodings a stored page is answered in: brotli and gzip made once when it is stored; a
page with form tokens kept raw-deflated between its tokens, so that each answer's gzip is its
stored parts joined around freshly deflated tokens (no whole page compressed per answer)."""

import gzip
import zlib

import brotli

GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"


def compressed(body: bytes) -> tuple[bytes, bytes]:
    """(gzip, brotli) of a whole body."""
    return gzip.compress(body, 6, mtime=0), brotli.compress(body, quality=9)


def raw_deflate(data: bytes, final: bool) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(
        zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH
    )


def deflated_parts(parts: list) -> list:
    """Each even part of [bytes, scope, bytes, ..., bytes] raw-deflated (the last one final),
    None in place of each scope."""
    last = len(parts) - 1
    return [
        raw_deflate(part, index == last) if index % 2 == 0 else None
        for index, part in enumerate(parts)
    ]


def gzip_joined(parts: list[bytes], deflated: list) -> bytes:
    """One gzip member of b"".join(parts): the even parts as `deflated` holds them, the odd ones
    (fresh tokens) deflated now."""
    chunks, crc, length = [GZIP_HEADER], 0, 0
    for index, part in enumerate(parts):
        crc = zlib.crc32(part, crc)
        length += len(part)
        chunks.append(deflated[index] if index % 2 == 0 else raw_deflate(part, final=False))
    chunks.append(crc.to_bytes(4, "little") + (length & 0xFFFFFFFF).to_bytes(4, "little"))
    return b"".join(chunks)


def accepted_encodings(accept_encoding: str) -> frozenset:
    """The encodings an Accept-Encoding header accepts (those not given q=0)."""
    accepted = set()
    for item in accept_encoding.lower().split(","):
        name, _, parameters = item.strip().partition(";")
        if parameters.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            accepted.add(name.strip())
    return frozenset(accepted)
