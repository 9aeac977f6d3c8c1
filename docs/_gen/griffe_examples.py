"""Griffe extension for the API pages: a docstring's `Example:` section is read as Google
style's `Examples:` (so `>>>` lines render as code, not as Markdown that could hold links).

help() shows docstrings as written; only the site's parser needs the plural spelling.
"""
from __future__ import annotations

import re

from griffe import Extension

_SINGULAR = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)


class ExampleSections(Extension):
    """Rename `Example:` section titles to `Examples:` in every loaded docstring."""

    def on_instance(self, *, obj, **kwargs) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _SINGULAR.sub(r"\1Examples:", obj.docstring.value)
