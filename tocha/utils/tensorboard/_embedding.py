"""The files TensorBoard's Projector reads: tensors.tsv, metadata.tsv, projector_config.pbtxt."""
from __future__ import annotations

import os

import numpy as np

from ._summary import make_np

__all__ = ["write_embedding"]


def _sprite(label_img, path: str) -> None:
    # the thumbnails on a square grid (Pillow writes the PNG)
    from PIL import Image

    from ._summary import _grid
    imgs = make_np(label_img)
    side = int(np.ceil(imgs.shape[0] ** 0.5))
    grid = _grid(imgs, ncols=side).transpose(1, 2, 0)
    side = max(grid.shape[:2])      # PyTorch uses the width (and fails on tall grids)
    square = np.zeros((side, side, 3))
    square[:grid.shape[0], :grid.shape[1]] = grid
    Image.fromarray(np.uint8((square * 255).clip(0, 255))).save(
        os.path.join(path, "sprite.png"))


def write_embedding(logdir: str, mat, metadata, label_img, global_step, tag: str,
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
    if label_img is not None:
        if len(label_img) != arr.shape[0]:
            raise ValueError(f"add_embedding: {len(label_img)} images for {arr.shape[0]} rows")
        _sprite(label_img, path)
        info.sprite.image_path = subdir + "/sprite.png"
        info.sprite.single_image_dim.extend([label_img.shape[3], label_img.shape[2]])
    with open(os.path.join(path, "tensors.tsv"), "w", encoding="utf-8") as f:
        f.writelines("\t".join(str(v) for v in row) + "\n" for row in arr.tolist())
    config = ProjectorConfig(embeddings=[info])
    with open(os.path.join(logdir, "projector_config.pbtxt"), "a", encoding="utf-8") as f:
        f.write(text_format.MessageToString(config))
