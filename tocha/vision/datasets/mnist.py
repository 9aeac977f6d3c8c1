# ruff: noqa: RUF012  (torchvision exposes these class attributes as lists)
"""MNIST and FashionMNIST from IDX files under root/<Class>/raw/ (plain or .gz).

Differs from torchvision: nothing is downloaded; download=True only checks for the files.
NumPy parses the IDX bytes (file decoding, like data collation, is allowed NumPy here).
"""
from __future__ import annotations

import gzip
import os

import tocha

from .vision import VisionDataset, no_download_error

# IDX type byte -> (NumPy big-endian dtype string, item size)
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str):
    """An IDX file (optionally gzipped) as a NumPy array; the format: 2 zero bytes, a type
    byte, the number of dims, then each dim as a big-endian int32, then the data."""
    import numpy as np
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as fh:
        raw = fh.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise RuntimeError(f"{path} is not an IDX file (bad magic number {raw[:4]!r})")
    nd = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(nd)]
    dt = np.dtype(_IDX_TYPES[raw[2]])
    count = int(np.prod(dims)) if dims else 1
    start = 4 + 4 * nd
    if len(raw) - start < count * dt.itemsize:
        raise RuntimeError(f"{path} is truncated: expected {count} items of shape {dims}")
    arr = np.frombuffer(raw, dtype=dt, count=count, offset=start).reshape(dims)
    return arr.astype(dt.newbyteorder("="))


def read_image_file(path: str):
    arr = read_idx(path)
    if arr.dtype.name != "uint8" or arr.ndim != 3:
        raise RuntimeError(f"{path}: expected uint8 images (N, H, W), got {arr.dtype} "
                           f"{arr.shape}")
    return tocha.from_numpy(arr.copy())


def read_label_file(path: str):
    arr = read_idx(path)
    if arr.dtype.name != "uint8" or arr.ndim != 1:
        raise RuntimeError(f"{path}: expected uint8 labels (N,), got {arr.dtype} {arr.shape}")
    return tocha.from_numpy(arr.astype("int64"))


class MNIST(VisionDataset):
    """MNIST digits: (PIL image 28x28 mode 'L', int label) pairs."""

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/",
               "http://yann.lecun.com/exdb/mnist/"]
    resources = [("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
                 ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
                 ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
                 ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c")]
    training_file = "training.pt"
    test_file = "test.pt"
    classes = ["0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine"]

    def __init__(self, root, train: bool = True, transform=None, target_transform=None,
                 download: bool = False) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if not self._check_exists():
            raise no_download_error(
                type(self).__name__, self.raw_folder,
                [f"{f}  (or {f[:-3]})" for f, _ in self.resources],
                [self.mirrors[0] + f for f, _ in self.resources])
        self.data, self.targets = self._load_data()

    @property
    def raw_folder(self) -> str:
        return os.path.join(self.root, self.__class__.__name__, "raw")

    @property
    def class_to_idx(self) -> dict:
        return {c: i for i, c in enumerate(self.classes)}

    @property
    def train_labels(self):
        return self.targets

    @property
    def test_labels(self):
        return self.targets

    @property
    def train_data(self):
        return self.data

    @property
    def test_data(self):
        return self.data

    def _file(self, stem: str) -> str | None:
        for name in (stem, stem + ".gz"):
            p = os.path.join(self.raw_folder, name)
            if os.path.isfile(p):
                return p
        return None

    def _check_exists(self) -> bool:
        return all(self._file(f[:-3]) is not None for f, _ in self.resources)

    def _load_data(self):
        prefix = "train" if self.train else "t10k"
        data = read_image_file(self._file(f"{prefix}-images-idx3-ubyte"))
        targets = read_label_file(self._file(f"{prefix}-labels-idx1-ubyte"))
        if data.shape[0] != targets.shape[0]:
            raise RuntimeError(f"{type(self).__name__}: {data.shape[0]} images but "
                               f"{targets.shape[0]} labels in {self.raw_folder}")
        return data, targets

    def __getitem__(self, index: int):
        from PIL import Image
        img, target = self.data[index], int(self.targets[index])
        img = Image.fromarray(img.numpy())
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self) -> int:
        return len(self.data)

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train is True else 'Test'}"


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST (same layout as MNIST, under root/FashionMNIST/raw/)."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                 ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                 ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                 ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310")]
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]


class KMNIST(MNIST):
    """Kuzushiji-MNIST (same layout, under root/KMNIST/raw/)."""

    mirrors = ["http://codh.rois.ac.jp/kmnist/dataset/kmnist/"]
    resources = [("train-images-idx3-ubyte.gz", "bdb82020997e1d708af4cf47b453dcf7"),
                 ("train-labels-idx1-ubyte.gz", "e144d726b3acfaa3e44228e80efcd344"),
                 ("t10k-images-idx3-ubyte.gz", "5c965bf0a639b31b8f53240b1b52f4d7"),
                 ("t10k-labels-idx1-ubyte.gz", "7320c461ea6c1c855c0b718fb2a4b134")]
    classes = ["o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"]
