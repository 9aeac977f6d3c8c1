"""The files TensorBoard's Projector reads: tensors.tsv, metadata.tsv, projector_config.pbtxt."""
from __future__ import annotations

import os

from ._summary import make_np

__all__ = ["write_embedding"]


def write_embedding(logdir: str, mat, metadata, global_step, tag: str,
                    metadata_header) -> None:
    """Write `mat` (N, D) and its labels under `<logdir>/<step:05d>/<tag>` and register it."""
    from google.protobuf import text_format
    from tensorboard.plugins.projector.projector_config_pb2 import ProjectorConfig

    arr = make_np(mat)
    if arr.ndim != 2:
        raise ValueError(f"add_embedding: mat must be 2D (N, D), got shape {arr.shape}")
    step = 0 if global_step is None else global_step
    subdir = f"{str(step).zfill(5)}/{tag.replace('/', '%2F')}"
    path = os.path.join(logdir, subdir)
    os.makedirs(path, exist_ok=True)
    info = ProjectorConfig().embeddings.add()
    info.tensor_name = f"{tag}:{str(step).zfill(5)}"
    info.tensor_path = subdir + "/tensors.tsv"
    if metadata is not None:
        if len(metadata) != arr.shape[0]:
            raise ValueError(f"add_embedding: {len(metadata)} labels for {arr.shape[0]} rows")
        lines = [str(m) if metadata_header is None else "\t".join(str(c) for c in m)
                 for m in metadata]
        if metadata_header is not None:
            lines.insert(0, "\t".join(str(h) for h in metadata_header))
        with open(os.path.join(path, "metadata.tsv"), "w", encoding="utf-8") as f:
            f.write("".join(line + "\n" for line in lines))
        info.metadata_path = subdir + "/metadata.tsv"
    with open(os.path.join(path, "tensors.tsv"), "w", encoding="utf-8") as f:
        f.writelines("\t".join(str(v) for v in row) + "\n" for row in arr.tolist())
    config = ProjectorConfig(embeddings=[info])
    with open(os.path.join(logdir, "projector_config.pbtxt"), "a", encoding="utf-8") as f:
        f.write(text_format.MessageToString(config))
