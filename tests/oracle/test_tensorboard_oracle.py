"""tocha's SummaryWriter against PyTorch's for the same calls: the same runs, tags, steps,
values, histogram buckets, image pixels, text and hparams content, read back with
TensorBoard's EventAccumulator."""
import io

import numpy as np
import torch
from PIL import Image
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData
from tensorboard.util import tensor_util
from torch.utils.tensorboard import SummaryWriter as TorchWriter

import tocha
from tocha.utils.tensorboard import SummaryWriter


def _log(mod, writer_cls, path):
    """The same logging calls with either library (`mod` is torch or tocha)."""
    rng = np.random.default_rng(0)
    vals = rng.normal(size=300)
    img = rng.random((3, 5, 6)).astype(np.float32)
    batch = (rng.random((11, 3, 2, 4)) * 255).astype(np.uint8)
    with writer_cls(str(path)) as w:
        for step in range(3):
            w.add_scalar("loss", mod.tensor(1.0 / (step + 1)), step)
            w.add_scalar("plain", 0.5 * step, step * 10)
        w.add_scalars("pair", {"a": 1.0, "b": 2.0}, 4)
        w.add_histogram("h", mod.tensor(vals), 1)
        w.add_histogram("h_bins", mod.tensor(vals), 2, bins=7)
        w.add_histogram("h_max", mod.tensor(vals), 2, bins=50, max_bins=8)
        w.add_image("img", mod.tensor(img), 3)
        w.add_image("gray", mod.tensor(img[0]), 3, dataformats="HW")
        w.add_images("batch", mod.tensor(batch), 4)
        w.add_text("note", "some *markdown*", 6)
        labels = rng.integers(0, 2, 50)
        preds = np.clip(labels * 0.3 + rng.random(50) * 0.7, 0, 1)
        w.add_pr_curve("pr", mod.tensor(labels), mod.tensor(preds), 2)
        w.add_pr_curve("pr_w", mod.tensor(labels), mod.tensor(preds), 3, num_thresholds=9,
                       weights=rng.random(50))   # PyTorch takes weights as an array
        w.add_histogram_raw("raw", min=0.0, max=4.0, num=6, sum=9.0, sum_squares=21.0,
                            bucket_limits=[1.0, 2.0, 4.0], bucket_counts=[2, 1, 3],
                            global_step=5)
        w.add_tensor("tens", mod.tensor(img[0]), 6)
        w.add_audio("snd", mod.tensor(np.sin(np.arange(800) / 5.0) * 1.2), 7,
                    sample_rate=8000)
        w.add_custom_scalars({"cat": {"both": ["Multiline", ["loss", "plain"]],
                                      "band": ["Margin", ["loss", "plain", "loss"]]}})
        w.add_custom_scalars_multilinechart(["loss"], title="only")
        w.add_hparams({"lr": 0.01, "opt": "adam", "bs": 32}, {"m/acc": 0.5},
                      hparam_domain_discrete={"bs": [16, 32]}, run_name="hp")


def _read(path):
    acc = EventAccumulator(str(path), size_guidance={"scalars": 0, "histograms": 0,
                                                       "images": 0, "tensors": 0, "audio": 0})
    acc.Reload()
    tags = acc.Tags()
    out = {"tags": {k: sorted(v) for k, v in tags.items() if isinstance(v, list)}}
    for t in tags["scalars"]:
        out["s/" + t] = [(e.step, e.value) for e in acc.Scalars(t)]
    for t in tags["histograms"]:
        out["h/" + t] = [(e.step, e.histogram_value) for e in acc.Histograms(t)]
    for t in tags["images"]:
        out["i/" + t] = [(e.step, e.width, e.height, np.asarray(Image.open(
            io.BytesIO(e.encoded_image_string)))) for e in acc.Images(t)]
    for t in tags["tensors"]:
        out["t/" + t] = [(e.step, tensor_util.make_ndarray(e.tensor_proto).tolist())
                         for e in acc.Tensors(t)]
    for t in tags["audio"]:
        out["a/" + t] = [(e.step, e.sample_rate, e.length_frames, e.encoded_audio_string)
                         for e in acc.Audio(t)]
    try:
        content = acc.PluginTagToContent("hparams")
    except KeyError:      # a run without hparams
        content = {}
    out["hparams"] = {k: HParamsPluginData.FromString(v) for k, v in content.items()}
    return out


def _same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        if k.startswith("i/"):
            for x, y in zip(a[k], b[k], strict=True):
                assert x[:3] == y[:3], k
                np.testing.assert_array_equal(x[3], y[3], err_msg=k)
        else:
            assert a[k] == b[k], k


def test_same_events_as_pytorch(tmp_path):
    _log(torch, TorchWriter, tmp_path / "torch")
    _log(tocha, SummaryWriter, tmp_path / "tocha")
    for sub in ("", "pair_a", "pair_b", "hp"):
        _same(_read(tmp_path / "tocha" / sub), _read(tmp_path / "torch" / sub))
    # the main run really holds what was logged (not two empty runs agreeing)
    got = _read(tmp_path / "tocha")
    assert got["s/loss"][1] == (1, 0.5) and len(got["h/h"]) == 1
    assert got["a/snd"][0][2] == 800 and len(got["t/custom_scalars__config__"]) == 2


def test_same_embedding_files_as_pytorch(tmp_path):
    mat = np.random.default_rng(1).normal(size=(4, 3)).astype(np.float32)
    imgs = np.random.default_rng(2).random((4, 1, 2, 3)).astype(np.float32)
    for mod, cls in ((torch, TorchWriter), (tocha, SummaryWriter)):
        with cls(str(tmp_path / mod.__name__)) as w:
            w.add_embedding(mod.tensor(mat), metadata=["a", "b", "c", "d"], global_step=7,
                            tag="feat")
            w.add_embedding(mod.tensor(mat[:2]), metadata=[["x", 1], ["y", 2]],
                            metadata_header=["name", "id"], tag="two")
            w.add_embedding(mod.tensor(mat), label_img=mod.tensor(imgs), tag="pics",
                            global_step=1)
    files = ["00007/feat/tensors.tsv", "00007/feat/metadata.tsv", "00000/two/tensors.tsv",
             "00000/two/metadata.tsv", "00001/pics/tensors.tsv", "projector_config.pbtxt"]
    for f in files:
        want = (tmp_path / "torch" / f).read_text()
        assert (tmp_path / "tocha" / f).read_text() == want, f
    sprites = [np.asarray(Image.open(tmp_path / m / "00001/pics/sprite.png"))
               for m in ("torch", "tocha")]
    assert sprites[0].shape == (6, 6, 3)      # 4 images of 2x3 on a 2x2 grid, made square
    np.testing.assert_array_equal(sprites[1], sprites[0])
