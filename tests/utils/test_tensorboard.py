"""SummaryWriter: events written with TensorBoard's writer, read back with its EventAccumulator."""
import io
import os

import numpy as np
import pytest
from PIL import Image
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.plugins.hparams.plugin_data_pb2 import HParamsPluginData

import tocha
from tocha.utils.tensorboard import SummaryWriter


def _acc(path):
    acc = EventAccumulator(str(path), size_guidance={"scalars": 0, "histograms": 0,
                                                       "images": 0, "tensors": 0})
    acc.Reload()
    return acc


def test_scalars_steps_and_values(tmp_path):
    with SummaryWriter(tmp_path) as w:
        for step in range(4):
            w.add_scalar("loss", 1.0 / (step + 1), step)
        w.add_scalar("acc", tocha.tensor(0.25), 7)
    acc = _acc(tmp_path)
    assert sorted(acc.Tags()["scalars"]) == ["acc", "loss"]
    ev = acc.Scalars("loss")
    assert [e.step for e in ev] == [0, 1, 2, 3]
    np.testing.assert_allclose([e.value for e in ev], [1, 1 / 2, 1 / 3, 1 / 4], rtol=1e-6)
    assert [(e.step, e.value) for e in acc.Scalars("acc")] == [(7, 0.25)]


def test_scalar_rejects_non_scalar(tmp_path):
    with SummaryWriter(tmp_path) as w, pytest.raises(ValueError, match="0D"):
        w.add_scalar("x", tocha.ones(3))


def test_add_scalars_writes_one_run_per_key(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_scalars("run/loss", {"train": 1.5, "val": 2.5}, 3)
    assert sorted(d for d in os.listdir(tmp_path) if (tmp_path / d).is_dir()) == [
        "run_loss_train", "run_loss_val"]
    ev = _acc(tmp_path / "run_loss_val").Scalars("run/loss")
    assert [(e.step, e.value) for e in ev] == [(3, 2.5)]


def test_histogram_counts_and_stats(tmp_path):
    values = tocha.tensor([0.0, 1.0, 1.0, 2.0, 3.0])
    with SummaryWriter(tmp_path) as w:
        w.add_histogram("h", values, 2, bins=3)
    h = _acc(tmp_path).Histograms("h")[0]
    assert h.step == 2
    hv = h.histogram_value
    # bins=3 over [0, 3]: edges 0, 1, 2, 3 -> counts 1, 2, 2; a leading empty bucket
    assert (hv.min, hv.max, hv.num, hv.sum, hv.sum_squares) == (0.0, 3.0, 5, 7.0, 15.0)
    assert list(hv.bucket) == [0, 1, 2, 2]
    assert list(hv.bucket_limit) == [0.0, 1.0, 2.0, 3.0]


def test_histogram_default_bins_count_everything(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_histogram("h", tocha.randn(500), 0)
    hv = _acc(tmp_path).Histograms("h")[0].histogram_value
    assert sum(hv.bucket) == 500 and hv.num == 500
    assert list(hv.bucket_limit) == sorted(hv.bucket_limit)


def _png(img_event):
    return np.asarray(Image.open(io.BytesIO(img_event.encoded_image_string)))


def test_images_and_grid(tmp_path):
    img = tocha.rand(3, 4, 5)
    batch = (tocha.rand(10, 1, 2, 3) * 255).to(tocha.uint8)
    with SummaryWriter(tmp_path) as w:
        w.add_image("one", img, 1)
        w.add_image("hwc", img.permute(1, 2, 0), 1, dataformats="HWC")
        w.add_images("many", batch, 2)
    acc = _acc(tmp_path)
    one = acc.Images("one")[0]
    assert (one.step, one.width, one.height) == (1, 5, 4)
    want = (img.permute(1, 2, 0).numpy() * 255).clip(0, 255).astype(np.uint8)
    np.testing.assert_array_equal(_png(one), want)
    np.testing.assert_array_equal(_png(acc.Images("hwc")[0]), want)
    grid = _png(acc.Images("many")[0])
    assert grid.shape == (4, 24, 3)       # 8 per row, 2 rows, gray -> RGB
    np.testing.assert_array_equal(grid[2:4, 3:6, 0], batch[9, 0].numpy())
    assert (grid[2:4, 6:] == 0).all()


def test_figure_text_graph(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(2, 1), dpi=50)
    model = tocha.nn.Sequential(tocha.nn.Linear(3, 4), tocha.nn.ReLU(), tocha.nn.Linear(4, 1))
    with SummaryWriter(tmp_path) as w:
        w.add_figure("fig", fig, 0)
        w.add_text("note", "hello *md*", 5)
        w.add_graph(model, tocha.randn(2, 3))
    acc = _acc(tmp_path)
    f = acc.Images("fig")[0]
    assert (f.width, f.height) == (100, 50)
    t = acc.Tensors("note/text_summary")[0]
    assert t.step == 5 and t.tensor_proto.string_val == [b"hello *md*"]
    graph = acc.Graph().node
    nodes = {n.name: n for n in graph}
    assert len(nodes) == len(graph) == 10      # 4 parameters, 5 backward nodes, 1 output
    assert sorted(n.op for n in graph).count("AddmmBackward0") == 2
    assert "Sequential/0.weight" in nodes and "Sequential/2.bias" in nodes
    out = nodes["output/output.1"]
    assert nodes[out.input[0]].op == "AddmmBackward0"
    for n in graph:     # every edge leads to a node of the graph
        assert all(i in nodes for i in n.input)


def test_graph_of_a_long_chain_needs_no_recursion():
    from tocha.utils.tensorboard._graph import graph_from_module

    class Chain(tocha.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = tocha.nn.Linear(2, 2)

        def forward(self, x):
            for _ in range(1500):       # deeper than Python's recursion limit
                x = self.lin(x)
            return x
    g = graph_from_module(Chain(), tocha.randn(1, 2))
    # 1500 x (AddmmBackward0 + TBackward0), 2 parameters, the output
    assert len(g.node) == 3003


def test_hparams_sub_run(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_hparams({"lr": 0.1, "opt": "sgd", "skip": None}, {"acc": 0.75}, run_name="r")
    acc = _acc(tmp_path / "r")
    content = acc.PluginTagToContent("hparams")
    ssi = HParamsPluginData.FromString(content["_hparams_/session_start_info"])
    assert ssi.session_start_info.hparams["lr"].number_value == 0.1
    assert ssi.session_start_info.hparams["opt"].string_value == "sgd"
    assert "skip" not in ssi.session_start_info.hparams
    exp = HParamsPluginData.FromString(content["_hparams_/experiment"]).experiment
    assert [m.name.tag for m in exp.metric_infos] == ["acc"]
    assert [e.value for e in acc.Scalars("acc")] == [0.75]
    with SummaryWriter(tmp_path) as w:
        with pytest.raises(ValueError, match="should be one of int, float, str"):
            w.add_hparams({"layers": [1, 2]}, {})
        with pytest.raises(TypeError, match="same type"):
            w.add_hparams({"lr": 0.1}, {}, hparam_domain_discrete={"lr": ["a"]})


def test_embedding_files(tmp_path):
    mat = tocha.tensor([[1.0, 2.0], [3.0, 4.5]])
    with SummaryWriter(tmp_path) as w:
        w.add_embedding(mat, metadata=["a", "b"], global_step=3, tag="emb")
    sub = tmp_path / "00003" / "emb"
    assert (sub / "tensors.tsv").read_text() == "1.0\t2.0\n3.0\t4.5\n"
    assert (sub / "metadata.tsv").read_text() == "a\nb\n"
    cfg = (tmp_path / "projector_config.pbtxt").read_text()
    assert 'tensor_name: "emb:00003"' in cfg and "00003/emb/tensors.tsv" in cfg


def test_default_logdir_and_reopen(tmp_path, monkeypatch):
    import socket
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_x")
    w.add_scalar("a", 1.0, 0)
    w.close()
    w.add_scalar("a", 2.0, 1)     # a closed writer reopens on the next add
    w.close()
    (run,) = os.listdir(tmp_path / "runs")
    assert run.endswith("_" + socket.gethostname() + "_x")
    assert [e.value for e in _acc(tmp_path / "runs" / run).Scalars("a")] == [1.0, 2.0]


def test_clear_error_without_the_tensorboard_package():
    import subprocess
    import sys
    code = ("import sys; sys.modules['tensorboard'] = None\n"
            "try:\n    import tocha.utils.tensorboard\n"
            "except ModuleNotFoundError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "needs the `tensorboard` package" in out and "pip install tensorboard" in out


def test_pr_curve_by_hand(tmp_path):
    labels, preds = tocha.tensor([1, 0, 1, 0]), tocha.tensor([0.9, 0.8, 0.4, 0.1])
    with SummaryWriter(tmp_path) as w:
        w.add_pr_curve("pr", labels, preds, 4, num_thresholds=3)
    ev = _acc(tmp_path).Tensors("pr")[0]
    assert ev.step == 4
    got = np.array(ev.tensor_proto.float_val).reshape(6, 3)
    # thresholds 0, 0.5, 1: buckets 0.4, 0.1 -> 0; 0.9, 0.8 -> 1 (worked out by hand)
    want = [[2, 1, 0], [2, 1, 0], [0, 1, 2], [0, 1, 2], [0.5, 0.5, 0], [1, 0.5, 0]]
    np.testing.assert_allclose(got, want)


def test_embedding_sprite(tmp_path):
    imgs = tocha.tensor([[[[0.0, 1.0], [0.5, 0.25]]], [[[1.0, 1.0], [0.0, 0.0]]]])
    with SummaryWriter(tmp_path) as w:
        w.add_embedding(tocha.ones(2, 3), label_img=imgs, tag="t")
    sprite = np.asarray(Image.open(tmp_path / "00000" / "t" / "sprite.png"))
    assert sprite.shape == (4, 4, 3)          # two 2x2 images side by side, made square
    np.testing.assert_array_equal(sprite[:2, :, 0], [[0, 255, 255, 255], [127, 63, 0, 0]])
    assert (sprite[2:] == 0).all()
    cfg = (tmp_path / "projector_config.pbtxt").read_text()
    assert 'image_path: "00000/t/sprite.png"' in cfg and "single_image_dim: 2" in cfg


def test_raw_histogram_tensor_audio_custom_scalars(tmp_path):
    import wave

    from tensorboard.plugins.custom_scalar import layout_pb2
    from tensorboard.util import tensor_util
    t = tocha.tensor([[1.0, 2.0], [3.0, 4.0]])
    with SummaryWriter(tmp_path) as w:
        w.add_histogram_raw("raw", 0.0, 4.0, 6, 9.0, 21.0, [1.0, 2.0, 4.0], [2, 1, 3], 5)
        w.add_tensor("t", t, 6)
        w.add_audio("snd", tocha.tensor([0.0, 0.5, -2.0]), 7, sample_rate=8000)
        w.add_custom_scalars_marginchart(["a", "lo", "hi"], title="band")
        with pytest.raises(ValueError, match="len\\(bucket_limits\\)"):
            w.add_histogram_raw("bad", 0, 1, 1, 1, 1, [1.0], [1, 2])
        with pytest.raises(ValueError, match="one channel"):
            w.add_audio("bad", tocha.zeros(2, 3))
    acc = EventAccumulator(str(tmp_path), size_guidance={"tensors": 0, "audio": 0})
    acc.Reload()
    h = acc.Histograms("raw")[0]
    assert h.step == 5 and list(h.histogram_value.bucket) == [2, 1, 3]
    (ev,) = acc.Tensors("t")
    np.testing.assert_array_equal(tensor_util.make_ndarray(ev.tensor_proto), t.numpy())
    (snd,) = acc.Audio("snd")
    assert (snd.step, snd.sample_rate, snd.length_frames) == (7, 8000, 3)
    with wave.open(io.BytesIO(snd.encoded_audio_string)) as wav:
        frames = np.frombuffer(wav.readframes(3), "<i2")
    assert frames.tolist() == [0, 16383, -32767]     # 0.5 * 32767 truncated; -2 clipped
    (cfg,) = acc.Tensors("custom_scalars__config__")
    layout = layout_pb2.Layout.FromString(cfg.tensor_proto.string_val[0])
    series = layout.category[0].chart[0].margin.series[0]
    assert (layout.category[0].title, series.value, series.lower, series.upper) == (
        "default", "a", "lo", "hi")
