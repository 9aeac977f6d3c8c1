"""`python -m tocha run/--version`: scripts see torch as tocha and run like `python script.py`.

Every case runs in a subprocess: the alias hook must never be installed in the test process
(the oracle suite imports the real torch).
"""
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(args, cwd, **kw):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "tocha", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False, **kw)


def script(tmp_path, body, name="script.py"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def test_torch_and_submodules_are_tocha_modules(tmp_path):
    script(tmp_path, """
        import sys
        import torch
        import torch.autograd as ag
        import torch.nn as nn
        import torch.autograd.grad_mode
        from torch.autograd import Variable, Function
        from torch import autograd
        import tocha, tocha.autograd, tocha.nn, tocha.autograd.grad_mode
        assert torch is tocha and sys.modules["torch"] is tocha
        assert ag is tocha.autograd and autograd is tocha.autograd
        assert nn is tocha.nn and sys.modules["torch.nn"] is tocha.nn
        assert torch.autograd.grad_mode is tocha.autograd.grad_mode
        assert Variable is tocha.autograd.Variable and Function is tocha.autograd.Function
        x = torch.tensor([1., 2.], requires_grad=True)
        (x * x).sum().backward()
        print(x.grad.tolist())
    """)
    r = run(["run", "script.py"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "[2.0, 4.0]\n"


@pytest.mark.parametrize("alias,target", [("torchvision", "tocha.vision"),
                                          ("torchviz", "tocha.viz")])
def test_torchvision_and_torchviz_aliases(tmp_path, alias, target):
    script(tmp_path, f"""
        import importlib
        import {alias}
        assert {alias} is importlib.import_module("{target}")
        print({alias}.__name__)
    """)
    r = run(["run", "script.py"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == target + "\n"


def test_script_sees_argv_name_file_and_path(tmp_path):
    path = script(tmp_path, """
        import os, sys
        print(__name__)
        print(sys.argv)
        print(os.path.basename(__file__))
        print(sys.path[0] == os.path.dirname(os.path.abspath(__file__)))
        import helper  # a module beside the script imports, as with `python script.py`
        print(helper.VALUE)
    """)
    (tmp_path / "helper.py").write_text("VALUE = 41 + 1\n")
    r = run(["run", str(path), "a", "--b", "3"], tmp_path.parent)
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert out[0] == "__main__"
    assert out[1] == repr([str(path), "a", "--b", "3"])
    assert out[2:] == ["script.py", "True", "42"]


def test_exit_status_and_traceback_like_python(tmp_path):
    script(tmp_path, """
        def inner():
            raise ValueError("boom")
        inner()
    """)
    r = run(["run", "script.py"], tmp_path)
    plain = subprocess.run([sys.executable, "script.py"], cwd=tmp_path, capture_output=True,
                           text=True, check=False)
    assert r.returncode == plain.returncode == 1
    assert r.stderr == plain.stderr  # same frames: none of the runner's own
    assert "__main__.py" not in r.stderr and 'line 4, in <module>' in r.stderr


@pytest.mark.parametrize("code,status,err", [("sys.exit(3)", 3, ""), ("sys.exit()", 0, ""),
                                             ("sys.exit('bad input')", 1, "bad input\n")])
def test_sys_exit(tmp_path, code, status, err):
    script(tmp_path, f"import sys\nprint('before')\n{code}\nprint('after')\n")
    r = run(["run", "script.py"], tmp_path)
    assert (r.returncode, r.stdout, r.stderr) == (status, "before\n", err)


def test_missing_script_is_status_2(tmp_path):
    r = run(["run", "nope.py"], tmp_path)
    assert r.returncode == 2
    assert "can't open file" in r.stderr and "nope.py" in r.stderr


def test_unknown_torch_submodule_is_torchs_error(tmp_path):
    r = run(["run", "-c", "import torch.no_such_module"], tmp_path)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines()[-1] == (
        "ModuleNotFoundError: No module named 'torch.no_such_module'")


def test_dash_c_and_args(tmp_path):
    r = run(["run", "-c", "import sys, torch; print(torch.__name__, sys.argv, __name__)", "x"],
            tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "tocha ['-c', 'x'] __main__\n"


def test_dash_m_runs_a_module(tmp_path):
    (tmp_path / "mymod.py").write_text(
        "import sys, torch\nprint(__name__, torch.__name__, sys.argv[1:])\n")
    r = run(["run", "-m", "mymod", "q"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "__main__ tocha ['q']\n"


def test_classes_in_the_script_pickle_as_main(tmp_path):
    # DataLoader workers and torch.save pickle objects of classes the script defines
    script(tmp_path, """
        import pickle
        class Point:
            def __init__(self, x):
                self.x = x
        p = pickle.loads(pickle.dumps(Point(3)))
        print(type(p).__module__, p.x)
    """)
    r = run(["run", "script.py"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "__main__ 3\n"


def test_version_and_usage(tmp_path):
    r = run(["--version"], tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("tocha ")
    r = run([], tmp_path)
    assert r.returncode == 2 and "python -m tocha run" in r.stdout
    r = run(["frobnicate"], tmp_path)
    assert r.returncode == 2 and "unknown command" in r.stderr


def test_real_torch_is_never_imported(tmp_path):
    # even where PyTorch is installed, `import torch` must give tocha, not load torch's files
    code = ("import torch, sys; print(any('site-packages/torch' in "
            "str(getattr(m, '__file__', '')) for m in list(sys.modules.values())))")
    r = run(["run", "-c", code], tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "False\n"


def test_spawned_children_see_the_aliases_too(tmp_path):
    # spawn (macOS's default, and DataLoader(multiprocessing_context="spawn")) re-runs the
    # script in each child: there too `import torch` must give tocha
    script(tmp_path, """
        import multiprocessing as mp
        import torch

        class Box:
            def __init__(self, v):
                self.v = v

        def work(box):
            return torch.__name__, torch.tensor(box.v).sum().item(), __name__

        if __name__ == "__main__":
            with mp.get_context("spawn").Pool(1) as pool:
                print(pool.map(work, [Box([1.0, 2.0])]))
            print("main done")
    """)
    r = run(["run", "script.py"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "[('tocha', 3.0, '__mp_main__')]\nmain done\n"


def test_a_pytorch_training_script_runs_unchanged(tmp_path):
    script(tmp_path, """
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
        from torch.utils.data import DataLoader, TensorDataset
        from torch.optim import SGD

        torch.manual_seed(0)
        x = torch.linspace(-1, 1, 64).unsqueeze(1)
        y = 3 * x + 1
        loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)
        model = nn.Linear(1, 1)
        opt = SGD(model.parameters(), lr=0.1)
        first = None
        for epoch in range(30):
            for xb, yb in loader:
                opt.zero_grad()
                loss = F.mse_loss(model(xb), yb)
                loss.backward()
                opt.step()
                first = loss.item() if first is None else first
        print(type(model).__module__.split(".")[0], loss.item() < first / 100)
    """)
    r = run(["run", "script.py"], tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "tocha True\n"


def test_console_command_is_main_and_usage_names_notebooks(tmp_path):
    with open(os.path.join(ROOT, "pyproject.toml")) as fh:
        pyproject = fh.read()
    assert 'tocha = "tocha.__main__:main"' in pyproject  # `pip install .` gives `tocha`
    r = run(["--help"], tmp_path)
    assert r.returncode == 0 and "run notebook.ipynb" in r.stdout
    r = run(["--version"], tmp_path)
    from tocha._version import TORCH_API, VERSION
    assert r.stdout == f"tocha {VERSION} (PyTorch {TORCH_API} API) on NumPy\n"
