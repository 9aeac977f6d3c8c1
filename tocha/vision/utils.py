"""torchvision.utils: make_grid and save_image (Pillow writes the file)."""
from __future__ import annotations

import math

import tocha
from tocha import Tensor


def make_grid(tensor, nrow: int = 8, padding: int = 2, normalize: bool = False,
              value_range: tuple[float, float] | None = None, scale_each: bool = False,
              pad_value: float = 0.0) -> Tensor:
    """Tile images (B, C, H, W) (or a list of (C, H, W)) into one (3 or C, H', W') grid,
    `nrow` images per row with `padding` pixels of `pad_value` between them."""
    if isinstance(tensor, (list, tuple)):
        tensor = tocha.stack(list(tensor), dim=0)
    if not isinstance(tensor, Tensor):
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    with tocha.no_grad():
        if tensor.dim() == 2:
            tensor = tensor.unsqueeze(0)
        if tensor.dim() == 3:
            if tensor.size(0) == 1:
                tensor = tocha.cat((tensor, tensor, tensor), 0)
            tensor = tensor.unsqueeze(0)
        if tensor.dim() == 4 and tensor.size(1) == 1:
            tensor = tocha.cat((tensor, tensor, tensor), 1)
        if tensor.dim() != 4:
            raise ValueError(f"make_grid: expected images (B, C, H, W), got shape "
                             f"{tuple(tensor.shape)}")
        if normalize:
            tensor = tensor.clone()
            if value_range is not None and not isinstance(value_range, tuple):
                raise TypeError("value_range has to be a tuple (min, max) if specified. min "
                                "and max are numbers")

            def norm(t: Tensor) -> None:
                low, high = value_range if value_range is not None else (
                    float(t.min()), float(t.max()))
                t.clamp_(min=low, max=high)
                t.sub_(low).div_(max(high - low, 1e-5))
            if scale_each:
                for t in tensor:
                    norm(t)
            else:
                norm(tensor)
        if tensor.size(0) == 1:
            return tensor.squeeze(0)
        nmaps = tensor.size(0)
        xmaps = min(nrow, nmaps)
        ymaps = math.ceil(float(nmaps) / xmaps)
        height, width = int(tensor.size(2) + padding), int(tensor.size(3) + padding)
        grid = tensor.new_full((tensor.size(1), height * ymaps + padding,
                                width * xmaps + padding), pad_value)
        k = 0
        for y in range(ymaps):
            for x in range(xmaps):
                if k >= nmaps:
                    break
                top, left = y * height + padding, x * width + padding
                grid[:, top:top + height - padding, left:left + width - padding] = tensor[k]
                k += 1
    return grid


def save_image(tensor, fp, format: str | None = None, **kwargs) -> None:
    """make_grid(tensor, **kwargs), scaled from [0, 1] to uint8 and written by Pillow."""
    from PIL import Image
    grid = make_grid(tensor, **kwargs)
    with tocha.no_grad():
        arr = grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to(tocha.uint8).numpy()
    im = Image.fromarray(arr.squeeze(-1) if arr.shape[-1] == 1 else arr)
    im.save(fp, format=format)


def draw_bounding_boxes(*args, **kwargs):
    raise NotImplementedError("draw_bounding_boxes is not implemented in tocha.vision")
