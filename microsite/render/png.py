"""Palette PNG files of at most sixteen colours, written here rather than by Pillow.

A share card is mostly blank rows: the margins, the gaps between lines, the
space under a short headline. Pillow's encoder filters and deflates every one
of them on every card and takes twice the time this module does (its filters
make a card a seventh smaller; rows here are unfiltered). Deflate can be cut into
pieces that each end on a byte boundary, so a run of blank rows is deflated
once per width and length, kept, and its bytes reused on the next card; only
the rows with ink on them are deflated afresh.
"""

from __future__ import annotations

import functools
import itertools
import struct
import zlib
from collections.abc import Iterator, Sequence

from PIL import Image

SIGNATURE = b"\x89PNG\r\n\x1a\n"
BIT_DEPTH = 4  # two pixels to a byte: sixteen colours at most
INDEXED = 3  # the PNG colour type whose pixels are indexes into the PLTE chunk
# A zlib stream's first two bytes: deflate with a 32 KiB window, "fastest"
# compression; the same two bytes zlib itself writes for run-length deflate.
ZLIB_HEADER = b"\x78\x01"
# Run-length deflate: a row is long runs of one index. On a card's rows it is
# a tenth faster than zlib's default strategy at level 1, and a tenth larger.
# Above level 0 zlib ignores the level for this strategy. Memory level 8,
# zlib's default, gives the same size as 9, but a compressor at 9 took 70 µs
# to make here, and one at 8 under 2: a card makes five or six.
LEVEL, MEMORY_LEVEL = 3, 8
_NO_FILTER = b"\0"  # the filter byte that starts each row
ADLER_BASE = 65521  # the largest prime below 2**16: Adler-32 sums are kept modulo it


def png_from_indexes(pixels: Image.Image, palette: Sequence[tuple[int, int, int]]) -> bytes:
    """Return a 4-bit palette PNG of an "L" image whose values are indexes into `palette`.

    The palette has at most 16 colours and each value must be below its length:
    checking would cost a third of a card's time, and a value of 16 or more is
    written as its lowest four bits. Rows are stored unfiltered, as the PNG
    specification advises for palette images.
    """
    if pixels.mode != "L" or not 0 < len(palette) <= 2**BIT_DEPTH:
        raise ValueError(f"need an 'L' image and 1 to 16 colours, not {pixels.mode!r} and {len(palette)}")
    width, height = pixels.size
    header = struct.pack(">IIBBBBB", width, height, BIT_DEPTH, INDEXED, 0, 0, 0)
    colours = bytes(channel for colour in palette for channel in colour)
    return b"".join(
        [
            SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"PLTE", colours),
            _chunk(b"IDAT", _zlib_stream(pixels.tobytes("raw", "L;4"), height)),
            _chunk(b"IEND", b""),
        ]
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    """Return a PNG chunk: length, kind, data, and the CRC of kind and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _zlib_stream(packed: bytes, height: int) -> bytes:
    """Return the image's PNG rows as one zlib stream: runs of blank rows from the cache, the rest deflated afresh.

    `packed` holds the rows two pixels to a byte (with an odd width, the last
    byte's unused half is 0); each PNG row is a filter byte of 0 (none) and
    that. Only the rows with ink are copied to add it: the blank ones are
    never put together at all.
    """
    stride = len(packed) // height
    pieces = [ZLIB_HEADER]
    checksum = zlib.adler32(b"")
    for blank, first, last in _runs(packed, stride):
        if blank:
            pieces.append(_blank_rows(stride + 1, last - first))
            checksum = _adler32_of_zeros(checksum, (last - first) * (stride + 1))
        else:
            rows = b"".join(
                [_NO_FILTER + packed[row * stride : (row + 1) * stride] for row in range(first, last)]
            )
            pieces.append(_deflate(rows, zlib.Z_SYNC_FLUSH))
            checksum = zlib.adler32(rows, checksum)
    # Each piece ends with a sync flush, on a byte boundary and not the last
    # block; an empty last block ends the deflate stream.
    pieces.append(_deflate(b"", zlib.Z_FINISH))
    pieces.append(struct.pack(">I", checksum))
    return b"".join(pieces)


def _runs(packed: bytes, stride: int) -> Iterator[tuple[bool, int, int]]:
    """Yield the runs of blank rows and of rows with ink: whether blank, and their first and last row (exclusive)."""
    blank = bytes(stride)
    first = 0
    for is_blank, run in itertools.groupby(
        packed.startswith(blank, start) for start in range(0, len(packed), stride)
    ):
        last = first + sum(1 for _ in run)
        yield is_blank, first, last
        first = last


def _adler32_of_zeros(checksum: int, count: int) -> int:
    """Return the Adler-32 `checksum` carried on over `count` zero bytes, without reading them."""
    # A zero byte leaves the first sum as it is and adds it to the second.
    first, second = checksum & 0xFFFF, checksum >> 16
    return (second + count * first) % ADLER_BASE << 16 | first


@functools.lru_cache(maxsize=1024)
def _blank_rows(stride: int, count: int) -> bytes:
    """Return `count` blank rows of `stride` bytes deflated: the same few runs recur on every card."""
    return _deflate(bytes(stride * count), zlib.Z_SYNC_FLUSH)


def _deflate(data: bytes, flush: int) -> bytes:
    """Return `data` as raw deflate blocks of its own, ended by `flush`: they refer to nothing before them."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS, MEMORY_LEVEL, zlib.Z_RLE)
    return compressor.compress(data) + compressor.flush(flush)
