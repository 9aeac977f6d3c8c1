"""Reading a checkpoint's records: zip entries checked against what the pickle declares.

Every record is read straight into the array that the tensors will use (one copy of the
bytes, no intermediate ``bytes``), after its declared size has been checked against the size
the pickle asks for; with ``mmap`` it is mapped copy-on-write instead of read. Deflated entries
(PyTorch never writes them, other zip tools may) are inflated chunk by chunk and may not claim
more than deflate can produce from their compressed size: no decompression bombs.
"""
from __future__ import annotations

import struct
import zipfile
import zlib
from typing import Any

import numpy as np

from ._allow import CheckpointError

_CHUNK = 1 << 24
_MAX_DEFLATE_RATIO = 1032  # deflate's largest possible expansion


class Damaged(Exception):
    """Raised inside the reader; ``load`` turns it into a CheckpointError naming the file."""


class ZipRecords:
    """The records of a PyTorch-style archive ``<prefix>/...`` opened from a seekable stream."""

    def __init__(self, stream: Any, path: str | None, mmap: bool) -> None:
        self.stream, self.path, self.mmap = stream, path, mmap
        try:
            self.zip = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError,
                EOFError, struct.error) as e:
            raise Damaged(f"not a readable zip archive ({e})") from None
        self.infos = {i.filename: i for i in self.zip.infolist()}
        pkls = [n for n in self.infos if n.endswith("/data.pkl") and n.count("/") == 1]
        if len(pkls) != 1:
            raise Damaged("the archive has no data.pkl record (not a checkpoint)")
        self.prefix = pkls[0][:-len("data.pkl")]
        self.arrays: dict[str, np.ndarray] = {}
        self.end = stream.seek(0, 2)  # no record may claim bytes past the end of the file

    def has(self, name: str) -> bool:
        return self.prefix + name in self.infos

    def small(self, name: str, limit: int = 1 << 30) -> bytes:
        """A small record (data.pkl, version, ...) as bytes, size-checked."""
        info = self._info(name)
        if info.file_size > limit:
            raise Damaged(f"record {name} claims {info.file_size} bytes")
        return self._read(info, info.file_size, False).tobytes()

    def data(self, key: str, nbytes: int) -> np.ndarray:
        """Record ``data/<key>`` as a writable uint8 array of exactly ``nbytes`` bytes."""
        arr = self.arrays.get(key)
        if arr is None:
            info = self._info("data/" + key)
            if info.file_size != nbytes:
                raise Damaged(f"record data/{key} holds {info.file_size} bytes but the data "
                              f"describes a storage of {nbytes} bytes")
            arr = self.arrays[key] = self._read(info, nbytes, self.mmap)
        elif arr.size != nbytes:
            raise Damaged(f"storage {key} is used with two different sizes")
        return arr

    def entry(self, key: str) -> np.ndarray:
        """Record ``data/<key>`` whatever its size (tocha's first format)."""
        arr = self.arrays.get(key)
        if arr is None:
            info = self._info("data/" + key)
            arr = self.arrays[key] = self._read(info, info.file_size, self.mmap)
        return arr

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = self.infos.get(self.prefix + name)
        if info is None:
            raise Damaged(f"the archive has no record {name}")
        return info

    def _data_offset(self, info: zipfile.ZipInfo) -> int:
        self.stream.seek(info.header_offset)
        head = self.stream.read(30)
        if len(head) != 30 or head[:4] != b"PK\x03\x04":
            raise Damaged(f"bad local header for record {info.filename}")
        n, e = struct.unpack("<HH", head[26:30])
        return info.header_offset + 30 + n + e

    def _read(self, info: zipfile.ZipInfo, nbytes: int, mmap: bool) -> np.ndarray:
        if info.compress_type == zipfile.ZIP_STORED:
            if info.compress_size != nbytes:
                raise Damaged(f"record {info.filename} is stored with {info.compress_size} "
                              f"bytes but declares {nbytes}")
            off = self._data_offset(info)
            if off + nbytes > self.end:
                raise Damaged(f"record {info.filename} claims {nbytes} bytes but the file ends "
                              f"{self.end - off} bytes after its start (truncated)")
            if mmap and self.path is not None:
                if nbytes == 0:
                    return np.empty(0, dtype=np.uint8)
                return np.memmap(self.path, dtype=np.uint8, mode="c", offset=off,
                                 shape=(nbytes,))
            self.stream.seek(off)
            arr = np.empty(nbytes, dtype=np.uint8)
            crc = _readinto(self.stream, memoryview(arr), info.filename)
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            if nbytes > max(info.compress_size, 1) * _MAX_DEFLATE_RATIO:
                raise Damaged(f"record {info.filename} claims {nbytes} bytes from "
                              f"{info.compress_size} compressed bytes (a decompression bomb)")
            arr = np.empty(nbytes, dtype=np.uint8)
            crc = self._inflate(info, memoryview(arr))
        else:
            raise Damaged(f"record {info.filename} uses zip compression method "
                          f"{info.compress_type}, which checkpoints do not use")
        if crc != info.CRC:
            raise Damaged(f"record {info.filename} fails its CRC check (the bytes are "
                          "corrupted)")
        return arr

    def _inflate(self, info: zipfile.ZipInfo, view: memoryview) -> int:
        self.stream.seek(self._data_offset(info))
        d = zlib.decompressobj(-15)
        left_in, pos, crc = info.compress_size, 0, 0
        try:
            while left_in > 0 or d.unconsumed_tail:
                if d.unconsumed_tail:
                    raw = d.unconsumed_tail
                else:
                    raw = self.stream.read(min(left_in, _CHUNK))
                    if not raw:
                        raise Damaged(f"record {info.filename} is truncated")
                    left_in -= len(raw)
                out = d.decompress(raw, max(len(view) - pos, 0) + 1)
                if pos + len(out) > len(view):
                    raise Damaged(f"record {info.filename} inflates past its declared size")
                view[pos:pos + len(out)] = out
                crc = zlib.crc32(out, crc)
                pos += len(out)
                if d.eof:
                    break
        except zlib.error as e:
            raise Damaged(f"record {info.filename} does not inflate ({e})") from None
        if pos != len(view):
            raise Damaged(f"record {info.filename} is truncated")
        return crc


def _readinto(stream: Any, view: memoryview, what: str) -> int:
    """Fill ``view`` from ``stream`` chunk by chunk; returns the CRC-32 of the bytes."""
    pos, crc = 0, 0
    while pos < len(view):
        part = view[pos:pos + _CHUNK]
        n = stream.readinto(part)
        if not n:
            raise Damaged(f"record {what} is truncated")
        crc = zlib.crc32(part[:n], crc)
        pos += n
    return crc


def damaged(name: str, why: str) -> CheckpointError:
    return CheckpointError(f"tocha.load: {name} is damaged or not a checkpoint: {why}. "
                           "Re-save or re-download it (weights_only=False will not help).")
