"""``torch.hub`` for pretrained weights, offline: PyTorch's cache is read, nothing is fetched.

``load_state_dict_from_url(url)`` looks for the file where PyTorch would have downloaded it
(``get_dir()/checkpoints/<file name from the URL>``, with ``get_dir()`` =
``$TORCH_HOME/hub``, ``$TORCH_HOME`` defaulting to ``$XDG_CACHE_HOME/torch`` or
``~/.cache/torch``), so weights that PyTorch or torchvision already downloaded load as they are.
When the file is missing, the error names the file, the folder to put it in and the URL to
fetch it from. tocha never opens a network connection.
"""
from __future__ import annotations

import hashlib
import os
import re
import zipfile
from typing import Any
from urllib.parse import urlparse

__all__ = ["download_url_to_file", "get_dir", "help", "list", "load",
           "load_state_dict_from_url", "set_dir"]

HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
ENV_TORCH_HOME = "TORCH_HOME"
ENV_XDG_CACHE_HOME = "XDG_CACHE_HOME"
DEFAULT_CACHE_DIR = "~/.cache"
_hub_dir: str | None = None
_hash_ok: dict[tuple[str, int, int, str], bool] = {}


def _get_torch_home() -> str:
    return os.path.expanduser(os.getenv(
        ENV_TORCH_HOME, os.path.join(os.getenv(ENV_XDG_CACHE_HOME, DEFAULT_CACHE_DIR), "torch")))


def get_dir() -> str:
    """The hub folder: ``set_dir``'s value, else ``$TORCH_HOME/hub`` (as PyTorch)."""
    if _hub_dir is not None:
        return _hub_dir
    return os.path.join(_get_torch_home(), "hub")


def set_dir(d: str | os.PathLike) -> None:
    """Use folder ``d`` (``~`` expanded) as the hub folder from now on."""
    global _hub_dir
    _hub_dir = os.path.expanduser(os.fspath(d))


def _offline_message(url: str, dst: str) -> str:
    return (f"tocha cannot download {url!r}: tocha never uses the network. Download it by "
            f"hand (or with PyTorch) and put it at\n    {dst}\n"
            f"(folder {os.path.dirname(dst) or '.'!r}; set $TORCH_HOME or "
            "tocha.hub.set_dir() to use another cache folder), then run this again.")


def download_url_to_file(url: str, dst: str, hash_prefix: str | None = None,
                         progress: bool = True) -> None:
    """Raises ``RuntimeError``: tocha does not download. The message says where the file from
    ``url`` must be put (``dst``) for the code that asked for it to work."""
    raise RuntimeError(_offline_message(url, os.fspath(dst)))


def _check_hash(path: str, hash_prefix: str) -> None:
    st = os.stat(path)
    key = (path, st.st_mtime_ns, st.st_size, hash_prefix)
    if key in _hash_ok:
        return
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    digest = h.hexdigest()
    if not digest.startswith(hash_prefix):
        raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest}") '
                           f"for {path}: the file is damaged or not the one published at "
                           "that URL; delete it and download it again")
    _hash_ok[key] = True


def load_state_dict_from_url(url: str, model_dir: str | None = None, map_location: Any = None,
                             progress: bool = True, check_hash: bool = False,
                             file_name: str | None = None,
                             weights_only: bool = False) -> dict[str, Any]:
    """Load the checkpoint published at ``url`` from PyTorch's download cache.

    Args:
        url: where PyTorch would download the file from; its last path part is the file name.
        model_dir: the cache folder (default ``get_dir()/checkpoints``).
        map_location: as in ``tocha.load``.
        progress: accepted, unused (nothing is downloaded).
        check_hash: the file name's ``-<hex>.`` part must start the file's SHA-256.
        file_name: use this name instead of the URL's.
        weights_only: as in ``tocha.load`` (False by default, as PyTorch).

    Example::

        >>> import tocha
        >>> tocha.hub.load_state_dict_from_url(
        ...     "https://example.org/w/net-0123abcd.pth", model_dir="/nonexistent/cache")
        Traceback (most recent call last):
          ...
        RuntimeError: tocha cannot download 'https://example.org/w/net-0123abcd.pth': ...

    Differs from PyTorch: nothing is downloaded (a missing file is an error that says where
    to put it), and with ``check_hash`` the hash is checked on the cached file each time it
    is loaded (PyTorch checks it once, when it downloads).
    """
    from .serialization import load
    if model_dir is None:
        model_dir = os.path.join(get_dir(), "checkpoints")
    filename = file_name if file_name is not None else os.path.basename(urlparse(url).path)
    cached = os.path.join(model_dir, filename)
    if not os.path.exists(cached):
        raise RuntimeError(_offline_message(url, cached))
    if check_hash:
        r = HASH_REGEX.search(filename)
        if r and r.group(1):
            _check_hash(cached, r.group(1))
    if _is_legacy_zip_format(cached):
        cached = _legacy_zip_member(cached, model_dir)
    return load(cached, map_location=map_location, weights_only=weights_only)


def _is_legacy_zip_format(filename: str) -> bool:
    """A zip holding one file that is not itself a checkpoint (torch.hub's old packaging)."""
    if not zipfile.is_zipfile(filename):
        return False
    with zipfile.ZipFile(filename) as z:
        names = z.namelist()
    return not any(n.endswith("data.pkl") for n in names)


def _legacy_zip_member(filename: str, model_dir: str) -> str:
    with zipfile.ZipFile(filename) as z:
        members = [i for i in z.infolist() if not i.is_dir()]
        if len(members) != 1:
            raise RuntimeError(f"{filename}: only one file (not dir) is allowed in the zipfile")
        name = os.path.basename(members[0].filename)
        if not name or name in (".", ".."):
            raise RuntimeError(f"{filename}: bad member name {members[0].filename!r}")
        out = os.path.join(model_dir, name)
        if not os.path.exists(out):
            with z.open(members[0]) as src, open(out, "wb") as dst:
                dst.writelines(iter(lambda: src.read(1 << 20), b""))
    return out


def _no_github(what: str) -> RuntimeError:
    return RuntimeError(f"tocha.hub.{what} needs GitHub (it downloads a repository's hubconf.py)"
                        "; tocha never uses the network. Build the model with its own code "
                        "and load its weights with tocha.hub.load_state_dict_from_url or "
                        "tocha.load.")


def load(repo_or_dir: str, model: str, *args: Any, source: str = "github",
         trust_repo: Any = None, force_reload: bool = False, verbose: bool = True,
         skip_validation: bool = False, **kwargs: Any) -> Any:
    """Only ``source='local'``: run ``model`` from ``repo_or_dir/hubconf.py`` (trusted code)."""
    if source != "local":
        raise _no_github("load")
    import importlib.util
    import sys
    path = os.path.join(repo_or_dir, "hubconf.py")
    spec = importlib.util.spec_from_file_location("hubconf", path)
    if spec is None or spec.loader is None or not os.path.exists(path):
        raise FileNotFoundError(f"no hubconf.py in {repo_or_dir!r}")
    sys.path.insert(0, repo_or_dir)
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(repo_or_dir)
    entry = getattr(module, model, None)
    if not callable(entry):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")  # noqa: TRY004
    return entry(*args, **kwargs)


def list(github: str, force_reload: bool = False, skip_validation: bool = False,
         trust_repo: Any = None, verbose: bool = True) -> Any:
    """Raises: listing a GitHub repository's entry points needs the network."""
    raise _no_github("list")


def help(github: str, model: str, force_reload: bool = False, skip_validation: bool = False,
         trust_repo: Any = None) -> Any:
    """Raises: reading a GitHub repository's docstrings needs the network."""
    raise _no_github("help")
