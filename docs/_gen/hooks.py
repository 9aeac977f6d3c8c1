"""MkDocs hooks (mkdocs.yml `hooks:`): the seed tutorial pages, and pages other work adds.

- The seed tutorials' pages are written by seed_pages.py (run by `make docs`) into
  build/seed-pages; this hook adds them to the site under tutorials/ with an index page. When
  they are missing (no acceptance kit, or the script not run) the index page says so and the
  strict build still passes.
- Pages in OPTIONAL may be absent from a checkout that predates them: their nav entries are
  dropped with a note instead of failing the strict build.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.tocha")
OPTIONAL = {"distributed.md", "performance.md"}
TUTORIALS = "Seed tutorials"


def _pages_dir(config) -> Path:
    root = Path(config.config_file_path).parent
    return root / os.environ.get("TOCHA_SEED_PAGES", "build/seed-pages")


def _seed_pages(config) -> list[Path]:
    return sorted(_pages_dir(config).glob("*.md"))


def _prune(nav, docs: Path):
    out = []
    for item in nav:
        if isinstance(item, dict):
            (title, value), = item.items()
            if isinstance(value, list):
                out.append({title: _prune(value, docs)})
            elif value in OPTIONAL and not (docs / value).exists():
                log.info("page %s is not in this checkout: left out of the nav", value)
            else:
                out.append(item)
        else:
            out.append(item)
    return out


def on_config(config):
    docs = Path(config.docs_dir)
    nav = _prune(config.nav or [], docs)
    entries = ["tutorials/index.md"]
    entries += [f"tutorials/{p.name}" for p in _seed_pages(config)]
    config.nav = [{TUTORIALS: entries} if isinstance(i, dict) and TUTORIALS in i else i
                  for i in nav]
    return config


def _index(pages: list[Path]) -> str:
    lines = ["# The seed tutorials", "",
             ("tocha was built on five PyTorch tutorials written for Portuguese- and "
             "Spanish-speaking learners (Jupyter notebooks and a blog post). Each page shows a "
             "tutorial's code as the acceptance kit transcribes it and what it printed and drew "
             "when run under tocha while this site was built."), ""]
    if pages:
        for p in pages:
            title = p.read_text(encoding="utf-8").splitlines()[0].lstrip("# ")
            lines.append(f"- [{title}]({p.name})")
    else:
        lines += ["!!! note \"Not built here\"",
                  ("    The tutorials' scripts are an acceptance kit kept outside this "
                  "repository, so this build could not run them. With the kit present, "
                  "`make docs SHARED=DIR` runs them and fills these pages (CI does).")]
    return "\n".join(lines) + "\n"


def on_files(files, config):
    from mkdocs.structure.files import File  # here: the tests import this module without MkDocs
    pages = _seed_pages(config)
    files.append(File.generated(config, "tutorials/index.md", content=_index(pages)))
    base = _pages_dir(config)
    for path in sorted(base.rglob("*")):
        if path.is_file() and path.suffix in (".md", ".png") and ".work" not in path.parts:
            rel = path.relative_to(base).as_posix()
            files.append(File.generated(config, f"tutorials/{rel}", abs_src_path=str(path)))
    return files
