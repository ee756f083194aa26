"""Streaming reader for IDX files, the format of the MNIST and Fashion-MNIST releases.

An IDX file starts with a 4-byte magic number (two zero bytes, a data type code
and the number of dimensions), then one big-endian uint32 size per dimension,
then the values in row-major order. The releases ship the files gzip-compressed.
Only unsigned bytes (type code 0x08) are supported, which covers both the image
files (magic 2051, shape [count, 28, 28]) and the label files (magic 2049,
shape [count]).

Records are read one at a time from the stream, so a whole file never has to
fit in memory.
"""

import dataclasses
import gzip
import math
import os
import struct
import zlib
from typing import BinaryIO, Iterator, Optional, Tuple

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
UNSIGNED_BYTE_TYPE = 0x08

# Size of the blocks read while skipping to a record or counting the payload.
_READ_BLOCK_BYTES = 1 << 20


class IdxFormatError(ValueError):
    """Raised when an IDX file is truncated, has the wrong magic number or shape."""


@dataclasses.dataclass(frozen=True)
class IdxHeader:
    """Parsed header of one IDX file."""

    path: str
    magic: int
    dims: Tuple[int, ...]

    @property
    def count(self) -> int:
        """Number of records (the size of the first dimension)."""
        return self.dims[0]

    @property
    def record_shape(self) -> Tuple[int, ...]:
        return self.dims[1:]

    @property
    def record_bytes(self) -> int:
        return math.prod(self.record_shape)

    @property
    def header_bytes(self) -> int:
        return 4 + 4 * len(self.dims)


def open_idx(path: str) -> BinaryIO:
    """Open an IDX file for reading, decompressing it when its name ends in .gz."""
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def _read_exactly(stream: BinaryIO, size: int, path: str, section: str) -> bytes:
    try:
        data = stream.read(size)
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise IdxFormatError(f"IDX file {path} is truncated or corrupt while reading {section}: {error}") from error
    if len(data) != size:
        raise IdxFormatError(f"IDX file {path} is truncated: expected {size} bytes of {section}, found {len(data)}.")
    return data


def read_header(stream: BinaryIO, path: str) -> IdxHeader:
    """Parse the header at the start of an open IDX stream."""
    magic_bytes = _read_exactly(stream, 4, path, "magic number")
    (magic,) = struct.unpack(">I", magic_bytes)
    zero, type_code, ndim = struct.unpack(">HBB", magic_bytes)
    if zero != 0 or type_code != UNSIGNED_BYTE_TYPE or ndim == 0:
        raise IdxFormatError(
            f"IDX file {path} has an invalid magic number 0x{magic:08x}: expected two zero bytes, "
            f"type code 0x{UNSIGNED_BYTE_TYPE:02x} (unsigned byte) and at least one dimension."
        )

    dims = struct.unpack(f">{ndim}I", _read_exactly(stream, 4 * ndim, path, "dimension sizes"))
    return IdxHeader(path=path, magic=magic, dims=tuple(dims))


def check_header(
    header: IdxHeader,
    expected_magic: int,
    expected_record_shape: Tuple[int, ...],
) -> None:
    """Raise IdxFormatError when a header does not have the expected magic number or shape."""
    if header.magic != expected_magic:
        raise IdxFormatError(
            f"IDX file {header.path} has magic number {header.magic}, expected {expected_magic} "
            f"({'images' if expected_magic == IMAGES_MAGIC else 'labels'})."
        )
    if header.record_shape != tuple(expected_record_shape):
        raise IdxFormatError(
            f"IDX file {header.path} has records of shape {list(header.record_shape)}, "
            f"expected {list(expected_record_shape)}."
        )


def validate_idx_file(
    path: str,
    expected_magic: int,
    expected_record_shape: Tuple[int, ...],
) -> IdxHeader:
    """Check an IDX file's header and that its payload has exactly the size the header states.

    The whole file is decompressed once to count its bytes, in blocks, without
    keeping it in memory.

    Raises:
      FileNotFoundError: the file does not exist.
      IdxFormatError: wrong magic number or record shape, a truncated or corrupt
        stream, or bytes after the last record.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"IDX file not found: {path}")

    with open_idx(path) as stream:
        header = read_header(stream, path)
        check_header(header, expected_magic, expected_record_shape)

        expected_payload = header.count * header.record_bytes
        found_payload = 0
        while True:
            try:
                block = stream.read(_READ_BLOCK_BYTES)
            except (EOFError, gzip.BadGzipFile, zlib.error) as error:
                raise IdxFormatError(
                    f"IDX file {path} is truncated or corrupt after {found_payload} of "
                    f"{expected_payload} payload bytes: {error}"
                ) from error
            if not block:
                break
            found_payload += len(block)

    if found_payload != expected_payload:
        state = "truncated" if found_payload < expected_payload else "longer than its header states"
        raise IdxFormatError(
            f"IDX file {path} is {state}: the header declares {header.count} records of "
            f"{header.record_bytes} bytes ({expected_payload} payload bytes), found {found_payload} bytes."
        )
    return header


def iter_records(path: str, start: int = 0, stop: Optional[int] = None) -> Iterator[bytes]:
    """Yield the raw bytes of records [start, stop) of an IDX file, one record at a time."""
    with open_idx(path) as stream:
        header = read_header(stream, path)
        stop = header.count if stop is None else min(stop, header.count)
        if start < 0 or start > stop:
            raise ValueError(f"Invalid record range [{start}, {stop}) for {path} with {header.count} records.")

        # Gzip streams cannot seek, so skip to the first record by reading.
        to_skip = start * header.record_bytes
        while to_skip > 0:
            skipped = len(_read_exactly(stream, min(to_skip, _READ_BLOCK_BYTES), path, "records"))
            to_skip -= skipped

        for _ in range(start, stop):
            yield _read_exactly(stream, header.record_bytes, path, "a record")
