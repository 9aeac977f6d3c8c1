"""DataPipes: composable iterable-style (`iter`) and map-style (`map`) datasets."""
from . import iter, map
from .datapipe import DataChunk, DFIterDataPipe, IterDataPipe, MapDataPipe

__all__ = ["DFIterDataPipe", "DataChunk", "IterDataPipe", "MapDataPipe", "iter", "map"]
