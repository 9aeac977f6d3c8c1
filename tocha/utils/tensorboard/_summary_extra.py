"""More summaries: raw histograms, tensors, custom-scalar layouts and audio."""
from __future__ import annotations

import io
import wave

import numpy as np
from tensorboard.compat.proto.summary_pb2 import HistogramProto, Summary, SummaryMetadata
from tensorboard.compat.proto.tensor_pb2 import TensorProto
from tensorboard.compat.proto.tensor_shape_pb2 import TensorShapeProto

from ._summary import make_np

__all__ = ["audio", "custom_scalars", "histogram_raw", "tensor"]


def histogram_raw(tag: str, min, max, num, sum, sum_squares, bucket_limits,
                  bucket_counts) -> Summary:
    """A histogram from counts the caller computed (bucket right edges and counts)."""
    if len(bucket_limits) != len(bucket_counts):
        raise ValueError("len(bucket_limits) != len(bucket_counts)")
    hist = HistogramProto(min=min, max=max, num=num, sum=sum, sum_squares=sum_squares,
                          bucket_limit=list(bucket_limits), bucket=list(bucket_counts))
    return Summary(value=[Summary.Value(tag=tag, histo=hist)])


def tensor(tag: str, value) -> Summary:
    """A whole tensor (TensorBoard's own `make_tensor_proto` encodes it)."""
    from tensorboard.util import tensor_util
    arr = make_np(value)
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="tensor"))
    return Summary(value=[Summary.Value(tag=tag, metadata=meta,
                                        tensor=tensor_util.make_tensor_proto(arr))])


def custom_scalars(layout: dict) -> Summary:
    """The Custom Scalars tab's layout: {category: {chart: ["Multiline", [tags]] or
    ["Margin", [value_tag, lower_tag, upper_tag]]}}."""
    from tensorboard.plugins.custom_scalar import layout_pb2
    from tensorboard.plugins.custom_scalar import metadata as cs_meta
    categories = []
    for title, charts in layout.items():
        made = []
        for name, (kind, tags) in charts.items():
            if kind == "Multiline":
                made.append(layout_pb2.Chart(
                    title=name, multiline=layout_pb2.MultilineChartContent(tag=tags)))
            elif kind == "Margin":
                if len(tags) != 3:
                    raise ValueError(f"a Margin chart needs 3 tags (value, lower, upper), "
                                     f"got {tags}")
                series = layout_pb2.MarginChartContent.Series(
                    value=tags[0], lower=tags[1], upper=tags[2])
                made.append(layout_pb2.Chart(
                    title=name, margin=layout_pb2.MarginChartContent(series=[series])))
            else:
                raise ValueError(f"chart kind must be 'Multiline' or 'Margin', got {kind!r}")
        categories.append(layout_pb2.Category(title=title, chart=made))
    proto = TensorProto(dtype="DT_STRING",
                        string_val=[layout_pb2.Layout(category=categories).SerializeToString()],
                        tensor_shape=TensorShapeProto())
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(
        plugin_name=cs_meta.PLUGIN_NAME))
    return Summary(value=[Summary.Value(tag=cs_meta.CONFIG_SUMMARY_TAG, tensor=proto,
                                        metadata=meta)])


def audio(tag: str, snd, sample_rate: int = 44100) -> Summary:
    """A mono sound in [-1, 1] (louder samples are clipped) as 16-bit WAV."""
    arr = make_np(snd).astype(np.float64).squeeze()
    if arr.ndim != 1:
        raise ValueError(f"add_audio expects one channel of samples (L,) or (1, L), got "
                         f"shape {make_np(snd).shape}")
    pcm = (arr.clip(-1, 1) * np.iinfo(np.int16).max).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    clip = Summary.Audio(sample_rate=sample_rate, num_channels=1, length_frames=pcm.shape[-1],
                         encoded_audio_string=buf.getvalue(), content_type="audio/wav")
    return Summary(value=[Summary.Value(tag=tag, audio=clip)])
