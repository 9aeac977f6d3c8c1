"""safetensors.torch on tocha: `python -m tocha run` maps the package's `import torch` to tocha.

Also the storage API it relies on (Tensor.untyped_storage, UntypedStorage.from_file,
frombuffer, view(dtype=...)).
"""
import subprocess
import sys
import textwrap

import numpy as np

import tocha

SCRIPT = textwrap.dedent('''
    import sys
    import torch
    from torch import nn
    from safetensors import safe_open
    from safetensors.torch import load, load_file, load_model, save, save_file, save_model
    d = sys.argv[1]
    x = {"f32": torch.arange(6.0).reshape(2, 3), "i64": torch.arange(3),
         "f16": torch.ones(2, dtype=torch.float16), "b": torch.tensor([True, False]),
         "u8": torch.tensor([1, 255], dtype=torch.uint8), "e": torch.empty(0, 2),
         "s": torch.tensor(3.5), "i8": torch.tensor([-3], dtype=torch.int8)}
    save_file(x, d + "/t.safetensors", metadata={"k": "v"})
    y = load_file(d + "/t.safetensors")
    assert all(torch.equal(x[k], y[k]) and x[k].dtype == y[k].dtype for k in x), y
    assert torch.equal(load(save(x))["f32"], x["f32"])
    with safe_open(d + "/t.safetensors", framework="pt") as f:
        assert f.metadata() == {"k": "v"} and f.get_slice("f32")[1:, :2].tolist() == [[3, 4]]
    torch.manual_seed(0)
    m = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    save_model(m, d + "/m.safetensors")
    m2 = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    missing, unexpected = load_model(m2, d + "/m.safetensors")
    assert not missing and not unexpected
    assert all(torch.equal(a, b) for a, b in zip(m.state_dict().values(),
                                                 m2.state_dict().values()))
    if len(sys.argv) > 2:  # a file PyTorch wrote: load it, write it back
        z = load_file(sys.argv[2])
        save_file({k: v * 2 for k, v in z.items()}, d + "/back.safetensors")
    print("ok", type(y["f32"]).__module__)
''')


def run_on_tocha(tmp_path, *args):
    script = tmp_path / "st.py"
    script.write_text(SCRIPT)
    res = subprocess.run([sys.executable, "-m", "tocha", "run", str(script), str(tmp_path),
                          *map(str, args)], check=False, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_safetensors_torch_api_on_tocha(tmp_path):
    assert run_on_tocha(tmp_path).split() == ["ok", "tocha._tensor"]


def test_untyped_storage_shares_memory(tmp_path):
    t = tocha.arange(12, dtype=tocha.int32).reshape(3, 4)
    row = t[1]
    s = row.untyped_storage()
    assert s.nbytes() == 48 and s.data_ptr() == t.data_ptr() == t.untyped_storage().data_ptr()
    assert row.data_ptr() == s.data_ptr() + 16
    path = tmp_path / "raw.bin"
    path.write_bytes(np.arange(8, dtype=np.float32).tobytes())
    st = tocha.UntypedStorage.from_file(str(path), shared=False, nbytes=32)
    v = tocha.asarray(st[8:], dtype=tocha.uint8).view(dtype=tocha.float32)
    assert v.tolist() == [2, 3, 4, 5, 6, 7]
    assert tocha.frombuffer(bytearray(b"\x01\x00\x02\x00"), dtype=tocha.int16).tolist() == [1, 2]


def test_storage_docstring_examples_run():
    import doctest

    from tocha import _storage
    res = doctest.testmod(_storage, optionflags=doctest.ELLIPSIS)
    assert res.attempted >= 2 and res.failed == 0
