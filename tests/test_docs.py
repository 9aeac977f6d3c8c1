"""The documentation stays true and self-contained: the getting-started code runs and prints
what its comments say, every object the API pages name exists, every page the site's nav
lists is there, and nothing a cloner reads points outside the repository.

(`make docs` builds the site itself in strict mode; this is the quick part, NumPy only.)
"""
import contextlib
import importlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GETTING_STARTED = sorted(DOCS.glob("getting-started*.md"))
# pages other work adds; the site's hook leaves them out of the nav while they are missing
OPTIONAL = {"distributed.md", "performance.md"}


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.DOTALL)


@pytest.mark.parametrize("page", GETTING_STARTED, ids=lambda p: p.name)
def test_getting_started_code_runs_and_prints_what_it_says(page):
    namespace = {"__name__": "docs"}
    checked = 0
    for block in python_blocks(page):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, str(page), "exec"), namespace)  # noqa: S102
        for claim in re.findall(r"# (tensor\([^#]*?\))(?:[ ,=]|$)", block, re.MULTILINE):
            assert claim in out.getvalue(), (page.name, claim, out.getvalue())
            checked += 1
    assert checked >= 2  # the rand values and the gradient
    weight, bias = namespace["model"].weight.item(), namespace["model"].bias.item()
    assert abs(weight - 3) < 0.1 and abs(bias - 0.5) < 0.1  # "close to 3 and 0.5"


def test_three_languages():
    assert [p.name for p in GETTING_STARTED] == [
        "getting-started-es.md", "getting-started-pt.md", "getting-started.md"]


def resolve(dotted: str):
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


API_NAMES = sorted({m for p in (DOCS / "api").glob("*.md")
                    for m in re.findall(r"^::: ([\w.]+)", p.read_text(), re.MULTILINE)})


@pytest.mark.parametrize("name", API_NAMES)
def test_api_page_names_exist_and_have_docstrings(name):
    assert (resolve(name).__doc__ or "").strip(), name


def test_api_reference_is_large_enough():
    assert len(API_NAMES) >= 100


def test_nav_pages_exist():
    nav = (ROOT / "mkdocs.yml").read_text().split("\nnav:\n", 1)[1]
    pages = re.findall(r":\s+(\S+\.md)\s*$", nav, re.MULTILINE)
    assert len(pages) >= 20
    missing = [p for p in pages if not (DOCS / p).exists() and p not in OPTIONAL]
    assert not missing, missing


def test_markdown_links_resolve():
    for page in [ROOT / "README.md", *DOCS.rglob("*.md")]:
        for link in re.findall(r"\]\(([^)#:\s]+)\)", page.read_text(encoding="utf-8")):
            if link.startswith("tutorials/") or "/tutorials/" in link:
                continue  # made at build time by docs/_gen/hooks.py
            assert (page.parent / link).exists(), (page.relative_to(ROOT), link)


def test_nothing_points_outside_the_repository():
    """No path of one machine anywhere; no link to the acceptance kit in what people read."""
    texts = [ROOT / "README.md", ROOT / "Makefile", ROOT / "pyproject.toml",
             ROOT / "mkdocs.yml", *DOCS.rglob("*.md"), *(ROOT / "examples").glob("*.py"),
             *(ROOT / "tocha").rglob("*.py"), *(ROOT / "tests").rglob("*.py"),
             *(ROOT / "tools").rglob("*.py"), *(DOCS / "_gen").rglob("*.py")]
    # the first root is spelled in two pieces so that this file does not name it either
    machine = re.compile("/" + "wo" + r"rk/|/home/\w+|/Users/\w+|C:\\\\Users")
    bad = [str(p.relative_to(ROOT)) for p in texts if machine.search(p.read_text(encoding="utf-8"))]
    assert not bad, bad
    readable = [ROOT / "README.md", *DOCS.rglob("*.md")]
    assert not [p.name for p in readable if "../shared" in p.read_text(encoding="utf-8")]


def _gen(name: str):
    import importlib.util
    spec = importlib.util.spec_from_file_location(name, DOCS / "_gen" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_seed_pages_without_the_acceptance_kit(tmp_path):
    seed_pages = _gen("seed_pages")
    assert seed_pages.main(["--shared", str(tmp_path / "absent"), "--out",
                            str(tmp_path / "pages")]) == 0
    assert list((tmp_path / "pages").iterdir()) == []
    text = _gen("hooks")._index([])
    assert "Not built here" in text and "make docs SHARED=DIR" in text


def test_seed_page_shows_tocha_output_figures_and_graphs(tmp_path):
    kit = tmp_path / "kit" / "acceptance" / "seeds"
    kit.mkdir(parents=True)
    (kit / "seed_009_demo.py").write_text(
        '# Runnable transcription of seed 009 ("A tiny tutorial").\n'
        "import matplotlib.pyplot as plt\n"
        "import torch\n"
        "from torchviz import make_dot\n"
        "w = torch.ones(1, requires_grad=True)\n"
        "print(torch.__name__, (w * 3).sum().item())\n"
        "make_dot((w * 3).sum(), params={'w': w})\n"
        "plt.plot([1, 2, 3])\n"
        "plt.show()\n")
    out = tmp_path / "pages"
    assert _gen("seed_pages").main(["--shared", str(tmp_path / "kit"), "--out", str(out)]) == 0
    page = (out / "009-demo.md").read_text()
    assert page.startswith("# A tiny tutorial\n")
    assert "```text\ntocha 3.0\n```" in page  # run under tocha: `import torch` is tocha
    assert "![figure 1](009-demo/fig-1.png)" in page
    assert (out / "009-demo" / "fig-1.png").read_bytes().startswith(b"\x89PNG")
    assert "graph 1" in page.lower() and list((out / "009-demo").glob("graph-1.*"))
