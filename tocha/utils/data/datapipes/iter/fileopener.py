"""FileOpener (`dp.open_files()`): `(path, stream)` for each path."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from .._decorator import functional_datapipe
from ..datapipe import IterDataPipe
from ..utils.common import get_file_binaries_from_pathnames

__all__ = ["FileOpenerIterDataPipe"]


@functional_datapipe("open_files")
class FileOpenerIterDataPipe(IterDataPipe[tuple]):
    """Open each path (`mode` "r", "b" or "t"; `encoding` for text) and yield
    `(path, StreamWrapper)`.

    Example:
        >>> import os, tempfile
        >>> from tocha.utils.data.datapipes.iter import FileOpener, IterableWrapper
        >>> path = os.path.join(tempfile.mkdtemp(), "x.txt")
        >>> with open(path, "w") as f:
        ...     _ = f.write("hello")
        >>> [(os.path.basename(p), s.read()) for p, s in FileOpener(IterableWrapper([path]))]
        [('x.txt', 'hello')]
    """

    def __init__(self, datapipe: Iterable[str], mode: str = "r", encoding: str | None = None,
                 length: int = -1) -> None:
        super().__init__()
        self.datapipe = datapipe
        self.mode = mode
        self.encoding = encoding
        if self.mode not in ("b", "t", "rb", "rt", "r"):
            raise ValueError(f"Invalid mode {mode}")
        if "b" in mode and encoding is not None:
            raise ValueError("binary mode doesn't take an encoding argument")
        self.length = length

    def __iter__(self) -> Iterator[tuple]:
        yield from get_file_binaries_from_pathnames(self.datapipe, self.mode, self.encoding)

    def __len__(self) -> int:
        if self.length == -1:
            raise TypeError(f"{type(self).__name__} instance doesn't have valid length")
        return self.length
