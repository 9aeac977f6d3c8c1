"""Summary protocol buffers for TensorBoard, built with the `tensorboard` package's own protos.

Values become NumPy arrays here (the export boundary, like data collation): histograms and
images are computed on arrays and encoded by NumPy, Pillow (PNG) and matplotlib (figures).
"""
from __future__ import annotations

import numpy as np
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto

__all__ = ["figure_to_image", "histogram", "hparams", "image", "make_np", "pr_curve", "scalar",
           "text"]


def make_np(x) -> np.ndarray:
    """A tocha Tensor, NumPy array or Python number as a NumPy array (numbers: shape (1,))."""
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, (int, float, bool, np.generic)):
        return np.array([x])
    from ..._tensor import Tensor
    if isinstance(x, Tensor):
        return np.asarray(x.detach().cpu().numpy())
    raise NotImplementedError(f"Got {type(x)}, but numpy array or tocha tensor are expected.")


def scalar(name: str, value) -> Summary:
    """A `simple_value` scalar summary (what TensorBoard's Scalars tab plots)."""
    arr = make_np(value).squeeze()
    if arr.ndim != 0:
        raise ValueError(f"scalar should be 0D, but got a value of shape {arr.shape} "
                         f"for tag {name!r}")
    return Summary(value=[Summary.Value(tag=name, simple_value=float(arr))])


def _default_bins() -> np.ndarray:
    # TensorFlow's default histogram edges: +-1e-12 * 1.1**k up to 1e20, and 0
    v, pos = 1e-12, []
    while v < 1e20:
        pos.append(v)
        v *= 1.1
    pos = np.array(pos)
    return np.concatenate([-pos[::-1], [0.0], pos])


def histogram(name: str, values, bins="tensorflow", max_bins: int | None = None) -> Summary:
    """A histogram summary: counts per bucket with each bucket's right edge.

    Empty buckets at both ends are dropped, keeping one empty bucket before the first
    non-empty one (TensorBoard draws a bucket from the previous limit to its own).
    """
    values = make_np(values).astype(float).reshape(-1)
    if values.size == 0:
        raise ValueError(f"add_histogram: the values for tag {name!r} are empty")
    counts, limits = np.histogram(values, bins=_default_bins() if bins == "tensorflow" else bins)
    if max_bins is not None and len(counts) > max_bins:
        sub = len(counts) // max_bins
        pad = (-len(counts)) % sub
        counts = np.pad(counts, (0, pad)).reshape(-1, sub).sum(axis=-1)
        limits = np.concatenate([limits[:-1:sub], limits[-1:]])
    nonzero = np.flatnonzero(counts > 0)
    if nonzero.size == 0:
        raise ValueError(f"add_histogram: the values for tag {name!r} fall outside the bins")
    first, last = int(nonzero[0]), int(nonzero[-1])
    kept = counts[max(first - 1, 0):last + 1]
    if first == 0:
        kept = np.concatenate([[0], kept])
    hist = HistogramProto(min=float(values.min()), max=float(values.max()),
                          num=int(values.size), sum=float(values.sum()),
                          sum_squares=float(values.dot(values)),
                          bucket_limit=limits[first:last + 2].tolist(),
                          bucket=kept.tolist())
    return Summary(value=[Summary.Value(tag=name, histo=hist)])


def _to_hwc(arr: np.ndarray, dataformats: str) -> np.ndarray:
    fmt = dataformats.upper()
    if len(set(fmt)) != len(fmt) or arr.ndim != len(fmt):
        raise ValueError(f"dataformats {dataformats!r} does not match an image of shape "
                         f"{arr.shape}")
    if arr.ndim == 4:
        arr = _grid(arr.transpose([fmt.index(c) for c in "NCHW"]))
        return arr.transpose(1, 2, 0)
    if arr.ndim == 3:
        arr = arr.transpose([fmt.index(c) for c in "HWC"])
        return np.concatenate([arr] * 3, 2) if arr.shape[2] == 1 else arr
    if arr.ndim == 2:
        arr = arr.transpose([fmt.index(c) for c in "HW"])
        return np.stack([arr] * 3, 2)
    raise ValueError(f"an image needs 2 to 4 dims, got shape {arr.shape}")


def _grid(batch: np.ndarray, ncols: int = 8) -> np.ndarray:
    # images of a batch (N, C, H, W) side by side, up to 8 a row, on a black canvas
    if batch.shape[1] == 1:
        batch = np.concatenate([batch] * 3, 1)
    n, _, h, w = batch.shape
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    canvas = np.zeros((batch.shape[1], h * nrows, w * ncols), dtype=batch.dtype)
    for i in range(n):
        y, x = divmod(i, ncols)
        canvas[:, y * h:(y + 1) * h, x * w:(x + 1) * w] = batch[i]
    return canvas


def image(tag: str, img, dataformats: str = "CHW") -> Summary:
    """A PNG image summary; float pixels in [0, 1] are scaled to 0..255, uint8 kept."""
    arr = _to_hwc(make_np(img), dataformats)
    scale = 1 if arr.dtype == np.uint8 else 255
    arr = (arr.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)
    try:
        from PIL import Image
    except ModuleNotFoundError as e:
        raise ModuleNotFoundError("add_image encodes PNG with Pillow: pip install pillow") from e
    import io
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="PNG")
    h, w, c = arr.shape
    im = Summary.Image(height=h, width=w, colorspace=c, encoded_image_string=buf.getvalue())
    return Summary(value=[Summary.Value(tag=tag, image=im)])


def figure_to_image(figures, close: bool = True) -> np.ndarray:
    """Render a matplotlib figure (or a list of them) to a CHW (or NCHW) uint8 array."""
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    def render(fig):
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        data = np.asarray(canvas.buffer_rgba())[:, :, :3]
        if close:
            plt.close(fig)
        return np.moveaxis(data, 2, 0)
    if isinstance(figures, list):
        return np.stack([render(f) for f in figures])
    return render(figures)


def text(tag: str, text_string: str) -> Summary:
    """A text summary (Markdown in TensorBoard's Text tab) under `<tag>/text_summary`."""
    from tensorboard.plugins.text.plugin_data_pb2 import TextPluginData
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
        plugin_name="text", content=TextPluginData(version=0).SerializeToString()))
    tensor = TensorProto(dtype="DT_STRING", string_val=[text_string.encode("utf_8")],
                         tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=1)]))
    return Summary(value=[Summary.Value(tag=tag + "/text_summary", metadata=meta,
                                        tensor=tensor)])


def hparams(hparam_dict: dict, metric_dict: dict, hparam_domain_discrete: dict | None = None):
    """The hparams plugin's three summaries: experiment, session start, session end."""
    from google.protobuf import struct_pb2
    from tensorboard.plugins.hparams import api_pb2, metadata
    from tensorboard.plugins.hparams.plugin_data_pb2 import (
        HParamsPluginData,
        SessionEndInfo,
        SessionStartInfo,
    )
    if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
        raise TypeError("hparam_dict and metric_dict should be dictionary.")
    domains = hparam_domain_discrete or {}
    for k, v in domains.items():
        if k not in hparam_dict or not isinstance(v, list) or not all(
                isinstance(d, type(hparam_dict[k])) for d in v):
            raise TypeError(f"parameter: hparam_domain_discrete[{k}] should be a list of "
                            f"same type as hparam_dict[{k}].")
    ssi, infos = SessionStartInfo(), []
    for k, v in hparam_dict.items():
        if v is None:
            continue
        if not isinstance(v, (int, float, str, bool)):
            from ..._tensor import Tensor
            if not isinstance(v, Tensor):     # PyTorch's exception type here
                raise ValueError(  # noqa: TRY004
                    f"hparam {k!r}: value should be one of int, float, str, bool, or "
                    f"tocha.Tensor, got {type(v).__name__}")
            v = float(make_np(v).reshape(-1)[0])
        # bool is an int in Python: like PyTorch, True/False are logged as numbers
        if isinstance(v, (int, float)):
            ssi.hparams[k].number_value = v
            kind, field = "DATA_TYPE_FLOAT64", "number_value"
        else:
            ssi.hparams[k].string_value = v
            kind, field = "DATA_TYPE_STRING", "string_value"
        info = api_pb2.HParamInfo(name=k, type=api_pb2.DataType.Value(kind))
        if k in domains:
            info.domain_discrete.CopyFrom(struct_pb2.ListValue(
                values=[struct_pb2.Value(**{field: d}) for d in domains[k]]))
        infos.append(info)
    exp = api_pb2.Experiment(hparam_infos=infos, metric_infos=[
        api_pb2.MetricInfo(name=api_pb2.MetricName(tag=k)) for k in metric_dict])
    sei = SessionEndInfo(status=api_pb2.Status.Value("STATUS_SUCCESS"))
    out = []
    for tag, key, msg in ((metadata.EXPERIMENT_TAG, "experiment", exp),
                          (metadata.SESSION_START_INFO_TAG, "session_start_info", ssi),
                          (metadata.SESSION_END_INFO_TAG, "session_end_info", sei)):
        content = HParamsPluginData(version=metadata.PLUGIN_DATA_VERSION, **{key: msg})
        meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
            plugin_name=metadata.PLUGIN_NAME, content=content.SerializeToString()))
        out.append(Summary(value=[Summary.Value(tag=tag, metadata=meta)]))
    return tuple(out)


def pr_curve(tag: str, labels, predictions, num_thresholds: int = 127,
             weights=None) -> Summary:
    """A precision-recall curve summary: counts and rates at `num_thresholds` (<= 127)
    evenly spaced thresholds over [0, 1].

    Row order is TensorBoard's: true positives, false positives, true negatives, false
    negatives, precision, recall; one column per threshold.
    """
    from tensorboard.plugins.pr_curve import metadata as pr_meta
    n = min(num_thresholds, 127)
    labels = make_np(labels).astype(np.float64).reshape(-1)
    preds = make_np(predictions).astype(np.float64).reshape(-1)
    if labels.shape != preds.shape:
        raise ValueError(f"add_pr_curve: labels {labels.shape} and predictions {preds.shape} "
                         f"must have the same number of elements")
    w = np.broadcast_to(1.0 if weights is None else make_np(weights), labels.shape)
    # each prediction falls in the bucket of the highest threshold it reaches
    bucket = np.floor(preds * (n - 1)).astype(np.int64)
    keep = (bucket >= 0) & (bucket <= n - 1)
    pos = np.bincount(bucket[keep], weights=(labels * w)[keep], minlength=n)
    neg = np.bincount(bucket[keep], weights=((1.0 - labels) * w)[keep], minlength=n)
    tp, fp = np.cumsum(pos[::-1])[::-1], np.cumsum(neg[::-1])[::-1]
    tn, fn = fp[0] - fp, tp[0] - tp
    precision = tp / np.maximum(1e-7, tp + fp)
    recall = tp / np.maximum(1e-7, tp + fn)
    data = np.stack([tp, fp, tn, fn, precision, recall]).astype(np.float32)
    meta = pr_meta.create_summary_metadata(display_name=tag, description="",
                                           num_thresholds=n)
    tensor = TensorProto(dtype="DT_FLOAT", float_val=data.reshape(-1).tolist(),
                         tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=6),
                                                            TensorShapeProto.Dim(size=n)]))
    return Summary(value=[Summary.Value(tag=tag, metadata=meta, tensor=tensor)])
