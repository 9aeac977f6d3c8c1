"""tools/run_collection.py: runs a folder of scripts under `python -m tocha run`."""
import importlib.util
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location(
    "run_collection", os.path.join(ROOT, "tools", "run_collection.py"))
rc = importlib.util.module_from_spec(_spec)
sys.modules["run_collection"] = rc  # dataclasses look the module up
_spec.loader.exec_module(rc)


def test_first_error_takes_the_exception_line():
    out = ("loading\nTraceback (most recent call last):\n  File \"x.py\", line 3, in <module>\n"
           "    f()\nValueError: bad thing\n")
    assert rc.first_error(out) == "ValueError: bad thing"
    dotted = "Traceback (most recent call last):\n  File ...\n_pickle.UnpicklingError: no\n"
    assert rc.first_error(dotted) == "_pickle.UnpicklingError: no"
    assert rc.first_error("just text\nlast line\n\n") == "last line"
    assert rc.first_error("") == ""


def test_collection_runs_each_script_in_its_folder(tmp_path, capsys):
    sub = tmp_path / "part" / "one"
    sub.mkdir(parents=True)
    (sub / "data.txt").write_text("3")
    # runs: reads a file next to it (cwd is its folder) and uses torch, mapped to tocha
    (sub / "main.py").write_text(
        "import torch\nn = int(open('data.txt').read())\n"
        "assert torch.ones(n).sum().item() == 3.0\nprint(type(torch.ones(1)).__module__)\n")
    (tmp_path / "broken.py").write_text("import torch\ntorch.zeros(2, 2).dot(torch.zeros(2, 2))\n")
    (tmp_path / "helper_utils.py").write_text("raise SystemExit(3)\n")
    assert rc.find_scripts(str(tmp_path), [], ["*_utils.py"]) == [
        "broken.py", os.path.join("part", "one", "main.py")]
    status = rc.main([str(tmp_path), "--exclude", "*_utils.py", "--timeout", "120",
                      "--python", sys.executable])
    out = capsys.readouterr().out
    assert status == 1
    lines = {ln.split()[0]: ln for ln in out.splitlines() if ln.endswith(".py") or ".py " in ln}
    assert " runs " in lines[os.path.join("part", "one", "main.py")]
    assert " fails " in lines["broken.py"] and "RuntimeError: " in lines["broken.py"]
    assert "1 of 2 scripts run" in out


def test_timeout_and_markdown(tmp_path, capsys):
    (tmp_path / "slow.py").write_text("import time\ntime.sleep(30)\n")
    assert rc.main([str(tmp_path), "--timeout", "3", "--markdown"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("| script | result | s | first error |")
    assert "| slow.py | timeout |" in out and "no end within 3 s" in out
