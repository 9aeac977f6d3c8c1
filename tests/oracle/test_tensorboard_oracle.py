"""tocha.utils.tensorboard.SummaryWriter against PyTorch's: both logs read back by
TensorBoard's own EventAccumulator give the same tags, steps and values."""
import os

import numpy as np
import torch.utils.tensorboard
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

import tocha
import tocha.utils.tensorboard


def write(lib, writer_cls, path):
    w = writer_cls(path)
    for s in range(3):
        w.add_scalar("loss/train", 1.0 / (s + 1), s)
        w.add_scalars("acc", {"a": s * 0.5, "b": lib.tensor(s * 2.0)}, s)
    w.add_histogram("w", lib.tensor(np.linspace(-1, 1, 100)), 0)
    w.add_histogram("w_auto", lib.tensor(np.linspace(-1, 1, 100)), 1, bins="auto")
    w.add_text("note", "hello *world*", 0)
    w.add_image("img", lib.tensor(np.random.default_rng(0).uniform(size=(3, 4, 5))), 0)
    w.add_image("img_hwc", lib.tensor(np.zeros((4, 5, 3))), 0, dataformats="HWC")
    w.close()


def read(path):
    ea = EventAccumulator(path, size_guidance={"tensors": 0})
    ea.Reload()
    tags = ea.Tags()
    out = {"tags": {k: sorted(v) for k, v in tags.items() if isinstance(v, list)},
           "loss": [(e.step, e.value) for e in ea.Scalars("loss/train")]}
    for h in ("w", "w_auto"):
        hv = ea.Histograms(h)[0].histogram_value
        out[h] = (hv.min, hv.max, hv.num, hv.sum, hv.sum_squares, list(hv.bucket_limit),
                  list(hv.bucket))
    img = ea.Images("img")[0]
    out["img"] = (img.width, img.height)
    out["text"] = ea.Tensors("note/text_summary")[0].tensor_proto.string_val
    out["runs"] = sorted(d for d in os.listdir(path) if not d.startswith("events"))
    out["acc_b"] = [(e.step, e.value) for e in
                    EventAccumulator(os.path.join(path, "acc_b")).Reload().Scalars("acc")]
    return out


def test_same_events_as_pytorch(tmp_path):
    write(tocha, tocha.utils.tensorboard.SummaryWriter, str(tmp_path / "ours"))
    write(torch, torch.utils.tensorboard.SummaryWriter, str(tmp_path / "theirs"))
    ours, theirs = read(str(tmp_path / "ours")), read(str(tmp_path / "theirs"))
    assert ours.keys() == theirs.keys()
    for k in ours:
        if k in ("w", "w_auto"):
            for a, b in zip(ours[k], theirs[k], strict=True):
                np.testing.assert_allclose(a, b, rtol=1e-12)
        else:
            assert ours[k] == theirs[k], k
