"""The one place tocha's version is written (pyproject.toml reads VERSION from here)."""
VERSION = "0.1.0"  # tocha's own release
TORCH_API = "2.13.0"  # the PyTorch release whose API tocha follows
TORCHVISION_API = "0.28.0"  # torchvision's release of the same date
# scripts compare torch.__version__ with PyTorch's; the local label says it is tocha
__version__ = f"{TORCH_API}+tocha{VERSION}"
