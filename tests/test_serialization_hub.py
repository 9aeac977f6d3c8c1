"""tocha.hub (PyTorch's download cache, offline) and the vision models' weights= plumbing."""
import hashlib
import io
import zipfile

import numpy as np
import pytest

import tocha
from tocha import hub
from tocha.vision import models
from tocha.vision.models._api import WeightsEnum


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    monkeypatch.setattr(hub, "_hub_dir", None)
    d = tmp_path / "th" / "hub" / "checkpoints"
    d.mkdir(parents=True)
    return d


def _put(cache, stem, obj):
    """Save ``obj`` as ``<stem>-<its sha256 prefix>.pth`` in the cache; return that name."""
    buf = io.BytesIO()
    tocha.save(obj, buf)
    name = f"{stem}-{hashlib.sha256(buf.getvalue()).hexdigest()[:8]}.pth"
    (cache / name).write_bytes(buf.getvalue())
    return name


def test_get_dir_follows_torch_home_and_set_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(hub, "_hub_dir", None)
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "a"))
    assert hub.get_dir() == str(tmp_path / "a" / "hub")
    monkeypatch.delenv("TORCH_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert hub.get_dir() == str(tmp_path / "x" / "torch" / "hub")
    hub.set_dir(tmp_path / "mine")
    assert hub.get_dir() == str(tmp_path / "mine")


def test_load_state_dict_from_url_reads_the_cache_and_checks_the_hash(cache):
    sd = {"w": tocha.arange(4.0)}
    name = _put(cache, "net", sd)
    url = f"https://example.org/models/{name}"
    out = hub.load_state_dict_from_url(url, check_hash=True, weights_only=True)
    assert out["w"].tolist() == [0, 1, 2, 3]
    bad = name.replace(name[4:12], "00000000")
    (cache / bad).write_bytes((cache / name).read_bytes())
    with pytest.raises(RuntimeError, match='invalid hash value \\(expected "00000000"'):
        hub.load_state_dict_from_url(f"https://example.org/models/{bad}", check_hash=True)
    # without check_hash the name's hash is not looked at (as PyTorch)
    assert hub.load_state_dict_from_url(f"https://e.org/{bad}", weights_only=True)["w"].numel() == 4


def test_missing_file_error_names_file_folder_and_url(cache):
    url = "https://download.pytorch.org/models/vgg16-397923af.pth"
    with pytest.raises(RuntimeError) as e:
        hub.load_state_dict_from_url(url)
    msg = str(e.value)
    assert url in msg and str(cache / "vgg16-397923af.pth") in msg and "TORCH_HOME" in msg
    with pytest.raises(RuntimeError, match="never uses the network"):
        hub.download_url_to_file(url, "/tmp/x.pth")
    with pytest.raises(RuntimeError, match="GitHub"):
        hub.load("pytorch/vision", "resnet18")


def test_legacy_zip_packaging(cache):
    inner = io.BytesIO()
    tocha.save({"b": tocha.ones(2)}, inner, _use_new_zipfile_serialization=False)
    with zipfile.ZipFile(cache / "old.zip", "w") as z:
        z.writestr("old.pth", inner.getvalue())
    out = hub.load_state_dict_from_url("https://e.org/old.zip", weights_only=True)
    assert out["b"].tolist() == [1.0, 1.0]


def _serve(monkeypatch, names):
    """Point every weights enum member at the cached file ``names[file stem]``."""
    real = WeightsEnum.url

    def url(self):
        stem = real.fget(self).rsplit("/", 1)[-1].split("-")[0]
        return f"https://download.pytorch.org/models/{names.get(stem, stem + '-0.pth')}"
    monkeypatch.setattr(WeightsEnum, "url", property(url))


def test_weights_and_pretrained_load_from_the_cache(cache, monkeypatch):
    tocha.manual_seed(0)
    src = models.resnet18()
    _serve(monkeypatch, {"resnet18": _put(cache, "resnet18", src.state_dict())})
    for kw in ({"weights": "DEFAULT"}, {"pretrained": True},
               {"weights": models.ResNet18_Weights.IMAGENET1K_V1}):
        got, want = models.resnet18(**kw).state_dict(), src.state_dict()
        assert all(np.array_equal(got[k].numpy(), v.numpy()) for k, v in want.items())
    with pytest.raises(ValueError, match="'num_classes' expected value 1000 but got 10"):
        models.resnet18(weights="DEFAULT", num_classes=10)
    w = models.ResNet18_Weights.DEFAULT
    assert w.file_name.startswith("resnet18-") and w.url.endswith(w.file_name)


def test_torchvision_file_names_and_hash_prefixes():
    w = models.ResNet18_Weights.IMAGENET1K_V1
    assert w.file_name == "resnet18-f37072fd.pth" and w.hash_prefix == "f37072fd"
    assert models.VGG16_Weights.IMAGENET1K_V1.hash_prefix == "397923af"


def test_densenet_published_key_names_are_mapped(cache, monkeypatch):
    tocha.manual_seed(0)
    src = models.densenet121()
    old = {k.replace("norm1.", "norm.1.").replace("conv2.", "conv.2.")
           .replace("norm2.", "norm.2.").replace("conv1.", "conv.1.") if "denselayer" in k
           else k: v for k, v in src.state_dict().items()
           if not ("denselayer" in k and k.endswith("num_batches_tracked"))}  # as published
    assert any(".norm.1." in k for k in old)
    _serve(monkeypatch, {"densenet121": _put(cache, "densenet121", old)})
    m = models.densenet121(weights="DEFAULT")
    k = "features.denseblock1.denselayer1.norm1.weight"
    assert m.state_dict()[k].tolist() == src.state_dict()[k].tolist()


def test_hub_docstring_examples_run():
    import doctest
    res = doctest.testmod(hub, optionflags=doctest.ELLIPSIS)
    assert res.attempted >= 2 and res.failed == 0
