"""SummaryWriter: log scalars, histograms, images, text, graphs and hparams for TensorBoard."""
from __future__ import annotations

import os
import time

from tensorboard.compat.proto.event_pb2 import Event, SessionLog
from tensorboard.summary.writer.event_file_writer import EventFileWriter

from . import _summary as S
from . import _summary_extra as X

__all__ = ["FileWriter", "SummaryWriter"]


class FileWriter:
    """Writes `Event` protos to one event file in `log_dir` (TensorBoard's own writer)."""

    def __init__(self, log_dir: str, max_queue: int = 10, flush_secs: int = 120,
                 filename_suffix: str = "") -> None:
        self.event_writer = EventFileWriter(str(log_dir), max_queue, flush_secs,
                                            filename_suffix)

    def get_logdir(self) -> str:
        return self.event_writer.get_logdir()

    def add_event(self, event: Event, step: int | None = None,
                  walltime: float | None = None) -> None:
        event.wall_time = time.time() if walltime is None else walltime
        if step is not None:
            event.step = int(step)
        self.event_writer.add_event(event)

    def add_summary(self, summary, global_step: int | None = None,
                    walltime: float | None = None) -> None:
        self.add_event(Event(summary=summary), global_step, walltime)

    def add_graph(self, graph_def, walltime: float | None = None) -> None:
        self.add_event(Event(graph_def=graph_def.SerializeToString()), None, walltime)

    def flush(self) -> None:
        self.event_writer.flush()

    def close(self) -> None:
        self.event_writer.close()

    def reopen(self) -> None:
        self.event_writer.reopen()


def _default_logdir(comment: str) -> str:
    import socket
    from datetime import datetime
    stamp = datetime.now().strftime("%b%d_%H-%M-%S")
    return os.path.join("runs", stamp + "_" + socket.gethostname() + comment)


class SummaryWriter:
    """Write TensorBoard event files to `log_dir`; view them with `tensorboard --logdir runs`.

    Args:
        log_dir (str, optional): the run's directory; default `runs/<Mon DD_HH-MM-SS>_<host>`
            followed by `comment`.
        comment (str): suffix of the default `log_dir` (ignored when `log_dir` is given).
        purge_step (int, optional): events at or after this step from an earlier, crashed
            run in the same `log_dir` are hidden by TensorBoard.
        max_queue (int): events held before a write forces a flush. flush_secs (int): how
            often pending events are flushed. filename_suffix (str): event file name suffix.

    Example:
        >>> import tempfile
        >>> from tocha.utils.tensorboard import SummaryWriter
        >>> with SummaryWriter(tempfile.mkdtemp()) as w:
        ...     for step in range(3):
        ...         w.add_scalar("loss", 1.0 / (step + 1), step)

    Differs from PyTorch: `add_graph` draws the autograd graph of the module's output (its
    backward nodes and parameters), not a TorchScript trace; video, mesh, boxes and ONNX
    summaries are not provided. Needs the `tensorboard` package (`pip install tocha[tensorboard]`).
    """

    def __init__(self, log_dir: str | None = None, comment: str = "",
                 purge_step: int | None = None, max_queue: int = 10, flush_secs: int = 120,
                 filename_suffix: str = "") -> None:
        self.log_dir = str(log_dir) if log_dir else _default_logdir(comment)
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self.file_writer = self.all_writers = None
        self._get_file_writer()

    def _get_file_writer(self) -> FileWriter:
        if self.all_writers is None or self.file_writer is None:
            self.file_writer = FileWriter(self.log_dir, self.max_queue, self.flush_secs,
                                          self.filename_suffix)
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
            if self.purge_step is not None:
                step, self.purge_step = self.purge_step, None
                self.file_writer.add_event(Event(step=step, file_version="brain.Event:2"))
                self.file_writer.add_event(
                    Event(step=step, session_log=SessionLog(status=SessionLog.START)))
        return self.file_writer

    def get_logdir(self) -> str:
        """The directory event files are written to."""
        return self.log_dir

    def add_scalar(self, tag: str, scalar_value, global_step: int | None = None,
                   walltime: float | None = None, new_style: bool = False,
                   double_precision: bool = False) -> None:
        """Log one number (a float, or a one-element tensor) under `tag` at `global_step`.

        Differs from PyTorch: `new_style` and `double_precision` are accepted and ignored
        (the value is always stored as `simple_value`, what TensorBoard plots).
        """
        self._get_file_writer().add_summary(S.scalar(tag, scalar_value), global_step, walltime)

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict,
                    global_step: int | None = None, walltime: float | None = None) -> None:
        """Log several numbers in one chart: each key is a run `<log_dir>/<main_tag>_<key>`."""
        walltime = time.time() if walltime is None else walltime
        base = self._get_file_writer().get_logdir()
        for tag, value in tag_scalar_dict.items():
            fw_tag = base + "/" + main_tag.replace("/", "_") + "_" + tag
            fw = self.all_writers.get(fw_tag)
            if fw is None:
                fw = FileWriter(fw_tag, self.max_queue, self.flush_secs, self.filename_suffix)
                self.all_writers[fw_tag] = fw
            fw.add_summary(S.scalar(main_tag, value), global_step, walltime)

    def add_histogram(self, tag: str, values, global_step: int | None = None,
                      bins="tensorflow", walltime: float | None = None,
                      max_bins: int | None = None) -> None:
        """Log the distribution of `values` (any shape); `bins` as `numpy.histogram` takes,
        or "tensorflow" (exponential buckets)."""
        self._get_file_writer().add_summary(S.histogram(tag, values, bins, max_bins),
                                            global_step, walltime)

    def add_image(self, tag: str, img_tensor, global_step: int | None = None,
                  walltime: float | None = None, dataformats: str = "CHW") -> None:
        """Log an image: shape `(3, H, W)` by default (`dataformats` says otherwise: "HWC",
        "HW", ...); floats in [0, 1] or uint8 in [0, 255]. Encoded as PNG with Pillow."""
        self._get_file_writer().add_summary(S.image(tag, img_tensor, dataformats),
                                            global_step, walltime)

    def add_images(self, tag: str, img_tensor, global_step: int | None = None,
                   walltime: float | None = None, dataformats: str = "NCHW") -> None:
        """Log a batch of images `(N, 3, H, W)` as one grid image, up to 8 a row."""
        self._get_file_writer().add_summary(S.image(tag, img_tensor, dataformats),
                                            global_step, walltime)

    def add_figure(self, tag: str, figure, global_step: int | None = None,
                   close: bool = True, walltime: float | None = None) -> None:
        """Log a matplotlib figure (or a list of them, as a grid) as an image."""
        if isinstance(figure, list):
            self.add_images(tag, S.figure_to_image(figure, close), global_step, walltime)
        else:
            self.add_image(tag, S.figure_to_image(figure, close), global_step, walltime)

    def add_text(self, tag: str, text_string: str, global_step: int | None = None,
                 walltime: float | None = None) -> None:
        """Log text (Markdown); it is stored under the tag `<tag>/text_summary`."""
        self._get_file_writer().add_summary(S.text(tag, text_string), global_step, walltime)

    def add_pr_curve(self, tag: str, labels, predictions, global_step: int | None = None,
                     num_thresholds: int = 127, weights=None,
                     walltime: float | None = None) -> None:
        """Log a precision-recall curve: `labels` (0/1) against `predictions` in [0, 1]."""
        self._get_file_writer().add_summary(
            S.pr_curve(tag, labels, predictions, num_thresholds, weights), global_step,
            walltime)

    def add_histogram_raw(self, tag: str, min, max, num, sum, sum_squares, bucket_limits,
                          bucket_counts, global_step: int | None = None,
                          walltime: float | None = None) -> None:
        """Log a histogram from your own counts: `bucket_limits` are right edges."""
        self._get_file_writer().add_summary(
            X.histogram_raw(tag, min, max, num, sum, sum_squares, bucket_limits,
                            bucket_counts), global_step, walltime)

    def add_tensor(self, tag: str, tensor, global_step: int | None = None,
                   walltime: float | None = None) -> None:
        """Log a whole tensor's values (TensorBoard stores it; no tab draws it)."""
        self._get_file_writer().add_summary(X.tensor(tag, tensor), global_step, walltime)

    def add_audio(self, tag: str, snd_tensor, global_step: int | None = None,
                  sample_rate: int = 44100, walltime: float | None = None) -> None:
        """Log a mono sound: samples in [-1, 1], shape `(L,)` or `(1, L)`."""
        self._get_file_writer().add_summary(X.audio(tag, snd_tensor, sample_rate),
                                            global_step, walltime)

    def add_custom_scalars(self, layout: dict) -> None:
        """Lay out the Custom Scalars tab: {category: {chart: ["Multiline", [tags]]}} or
        ["Margin", [value, lower, upper]] charts (tags are add_scalar tags)."""
        self._get_file_writer().add_summary(X.custom_scalars(layout))

    def add_custom_scalars_multilinechart(self, tags: list, category: str = "default",
                                          title: str = "untitled") -> None:
        """One Custom Scalars chart drawing the scalars `tags` together."""
        self.add_custom_scalars({category: {title: ["Multiline", tags]}})

    def add_custom_scalars_marginchart(self, tags: list, category: str = "default",
                                       title: str = "untitled") -> None:
        """One Custom Scalars chart: a value with its lower and upper bounds (3 tags)."""
        if len(tags) != 3:
            raise ValueError(f"add_custom_scalars_marginchart needs 3 tags, got {tags}")
        self.add_custom_scalars({category: {title: ["Margin", tags]}})

    def add_graph(self, model, input_to_model=None, verbose: bool = False,
                  use_strict_trace: bool = True) -> None:
        """Log the graph of `model(*input_to_model)`: its autograd (backward) graph.

        Differs from PyTorch: PyTorch traces the forward ops with TorchScript; tocha draws
        the backward nodes of the output (`AddmmBackward0`, ...) and the parameters.
        """
        from ._graph import graph_from_module
        inputs = () if input_to_model is None else input_to_model
        self._get_file_writer().add_graph(graph_from_module(model, inputs))

    def add_hparams(self, hparam_dict: dict, metric_dict: dict,
                    hparam_domain_discrete: dict | None = None, run_name: str | None = None,
                    global_step: int | None = None) -> None:
        """Log one run's hyperparameters and final metrics for TensorBoard's HParams tab, in
        the sub-run `<log_dir>/<run_name>` (default: the current time)."""
        exp, ssi, sei = S.hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        run_name = run_name or str(time.time())
        logdir = os.path.join(self._get_file_writer().get_logdir(), run_name)
        with SummaryWriter(log_dir=logdir) as w:
            for s in (exp, ssi, sei):
                w.file_writer.add_summary(s, global_step)
            for k, v in metric_dict.items():
                w.add_scalar(k, v, global_step)

    def add_embedding(self, mat, metadata=None, label_img=None, global_step: int | None = None,
                      tag: str = "default", metadata_header=None) -> None:
        """Log a `(N, D)` matrix for TensorBoard's Projector, with optional labels
        (`metadata`, one per row) and thumbnails (`label_img`, `(N, C, H, W)` in [0, 1])."""
        from ._embedding import write_embedding
        write_embedding(self._get_file_writer().get_logdir(), mat, metadata, label_img,
                        global_step, tag, metadata_header)

    def flush(self) -> None:
        """Write pending events of every run of this writer to disk."""
        for w in (self.all_writers or {}).values():
            w.flush()

    def close(self) -> None:
        """Flush and close every event file (a later `add_*` opens new ones)."""
        for w in (self.all_writers or {}).values():
            w.flush()
            w.close()
        self.file_writer = self.all_writers = None

    def __enter__(self):
        """Use as `with SummaryWriter(...) as w:`; closed on exit."""
        return self

    def __exit__(self, exc_type, exc_val, exc_tb) -> None:
        self.close()
