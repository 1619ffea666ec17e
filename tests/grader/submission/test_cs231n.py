"""A CS231n assignment-2 folder is graded as it is, with CS231n's own imports and packaging."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import assignments
from grader.executor import Layout
from grader.grading import grade
from grader.result import Status
from grader.submission import SubmissionKind, load_submission
from grader.submission.cs231n import find_package
from tests.conftest import REFERENCE

COURSE = assignments.COURSE
SANDWICH = ("affine_relu_forward", "affine_relu_backward")


def _without(source: str, drop: set[str]) -> str:
    """`source` minus its top-level defs named in `drop`, and minus `__all__` (CS231n's
    modules have none, and a stale one would break `from .layers import *`)."""
    lines = source.splitlines()
    for node in reversed(ast.parse(source).body):
        named = getattr(node, "name", None)
        targets = [getattr(t, "id", None) for t in getattr(node, "targets", [])]
        if named in drop or "__all__" in targets:
            del lines[node.lineno - 1:node.end_lineno]
    return "\n".join(lines) + "\n"


def _replace_import(source: str, module: str, new: str) -> str:
    """Replace the reference's `from .module import ...` (possibly multi-line) by `new`."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom) and node.module == module and node.level == 1:
            lines = source.splitlines()
            lines[node.lineno - 1:node.end_lineno] = new.splitlines()
            return "\n".join(lines) + "\n"
    if module is None:
        return source
    raise AssertionError(f"no `from .{module} import` in the source")


def make_cs231n(base: Path) -> Path:
    """An assignment2/ folder shaped like CS231n's, built from the reference."""
    pkg = base / "assignment2" / "cs231n"
    (pkg / "classifiers").mkdir(parents=True)
    (pkg / "datasets").mkdir()
    layers = (REFERENCE / "layers.py").read_text()
    sandwich = "\n\n".join(ast.get_source_segment(layers, n) or "" for n in ast.parse(layers).body
                           if getattr(n, "name", None) in SANDWICH)
    files = {
        # Real ones are empty; this one proves it is never run.
        "__init__.py": "raise ImportError('cs231n/__init__.py must not be run')\n",
        "layers.py": _without(layers, set(SANDWICH)),
        "layer_utils.py": "from .layers import *\nfrom .fast_layers import *\n\n\n" + sandwich,
        "fast_layers.py": textwrap.dedent("""\
            try:
                from .im2col_cython import col2im_cython, im2col_cython
            except ImportError:
                print("run the following from the cs231n directory: python setup.py build_ext")
            """),
        "optim.py": (REFERENCE / "optim.py").read_text(),
        "solver.py": (REFERENCE / "solver.py").read_text().replace(
            "from . import optim", "from cs231n import optim"),
        "classifiers/__init__.py": "from cs231n.classifiers.cnn import *\n",
        "classifiers/fc_net.py": _replace_import(
            (REFERENCE / "fc_net.py").read_text(), "layers",
            "from ..layers import *\nfrom ..layer_utils import *"),
        "datasets/get_datasets.sh": "wget cifar-10-python.tar.gz\n",
        "datasets/cifar.bin": "x" * 1000,
    }
    for name, text in files.items():
        (pkg / name).write_text(text)
    (base / "assignment2" / "FullyConnectedNets.ipynb").write_text("{}")
    return base / "assignment2"


def test_find_package_accepts_the_assignment_folder_or_the_package(tmp_path: Path) -> None:
    """Is the cs231n/ package found both inside an assignment folder and given directly, and
    is the template's flat layout not mistaken for it?"""
    folder = make_cs231n(tmp_path)
    assert find_package(folder) == folder / "cs231n"
    assert find_package(folder / "cs231n") == folder / "cs231n"
    assert find_package(REFERENCE) is None


def test_our_layout_beside_a_cs231n_folder_is_ours(tmp_path: Path) -> None:
    """A template-layout folder that also holds the CS231n starter code is graded as ours."""
    folder = make_cs231n(tmp_path)
    (folder / "layers.py").write_text((REFERENCE / "layers.py").read_text())
    assert load_submission(folder, COURSE, tmp_path / "s").kind is SubmissionKind.FOLDER
    assert load_submission(folder / "cs231n", COURSE, tmp_path / "t").kind is SubmissionKind.CS231N


def test_layout_uses_cs231n_module_names(tmp_path: Path) -> None:
    """Are our modules mapped to CS231n's, only .py files copied, absent modules absent?"""
    loaded = load_submission(make_cs231n(tmp_path), COURSE, tmp_path / "scratch")
    layout = loaded.layout
    assert loaded.kind is SubmissionKind.CS231N
    assert layout.modules == {"layers": "cs231n.layers", "optim": "cs231n.optim",
                              "fc_net": "cs231n.classifiers.fc_net", "solver": "cs231n.solver",
                              "layer_utils": "cs231n.layer_utils"}
    assert layout.names["affine_relu_forward"] == "layer_utils"
    assert layout.names["relu_forward"] == "layers"
    assert layout.package is None and layout.sys_path == (str(loaded.root),)
    assert set(layout.packages) == {"cs231n", "cs231n.classifiers"}
    assert Layout.from_wire(layout.to_wire()) == layout
    old_wire = {k: v for k, v in layout.to_wire().items() if k != "packages"}
    assert Layout.from_wire(old_wire).packages == {}  # older peers still understood
    assert "cs231n/layers.py" in loaded.files
    assert not any(f.startswith("cs231n/datasets/") for f in loaded.files)


def test_every_module_imports_in_a_fresh_interpreter(tmp_path: Path) -> None:
    """Do fc_net (`from ..layers import *`), solver (`from cs231n import optim`) and the
    layer_utils fallback import, though both __init__.py files would raise?"""
    loaded = load_submission(make_cs231n(tmp_path), COURSE, tmp_path / "scratch")
    probe = textwrap.dedent("""\
        import json, sys
        from grader.executor import Executor, Layout
        ex = Executor(Layout.from_wire(json.loads(sys.argv[1])))
        found = [ex.lookup(n).__module__ for n in
                 ("relu_forward", "affine_relu_forward", "TwoLayerNet", "Solver", "adam")]
        import cs231n.classifiers.fc_net as fc
        net = ex.lookup("TwoLayerNet")(input_dim=4, hidden_dim=3, num_classes=2)
        print(json.dumps(found + [sorted(net.params), fc.affine_relu_forward.__module__]))
        """)
    out = subprocess.run([sys.executable, "-c", probe, json.dumps(loaded.layout.to_wire())],
                         capture_output=True, text=True, check=True, cwd=tmp_path,
                         timeout=60).stdout
    assert json.loads(out.splitlines()[-1]) == [
        "cs231n.layers", "cs231n.layer_utils", "cs231n.classifiers.fc_net", "cs231n.solver",
        "cs231n.optim", ["W1", "W2", "b1", "b2"], "cs231n.layer_utils"]


def test_cs231n_folder_earns_full_marks(tmp_path: Path) -> None:
    """Graded end to end: CS231n's layout earns what the reference earns."""
    result = grade(make_cs231n(tmp_path), only=["activations"])
    failing = [(c.id, c.status.value, c.message) for c in result.checks
               if c.status is not Status.PASSED]
    assert failing == []
    assert result.score == result.max_score > 0


def test_zipped_cs231n_package_earns_full_marks(tmp_path: Path) -> None:
    """A zip of just the cs231n/ folder is found after extraction and graded as CS231n."""
    import shutil

    folder = make_cs231n(tmp_path / "src")
    archive = shutil.make_archive(str(tmp_path / "hw2"), "zip", folder, "cs231n")
    loaded = load_submission(Path(archive), COURSE, tmp_path / "scratch")
    assert loaded.layout.modules["fc_net"] == "cs231n.classifiers.fc_net"
    result = grade(archive, only=["activations"])
    assert result.score == result.max_score > 0
