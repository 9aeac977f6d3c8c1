"""FileLister (`dp.list_files()`): the file paths under some roots."""
from __future__ import annotations

from collections.abc import Iterator, Sequence

from .._decorator import functional_datapipe
from ..datapipe import IterDataPipe
from ..utils.common import get_file_pathnames_from_root
from .utils import IterableWrapperIterDataPipe

__all__ = ["FileListerIterDataPipe"]


@functional_datapipe("list_files")
class FileListerIterDataPipe(IterDataPipe[str]):
    """The paths of the files under each root whose names match `masks` (sorted, unless
    `non_deterministic`; `recursive` descends into folders; `abspath` makes them absolute).

    Example:
        >>> import os, tempfile
        >>> from tocha.utils.data.datapipes.iter import FileLister
        >>> d = tempfile.mkdtemp()
        >>> for n in ("b.txt", "a.txt", "c.csv"):
        ...     open(os.path.join(d, n), "w").close()
        >>> [os.path.basename(p) for p in FileLister(d, "*.txt")]
        ['a.txt', 'b.txt']
    """

    def __init__(self, root: str | Sequence[str] | IterDataPipe = ".",
                 masks: str | list[str] = "", *, recursive: bool = False,
                 abspath: bool = False, non_deterministic: bool = False,
                 length: int = -1) -> None:
        super().__init__()
        if isinstance(root, str):
            root = [root]
        if not isinstance(root, IterDataPipe):
            root = IterableWrapperIterDataPipe(root)
        self.datapipe = root
        self.masks = masks
        self.recursive = recursive
        self.abspath = abspath
        self.non_deterministic = non_deterministic
        self.length = length

    def __iter__(self) -> Iterator[str]:
        for path in self.datapipe:
            yield from get_file_pathnames_from_root(path, self.masks, self.recursive,
                                                    self.abspath, self.non_deterministic)

    def __len__(self) -> int:
        if self.length == -1:
            raise TypeError(f"{type(self).__name__} instance doesn't have valid length")
        return self.length


