# ruff: noqa: RUF012  (torchvision exposes these class attributes as lists)
"""CIFAR10 / CIFAR100 from the "python version" pickle batches.

The batches are pickles, which can run code when loaded: they are read with an unpickler
that only allows what a NumPy array and plain containers need (differs from torchvision,
which uses plain `pickle.load`).
"""
from __future__ import annotations

import io
import os
import pickle
import tarfile

from .vision import VisionDataset, no_download_error

_ALLOWED = {
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
    ("_codecs", "encode"),        # how Python 3 pickles bytes under protocol 2
}


class _ArrayUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"refusing to load {module}.{name} from a CIFAR batch: only NumPy arrays, numbers, "
            f"strings, lists and dicts are allowed (the file may not be a CIFAR batch, or may "
            f"be unsafe)")


def load_batch(path: str) -> dict:
    """One CIFAR batch file as a dict with str keys (Python 2 pickles decoded as latin1)."""
    with open(path, "rb") as fh:
        data = _ArrayUnpickler(io.BytesIO(fh.read()), encoding="latin1").load()
    if not isinstance(data, dict):
        raise TypeError(f"{path}: expected a dict, got {type(data).__name__}")
    return {k.decode("latin1") if isinstance(k, bytes) else k: v for k, v in data.items()}


class CIFAR10(VisionDataset):
    """CIFAR-10: (PIL image 32x32 RGB, int label) pairs, from root/cifar-10-batches-py/."""

    base_folder = "cifar-10-batches-py"
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    train_list = [[f"data_batch_{i}", ""] for i in range(1, 6)]
    test_list = [["test_batch", ""]]
    meta = {"filename": "batches.meta", "key": "label_names"}
    _labels_key = "labels"

    def __init__(self, root, train: bool = True, transform=None, target_transform=None,
                 download: bool = False) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        import numpy as np
        self.train = train
        if not self._check_integrity():
            self._extract_local_archive()
        if not self._check_integrity():
            raise no_download_error(
                type(self).__name__, os.path.join(self.root, self.base_folder),
                [f for f, _ in self.train_list + self.test_list] + [self.meta["filename"]],
                [self.url + f"  (unpack it in {self.root}, or leave {self.filename} there)"])
        self.data, self.targets = [], []
        for name, _ in (self.train_list if train else self.test_list):
            entry = load_batch(os.path.join(self.root, self.base_folder, name))
            self.data.append(np.asarray(entry["data"], dtype=np.uint8))
            labels = entry.get(self._labels_key, entry.get("fine_labels"))
            self.targets.extend(int(v) for v in labels)
        self.data = np.vstack(self.data).reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1))
        self._load_meta()

    def _check_integrity(self) -> bool:
        folder = os.path.join(self.root, self.base_folder)
        return all(os.path.isfile(os.path.join(folder, f))
                   for f, _ in self.train_list + self.test_list)

    def _extract_local_archive(self) -> None:
        # the archive, if the user placed it in root: unpack it (no network involved)
        path = os.path.join(self.root, self.filename)
        if os.path.isfile(path):
            with tarfile.open(path, "r:gz") as tar:
                try:
                    tar.extractall(self.root, filter="data")
                except TypeError:       # Python without extraction filters: check names
                    root = os.path.realpath(self.root)
                    for m in tar.getmembers():
                        dest = os.path.realpath(os.path.join(root, m.name))
                        if not dest.startswith(root + os.sep) or not (m.isfile() or m.isdir()):
                            raise RuntimeError(f"{path}: unsafe member {m.name!r}") from None
                    tar.extractall(root)

    def _load_meta(self) -> None:
        path = os.path.join(self.root, self.base_folder, self.meta["filename"])
        if os.path.isfile(path):
            self.classes = [c.decode("latin1") if isinstance(c, bytes) else str(c)
                            for c in load_batch(path)[self.meta["key"]]]
        else:
            self.classes = list(self._default_classes())
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def _default_classes(self):
        return ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                "ship", "truck"]

    def __getitem__(self, index: int):
        from PIL import Image
        img, target = Image.fromarray(self.data[index]), self.targets[index]
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self) -> int:
        return len(self.data)

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train is True else 'Test'}"


class CIFAR100(CIFAR10):
    """CIFAR-100 (fine labels), from root/cifar-100-python/{train,test,meta}."""

    base_folder = "cifar-100-python"
    url = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
    filename = "cifar-100-python.tar.gz"
    train_list = [["train", ""]]
    test_list = [["test", ""]]
    meta = {"filename": "meta", "key": "fine_label_names"}
    _labels_key = "fine_labels"

    def _default_classes(self):
        return [str(i) for i in range(100)]
