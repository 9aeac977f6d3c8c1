"""Notebooks: `python -m tocha run notebook.ipynb` runs the code cells as one script, and
`%load_ext tocha` in a real Jupyter kernel (nbclient + ipykernel) makes `import torch` tocha."""
import json
import os
import subprocess
import sys

import nbformat
from nbclient import NotebookClient

from tocha._notebook import translate

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def notebook(path, *cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# a tutorial")]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, str(path))
    return path


def run(args, cwd):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "tocha", "run", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_run_notebook_cells_in_order_with_magics(tmp_path):
    notebook(tmp_path / "nb.ipynb",
             "%load_ext tocha\n%matplotlib inline\n!pip install torch\nimport torch\n"
             "x = torch.tensor([1., 2.], requires_grad=True)\nx * 2",
             "%%time\n(x ** 2).sum().backward()\nx.grad",
             "for i in range(2):\n    !echo shell\n    print(i)\nprint(torch.__name__);",
             "%time s = x.sum()\ns.item()",
             "None",
             "display(torch.ones(1), 'text')",
             "import sys\nprint(sys.argv[1:])")
    r = run(["nb.ipynb", "--flag"], tmp_path)
    assert r.returncode == 0, r.stderr
    # hand-computed: 2x = [2, 4]; d sum(x^2)/dx = 2x = [2, 4]; sum = 3
    assert r.stdout.splitlines() == [
        "tensor([2., 4.], grad_fn=<MulBackward0>)", "tensor([2., 4.])", "0", "1", "tocha",
        "3.0", "tensor([1.])", "'text'", "['--flag']"]
    notes = r.stderr.splitlines()
    assert any("code cell 1" in n and "%load_ext tocha" in n for n in notes)
    assert any("shell command skipped: !pip install torch" in n for n in notes)
    assert any("code cell 3" in n and "!echo shell" in n for n in notes)
    assert any("%%time" in n for n in notes) and any("%time s = x.sum()" in n for n in notes)


def test_writefile_and_unknown_cell_magic(tmp_path):
    notebook(tmp_path / "nb.ipynb", "%%writefile helper.py\nVALUE = 7", "%%bash\necho no",
             "import helper\nprint(helper.VALUE * 6)")
    r = run(["nb.ipynb"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["Writing helper.py", "42"]
    assert "%%bash" in r.stderr and "cell skipped" in r.stderr


def test_error_reports_the_cell_and_line(tmp_path):
    notebook(tmp_path / "nb.ipynb", "print('before')", "a = 1\nb = a / 0", "print('never')")
    r = run(["nb.ipynb"], tmp_path)
    assert r.returncode == 1
    assert r.stdout == "before\n"
    assert 'File "<nb.ipynb code cell 2>", line 2' in r.stderr and "b = a / 0" in r.stderr
    assert r.stderr.rstrip().endswith("ZeroDivisionError: division by zero")
    assert "_notebook.py" not in r.stderr and "__main__.py" not in r.stderr


def test_not_a_notebook(tmp_path):
    (tmp_path / "bad.ipynb").write_text(json.dumps({"hello": 1}))
    r = run(["bad.ipynb"], tmp_path)
    assert r.returncode == 2 and "not a Jupyter notebook" in r.stderr


def test_spawned_workers_see_the_notebooks_classes(tmp_path):
    notebook(tmp_path / "nb.ipynb",
             "import torch\nfrom torch.utils.data import Dataset, DataLoader",
             "class Squares(Dataset):\n    def __len__(self):\n        return 4\n"
             "    def __getitem__(self, i):\n        return torch.tensor([float(i * i)])",
             "print('training runs once')",
             "loader = DataLoader(Squares(), batch_size=2, num_workers=2,\n"
             "                    multiprocessing_context='spawn')\n"
             "print([b.flatten().tolist() for b in loader])")
    r = run(["nb.ipynb"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["training runs once", "[[0.0, 1.0], [4.0, 9.0]]"]


def test_plain_python_cells_are_untouched():
    cell = 's = """\n!not a shell line\n%not a magic\n"""\nprint(s)'
    assert translate(cell, "x") == cell


def test_load_ext_in_a_real_jupyter_kernel(tmp_path, monkeypatch):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in (
        "%load_ext tocha",
        ("import torch, torchvision, torchviz, tocha\nimport torch.nn as nn\n"
        "print(torch is tocha, nn is tocha.nn, torchvision is tocha.vision,"
        " torchviz is tocha.viz)"),
        "x = torch.tensor([3.0], requires_grad=True)\n(x ** 2).sum().backward()\nx.grad",
    )]
    kernel = _kernelspec(tmp_path)
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    NotebookClient(nb, timeout=60, kernel_name=kernel, resources={
        "metadata": {"path": str(tmp_path)}}).execute()
    printed = nb.cells[1].outputs[0]
    assert printed["output_type"] == "stream" and printed["text"] == "True True True True\n"
    shown = nb.cells[2].outputs[0]  # hand-computed: d(x^2)/dx at 3 = 6
    assert shown["output_type"] == "execute_result"
    assert shown["data"]["text/plain"] == "tensor([6.])"


def _kernelspec(tmp_path) -> str:
    """A kernelspec for this very interpreter (a machine-wide `python3` may be another)."""
    spec = tmp_path / "jupyter" / "kernels" / "tocha-test"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "tocha test", "language": "python",
        "env": {"PYTHONPATH": ROOT}}))
    return "tocha-test"


def test_install_as_torch_in_plain_python(tmp_path):
    code = ("import sys, tocha\n"
            "tocha.install_as_torch()\n"
            "import torch, torch.optim\n"
            "assert torch is tocha and torch.optim is tocha.optim\n"
            "tocha.uninstall_as_torch()\n"
            "assert 'torch' not in sys.modules and 'torch.optim' not in sys.modules\n"
            "assert not any(type(f).__name__ == 'AliasFinder' for f in sys.meta_path)\n"
            "print('ok')\n")
    env = dict(os.environ, PYTHONPATH=ROOT)
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                       text=True, timeout=60, check=False)
    assert r.returncode == 0 and r.stdout == "ok\n", r.stderr
