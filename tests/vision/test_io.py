"""tocha.vision.io (Pillow-backed) and transforms.v2's image conversions."""
import numpy as np
import pytest
from PIL import Image

import tocha
from tocha.vision import io
from tocha.vision.transforms import v2

RS = np.random.RandomState(5)


def test_png_roundtrip_and_modes(tmp_path):
    a = RS.randint(0, 256, (3, 6, 4)).astype(np.uint8)
    x = tocha.from_numpy(a)
    path = str(tmp_path / "a.png")
    io.write_png(x, path)
    y = io.read_image(path)
    assert y.dtype == tocha.uint8 and np.array_equal(y.numpy(), a)
    g = io.read_image(path, io.ImageReadMode.GRAY)
    want = np.asarray(Image.open(path).convert("L"))
    assert tuple(g.shape) == (1, 6, 4) and np.array_equal(g.numpy()[0], want)
    assert tuple(io.read_image(path, io.ImageReadMode.RGB_ALPHA).shape) == (4, 6, 4)
    raw = io.read_file(path)
    with open(path, "rb") as fh:
        assert raw.dtype == tocha.uint8 and raw.numpy().tobytes() == fh.read()
    assert np.array_equal(io.decode_image(raw).numpy(), a)
    assert np.array_equal(io.decode_png(io.encode_png(x)).numpy(), a)
    jpg = io.decode_jpeg(io.encode_jpeg(x, quality=95))
    assert tuple(jpg.shape) == (3, 6, 4)
    with pytest.raises(TypeError, match="uint8 tensor image"):
        io.write_png(x.float(), path)


def test_v2_to_image_to_dtype():
    a = RS.randint(0, 256, (5, 7, 3)).astype(np.uint8)
    img = v2.ToImage()(Image.fromarray(a))
    assert img.dtype == tocha.uint8 and np.array_equal(img.numpy(), a.transpose(2, 0, 1))
    assert np.array_equal(v2.ToImage()(a).numpy(), a.transpose(2, 0, 1))
    f = v2.ToDtype(tocha.float32, scale=True)(img)
    np.testing.assert_allclose(f.numpy(), a.transpose(2, 0, 1) / 255, atol=1e-7)
    assert float(v2.ToDtype(tocha.float32)(img).max()) == float(a.max())
    pipe = v2.Compose([v2.ToImage(), v2.ToDtype(tocha.float32, scale=True),
                       v2.Normalize([0.5] * 3, [0.5] * 3), v2.ToPureTensor()])
    out = pipe(Image.fromarray(a))
    np.testing.assert_allclose(out.numpy(), (a.transpose(2, 0, 1) / 255 - 0.5) / 0.5,
                               atol=1e-6)
