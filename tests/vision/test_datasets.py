"""tocha.vision.datasets on tiny files written here in each dataset's on-disk format."""
import gzip
import os
import pickle
import struct

import numpy as np
import pytest
from PIL import Image

import tocha
from tocha.utils.data import DataLoader
from tocha.vision import datasets, transforms

RS = np.random.RandomState(1)


def write_idx(path, arr, gz=False):
    code = {np.uint8: 0x08, np.int32: 0x0C, np.float32: 0x0D}[arr.dtype.type]
    head = bytes([0, 0, code, arr.ndim]) + b"".join(struct.pack(">i", d) for d in arr.shape)
    data = head + arr.astype(arr.dtype.newbyteorder(">")).tobytes()
    opener = gzip.open if gz else open
    with opener(path + (".gz" if gz else ""), "wb") as fh:
        fh.write(data)


def make_mnist(root, cls="MNIST", n_train=5, n_test=3, gz=True):
    raw = os.path.join(root, cls, "raw")
    os.makedirs(raw, exist_ok=True)
    out = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        imgs = RS.randint(0, 256, (n, 28, 28)).astype(np.uint8)
        labels = RS.randint(0, 10, n).astype(np.uint8)
        write_idx(os.path.join(raw, f"{prefix}-images-idx3-ubyte"), imgs, gz)
        write_idx(os.path.join(raw, f"{prefix}-labels-idx1-ubyte"), labels, gz)
        out[prefix] = (imgs, labels)
    return out


@pytest.mark.parametrize("gz", [True, False])
def test_mnist(tmp_path, gz):
    ref = make_mnist(str(tmp_path), gz=gz)
    ds = datasets.MNIST(str(tmp_path), train=True, download=False)
    assert len(ds) == 5
    assert ds.data.dtype == tocha.uint8 and tuple(ds.data.shape) == (5, 28, 28)
    assert ds.targets.dtype == tocha.int64
    img, target = ds[2]
    assert isinstance(img, Image.Image) and img.mode == "L" and img.size == (28, 28)
    assert np.array_equal(np.asarray(img), ref["train"][0][2])
    assert target == int(ref["train"][1][2]) and type(target) is int
    test = datasets.MNIST(str(tmp_path), train=False)
    assert len(test) == 3 and test[0][1] == int(ref["t10k"][1][0])
    assert ds.classes[3] == "3 - three" and ds.class_to_idx["3 - three"] == 3
    assert repr(ds).splitlines()[:4] == ["Dataset MNIST", "    Number of datapoints: 5",
                                         f"    Root location: {tmp_path}", "    Split: Train"]


def test_mnist_transforms_and_loader(tmp_path):
    ref = make_mnist(str(tmp_path))
    ds = datasets.MNIST(str(tmp_path), transform=transforms.ToTensor(),
                        target_transform=transforms.Lambda(lambda y: y + 100), download=True)
    x, y = ds[1]
    assert tuple(x.shape) == (1, 28, 28) and x.dtype == tocha.float32
    np.testing.assert_allclose(x.numpy()[0], ref["train"][0][1] / 255, atol=1e-7)
    assert y == int(ref["train"][1][1]) + 100
    xb, yb = next(iter(DataLoader(ds, batch_size=4)))
    assert tuple(xb.shape) == (4, 1, 28, 28) and yb.tolist() == [
        int(v) + 100 for v in ref["train"][1][:4]]
    assert "Transform: ToTensor()" in repr(ds)


def test_fashion_mnist_folder(tmp_path):
    make_mnist(str(tmp_path), cls="FashionMNIST", gz=False)
    ds = datasets.FashionMNIST(str(tmp_path))
    assert len(ds) == 5 and ds.classes[9] == "Ankle boot"
    with pytest.raises(RuntimeError, match="MNIST"):
        datasets.MNIST(str(tmp_path))          # MNIST files are looked for under MNIST/raw


def test_download_without_network_says_where(tmp_path):
    for kw in ({"download": True}, {}):
        with pytest.raises(RuntimeError) as e:
            datasets.MNIST(str(tmp_path), **kw)
        msg = str(e.value)
        assert "cannot download" in msg
        assert os.path.join(str(tmp_path), "MNIST", "raw", "train-images-idx3-ubyte.gz") in msg
        assert "t10k-labels-idx1-ubyte" in msg
    with pytest.raises(RuntimeError) as e:
        datasets.CIFAR10(str(tmp_path), download=True)
    assert os.path.join(str(tmp_path), "cifar-10-batches-py", "data_batch_1") in str(e.value)
    assert "cifar-10-python.tar.gz" in str(e.value)


def test_bad_idx_file(tmp_path):
    make_mnist(str(tmp_path), gz=False)
    with open(os.path.join(tmp_path, "MNIST", "raw", "train-images-idx3-ubyte"), "wb") as f:
        f.write(b"\x01\x02\x03\x04rest")
    with pytest.raises(RuntimeError, match="not an IDX file"):
        datasets.MNIST(str(tmp_path))


def make_cifar(root, per_batch=4, key=str):
    folder = os.path.join(root, "cifar-10-batches-py")
    os.makedirs(folder, exist_ok=True)
    batches = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        data = RS.randint(0, 256, (per_batch, 3072)).astype(np.uint8)
        labels = RS.randint(0, 10, per_batch).tolist()
        with open(os.path.join(folder, name), "wb") as fh:
            # the real files are Python 2 pickles whose str keys load as str with latin1;
            # key=bytes writes bytes keys instead (both are accepted)
            k = (lambda s: s.encode()) if key is bytes else (lambda s: s)
            pickle.dump({k("batch_label"): name, k("data"): data, k("labels"): labels,
                         k("filenames"): ["x.png"] * per_batch}, fh, protocol=2)
        batches[name] = (data, labels)
    names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
             "truck"]
    with open(os.path.join(folder, "batches.meta"), "wb") as fh:
        pickle.dump({k("label_names"): [k(n) for n in names], k("num_vis"): 3072}, fh,
                    protocol=2)
    return batches


@pytest.mark.parametrize("key", [str, bytes])
def test_cifar10(tmp_path, key):
    batches = make_cifar(str(tmp_path), key=key)
    ds = datasets.CIFAR10(str(tmp_path), train=True)
    assert len(ds) == 20 and ds.data.shape == (20, 32, 32, 3)
    img, y = ds[5]                                  # batch 2, item 1
    data, labels = batches["data_batch_2"]
    assert isinstance(img, Image.Image) and img.mode == "RGB"
    assert np.array_equal(np.asarray(img), data[1].reshape(3, 32, 32).transpose(1, 2, 0))
    assert y == labels[1]
    test = datasets.CIFAR10(str(tmp_path), train=False, transform=transforms.ToTensor())
    x, y = test[3]
    assert tuple(x.shape) == (3, 32, 32) and y == batches["test_batch"][1][3]
    np.testing.assert_allclose(x.numpy(), batches["test_batch"][0][3].reshape(3, 32, 32) / 255,
                               atol=1e-7)
    assert ds.classes[1] == "automobile" and ds.class_to_idx["truck"] == 9


class Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_cifar_refuses_code_in_pickles(tmp_path):
    make_cifar(str(tmp_path))
    path = os.path.join(tmp_path, "cifar-10-batches-py", "data_batch_3")
    with open(path, "wb") as fh:
        pickle.dump({b"data": Evil(), b"labels": [1]}, fh, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="refusing to load"):
        datasets.CIFAR10(str(tmp_path))


def test_cifar_extracts_local_archive(tmp_path):
    import tarfile
    src = tmp_path / "src"
    make_cifar(str(src))
    with tarfile.open(tmp_path / "cifar-10-python.tar.gz", "w:gz") as tar:
        tar.add(src / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    ds = datasets.CIFAR10(str(tmp_path), train=False)
    assert len(ds) == 4


def make_folder(root):
    spec = {"cat": ["b.png", "a.jpg", "notes.txt"], "dog": ["x.bmp"], "ant": ["sub/z.png"]}
    for cls, files in spec.items():
        for f in files:
            p = os.path.join(root, cls, f)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            if f.endswith(".txt"):
                with open(p, "w") as fh:
                    fh.write("not an image")
            else:
                Image.fromarray(RS.randint(0, 256, (4, 6, 3)).astype(np.uint8)).save(p)


def test_image_folder(tmp_path):
    make_folder(str(tmp_path))
    ds = datasets.ImageFolder(str(tmp_path))
    assert ds.classes == ["ant", "cat", "dog"]
    assert ds.class_to_idx == {"ant": 0, "cat": 1, "dog": 2}
    names = [os.path.relpath(p, tmp_path) for p, _ in ds.samples]
    assert names == [os.path.join("ant", "sub", "z.png"), os.path.join("cat", "a.jpg"),
                     os.path.join("cat", "b.png"), os.path.join("dog", "x.bmp")]
    assert ds.targets == [0, 1, 1, 2] and ds.imgs == ds.samples
    img, y = ds[3]
    assert img.mode == "RGB" and img.size == (6, 4) and y == 2
    t = datasets.ImageFolder(str(tmp_path), transform=transforms.ToTensor())[0][0]
    assert tuple(t.shape) == (3, 4, 6)


def test_dataset_folder_custom_loader_and_errors(tmp_path):
    make_folder(str(tmp_path))
    ds = datasets.DatasetFolder(str(tmp_path), loader=lambda p: os.path.getsize(p),
                                extensions=(".txt",), allow_empty=True)
    assert len(ds) == 1 and ds[0][1] == 1 and ds[0][0] == len("not an image")
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes ant, dog"):
        datasets.DatasetFolder(str(tmp_path), loader=open, extensions=(".txt",))
    with pytest.raises(FileNotFoundError, match="class folder"):
        datasets.ImageFolder(str(tmp_path / "dog"))        # files only, no class folders


def test_fake_data_is_deterministic_and_restores_rng():
    ds = datasets.FakeData(size=4, image_size=(3, 5, 6), num_classes=7,
                           transform=transforms.ToTensor())
    tocha.manual_seed(123)
    before = tocha.rand(3)
    tocha.manual_seed(123)
    x1, y1 = ds[2]
    after = tocha.rand(3)
    assert np.array_equal(before.numpy(), after.numpy())      # global stream untouched
    x2, y2 = ds[2]
    assert np.array_equal(x1.numpy(), x2.numpy()) and y1 == y2
    assert tuple(x1.shape) == (3, 5, 6) and 0 <= y1 < 7 and type(y1) is int
    # item i is drawn right after manual_seed(i + random_offset): randn image, then the label
    tocha.manual_seed(2)
    img = tocha.randn(3, 5, 6)
    label = int(tocha.randint(0, 7, size=(1,))[0])
    assert y1 == label
    assert np.array_equal(x1.numpy(), transforms.ToTensor()(transforms.ToPILImage()(img))
                          .numpy())
    assert datasets.FakeData(4, (3, 5, 6), 7, random_offset=2)[0][1] == y1
    assert len(ds) == 4
    with pytest.raises(IndexError):
        ds[4]
