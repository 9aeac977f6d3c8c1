"""`torch.nn.parallel`: DistributedDataParallel (MPI ranks) and DataParallel (runs the module
in this process: tocha has no GPUs)."""
from .data_parallel import DataParallel
from .distributed import DistributedDataParallel

__all__ = ["DataParallel", "DistributedDataParallel"]
