"""StreamReader (`dp.read_from_stream()`): `(path, chunk)` pairs from `(path, stream)`."""
from __future__ import annotations

from collections.abc import Iterator

from .._decorator import functional_datapipe
from ..datapipe import IterDataPipe

__all__ = ["StreamReaderIterDataPipe"]


@functional_datapipe("read_from_stream")
class StreamReaderIterDataPipe(IterDataPipe[tuple]):
    """Read each stream in chunks of `chunk` bytes/characters (None: all at once), then
    close it.

    Example:
        >>> import io
        >>> from tocha.utils.data.datapipes.iter import IterableWrapper, StreamReader
        >>> list(StreamReader(IterableWrapper([("f", io.StringIO("abcde"))]), chunk=2))
        [('f', 'ab'), ('f', 'cd'), ('f', 'e')]
    """

    def __init__(self, datapipe: IterDataPipe, chunk: int | None = None) -> None:
        self.datapipe = datapipe
        self.chunk = chunk

    def __iter__(self) -> Iterator[tuple]:
        for furl, stream in self.datapipe:
            while True:
                d = stream.read(self.chunk)
                if not d:
                    stream.close()
                    break
                yield furl, d
