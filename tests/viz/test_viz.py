"""tocha.viz: make_dot's boxes, colours and arrows, graph_text, and the error paths."""
import re
import subprocess
import sys

import pytest

import tocha
from tocha import viz
from tocha.viz import _dot, build_graph, graph_text, make_dot, make_dot_from_trace


def counts(dot):
    """(nodes, edges) declared in a Digraph's source (unique node ids, every edge line)."""
    nodes, edges = set(), 0
    for line in dot.body:
        line = line.strip()
        if "->" in line:
            edges += 1
        elif re.match(r"^\d+ \[", line):
            nodes.add(line.split()[0])
    return len(nodes), edges


def seed_graph():
    # the graph of seed 002: J = ((w * x) - y).pow(2).sum()
    w = tocha.ones(1, requires_grad=True)
    x = tocha.arange(0.0, 4.0)
    y = 2 * x
    return ((w * x) - y).pow(2).sum(), w


def test_seed_graph_boxes_and_arrows():
    J, w = seed_graph()
    dot = make_dot(J, params={"w": w})
    assert type(dot).__name__ == "Digraph"
    assert "digraph" in dot.source
    # out, Sum, Pow, Sub, Mul, AccumulateGrad, w  /  6 arrows in a chain
    assert counts(dot) == (7, 6)
    src = dot.source
    for name in ("SumBackward0", "PowBackward0", "SubBackward0", "MulBackward0",
                 "AccumulateGrad"):
        assert f"label={name}" in src
    assert re.search(rf'{id(w)} \[label="w\n \(1\)" fillcolor=lightblue\]', src)
    assert re.search(rf'{id(J)} \[label="\n \(\)" fillcolor=darkolivegreen1\]', src)
    # arrows point along the data flow: leaf -> AccumulateGrad -> MulBackward0 ... -> output
    assert f"{id(w)} -> " in src and f"-> {id(J)}" in src
    assert dot.node_attr["shape"] == "box" and dot.graph_attr["size"] == "12,12"
    assert hasattr(dot, "_repr_mimebundle_")        # Jupyter displays it


def test_shared_leaf_and_repeated_edges():
    w = tocha.ones(3, requires_grad=True)
    z = (w * w + w).sum()
    g = build_graph(z)
    # out, Sum, Add, Mul, AccumulateGrad (one per leaf), w
    assert len(g.nodes) == 6
    # Sum->out, Add->Sum, Mul->Add, Acc->Mul twice, w->Acc, Acc->Add
    assert len(g.edges) == 7
    assert counts(make_dot(z)) == (6, 7)


def test_two_params_names_and_sizes():
    a = tocha.randn(2, 3, requires_grad=True)
    b = tocha.randn(3, requires_grad=True)
    x = tocha.randn(4, 3)
    y = tocha.matmul(x, a.t()) + 1
    out = (y.sum() * b.sum())
    src = make_dot(out, params={"weight": a, "bias": b}).source
    assert 'label="weight\n (2, 3)"' in src
    assert 'label="bias\n (3)"' in src
    assert src.count("fillcolor=lightblue") == 2


def test_tuple_of_outputs_and_no_grad_output():
    a = tocha.randn(3, requires_grad=True)
    y1, y2 = a * 2, a.exp()
    g = build_graph((y1, y2))
    assert len(g.roots) == 2
    # y1, y2, Mul, Exp, Acc, a ; Mul->y1, Exp->y2, Acc->Mul, Acc->Exp, a->Acc
    assert (len(g.nodes), len(g.edges)) == (6, 5)
    lone = tocha.randn(2)
    assert (len(build_graph(lone).nodes), len(build_graph(lone).edges)) == (1, 0)


def test_view_base_is_dotted():
    a = tocha.randn(6, requires_grad=True)
    b = a * 1
    v = b.view(2, 3)
    src = make_dot(v).source
    assert "darkolivegreen3" in src
    assert "style=dotted" in src


def test_show_saved_and_attrs():
    a = tocha.randn(3, requires_grad=True)
    y = (a.exp() * a).sum()
    plain = make_dot(y).source
    assert "orange" not in plain
    saved = make_dot(y, show_saved=True).source
    assert "fillcolor=orange" in saved and "dir=none" in saved
    attrs = make_dot(y, show_attrs=True).source
    assert "[saved tensor]" in attrs
    # after backward the saved tensors are freed: drawing still works, without them
    y.backward()
    assert "orange" not in make_dot(y, show_saved=True).source


def test_max_attr_chars_truncates():
    a = tocha.randn(2, 3, requires_grad=True)
    y = a.sum(dim=(0, 1), keepdim=False)
    lab = build_graph(y, show_attrs=True, max_attr_chars=4).nodes[str(id(y.grad_fn))][0]
    rows = lab.split("\n")[2:]
    assert rows and all(len(r.split(": ", 1)[1]) <= 4 for r in rows)


class Square(tocha.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g


def test_custom_function_saved_tensors_always_drawn():
    a = tocha.randn(3, requires_grad=True)
    y = Square.apply(a)
    src = make_dot(y).source
    assert "SquareBackward" in src
    assert "fillcolor=orange" in src


def test_deep_graph_has_no_recursion_limit():
    a = tocha.randn(1, requires_grad=True)
    y = a
    for _ in range(3000):
        y = y + 1
    g = build_graph(y)
    assert len(g.nodes) == 3000 + 3          # output, 3000 Add nodes, AccumulateGrad, a
    assert len(g.edges) == 3000 + 2


def test_graph_text_tree():
    J, w = seed_graph()
    text = graph_text(J, {"w": w})
    lines = text.splitlines()
    assert lines[-1] == "7 nodes, 6 edges"
    assert lines[0] == "tensor () [output]"
    assert "w (1) [parameter]" in lines[-2]
    assert [ln.strip("└─│ ") for ln in lines[1:6]] == [
        "SumBackward0", "PowBackward0", "SubBackward0", "MulBackward0", "AccumulateGrad"]
    # indentation grows by 4 per level along the chain
    assert [len(ln) - len(ln.lstrip(" └─│├")) for ln in lines[:7]] == [0, 4, 8, 12, 16, 20, 24]


def test_graph_text_shared_nodes_printed_once():
    w = tocha.ones(3, requires_grad=True)
    z = (w * w + w).sum()
    text = graph_text(z, {"w": w})
    assert text.splitlines()[-1] == "6 nodes, 7 edges"
    assert text.count("w (3) [parameter]") == 1
    assert text.count("shown above") == 2
    assert "#1" in text


def test_errors():
    J, w = seed_graph()
    with pytest.raises(TypeError, match="params"):
        make_dot(J, params=[w])
    with pytest.raises(TypeError, match="not a tensor"):
        make_dot(J, params={"w": 3})
    with pytest.raises(TypeError, match="expected a tensor"):
        make_dot([1, 2])
    with pytest.raises(NotImplementedError, match="no JIT tracer"):
        make_dot_from_trace(None)


def test_render_without_dot_explains(monkeypatch, tmp_path):
    import graphviz  # in the test extras: a missing package fails the test
    J, w = seed_graph()
    dot = make_dot(J, params={"w": w})
    monkeypatch.setenv("PATH", str(tmp_path))         # no `dot` on this PATH
    with pytest.raises(graphviz.ExecutableNotFound, match="apt-get install graphviz"):
        dot.render(str(tmp_path / "g"))
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        dot.pipe(format="svg")
    # Jupyter's display falls back to the hint and the source
    bundle = dot._repr_mimebundle_()
    assert list(bundle) == ["text/plain"] and "apt-get install graphviz" in bundle["text/plain"]
    assert dot.source in bundle["text/plain"]


def test_missing_graphviz_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)
    monkeypatch.setattr(_dot, "_DIGRAPH", None)
    J, _ = seed_graph()
    with pytest.raises(ImportError, match="pip install graphviz"):
        make_dot(J)
    # graph_text needs no graphviz
    assert graph_text(J).endswith("7 nodes, 6 edges")


def test_import_is_lazy():
    code = ("import sys, tocha; import tocha.viz, tocha.vision; "
            "import tocha.vision.transforms, tocha.vision.datasets, tocha.vision.models; "
            "print('graphviz' in sys.modules, 'PIL' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]
    assert viz.make_dot is make_dot


def test_render_with_or_without_dot(tmp_path):
    import shutil
    J, w = seed_graph()
    dot = make_dot(J, params={"w": w})
    if shutil.which("dot"):
        out = dot.render(str(tmp_path / "g"), format="svg")
        with open(out) as fh:
            svg = fh.read()
        assert "<svg" in svg and "MulBackward0" in svg and "lightblue" in svg
    else:
        with pytest.raises(RuntimeError, match="apt-get install graphviz"):
            dot.render(str(tmp_path / "g"), format="svg")
