"""tocha.vision.models: torchvision's architectures, names, sizes and (resnet18) seeded init."""
import numpy as np
import pytest

import tocha
from tocha import nn
from tocha.vision import models
from tocha.viz import build_graph

# torchvision's published parameter counts (the `num_params` of each model's weights meta)
COUNTS = {"resnet18": 11689512, "resnet34": 21797672, "resnet50": 25557032,
          "vgg11": 132863336, "vgg11_bn": 132868840, "alexnet": 61100840,
          "mobilenet_v2": 3504872, "resnext50_32x4d": 25028904, "wide_resnet50_2": 68883240,
          "vgg16": 138357544, "squeezenet1_0": 1248424, "squeezenet1_1": 1235496,
          "mobilenet_v3_small": 2542856, "mobilenet_v3_large": 5483032,
          "densenet121": 7978856, "densenet161": 28681000,
          "efficientnet_b0": 5288548, "efficientnet_b5": 30389784}


@pytest.fixture
def no_init(monkeypatch):
    """Skip the random initialisation (tens of millions of draws) where only shapes matter."""
    from tocha.nn.modules.conv import _ConvNd
    monkeypatch.setattr(_ConvNd, "reset_parameters", lambda self: None)
    monkeypatch.setattr(nn.Linear, "reset_parameters", lambda self: None)
    for name in ("kaiming_normal_", "normal_", "constant_", "zeros_", "ones_"):
        monkeypatch.setattr(nn.init, name, lambda t, *a, **k: t)


def count(m):
    return sum(p.numel() for p in m.parameters())


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_parameter_counts(name, no_init):
    m = getattr(models, name)()
    assert count(m) == COUNTS[name]
    assert models.get_model(name, weights=None).__class__ is m.__class__


def test_resnet18_seeded_init_matches_rng_md():
    # rng.md section 13: torchvision resnet18() after torch.manual_seed(0), first 4 values
    tocha.manual_seed(0)
    m = models.resnet18()
    want = {
        "conv1.weight": [0.024109675, 0.0075287749, 0.046658374, -0.0017881278],
        "layer2.0.downsample.0.weight": [-0.10871898, 0.076231405, -0.17475659, 0.068920068],
        "fc.weight": [-0.020315496, 0.018677866, 0.03755622, 0.022368507],
        "fc.bias": [-0.017327722, -0.043164603, 0.0086843949, 0.013802039],
    }
    params = dict(m.named_parameters())
    for k, v in want.items():
        np.testing.assert_allclose(params[k].detach().numpy().ravel()[:4], v, rtol=1e-7)
    assert float(params["bn1.weight"].sum()) == 64 and float(params["bn1.bias"].abs().sum()) == 0
    # kaiming_normal_(fan_out, relu) scale: std = sqrt(2 / (64 * 7 * 7))
    assert abs(float(params["conv1.weight"].std()) - (2 / (64 * 49)) ** 0.5) < 0.002


def test_resnet18_structure_and_forward():
    m = models.resnet18(num_classes=10)
    sd = m.state_dict()
    assert len(sd) == 122          # 62 parameters + 20 BatchNorms x 3 buffers
    for k in ("conv1.weight", "bn1.running_mean", "layer1.0.conv2.weight",
              "layer2.0.downsample.0.weight", "layer2.0.downsample.1.num_batches_tracked",
              "layer4.1.bn2.bias", "fc.weight"):
        assert k in sd
    assert tuple(sd["layer3.0.conv1.weight"].shape) == (256, 128, 3, 3)
    assert tuple(sd["fc.weight"].shape) == (10, 512)
    names = [n for n, _ in m.named_children()]
    assert names == ["conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4",
                     "avgpool", "fc"]
    # registration order inside a block: the downsample comes after the convs
    assert [n for n, _ in m.layer2[0].named_children()] == [
        "conv1", "bn1", "relu", "conv2", "bn2", "downsample"]
    x = tocha.randn(2, 3, 32, 32)          # batch 2: training BatchNorm needs > 1 value
    y = m(x)
    assert tuple(y.shape) == (2, 10)
    y.sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.eval()
    with tocha.no_grad():
        assert tuple(m(x).shape) == (2, 10)


def test_zero_init_residual():
    m = models.resnet18(zero_init_residual=True)
    assert all(float(b.bn2.weight.abs().sum()) == 0 for layer in
               (m.layer1, m.layer2, m.layer3, m.layer4) for b in layer)


def test_bottleneck_and_mobilenet_forward(no_init):
    m = models.resnet50()
    assert isinstance(m.layer1[0], models.Bottleneck)
    assert tuple(m.layer1[0].conv3.weight.shape) == (256, 64, 1, 1)
    assert tuple(m.fc.weight.shape) == (1000, 2048)
    mb = models.mobilenet_v2(num_classes=7)
    assert len(mb.features) == 19 and mb.last_channel == 1280
    assert tuple(mb.features[3].conv[1][0].weight.shape) == (144, 1, 3, 3)   # depthwise


def test_mobilenet_v2_runs():
    tocha.manual_seed(0)
    m = models.mobilenet_v2(num_classes=5).eval()
    with tocha.no_grad():
        assert tuple(m(tocha.randn(1, 3, 32, 32)).shape) == (1, 5)
    # Linear init: normal(0, 0.01), bias 0
    w = m.classifier[1].weight.detach().numpy()
    assert abs(w.std() - 0.01) < 0.001 and float(m.classifier[1].bias.abs().sum()) == 0


def test_mobilenet_v3_forward_and_init():
    tocha.manual_seed(0)
    m = models.mobilenet_v3_small(num_classes=3).eval()
    with tocha.no_grad():
        assert tuple(m(tocha.rand(2, 3, 64, 64)).shape) == (2, 3)
    se = m.features[1].block[1]
    assert isinstance(se, models.mobilenetv3.SqueezeExcitation)
    assert isinstance(se.scale_activation, nn.Hardsigmoid)
    assert m.features[0][1].eps == 0.001 and m.features[0][1].momentum == 0.01
    w = m.classifier[3].weight.detach().numpy()
    assert abs(w.std() - 0.01) < 0.002


def test_densenet_structure_and_forward(no_init):
    m = models.densenet121(num_classes=5)
    names = [n for n, _ in m.features.named_children()]
    assert names[:5] == ["conv0", "norm0", "relu0", "pool0", "denseblock1"]
    assert names[-2:] == ["denseblock4", "norm5"]
    assert tuple(m.features.denseblock2.denselayer3.conv1.weight.shape) == (128, 192, 1, 1)
    assert m.classifier.in_features == 1024
    for p in m.parameters():
        with tocha.no_grad():
            p.fill_(0.01)
    m.eval()
    with tocha.no_grad():
        assert tuple(m(tocha.rand(1, 3, 32, 32)).shape) == (1, 5)


def test_efficientnet_stochastic_depth_and_preset():
    tocha.manual_seed(0)
    m = models.efficientnet_b0(num_classes=4)
    probs = [b.stochastic_depth.p for stage in m.features[1:8] for b in stage]
    assert len(probs) == 16 and probs[0] == 0.0 and probs[-1] == 0.2 * 15 / 16
    x = tocha.rand(2, 3, 32, 32)
    m.eval()
    with tocha.no_grad():
        assert tuple(m(x).shape) == (2, 4)
    sd = models.efficientnet.StochasticDepth(0.5, "row").train()
    tocha.manual_seed(3)
    out = sd(tocha.ones(6, 2))
    tocha.manual_seed(3)
    keep = tocha.empty(6, 1).bernoulli_(0.5)
    assert out.tolist() == (keep / 0.5).expand(6, 2).tolist()
    t = models.EfficientNet_B3_Weights.DEFAULT.transforms()      # as torchvision 0.29.1
    assert (t.crop_size, t.resize_size, t.interpolation.value) == ([300], [320], "bicubic")
    t = models.EfficientNet_B1_Weights.DEFAULT.transforms()
    assert (t.crop_size, t.resize_size, t.interpolation.value) == ([240], [255], "bilinear")


def test_squeezenet_forward():
    tocha.manual_seed(0)
    m = models.squeezenet1_1(num_classes=4).eval()
    with tocha.no_grad():
        y = m(tocha.rand(1, 3, 64, 64))
    assert tuple(y.shape) == (1, 4) and float(y.min()) >= 0       # ReLU before the pool
    assert isinstance(m.features[3], models.squeezenet.Fire)


def test_vgg_alexnet_structure(no_init):
    v = models.vgg11()
    convs = [l for l in v.features if isinstance(l, nn.Conv2d)]
    assert [c.out_channels for c in convs] == [64, 128, 256, 256, 512, 512, 512, 512]
    assert sum(isinstance(l, nn.MaxPool2d) for l in v.features) == 5
    assert tuple(v.classifier[0].weight.shape) == (4096, 512 * 7 * 7)
    assert isinstance(models.vgg11_bn().features[1], nn.BatchNorm2d)
    a = models.alexnet()
    assert tuple(a.features[0].weight.shape) == (64, 3, 11, 11)
    assert tuple(a.classifier[1].weight.shape) == (4096, 9216)


def test_pretrained_weights_explain_local_loading(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))  # an empty PyTorch cache
    for kw in ({"weights": "DEFAULT"}, {"weights": models.ResNet18_Weights.IMAGENET1K_V1},
               {"weights": "IMAGENET1K_V1"}, {"pretrained": True}):
        with pytest.raises(RuntimeError) as e:
            models.resnet18(**kw)
        msg = str(e.value)
        assert "cannot download" in msg and models.ResNet18_Weights.DEFAULT.url in msg
        assert str(tmp_path / "hub" / "checkpoints" / "resnet18-f37072fd.pth") in msg
    with pytest.raises(RuntimeError, match="cannot download"):
        models.mobilenet_v2(weights=models.MobileNet_V2_Weights.DEFAULT)
    with pytest.raises(ValueError, match="Failed to find Weights"):
        models.resnet18(weights="NOPE")
    with pytest.raises(TypeError, match="Invalid Weight class"):
        models.resnet18(weights=models.ResNet34_Weights.DEFAULT)
    assert models.ResNet18_Weights.DEFAULT is models.ResNet18_Weights.IMAGENET1K_V1
    assert models.ResNet18_Weights.DEFAULT.meta["num_params"] == COUNTS["resnet18"]
    assert models.get_model_weights("resnet50") is models.ResNet50_Weights
    assert models.get_weight("ResNet50_Weights.IMAGENET1K_V2").url.endswith("11ad3fa6.pth")
    assert "resnet18" in models.list_models()


def test_state_dict_roundtrip(tmp_path):
    tocha.manual_seed(1)
    a = models.mobilenet_v2()
    b = models.mobilenet_v2()
    tocha.save(a.state_dict(), tmp_path / "m.pth")
    b.load_state_dict(tocha.load(tmp_path / "m.pth"))
    for (k, v), (k2, v2) in zip(a.state_dict().items(), b.state_dict().items()):
        assert k == k2 and np.array_equal(v.numpy(), v2.numpy())


def test_resnet18_graph_like_seed_002():
    tocha.manual_seed(0)
    m = models.resnet18()
    y = m(tocha.randn(1, 3, 64, 64))
    params = dict(m.named_parameters())
    g = build_graph(y, params)
    leaf = [lab for lab, attrs in g.nodes.values() if attrs.get("fillcolor") == "lightblue"]
    assert len(leaf) == 62
    assert "conv1.weight\n (64, 3, 7, 7)" in leaf and "fc.bias\n (1000)" in leaf
    acc = [lab for lab, attrs in g.nodes.values() if lab == "AccumulateGrad"]
    assert len(acc) == 62


# Recorded with torchvision 0.29.1 (torch 2.14.1) after torch.manual_seed(0): the first three
# values of the first weight, the last three of the last weight, then torch.rand(2).
TORCHVISION_SEED0 = {
    "squeezenet1_1": ("features.0.weight",
                      [0.35232090950012207, 0.17721715569496155, -0.2767699956893921],
                      "classifier.1.weight",
                      [0.0007824875065125525, 0.0006717166979797184, -0.0186225064098835],
                      [0.6170943975448608, 0.6935824751853943]),
    "mobilenet_v3_small": ("features.0.0.weight",
                           [-0.14256037771701813, 0.08626321703195572, -0.037645015865564346],
                           "classifier.3.weight",
                           [0.0026155507657676935, 0.0055608320981264114, -0.018803967162966728],
                           [0.3305034637451172, 0.8081347346305847]),
    "densenet121": ("features.conv0.weight",
                    [-0.12478066980838776, 0.0050875660963356495, -0.13614509999752045],
                    "classifier.weight",
                    [0.020574700087308884, 0.005291130393743515, 0.021178897470235825],
                    [0.8329770565032959, 0.7888830304145813]),
    "efficientnet_b0": ("features.0.0.weight",
                        [0.053862668573856354, 0.04290623590350151, 0.014587540179491043],
                        "classifier.1.weight",
                        [0.030817314982414246, -0.03036874160170555, -0.022152625024318695],
                        [0.7857139110565186, 0.35002636909484863]),
    "resnext50_32x4d": ("conv1.weight",
                        [-0.007886809296905994, -0.0018268764251843095, 0.04138471931219101],
                        "fc.weight",
                        [0.003490883857011795, 0.008912419900298119, -0.0016778897261247039],
                        [0.6964042782783508, 0.19019746780395508]),
}


@pytest.mark.parametrize("name", sorted(TORCHVISION_SEED0))
def test_seeded_init_matches_torchvision(name):
    first, head, last, tail, after = TORCHVISION_SEED0[name]
    tocha.manual_seed(0)
    sd = getattr(models, name)().state_dict()
    assert sd[first].flatten()[:3].tolist() == head
    assert sd[last].flatten()[-3:].tolist() == tail
    assert tocha.rand(2).tolist() == after           # the same number of draws, too


def test_weights_transforms_preset():
    t = models.ResNet50_Weights.DEFAULT.transforms()
    # repr and sizes as torchvision 0.29.1 prints them (V2 recipe: resize 232, V1: 256)
    assert repr(t) == ("ImageClassification(\n    crop_size=[224]\n    resize_size=[232]\n"
                       "    mean=[0.485, 0.456, 0.406]\n    std=[0.229, 0.224, 0.225]\n"
                       "    interpolation=InterpolationMode.BILINEAR\n)")
    assert models.ResNet18_Weights.DEFAULT.transforms().resize_size == [256]
    assert models.MobileNet_V2_Weights.IMAGENET1K_V1.transforms().resize_size == [256]
    img = np.random.RandomState(0).randint(0, 256, (300, 280, 3)).astype(np.uint8)
    from PIL import Image

    from tocha.vision.transforms import functional as F
    out = t(Image.fromarray(img))
    want = F.normalize(F.to_tensor(F.center_crop(F.resize(Image.fromarray(img), 232), 224)),
                       [0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    assert tuple(out.shape) == (3, 224, 224)
    np.testing.assert_allclose(out.numpy(), want.numpy(), atol=1e-6)
