"""SummaryWriter: scalars, grouped scalars, histograms, text and images as TensorBoard event
protos, written by tensorboard's own EventFileWriter (so TensorBoard reads them)."""
from __future__ import annotations

import io
import os
import socket
import time
import warnings
from datetime import datetime

from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto
from tensorboard.summary.writer.event_file_writer import EventFileWriter

from tocha import Tensor


def _array(x):
    """A NumPy array of a tensor, array, list or number (histograms and images need one)."""
    import numpy as np
    if isinstance(x, Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def _scalar(x) -> float:
    if isinstance(x, Tensor):
        if x.numel() != 1:
            raise ValueError(f"scalar should be 0D, got a tensor of shape {list(x.shape)}")
        return float(x.item())
    return float(x)


class FileWriter:
    """Writes Event protos to one event file in `log_dir`."""

    def __init__(self, log_dir: str, max_queue: int = 10, flush_secs: int = 120,
                 filename_suffix: str = "") -> None:
        self.event_writer = EventFileWriter(str(log_dir), max_queue, flush_secs,
                                            filename_suffix)

    def get_logdir(self) -> str:
        return self.event_writer.get_logdir()

    def add_summary(self, summary, global_step=None, walltime=None) -> None:
        event = event_pb2.Event(summary=summary)
        event.wall_time = time.time() if walltime is None else walltime
        if global_step is not None:
            event.step = int(global_step)
        self.event_writer.add_event(event)

    def flush(self) -> None:
        self.event_writer.flush()

    def close(self) -> None:
        self.event_writer.close()


def _histogram(values, bins) -> summary_pb2.HistogramProto:
    import numpy as np
    v = _array(values).astype(np.float64).reshape(-1)
    if v.size == 0:
        raise ValueError("The input has no element.")
    counts, limits = np.histogram(v, bins=_tf_edges() if bins == "tensorflow" else bins)
    # keep the support, plus one empty bucket on the left: TensorBoard stores only right
    # limits, so that bucket carries the leftmost limit
    filled = np.cumsum(counts > 0)
    start, end = np.searchsorted(filled, [0, filled[-1] - 1], side="right")
    start, end = int(start), int(end) + 1
    counts = counts[start - 1:end] if start > 0 else np.concatenate([[0], counts[:end]])
    limits = limits[start:end + 1]
    return summary_pb2.HistogramProto(min=float(v.min()), max=float(v.max()), num=int(v.size),
                                      sum=float(v.sum()), sum_squares=float(v.dot(v)),
                                      bucket_limit=limits.tolist(),
                                      bucket=counts.astype(float).tolist())


def _tf_edges() -> list:
    # TensorFlow's bucket edges: +-1e-12 growing by 10 % up to 1e20, and zero
    pos, v = [], 1e-12
    while v < 1e20:
        pos.append(v)
        v *= 1.1
    return [-x for x in reversed(pos)] + [0] + pos


def _image(tensor, dataformats: str) -> summary_pb2.Summary.Image:
    import numpy as np
    from PIL import Image
    a = _array(tensor)
    fmt = dataformats.upper()
    if a.ndim == 2:  # a grey 'HW' image
        a, fmt = a[None], "CHW"
    if len(fmt) != a.ndim:
        raise ValueError(f"size of input tensor and input format are different. tensor shape: "
                         f"{a.shape}, input_format: {dataformats}")
    a = np.transpose(a, [fmt.index(c) for c in "HWC"])
    if a.shape[2] == 1:
        a = np.concatenate([a] * 3, 2)
    scale = 1 if a.dtype == np.uint8 else 255
    a = np.clip(a * scale, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, format="PNG")
    return summary_pb2.Summary.Image(height=a.shape[0], width=a.shape[1],
                                     colorspace=a.shape[2],
                                     encoded_image_string=buf.getvalue())


class SummaryWriter:
    """Log scalars, histograms, text and images for TensorBoard under `log_dir`
    (default runs/<date>_<host><comment>), as PyTorch's SummaryWriter.

    Differs from PyTorch: `add_graph` cannot trace a model (tocha has no JIT) and writes
    nothing; `add_hparams`, embeddings, audio, video, meshes and figures are not written.
    """

    def __init__(self, log_dir: str | None = None, comment: str = "", purge_step=None,
                 max_queue: int = 10, flush_secs: int = 120, filename_suffix: str = "") -> None:
        if not log_dir:
            now = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", now + "_" + socket.gethostname() + comment)
        self.log_dir = str(log_dir)
        self.purge_step, self.max_queue = purge_step, max_queue
        self.flush_secs, self.filename_suffix = flush_secs, filename_suffix
        self.file_writer = FileWriter(self.log_dir, max_queue, flush_secs, filename_suffix)
        self.all_writers = {self.file_writer.get_logdir(): self.file_writer}

    def _get_file_writer(self) -> FileWriter:
        return self.file_writer

    def get_logdir(self) -> str:
        return self.log_dir

    def add_scalar(self, tag: str, scalar_value, global_step=None, walltime=None,
                   new_style: bool = False, double_precision: bool = False) -> None:
        """One scalar point `tag` at `global_step`."""
        summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(
            tag=tag, simple_value=_scalar(scalar_value))])
        self.file_writer.add_summary(summary, global_step, walltime)

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict, global_step=None,
                    walltime=None) -> None:
        """Several scalars on one chart: each goes to its own run <log_dir>/<main_tag>_<tag>."""
        walltime = time.time() if walltime is None else walltime
        for tag, value in tag_scalar_dict.items():
            path = os.path.join(self.log_dir, main_tag.replace("/", "_") + "_" + tag)
            writer = self.all_writers.get(path)
            if writer is None:
                writer = FileWriter(path, self.max_queue, self.flush_secs,
                                    self.filename_suffix)
                self.all_writers[path] = writer
            summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(
                tag=main_tag, simple_value=_scalar(value))])
            writer.add_summary(summary, global_step, walltime)

    def add_histogram(self, tag: str, values, global_step=None, bins="tensorflow",
                      walltime=None, max_bins=None) -> None:
        """A histogram of `values` (bins: 'tensorflow', a NumPy rule like 'auto', or a count)."""
        summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(
            tag=tag, histo=_histogram(values, bins))])
        self.file_writer.add_summary(summary, global_step, walltime)

    def add_text(self, tag: str, text_string: str, global_step=None, walltime=None) -> None:
        """Markdown text, shown in TensorBoard's Text tab."""
        meta = summary_pb2.SummaryMetadata(plugin_data=summary_pb2.SummaryMetadata.PluginData(
            plugin_name="text"))
        tensor = TensorProto(dtype="DT_STRING", string_val=[text_string.encode("utf-8")],
                             tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]))
        summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(
            tag=tag + "/text_summary", metadata=meta, tensor=tensor)])
        self.file_writer.add_summary(summary, global_step, walltime)

    def add_image(self, tag: str, img_tensor, global_step=None, walltime=None,
                  dataformats: str = "CHW") -> None:
        """An image: floats in [0, 1] or uint8, shaped as `dataformats` ('CHW', 'HWC', 'HW')."""
        summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(
            tag=tag, image=_image(img_tensor, dataformats))])
        self.file_writer.add_summary(summary, global_step, walltime)

    def add_graph(self, model, input_to_model=None, verbose: bool = False,
                  use_strict_trace: bool = True) -> None:
        """Writes nothing: drawing a model's graph needs TorchScript tracing, which tocha lacks
        (tocha.viz.make_dot draws the autograd graph instead)."""
        warnings.warn("SummaryWriter.add_graph: tocha cannot trace a model for TensorBoard; no "
                      "graph was written (tocha.viz.make_dot draws the autograd graph)",
                      UserWarning, stacklevel=2)

    def flush(self) -> None:
        for w in self.all_writers.values():
            w.flush()

    def close(self) -> None:
        for w in self.all_writers.values():
            w.flush()
            w.close()
        self.all_writers = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
