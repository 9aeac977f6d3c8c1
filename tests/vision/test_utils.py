"""tocha.vision.utils.make_grid / save_image against hand-computed layouts."""
import numpy as np
import pytest
from PIL import Image

import tocha
from tocha.vision.utils import make_grid, save_image

RS = np.random.RandomState(7)


def test_grid_layout():
    a = RS.rand(5, 3, 4, 6).astype(np.float32)
    g = make_grid(tocha.tensor(a), nrow=2, padding=2, pad_value=0.5).numpy()
    # 2 columns, 3 rows: width 2 * (6 + 2) + 2, height 3 * (4 + 2) + 2
    assert g.shape == (3, 20, 18)
    for k in range(5):
        y, x = divmod(k, 2)
        top, left = y * 6 + 2, x * 8 + 2
        assert np.array_equal(g[:, top:top + 4, left:left + 6], a[k])
    assert np.all(g[:, :2, :] == 0.5) and np.all(g[:, :, :2] == 0.5)
    assert np.all(g[:, 14:18, 10:16] == 0.5)          # the empty sixth cell
    assert make_grid(tocha.tensor(a)).shape == (3, 8, 42)   # default nrow=8: one row


def test_grid_channels_lists_and_single():
    a = RS.rand(2, 1, 3, 3).astype(np.float32)
    g = make_grid(tocha.tensor(a), padding=0).numpy()
    assert g.shape == (3, 3, 6) and np.array_equal(g[0], g[2])
    lst = make_grid([tocha.tensor(a[0]), tocha.tensor(a[1])], padding=0).numpy()
    assert np.array_equal(lst, g)
    one = make_grid(tocha.tensor(a[:1])).numpy()              # one image: no padding at all
    assert one.shape == (3, 3, 3)
    assert make_grid(tocha.tensor(a[0, 0])).shape == (3, 3, 3)


def test_grid_normalize():
    a = (RS.rand(2, 3, 2, 2) * 10 - 3).astype(np.float32)
    g = make_grid(tocha.tensor(a), normalize=True, padding=0).numpy()
    lo, hi = a.min(), a.max()
    np.testing.assert_allclose(g[:, :, :2], (a[0] - lo) / (hi - lo), rtol=1e-6)
    g = make_grid(tocha.tensor(a), normalize=True, value_range=(0.0, 5.0), padding=0).numpy()
    np.testing.assert_allclose(g[:, :, 2:], np.clip(a[1], 0, 5) / 5, rtol=1e-6)
    g = make_grid(tocha.tensor(a), normalize=True, scale_each=True, padding=0).numpy()
    np.testing.assert_allclose(g[:, :, 2:], (a[1] - a[1].min()) / (a[1].max() - a[1].min()),
                               rtol=1e-6)
    with pytest.raises(TypeError, match="value_range"):
        make_grid(tocha.tensor(a), normalize=True, value_range=[0, 1])


def test_save_image(tmp_path):
    a = RS.rand(2, 3, 5, 4).astype(np.float32)
    path = tmp_path / "grid.png"
    save_image(tocha.tensor(a), path, nrow=2, padding=1)
    img = np.asarray(Image.open(path))
    g = make_grid(tocha.tensor(a), nrow=2, padding=1).numpy()
    want = np.clip(g * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    assert img.shape == (7, 11, 3) and np.array_equal(img, want)
    save_image(tocha.tensor(a[0]), tmp_path / "one.jpg", format="JPEG")
    assert Image.open(tmp_path / "one.jpg").format == "JPEG"
