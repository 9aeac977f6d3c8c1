"""tocha.vision.transforms against their definitions, hand-computed with NumPy on random images."""
import numpy as np
import pytest
from PIL import Image

import tocha
from tocha.vision import transforms as T
from tocha.vision.transforms import functional as F

RS = np.random.RandomState(0)


def rgb(h=6, w=9):
    return RS.randint(0, 256, (h, w, 3), dtype=np.uint8)


def arr(t):
    return t.detach().numpy()


# ---------------------------------------------------------------- conversions
def test_to_tensor_uint8_rgb_and_ndarray():
    a = rgb()
    for src in (Image.fromarray(a), a):
        t = T.ToTensor()(src)
        assert t.dtype == tocha.float32 and tuple(t.shape) == (3, 6, 9)
        np.testing.assert_allclose(arr(t), a.transpose(2, 0, 1).astype(np.float32) / 255,
                                   rtol=0, atol=1e-7)
        assert 0.0 <= float(t.min()) and float(t.max()) <= 1.0


def test_to_tensor_modes():
    g = RS.randint(0, 256, (4, 5), dtype=np.uint8)
    t = T.ToTensor()(Image.fromarray(g))                        # 'L'
    assert tuple(t.shape) == (1, 4, 5)
    np.testing.assert_allclose(arr(t)[0], g / 255, atol=1e-7)
    f = RS.rand(4, 5).astype(np.float32)
    t = T.ToTensor()(Image.fromarray(f))                        # 'F' is not rescaled
    assert t.dtype == tocha.float32 and np.array_equal(arr(t)[0], f)
    i = RS.randint(-1000, 1000, (4, 5)).astype(np.int32)
    t = T.ToTensor()(Image.fromarray(i))                        # 'I'
    assert t.dtype == tocha.int32 and np.array_equal(arr(t)[0], i)
    b = Image.fromarray(g > 128)                                 # '1': 0 or 1.0
    assert np.array_equal(arr(T.ToTensor()(b))[0], (g > 128).astype(np.float32))
    d = RS.rand(3, 4, 2)                                         # float64 ndarray kept
    t = T.ToTensor()(d)
    assert t.dtype == tocha.float64 and np.array_equal(arr(t), d.transpose(2, 0, 1))
    with pytest.raises(TypeError, match="PIL Image or ndarray"):
        T.ToTensor()([1, 2])


def test_pil_to_tensor_and_convert_image_dtype():
    a = rgb()
    p = T.PILToTensor()(Image.fromarray(a))
    assert p.dtype == tocha.uint8 and np.array_equal(arr(p), a.transpose(2, 0, 1))
    f = T.ConvertImageDtype(tocha.float32)(p)
    np.testing.assert_allclose(arr(f), a.transpose(2, 0, 1) / 255, atol=1e-7)
    back = T.ConvertImageDtype(tocha.uint8)(f)
    # float -> uint8: x * (255 + 1 - 1e-3), truncated
    want = (a.transpose(2, 0, 1).astype(np.float32) / 255 * np.float32(255.999)).astype(np.uint8)
    assert np.array_equal(arr(back), want)
    assert np.array_equal(arr(back), a.transpose(2, 0, 1))
    i16 = F.convert_image_dtype(p, tocha.int16)                 # 255 -> 255 * 128
    assert np.array_equal(arr(i16), a.transpose(2, 0, 1).astype(np.int16) * 128)
    assert np.array_equal(arr(F.convert_image_dtype(i16, tocha.uint8)), arr(p))
    with pytest.raises(RuntimeError, match="cannot be performed safely"):
        F.convert_image_dtype(f, tocha.int32)


def test_to_pil_image():
    a = rgb()
    t = T.ToTensor()(Image.fromarray(a))
    im = T.ToPILImage()(t)
    assert im.mode == "RGB" and np.array_equal(np.asarray(im), a)
    x = tocha.tensor(RS.rand(1, 3, 4).astype(np.float32))
    im = F.to_pil_image(x)                                      # float -> mul(255) truncated
    assert im.mode == "L"
    assert np.array_equal(np.asarray(im), (arr(x)[0] * np.float32(255)).astype(np.uint8))
    assert F.to_pil_image(x, mode="F").mode == "F"
    rgba = tocha.tensor(RS.randint(0, 256, (4, 2, 3), dtype=np.uint8))
    assert F.to_pil_image(rgba).mode == "RGBA"
    with pytest.raises(ValueError, match="> 4 channels"):
        F.to_pil_image(tocha.zeros(5, 2, 2))


def test_normalize():
    x = tocha.tensor(RS.rand(3, 4, 5).astype(np.float32))
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    y = T.Normalize(mean, std)(x)
    want = (arr(x) - np.array(mean, np.float32)[:, None, None]) / np.array(
        std, np.float32)[:, None, None]
    np.testing.assert_allclose(arr(y), want, rtol=1e-6, atol=1e-6)
    z = x.clone()
    T.Normalize(mean, std, inplace=True)(z)
    np.testing.assert_allclose(arr(z), want, rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError, match="std evaluated to zero"):
        F.normalize(x, [0.0] * 3, [1.0, 0.0, 1.0])
    with pytest.raises(TypeError, match="float tensor"):
        F.normalize(tocha.zeros(3, 2, 2, dtype=tocha.uint8), [0.0], [1.0])


def test_normalize_mean_per_channel_must_fit_the_image():
    # a 1-channel (MNIST) image with 3 means: torchvision's in-place subtraction fails; the
    # image must not silently become 3 channels
    x = tocha.tensor(RS.rand(1, 4, 4).astype(np.float32))
    for inplace in (False, True):
        with pytest.raises(RuntimeError, match=r"shape \[1, 4, 4\] doesn't match the broadcast "
                           r"shape \[3, 4, 4\].*one value per channel"):
            F.normalize(x.clone(), (0.5, 0.5, 0.5), (0.5, 0.5, 0.5), inplace=inplace)
    # one value for 3 channels broadcasts, as in torchvision
    y = tocha.tensor(RS.rand(2, 3, 4, 4).astype(np.float32))
    np.testing.assert_allclose(arr(F.normalize(y, (0.5,), (0.25,))), (arr(y) - 0.5) / 0.25,
                               rtol=1e-6)


def test_compose_lambda_repr():
    c = T.Compose([T.ToTensor(), T.Lambda(lambda t: t * 2), T.Normalize([0.5], [0.5])])
    a = rgb()
    out = c(Image.fromarray(a))
    np.testing.assert_allclose(arr(out), (a.transpose(2, 0, 1) / 255 * 2 - 0.5) / 0.5,
                               atol=1e-5)
    assert repr(c) == ("Compose(\n    ToTensor()\n    Lambda()\n"
                       "    Normalize(mean=[0.5], std=[0.5])\n)")
    with pytest.raises(TypeError, match="callable"):
        T.Lambda(3)


# ---------------------------------------------------------------- geometry
def test_flips():
    a = rgb()
    t = tocha.tensor(a.transpose(2, 0, 1).copy())
    assert np.array_equal(arr(F.hflip(t)), a.transpose(2, 0, 1)[:, :, ::-1])
    assert np.array_equal(arr(F.vflip(t)), a.transpose(2, 0, 1)[:, ::-1, :])
    assert np.array_equal(np.asarray(F.hflip(Image.fromarray(a))), a[:, ::-1])
    assert np.array_equal(np.asarray(F.vflip(Image.fromarray(a))), a[::-1])
    assert np.array_equal(arr(T.RandomHorizontalFlip(p=1.0)(t)), arr(F.hflip(t)))
    assert T.RandomHorizontalFlip(p=0.0)(t) is t
    assert np.array_equal(arr(T.RandomVerticalFlip(p=1.0)(t)), arr(F.vflip(t)))


def test_random_flip_draws_one_uniform():
    t = tocha.arange(12.0).view(1, 3, 4)
    for seed in range(6):
        tocha.manual_seed(seed)
        flip = float(tocha.rand(1)) < 0.5
        tocha.manual_seed(seed)
        out = T.RandomHorizontalFlip()(t)
        assert np.array_equal(arr(out), arr(t)[:, :, ::-1] if flip else arr(t))
        assert float(tocha.rand(1)) == float(_after(seed, 1))


def _after(seed, n):
    tocha.manual_seed(seed)
    tocha.rand(n)
    return tocha.rand(1)


def test_center_crop():
    a = rgb(7, 10)
    t = tocha.tensor(a.transpose(2, 0, 1).copy())
    # top = round((7 - 3) / 2) = 2, left = round((10 - 4) / 2) = 3
    assert np.array_equal(arr(T.CenterCrop((3, 4))(t)), a.transpose(2, 0, 1)[:, 2:5, 3:7])
    assert np.array_equal(np.asarray(T.CenterCrop((3, 4))(Image.fromarray(a))), a[2:5, 3:7])
    # larger than the image: zero padding, (crop - size) // 2 before
    big = arr(F.center_crop(t, (9, 12)))
    assert big.shape == (3, 9, 12)
    assert np.array_equal(big[:, 1:8, 1:11], a.transpose(2, 0, 1))
    assert big[:, 0].sum() == 0 and big[:, :, 0].sum() == 0
    assert np.array_equal(np.asarray(F.center_crop(Image.fromarray(a), (9, 12)))[1:8, 1:11], a)


def test_pad_modes():
    x = tocha.arange(6.0).view(1, 2, 3)
    p = arr(F.pad(x, [1, 2]))                 # left/right 1, top/bottom 2
    assert p.shape == (1, 6, 5) and p[0, 2, 1] == 0.0 and p[0, 3, 3] == 5.0
    e = arr(F.pad(x, 1, padding_mode="edge"))[0]
    assert e[0].tolist() == [0, 0, 1, 2, 2]
    r = arr(F.pad(x, [1, 0, 0, 0], padding_mode="reflect"))[0]
    assert r[:, 0].tolist() == [1.0, 4.0]
    assert np.asarray(T.Pad(2, fill=7)(Image.fromarray(rgb(3, 3)))).shape == (7, 7, 3)


def test_random_crop_draw_order():
    a = rgb(8, 11)
    t = tocha.tensor(a.transpose(2, 0, 1).copy())
    for seed in range(5):
        tocha.manual_seed(seed)
        i = int(tocha.randint(0, 8 - 5 + 1, size=(1,)))
        j = int(tocha.randint(0, 11 - 4 + 1, size=(1,)))
        tocha.manual_seed(seed)
        out = T.RandomCrop((5, 4))(t)
        assert np.array_equal(arr(out), a.transpose(2, 0, 1)[:, i:i + 5, j:j + 4])
        tocha.manual_seed(seed)
        assert np.array_equal(np.asarray(T.RandomCrop((5, 4))(Image.fromarray(a))),
                              a[i:i + 5, j:j + 4])
    assert T.RandomCrop.get_params(t, (8, 11)) == (0, 0, 8, 11)
    with pytest.raises(ValueError, match="larger than input image"):
        T.RandomCrop(20)(t)
    out = T.RandomCrop(10, pad_if_needed=True)(t)
    assert tuple(out.shape) == (3, 10, 10)
    out = T.RandomCrop(8, padding=2)(t)
    assert tuple(out.shape) == (3, 8, 8)


def test_random_resized_crop_params():
    a = rgb(20, 30)
    t = tocha.tensor(a.transpose(2, 0, 1).copy())
    scale, ratio = (0.08, 1.0), (3 / 4, 4 / 3)
    for seed in range(8):
        tocha.manual_seed(seed)
        # torchvision's tries: area fraction, log-uniform ratio; then top and left if it fits
        lr = tocha.log(tocha.tensor(ratio))
        for _ in range(10):
            area = 600 * tocha.empty(1).uniform_(scale[0], scale[1]).item()
            asp = tocha.exp(tocha.empty(1).uniform_(lr[0].item(), lr[1].item())).item()
            w, h = round(np.sqrt(area * asp)), round(np.sqrt(area / asp))
            if 0 < w <= 30 and 0 < h <= 20:
                break
        i = int(tocha.randint(0, 20 - h + 1, size=(1,)))
        j = int(tocha.randint(0, 30 - w + 1, size=(1,)))
        tocha.manual_seed(seed)
        assert T.RandomResizedCrop.get_params(t, scale, ratio) == (i, j, h, w)
        tocha.manual_seed(seed)
        out = T.RandomResizedCrop(8)(t)
        want = F.resize(t[:, i:i + h, j:j + w], [8, 8])
        assert tuple(out.shape) == (3, 8, 8) and np.array_equal(arr(out), arr(want))
    # impossible scale: fallback to the central crop with the ratio clamped
    assert T.RandomResizedCrop.get_params(t, (2.0, 3.0), (1.0, 1.0)) == (0, 5, 20, 20)


def test_resize_sizes():
    im = Image.fromarray(rgb(10, 20))
    assert T.Resize(5)(im).size == (10, 5)                 # smaller edge -> 5
    assert T.Resize((4, 6))(im).size == (6, 4)
    assert T.Resize(5, max_size=8)(im).size == (8, 4)
    t = tocha.rand(3, 20, 10)
    assert tuple(T.Resize(5)(t).shape) == (3, 10, 5)
    assert T.Resize(10)(t) is t
    with pytest.raises(ValueError, match="max_size"):
        F.resize(t, 10, max_size=5)


def test_resize_tensor_values():
    x = RS.rand(1, 1, 12).astype(np.float64)
    t = tocha.tensor(np.repeat(x, 4, axis=1))             # (1, 4, 12): rows identical
    # antialiased bilinear /2: weights 1/8, 3/8, 3/8, 1/8 around each output pixel
    out = arr(F.resize(t, [4, 6]))[0, 0]
    row = x[0, 0]
    for o in range(1, 5):
        j = 2 * o
        assert np.isclose(out[o], (row[j - 1] + 3 * row[j] + 3 * row[j + 1] + row[j + 2]) / 8)
    # edges: the window is cut at the border and renormalised (3/7, 3/7, 1/7)
    assert np.isclose(out[0], (3 * row[0] + 3 * row[1] + row[2]) / 7)
    # bilinear x2 upsampling (no antialias needed): src = (o + 0.5) / 2 - 0.5
    up = arr(F.resize(t, [4, 24], antialias=False))[0, 0]
    for o in range(1, 23):
        s = (o + 0.5) / 2 - 0.5
        i0 = int(np.floor(s))
        lam = s - i0
        assert np.isclose(up[o], (1 - lam) * row[i0] + lam * row[min(i0 + 1, 11)])
    near = arr(F.resize(t, [4, 5], interpolation=T.InterpolationMode.NEAREST))[0, 0]
    assert np.array_equal(near, row[[int(np.floor(o * 12 / 5)) for o in range(5)]])
    u8 = tocha.tensor(RS.randint(0, 256, (3, 8, 8), dtype=np.uint8))
    r = F.resize(u8, [4, 4])
    ref = np.clip(np.round(arr(F.resize(u8.float(), [4, 4]))), 0, 255)
    assert r.dtype == tocha.uint8 and np.abs(arr(r).astype(int) - ref).max() == 0


# ---------------------------------------------------------------- colour
def gray_ref(a):
    return 0.2989 * a[0] + 0.587 * a[1] + 0.114 * a[2]


def test_grayscale():
    a = RS.rand(3, 4, 5).astype(np.float32)
    g = T.Grayscale()(tocha.tensor(a))
    assert tuple(g.shape) == (1, 4, 5)
    np.testing.assert_allclose(arr(g)[0], gray_ref(a), rtol=1e-6)
    g3 = arr(T.Grayscale(3)(tocha.tensor(a)))
    assert g3.shape == (3, 4, 5) and np.array_equal(g3[0], g3[2])
    im = Image.fromarray(rgb())
    p = np.asarray(T.Grayscale()(im)).astype(float)
    # Pillow: L = R * 299/1000 + G * 587/1000 + B * 114/1000, rounded
    ref = gray_ref(np.asarray(im).transpose(2, 0, 1).astype(float))
    assert np.abs(p - ref).max() <= 1
    assert T.Grayscale(3)(im).mode == "RGB"


def test_adjust_colour_tensors():
    a = RS.rand(3, 4, 5).astype(np.float32)
    t = tocha.tensor(a)
    np.testing.assert_allclose(arr(F.adjust_brightness(t, 1.7)), np.clip(a * 1.7, 0, 1),
                               rtol=1e-6)
    m = gray_ref(a).mean()
    np.testing.assert_allclose(arr(F.adjust_contrast(t, 0.3)),
                               np.clip(0.3 * a + 0.7 * m, 0, 1), rtol=1e-5)
    np.testing.assert_allclose(arr(F.adjust_saturation(t, 1.5)),
                               np.clip(1.5 * a - 0.5 * gray_ref(a)[None], 0, 1),
                               rtol=1e-5, atol=1e-6)
    u = tocha.tensor((a * 255).astype(np.uint8))
    b = F.adjust_brightness(u, 1.5)
    assert b.dtype == tocha.uint8
    assert np.array_equal(arr(b), np.clip(arr(u).astype(np.float32) * 1.5, 0, 255)
                          .astype(np.uint8))
    with pytest.raises(ValueError, match="not non-negative"):
        F.adjust_brightness(t, -1)


def test_adjust_hue():
    red = tocha.zeros(3, 2, 2)
    red[0] = 1.0
    cyan = arr(F.adjust_hue(red, 0.5))
    np.testing.assert_allclose(cyan[:, 0, 0], [0.0, 1.0, 1.0], atol=1e-6)
    green = arr(F.adjust_hue(red, 1 / 3))
    np.testing.assert_allclose(green[:, 0, 0], [0.0, 1.0, 0.0], atol=1e-6)
    a = tocha.rand(3, 4, 4)
    np.testing.assert_allclose(arr(F.adjust_hue(a, 0.0)), arr(a), atol=1e-6)
    with pytest.raises(ValueError, match="hue_factor"):
        F.adjust_hue(a, 0.7)
    assert F.adjust_hue(Image.fromarray(rgb()), 0.25).mode == "RGB"


def test_pil_colour_matches_tensor_within_rounding():
    a = rgb()
    im = Image.fromarray(a)
    t = T.ToTensor()(im)
    for fn, f in ((F.adjust_brightness, 1.3), (F.adjust_saturation, 0.4)):
        p = np.asarray(fn(im, f)).astype(float).transpose(2, 0, 1)
        q = arr(fn(t, f)) * 255
        assert np.abs(p - q).max() <= 2.0


def test_color_jitter_draw_order():
    t = tocha.rand(3, 4, 4)
    cj = T.ColorJitter(brightness=0.5, contrast=0.4, saturation=0.3)
    assert cj.brightness == (0.5, 1.5) and cj.hue is None
    for seed in range(4):
        tocha.manual_seed(seed)
        order = tocha.randperm(4).tolist()
        b = float(tocha.empty(1).uniform_(0.5, 1.5))
        c = float(tocha.empty(1).uniform_(0.6, 1.4))
        s = float(tocha.empty(1).uniform_(0.7, 1.3))
        want = t
        for k in order:
            if k == 0:
                want = F.adjust_brightness(want, b)
            elif k == 1:
                want = F.adjust_contrast(want, c)
            elif k == 2:
                want = F.adjust_saturation(want, s)
        tocha.manual_seed(seed)
        assert np.array_equal(arr(cj(t)), arr(want))
    with pytest.raises(ValueError, match="non negative"):
        T.ColorJitter(brightness=-1)
    assert T.ColorJitter(brightness=0).brightness is None


# ---------------------------------------------------------------- affine, blur, erase, crops
def test_rotate_right_angles_are_exact():
    a = RS.rand(2, 6, 6).astype(np.float32)
    t = tocha.tensor(a)
    # counter-clockwise by 90 degrees about the centre of a square image = np.rot90
    np.testing.assert_array_equal(arr(F.rotate(t, 90.0)), np.rot90(a, 1, axes=(1, 2)))
    np.testing.assert_array_equal(arr(F.rotate(t, 180.0)), a[:, ::-1, ::-1])
    np.testing.assert_allclose(arr(F.rotate(t, 90.0, T.InterpolationMode.BILINEAR)),
                               np.rot90(a, 1, axes=(1, 2)), atol=1e-5)
    np.testing.assert_array_equal(arr(F.rotate(t, 0.0)), a)
    r = arr(F.rotate(tocha.tensor(RS.rand(1, 4, 8).astype(np.float32)), 90.0, expand=True))
    assert r.shape == (1, 8, 4)
    # corners rotated out of a non-square image are filled
    f = arr(F.rotate(tocha.ones(1, 4, 8), 90.0, fill=0.5))
    assert set(np.unique(f)) == {0.5, 1.0}
    im = Image.fromarray(rgb(6, 6))
    assert np.array_equal(np.asarray(F.rotate(im, 90.0)), np.rot90(np.asarray(im), 1))


def test_affine_angle_is_clockwise():
    a = RS.rand(2, 6, 6).astype(np.float32)
    out = arr(F.affine(tocha.tensor(a), 90.0, [0, 0], 1.0, 0.0))
    np.testing.assert_array_equal(out, np.rot90(a, -1, axes=(1, 2)))
    pil = F.affine(Image.fromarray((a[0] * 255).astype(np.uint8)), 90.0, [0, 0], 1.0, 0.0)
    assert np.array_equal(np.asarray(pil), np.rot90((a[0] * 255).astype(np.uint8), -1))


def test_affine_translation_is_a_shift():
    a = RS.rand(1, 5, 7).astype(np.float32)
    out = arr(F.affine(tocha.tensor(a), 0.0, [2, 1], 1.0, 0.0))
    assert np.array_equal(out[0, 1:, 2:], a[0, :-1, :-2])
    assert out[0, 0].sum() == 0 and out[0, :, :2].sum() == 0
    pil = np.asarray(F.affine(Image.fromarray((a[0] * 255).astype(np.uint8)), 0.0, [2, 1], 1.0,
                              0.0))
    assert np.array_equal(pil[1:, 2:], (a[0, :-1, :-2] * 255).astype(np.uint8))


def test_gaussian_blur_definition():
    from tocha.vision.transforms import _geometry as G
    k = G.gaussian_kernel1d(5, 1.3)
    xs = np.linspace(-2, 2, 5)
    pdf = np.exp(-0.5 * (xs / 1.3) ** 2)
    np.testing.assert_allclose(k, pdf / pdf.sum(), rtol=1e-12)
    a = RS.rand(1, 7, 8).astype(np.float64)
    out = arr(F.gaussian_blur(tocha.tensor(a), [3, 3], [0.8, 0.8]))
    k3 = np.array(G.gaussian_kernel1d(3, 0.8))
    p = np.pad(a[0], 1, mode="reflect")
    want = sum(k3[i] * k3[j] * p[i:i + 7, j:j + 8] for i in range(3) for j in range(3))
    np.testing.assert_allclose(out[0], want, rtol=1e-12)
    const = arr(F.gaussian_blur(tocha.full((3, 5, 5), 0.25), 3))
    np.testing.assert_allclose(const, 0.25, rtol=1e-6)
    with pytest.raises(ValueError, match="odd and positive"):
        F.gaussian_blur(tocha.zeros(1, 4, 4), 4)
    assert T.GaussianBlur(3)(Image.fromarray(rgb())).size == (9, 6)


def test_random_erasing():
    t = tocha.ones(3, 20, 30)
    tocha.manual_seed(0)
    out = arr(T.RandomErasing(p=1.0)(t))        # the draw of rand(1) < p comes first
    tocha.manual_seed(0)
    tocha.rand(1)
    i, j, h, w, _ = T.RandomErasing.get_params(t, (0.02, 0.33), (0.3, 3.3), [0.0])
    want = np.ones((3, 20, 30), np.float32)
    want[:, i:i + h, j:j + w] = 0
    assert np.array_equal(out, want)
    assert float(t.min()) == 1.0                  # not in place by default
    assert T.RandomErasing(p=0.0)(t) is t


def test_five_and_ten_crop():
    a = rgb(6, 8).transpose(2, 0, 1).copy()
    crops = T.FiveCrop((2, 3))(tocha.tensor(a))
    want = [a[:, :2, :3], a[:, :2, 5:], a[:, 4:, :3], a[:, 4:, 5:], a[:, 2:4, 2:5]]
    assert all(np.array_equal(arr(c), w) for c, w in zip(crops, want))
    ten = T.TenCrop((2, 3))(tocha.tensor(a))
    assert len(ten) == 10 and np.array_equal(arr(ten[5]), a[:, :2, ::-1][:, :, :3])


def test_pad_pil_fill_and_modes():
    a = rgb(3, 4)
    im = F.pad(Image.fromarray(a), [1, 2, 3, 4], fill=(10, 20, 30))
    out = np.asarray(im)
    assert out.shape == (3 + 2 + 4, 4 + 1 + 3, 3)
    assert np.array_equal(out[2:5, 1:5], a) and out[0, 0].tolist() == [10, 20, 30]
    r = np.asarray(F.pad(Image.fromarray(a), 1, padding_mode="symmetric"))
    assert np.array_equal(r, np.pad(a, [(1, 1), (1, 1), (0, 0)], mode="symmetric"))
    with pytest.raises(TypeError, match="number as fill"):
        F.pad(tocha.zeros(3, 2, 2), 1, fill=(1, 2, 3))


def test_reprs_as_torchvision():
    # recorded from torchvision 0.29.1 (torch 2.14.1) in a scratch environment
    cases = [
        (T.Compose([T.Resize(32), T.CenterCrop(28), T.ToTensor(),
                    T.Normalize((0.1307,), (0.3081,))]),
         ("Compose(\n    Resize(size=32, interpolation=bilinear, max_size=None, antialias=True)\n"
         "    CenterCrop(size=(28, 28))\n    ToTensor()\n"
         "    Normalize(mean=(0.1307,), std=(0.3081,))\n)")),
        (T.RandomErasing(), ("RandomErasing(p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), "
                            "value=0, inplace=False)")),
        (T.RandomAffine(10, (0.1, 0.2), (0.8, 1.2), 5),
         ("RandomAffine(degrees=[-10.0, 10.0], translate=(0.1, 0.2), scale=(0.8, 1.2), "
         "shear=[-5.0, 5.0])")),
        (T.RandomApply([T.RandomHorizontalFlip()]),
         "RandomApply(\n    p=0.5\n    RandomHorizontalFlip(p=0.5)\n)"),
        (T.TenCrop(4, vertical_flip=True), "TenCrop(size=(4, 4), vertical_flip=True)"),
        (T.ColorJitter(0.4, 0.4, 0.4, 0.1),
         ("ColorJitter(brightness=(0.6, 1.4), contrast=(0.6, 1.4), saturation=(0.6, 1.4), "
         "hue=(-0.1, 0.1))")),
    ]
    for obj, want in cases:
        assert repr(obj) == want
