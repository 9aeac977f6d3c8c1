"""DataPipes: composable iterable-style (`iter`) and map-style (`map`) datasets."""
from . import _typing, iter, map  # noqa: F401 (_typing: as torch.utils.data.datapipes._typing)
from .datapipe import DataChunk, DFIterDataPipe, IterDataPipe, MapDataPipe

__all__ = ["DFIterDataPipe", "DataChunk", "IterDataPipe", "MapDataPipe", "iter", "map"]
