"""PyTorch's ``torch.utils.data._utils`` paths, for code that imports them directly."""
from . import collate, worker  # noqa: F401
