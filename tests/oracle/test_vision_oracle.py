"""tocha.vision against PyTorch: the model architectures are written here with torch.nn,
following torchvision's published code (torchvision itself does not install beside torch 2.13
here), then compared parameter by parameter (bit for bit after the same seed), on outputs,
and on the autograd graph make_dot draws. Also resize vs interpolate, and random transforms'
draws vs the same calls on torch's generator."""
import collections
import math

import numpy as np
import pytest
import torch
import torch.nn as tnn
import torch.nn.functional as TF

import tocha
from tocha.vision import datasets, models
from tocha.vision import transforms as T
from tocha.vision.transforms import functional as F
from tocha.viz import build_graph


# ---------------------------------------------------------------- torch reference models
def conv3x3(i, o, stride=1):
    return tnn.Conv2d(i, o, 3, stride=stride, padding=1, bias=False)


def conv1x1(i, o, stride=1):
    return tnn.Conv2d(i, o, 1, stride=stride, bias=False)


class TBasic(tnn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = tnn.BatchNorm2d(planes)
        self.relu = tnn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = tnn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        identity = self.downsample(x) if self.downsample is not None else x
        out += identity
        return self.relu(out)


class TBottleneck(tnn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv1x1(inplanes, planes)
        self.bn1 = tnn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = tnn.BatchNorm2d(planes)
        self.conv3 = conv1x1(planes, planes * 4)
        self.bn3 = tnn.BatchNorm2d(planes * 4)
        self.relu = tnn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = self.downsample(x) if self.downsample is not None else x
        out += identity
        return self.relu(out)


class TResNet(tnn.Module):
    def __init__(self, block, layers, num_classes=1000):
        super().__init__()
        self.inplanes = 64
        self.conv1 = tnn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = tnn.BatchNorm2d(64)
        self.relu = tnn.ReLU(inplace=True)
        self.maxpool = tnn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], 2)
        self.layer3 = self._make_layer(block, 256, layers[2], 2)
        self.layer4 = self._make_layer(block, 512, layers[3], 2)
        self.avgpool = tnn.AdaptiveAvgPool2d((1, 1))
        self.fc = tnn.Linear(512 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, tnn.Conv2d):
                tnn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, tnn.BatchNorm2d):
                tnn.init.constant_(m.weight, 1)
                tnn.init.constant_(m.bias, 0)

    def _make_layer(self, block, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = tnn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                        tnn.BatchNorm2d(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        layers += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return tnn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def make_divisible(v, d=8):
    new = max(d, int(v + d / 2) // d * d)
    return new + d if new < 0.9 * v else new


class TCNA(tnn.Sequential):
    def __init__(self, i, o, k=3, stride=1, groups=1):
        super().__init__(tnn.Conv2d(i, o, k, stride, (k - 1) // 2, groups=groups, bias=False),
                         tnn.BatchNorm2d(o), tnn.ReLU6(inplace=True))


class TInvRes(tnn.Module):
    def __init__(self, inp, oup, stride, t):
        super().__init__()
        hidden = round(inp * t)
        self.use_res = stride == 1 and inp == oup
        layers = [TCNA(inp, hidden, 1)] if t != 1 else []
        layers += [TCNA(hidden, hidden, stride=stride, groups=hidden),
                   tnn.Conv2d(hidden, oup, 1, 1, 0, bias=False), tnn.BatchNorm2d(oup)]
        self.conv = tnn.Sequential(*layers)

    def forward(self, x):
        return x + self.conv(x) if self.use_res else self.conv(x)


class TMobileNetV2(tnn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        cin, last = 32, 1280
        feats = [TCNA(3, cin, stride=2)]
        for t, c, n, s in [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2],
                           [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]]:
            for i in range(n):
                feats.append(TInvRes(cin, make_divisible(c), s if i == 0 else 1, t))
                cin = make_divisible(c)
        feats.append(TCNA(cin, last, 1))
        self.features = tnn.Sequential(*feats)
        self.classifier = tnn.Sequential(tnn.Dropout(0.2), tnn.Linear(last, num_classes))
        for m in self.modules():
            if isinstance(m, tnn.Conv2d):
                tnn.init.kaiming_normal_(m.weight, mode="fan_out")
            elif isinstance(m, tnn.BatchNorm2d):
                tnn.init.ones_(m.weight)
                tnn.init.zeros_(m.bias)
            elif isinstance(m, tnn.Linear):
                tnn.init.normal_(m.weight, 0, 0.01)
                tnn.init.zeros_(m.bias)

    def forward(self, x):
        x = TF.adaptive_avg_pool2d(self.features(x), (1, 1))
        return self.classifier(torch.flatten(x, 1))


def t_vgg11():
    layers, cin = [], 3
    for v in [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"]:
        if v == "M":
            layers.append(tnn.MaxPool2d(2, 2))
        else:
            layers += [tnn.Conv2d(cin, v, 3, padding=1), tnn.ReLU(True)]
            cin = v
    m = tnn.Module()
    m.features = tnn.Sequential(*layers)
    m.avgpool = tnn.AdaptiveAvgPool2d((7, 7))
    m.classifier = tnn.Sequential(tnn.Linear(25088, 4096), tnn.ReLU(True), tnn.Dropout(0.5),
                                  tnn.Linear(4096, 4096), tnn.ReLU(True), tnn.Dropout(0.5),
                                  tnn.Linear(4096, 1000))
    for mod in m.modules():
        if isinstance(mod, tnn.Conv2d):
            tnn.init.kaiming_normal_(mod.weight, mode="fan_out", nonlinearity="relu")
            tnn.init.constant_(mod.bias, 0)
        elif isinstance(mod, tnn.Linear):
            tnn.init.normal_(mod.weight, 0, 0.01)
            tnn.init.constant_(mod.bias, 0)
    return m


def t_alexnet():
    m = tnn.Module()
    m.features = tnn.Sequential(
        tnn.Conv2d(3, 64, 11, 4, 2), tnn.ReLU(True), tnn.MaxPool2d(3, 2),
        tnn.Conv2d(64, 192, 5, padding=2), tnn.ReLU(True), tnn.MaxPool2d(3, 2),
        tnn.Conv2d(192, 384, 3, padding=1), tnn.ReLU(True),
        tnn.Conv2d(384, 256, 3, padding=1), tnn.ReLU(True),
        tnn.Conv2d(256, 256, 3, padding=1), tnn.ReLU(True), tnn.MaxPool2d(3, 2))
    m.avgpool = tnn.AdaptiveAvgPool2d((6, 6))
    m.classifier = tnn.Sequential(tnn.Dropout(0.5), tnn.Linear(9216, 4096), tnn.ReLU(True),
                                  tnn.Dropout(0.5), tnn.Linear(4096, 4096), tnn.ReLU(True),
                                  tnn.Linear(4096, 1000))
    return m


def assert_same_params(tm, ym):
    ts, ys = tm.state_dict(), ym.state_dict()
    assert list(ts) == list(ys)
    for k in ts:
        a, b = ts[k].numpy(), ys[k].numpy()
        assert a.shape == b.shape and a.dtype == b.dtype, k
        assert np.array_equal(a, b), f"{k} differs"


@pytest.mark.parametrize("seed", [0, 7])
def test_resnet18_bit_for_bit(seed):
    torch.manual_seed(seed)
    tm = TResNet(TBasic, [2, 2, 2, 2])
    t_next = torch.rand(3).numpy()
    tocha.manual_seed(seed)
    ym = models.resnet18()
    y_next = tocha.rand(3).numpy()
    assert_same_params(tm, ym)
    assert np.array_equal(t_next, y_next)          # the generator state afterwards, too
    assert sum(p.numel() for p in tm.parameters()) == 11689512


def test_resnet50_bit_for_bit():
    torch.manual_seed(0)
    tm = TResNet(TBottleneck, [3, 4, 6, 3])
    tocha.manual_seed(0)
    ym = models.resnet50()
    assert_same_params(tm, ym)
    assert len(list(ym.parameters())) == 161


def test_mobilenet_v2_bit_for_bit():
    torch.manual_seed(3)
    tm = TMobileNetV2()
    tocha.manual_seed(3)
    ym = models.mobilenet_v2()
    assert_same_params(tm, ym)


@pytest.mark.parametrize("name,ref", [("alexnet", t_alexnet), ("vgg11", t_vgg11)])
def test_big_models_bit_for_bit(name, ref):
    torch.manual_seed(0)
    tm = ref()
    tocha.manual_seed(0)
    ym = getattr(models, name)()
    assert_same_params(tm, ym)


def load_into(ym, tm):
    ym.load_state_dict({k: tocha.from_numpy(v.numpy().copy())
                        for k, v in tm.state_dict().items()})


@pytest.mark.parametrize("train", [False, True])
def test_resnet18_forward_backward(train):
    torch.manual_seed(1)
    tm = TResNet(TBasic, [2, 2, 2, 2], num_classes=10)
    ym = models.resnet18(num_classes=10)
    load_into(ym, tm)
    tm.train(train)
    ym.train(train)
    x = np.random.RandomState(0).randn(2, 3, 64, 64).astype(np.float32)
    to = tm(torch.from_numpy(x))
    yo = ym(tocha.from_numpy(x))
    np.testing.assert_allclose(yo.detach().numpy(), to.detach().numpy(), rtol=1e-4, atol=1e-4)
    to.pow(2).sum().backward()
    yo.pow(2).sum().backward()
    for (k, tp), (_, yp) in zip(tm.named_parameters(), ym.named_parameters()):
        np.testing.assert_allclose(yp.grad.numpy(), tp.grad.numpy(), rtol=2e-3, atol=2e-4,
                                   err_msg=k)
    if train:                                      # running stats updated the same way
        np.testing.assert_allclose(ym.bn1.running_mean.numpy(), tm.bn1.running_mean.numpy(),
                                   rtol=1e-4, atol=1e-6)


def test_mobilenet_v2_forward():
    torch.manual_seed(2)
    tm = TMobileNetV2(num_classes=5).eval()
    ym = models.mobilenet_v2(num_classes=5).eval()
    load_into(ym, tm)
    x = np.random.RandomState(1).randn(1, 3, 64, 64).astype(np.float32)
    with torch.no_grad(), tocha.no_grad():
        np.testing.assert_allclose(ym(tocha.from_numpy(x)).numpy(),
                                   tm(torch.from_numpy(x)).numpy(), rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------- make_dot vs torchviz's walk
def torch_graph(var, params):
    """Nodes/edges torchviz draws for a torch graph (its add_nodes, without saved tensors)."""
    names, edges, seen = [], 0, set()
    names.append("tensor")
    stack = [var.grad_fn]
    edges += 1
    while stack:
        fn = stack.pop()
        if fn in seen:
            continue
        seen.add(fn)
        if hasattr(fn, "variable"):
            names.append("param:" + params[id(fn.variable)])
            edges += 1
        names.append(type(fn).__name__)
        for u, _ in fn.next_functions:
            if u is not None:
                edges += 1
                stack.append(u)
    return collections.Counter(names), edges


def tocha_graph(var, params):
    g = build_graph(var, params)
    names = collections.Counter()
    for lab, attrs in g.nodes.values():
        if attrs.get("fillcolor") == "lightblue":
            names["param:" + lab.split("\n")[0]] += 1
        elif attrs.get("fillcolor"):
            names["tensor"] += 1
        else:
            names[lab] += 1
    return names, len(g.edges)


def test_make_dot_graph_matches_torchviz_on_seed_graph():
    tw = torch.ones(1, requires_grad=True)
    tx = torch.arange(0.0, 4.0)
    yw = tocha.ones(1, requires_grad=True)
    yx = tocha.arange(0.0, 4.0)
    tJ = ((tw * tx) - 2 * tx).pow(2).sum()
    yJ = ((yw * yx) - 2 * yx).pow(2).sum()
    assert tocha_graph(yJ, {"w": yw}) == torch_graph(tJ, {id(tw): "w"})


def test_make_dot_graph_matches_torchviz_on_resnet18():
    torch.manual_seed(0)
    tm = TResNet(TBasic, [2, 2, 2, 2])
    ym = models.resnet18()
    x = np.random.RandomState(0).randn(1, 3, 64, 64).astype(np.float32)
    tn, te = torch_graph(tm(torch.from_numpy(x)), {id(p): k for k, p in tm.named_parameters()})
    yn, ye = tocha_graph(ym(tocha.from_numpy(x)), dict(ym.named_parameters()))
    assert te == ye
    assert sum(tn.values()) == sum(yn.values())
    assert {k: v for k, v in tn.items() if k.startswith("param:")} == {
        k: v for k, v in yn.items() if k.startswith("param:")}
    assert tn == yn          # the same backward node names, as many of each


# ---------------------------------------------------------------- transforms vs torch
@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "nearest"])
@pytest.mark.parametrize("antialias", [True, False])
@pytest.mark.parametrize("size", [(5, 7), (23, 9), (16, 31)])
def test_resize_matches_interpolate(mode, antialias, size):
    x = np.random.RandomState(2).rand(2, 3, 16, 13).astype(np.float32)
    kw = {} if mode == "nearest" else {"antialias": antialias, "align_corners": False}
    want = TF.interpolate(torch.from_numpy(x), size=size, mode=mode, **kw).numpy()
    got = F.resize(tocha.from_numpy(x), list(size), T.InterpolationMode(mode),
                   antialias=antialias).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_resize_uint8_within_one():
    x = np.random.RandomState(3).randint(0, 256, (3, 20, 17)).astype(np.uint8)
    want = TF.interpolate(torch.from_numpy(x)[None], size=(9, 8), mode="bilinear",
                          antialias=True).numpy()[0]
    got = F.resize(tocha.from_numpy(x), [9, 8]).numpy()
    assert got.dtype == np.uint8 and np.abs(got.astype(int) - want.astype(int)).max() <= 1


def test_random_crop_and_flip_draws_match_torch():
    for seed in range(10):
        torch.manual_seed(seed)
        i = torch.randint(0, 30 - 12 + 1, size=(1,)).item()      # torchvision's get_params
        j = torch.randint(0, 25 - 7 + 1, size=(1,)).item()
        flip = bool(torch.rand(1) < 0.5)
        tocha.manual_seed(seed)
        img = tocha.zeros(3, 30, 25)
        assert T.RandomCrop.get_params(img, (12, 7)) == (i, j, 12, 7)
        x = tocha.arange(4.0).view(1, 1, 4)
        assert bool(T.RandomHorizontalFlip()(x)[0, 0, 0] == 3.0) == flip


def test_random_resized_crop_draws_match_torch():
    scale, ratio = (0.08, 1.0), (3.0 / 4.0, 4.0 / 3.0)
    for seed in range(20):
        torch.manual_seed(seed)
        # torchvision's RandomResizedCrop.get_params, on torch's generator
        height, width = 40, 60
        area = height * width
        log_ratio = torch.log(torch.tensor(ratio))
        want = None
        for _ in range(10):
            target_area = area * torch.empty(1).uniform_(scale[0], scale[1]).item()
            aspect = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
            w = round(math.sqrt(target_area * aspect))
            h = round(math.sqrt(target_area / aspect))
            if 0 < w <= width and 0 < h <= height:
                i = torch.randint(0, height - h + 1, size=(1,)).item()
                j = torch.randint(0, width - w + 1, size=(1,)).item()
                want = (i, j, h, w)
                break
        tocha.manual_seed(seed)
        assert T.RandomResizedCrop.get_params(tocha.zeros(3, 40, 60), scale, ratio) == want


def test_color_jitter_params_match_torch():
    for seed in range(10):
        torch.manual_seed(seed)
        fn_idx = torch.randperm(4).tolist()
        b = float(torch.empty(1).uniform_(0.6, 1.4))
        c = float(torch.empty(1).uniform_(0.8, 1.2))
        s = float(torch.empty(1).uniform_(0.0, 2.0))
        h = float(torch.empty(1).uniform_(-0.1, 0.1))
        tocha.manual_seed(seed)
        cj = T.ColorJitter(0.4, 0.2, 1.0, 0.1)
        idx, yb, yc, ys, yh = cj.get_params(cj.brightness, cj.contrast, cj.saturation, cj.hue)
        assert (idx.tolist(), yb, yc, ys, yh) == (fn_idx, b, c, s, h)


def test_fake_data_matches_torch():
    ds = datasets.FakeData(size=3, image_size=(3, 6, 5), num_classes=10)
    for index in range(3):
        torch.manual_seed(index)
        img = torch.randn(3, 6, 5)
        target = torch.randint(0, 10, size=(1,), dtype=torch.long)[0].item()
        pixels = img.mul(255).byte().permute(1, 2, 0).numpy()
        got, y = ds[index]
        assert y == target
        # in-range values agree; out-of-range float->uint8 casts are unspecified in C++
        ok = (img.mul(255) >= 0).all(0).numpy() & (img.mul(255) < 256).all(0).numpy()
        assert np.array_equal(np.asarray(got)[ok], pixels[ok])


# ---------------------------------------------------------------- affine warps and blur
def torch_warp(img, matrix, mode, ow=None, oh=None, fill=None):
    """torchvision's tensor path: pixel-centre grid, rescaled theta, grid_sample."""
    n, _c, h, w = img.shape
    ow, oh = ow or w, oh or h
    theta = torch.tensor(matrix, dtype=img.dtype).reshape(1, 2, 3)
    base = torch.empty(1, oh, ow, 3, dtype=img.dtype)
    base[..., 0].copy_(torch.linspace(-ow * 0.5 + 0.5, ow * 0.5 + 0.5 - 1, steps=ow))
    base[..., 1].copy_(torch.linspace(-oh * 0.5 + 0.5, oh * 0.5 + 0.5 - 1, steps=oh)
                       .unsqueeze(-1))
    base[..., 2].fill_(1)
    grid = base.view(1, oh * ow, 3).bmm(theta.transpose(1, 2) / torch.tensor([0.5 * w, 0.5 * h]))
    grid = grid.view(1, oh, ow, 2)
    if fill is not None:
        img = torch.cat([img, torch.ones(n, 1, h, w, dtype=img.dtype)], 1)
    out = TF.grid_sample(img, grid, mode=mode, padding_mode="zeros", align_corners=False)
    if fill is not None:
        mask = out[:, -1:]
        out = out[:, :-1]
        fv = torch.tensor(fill, dtype=out.dtype).view(1, -1, 1, 1)
        out = torch.where(mask < 0.5, fv, out) if mode == "nearest" else out * mask + (
            1.0 - mask) * fv
    return out


@pytest.mark.parametrize("mode", ["nearest", "bilinear"])
@pytest.mark.parametrize("angle,expand,center,fill", [
    (30.0, False, None, None), (-75.5, True, None, None), (90.0, False, (2, 3), None),
    (12.0, False, None, [0.5, 1.0, 0.25])])
def test_rotate_matches_grid_sample(mode, angle, expand, center, fill):
    from tocha.vision.transforms import _geometry as G
    x = np.random.RandomState(4).rand(1, 3, 11, 14).astype(np.float32)
    center_f = [0.0, 0.0] if center is None else [c - s * 0.5 for c, s in zip(center, [14, 11])]
    m = G.inverse_affine_matrix(center_f, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    ow, oh = G._expanded_size(m, 14, 11) if expand else (14, 11)
    want = torch_warp(torch.from_numpy(x), m, mode, ow, oh, fill).numpy()[0]
    got = F.rotate(tocha.from_numpy(x[0]), angle, T.InterpolationMode(mode), expand, center,
                   fill).numpy()
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, atol=1e-4)


def test_affine_matches_grid_sample():
    from tocha.vision.transforms import _geometry as G
    x = np.random.RandomState(5).rand(1, 2, 12, 10).astype(np.float32)
    # affine's angle is clockwise: the matrix takes it as is (rotate negates its angle)
    m = G.inverse_affine_matrix([0.0, 0.0], 17.0, [2.0, -1.0], 1.2, [8.0, -3.0])
    want = torch_warp(torch.from_numpy(x), m, "bilinear").numpy()[0]
    got = F.affine(tocha.from_numpy(x[0]), 17.0, [2, -1], 1.2, [8.0, -3.0],
                   T.InterpolationMode.BILINEAR).numpy()
    np.testing.assert_allclose(got, want, atol=1e-4)


@pytest.mark.parametrize("ks,sigma", [((3, 3), (1.0, 1.0)), ((5, 3), (0.7, 2.0))])
def test_gaussian_blur_matches_conv(ks, sigma):
    x = np.random.RandomState(6).rand(3, 9, 11).astype(np.float32)

    def k1d(k, s):
        half = (k - 1) * 0.5
        pdf = torch.exp(-0.5 * (torch.linspace(-half, half, steps=k) / s).pow(2))
        return pdf / pdf.sum()
    kern = torch.mm(k1d(ks[1], sigma[1])[:, None], k1d(ks[0], sigma[0])[None, :])
    kern = kern.expand(3, 1, ks[1], ks[0])
    t = TF.pad(torch.from_numpy(x)[None], [ks[0] // 2, ks[0] // 2, ks[1] // 2, ks[1] // 2],
               mode="reflect")
    want = TF.conv2d(t, kern, groups=3)[0].numpy()
    got = F.gaussian_blur(tocha.from_numpy(x), list(ks), list(sigma)).numpy()
    np.testing.assert_allclose(got, want, atol=1e-5)


def test_random_affine_and_erasing_draws_match_torch():
    for seed in range(5):
        torch.manual_seed(seed)
        angle = float(torch.empty(1).uniform_(-20.0, 20.0).item())
        tx = round(torch.empty(1).uniform_(-3.0, 3.0).item())
        ty = round(torch.empty(1).uniform_(-2.0, 2.0).item())
        sc = float(torch.empty(1).uniform_(0.9, 1.1).item())
        sh = float(torch.empty(1).uniform_(-10.0, 10.0).item())
        tocha.manual_seed(seed)
        got = T.RandomAffine.get_params([-20.0, 20.0], (0.1, 0.1), (0.9, 1.1), [-10.0, 10.0],
                                        [30, 20])
        assert got == (angle, (tx, ty), sc, (sh, 0.0))
    img = tocha.zeros(3, 20, 30)
    for seed in range(10):
        torch.manual_seed(seed)
        # torchvision's RandomErasing.get_params with value=[0.0]
        want = (0, 0, 20, 30)
        log_ratio = torch.log(torch.tensor((0.3, 3.3)))
        for _ in range(10):
            erase_area = 600 * torch.empty(1).uniform_(0.02, 0.33).item()
            aspect = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
            h = round(math.sqrt(erase_area * aspect))
            w = round(math.sqrt(erase_area / aspect))
            if not (h < 20 and w < 30):
                continue
            i = torch.randint(0, 20 - h + 1, size=(1,)).item()
            j = torch.randint(0, 30 - w + 1, size=(1,)).item()
            want = (i, j, h, w)
            break
        tocha.manual_seed(seed)
        assert T.RandomErasing.get_params(img, (0.02, 0.33), (0.3, 3.3), [0.0])[:4] == want


def test_normalize_channel_mismatch_errors_like_torch():
    # torchvision normalizes with tensor.sub_(mean[:, None, None]): PyTorch's in-place
    # broadcast check is the reference for which (image, mean) pairs are accepted
    for shape, n in (((1, 5, 5), 3), ((3, 5, 5), 1), ((2, 3, 5, 5), 3), ((2, 1, 5, 5), 3)):
        x = np.random.default_rng(0).random(shape).astype(np.float32)
        mean = [0.5] * n
        try:
            want = torch.from_numpy(x).clone().sub_(torch.tensor(mean)[:, None, None])
        except RuntimeError as e:
            with pytest.raises(RuntimeError, match="doesn't match the broadcast shape"):
                F.normalize(tocha.tensor(x), mean, [1.0] * n)
            assert "doesn't match the broadcast shape" in str(e)
            continue
        got = F.normalize(tocha.tensor(x), mean, [1.0] * n)
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
