"""Notebook submissions: definitions are read (never run) into generated modules."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import assignments
from grader.grading import grade
from grader.result import Status
from grader.submission import SubmissionError, SubmissionKind, load_submission
from grader.submission.notebook import read_cells
from tests.conftest import REFERENCE

COURSE = assignments.COURSE
NAMES = set(COURSE.names())


def reference_defs(module: str) -> dict[str, str]:
    source = (REFERENCE / f"{module}.py").read_text()
    return {n.name: ast.get_source_segment(source, n) or "" for n in ast.parse(source).body
            if isinstance(n, ast.FunctionDef | ast.ClassDef)}


def write_notebook(path: Path, *cells: str) -> Path:
    nb = new_notebook(cells=[new_markdown_cell("# Fully-Connected Neural Nets"),
                             *(new_code_cell(textwrap.dedent(c)) for c in cells)])
    nbformat.write(nb, path)
    return path


def layers_notebook(path: Path, *extra: str) -> Path:
    """The reference's layers.py as a student's notebook: several functions per cell, magics,
    failing imports, and experiment cells that would crash or hang if they were run."""
    defs = list(reference_defs("layers").values())
    setup = """\
        import numpy as np
        import matplotlib.pyplot as plt
        from cs231n.data_utils import get_CIFAR10_data
        %matplotlib inline
        %load_ext autoreload
        %autoreload 2
        !pip install nothing-at-all
        plt.rcParams['figure.figsize'] = (10.0, 8.0)
        """
    experiments = [
        "data = get_CIFAR10_data()\nraise SystemExit('the experiment cell ran')",
        "%%time\nwhile True:\n    pass",
        "np.maximum?\nfiles = !ls\nt = %timeit -o relu_forward(np.ones(3))\nopen('/etc/passwd')",
    ]
    cells = [setup] + ["\n\n".join(defs[i:i + 4]) for i in range(0, len(defs), 4)]
    return write_notebook(path, *cells[:3], experiments[0], *cells[3:], *experiments[1:],
                          *extra)


def test_notebook_earns_full_marks(tmp_path: Path) -> None:
    """The reference split over cells, between magics and experiments, earns full marks;
    a helper from one cell and a later redefinition are used, as in the notebook."""
    helper = """\
        def my_relu(x):
            return np.maximum(x, 0)

        def relu_forward(x):  # redefined after the original cell, using the helper
            return my_relu(x), x
        """
    path = layers_notebook(tmp_path / "FullyConnectedNets.ipynb", helper)
    result = grade(path, only=["activations"])
    failing = [(c.id, c.status.value, c.message) for c in result.checks
               if c.status is not Status.PASSED]
    assert failing == []
    assert result.score == result.max_score > 0
    assert not any("experiment" in f.message for f in result.flags)


def test_generated_modules(tmp_path: Path) -> None:
    loaded = load_submission(layers_notebook(tmp_path / "hw.ipynb"), COURSE, tmp_path / "s")
    assert loaded.kind is SubmissionKind.NOTEBOOK
    assert loaded.layout.modules == {"layers": "submission.layers"}
    assert loaded.files == ("_notebook.py", "layers.py")
    generated = (loaded.root / "_notebook.py").read_text()
    ast.parse(generated)
    assert "SystemExit" not in generated and "rcParams" not in generated
    assert "try:\n    from cs231n.data_utils import get_CIFAR10_data\nexcept Exception:" \
        in generated
    assert loaded.problems == ()


def test_cross_cell_references_across_modules(tmp_path: Path) -> None:
    """TwoLayerNet (fc_net) calls affine_relu_forward (layers) defined in another cell; both
    are found in a fresh interpreter, and the network runs."""
    layers, fc_net = reference_defs("layers"), reference_defs("fc_net")
    path = write_notebook(tmp_path / "hw.ipynb", "import numpy as np",
                          fc_net["TwoLayerNet"], *layers.values())
    loaded = load_submission(path, COURSE, tmp_path / "s")
    assert set(loaded.layout.modules) == {"layers", "fc_net"}
    probe = textwrap.dedent("""\
        import json, sys
        import numpy as np
        from grader.executor import Executor, Layout
        ex = Executor(Layout.from_wire(json.loads(sys.argv[1])))
        net = ex.lookup("TwoLayerNet")(input_dim=4, hidden_dim=3, num_classes=2)
        loss, grads = net.loss(np.ones((2, 4)), np.array([0, 1]))
        print(json.dumps([sorted(grads), ex.lookup("affine_forward").__module__]))
        """)
    out = subprocess.run([sys.executable, "-c", probe, json.dumps(loaded.layout.to_wire())],
                         capture_output=True, text=True, check=True, cwd=tmp_path,
                         timeout=60).stdout
    assert json.loads(out) == [["W1", "W2", "b1", "b2"], "submission._notebook"]


def test_read_cells_keeps_definitions_imports_and_constants() -> None:
    kept = read_cells([
        (1, ("from __future__ import annotations\nimport numpy as np\nEPS = 1e-8\n"
             "LR = 10**-3.5\nH, W = 32, 32\nBIG = 10**10**10\nX = np.ones(3)\nprint(X)")),
        (2, "@staticmethod_like\ndef relu_forward(x):\n    %time y = 1\n    return x, x"),
        (3, "import numpy as np\nclass TwoLayerNet:\n    pass"),
    ], NAMES)
    assert kept.future == ["from __future__ import annotations"]
    assert kept.imports == ["import numpy as np"]
    assert kept.constants == ["EPS = 1e-8", "LR = 10**-3.5", "H, W = 32, 32"]
    assert [(name, cell) for name, _, cell in kept.defs] == [("relu_forward", 2),
                                                              ("TwoLayerNet", 3)]
    assert kept.defs[0][1].startswith("@staticmethod_like\ndef relu_forward")
    assert "    pass\n    return x, x" in kept.defs[0][1]
    assert kept.problems == []


def test_magics_do_not_split_a_valid_cell() -> None:
    """A cell with a magic is parsed whole once the magic is gone: an `import` at column 0 of
    a string is not a place to cut it."""
    cell = '%time x = 1\nDOC = """\nimport this\n"""\ndef relu_forward(x):\n    return x, x'
    kept = read_cells([(2, cell)], NAMES)
    assert [name for name, _, _ in kept.defs] == ["relu_forward"]
    assert kept.problems == [] and kept.imports == []


def test_a_syntax_error_costs_only_its_definition() -> None:
    kept = read_cells([
        (4, "def relu_forward(x):\n    return x,, x\n\ndef tanh_forward(x):\n    return x, x"),
        (5, "%%time\ndef sigmoid_forward(x):\n    return x, x"),
        (6, "for i in range(3:\n    print(i)"),
    ], NAMES)
    assert [name for name, _, _ in kept.defs] == ["tanh_forward"]
    assert kept.problems == [
        "cell 4, line 2: SyntaxError: invalid syntax; relu_forward not graded",
        "cell 5 starts with a %% cell magic and was not read: sigmoid_forward not graded",
        "cell 6, line 1: SyntaxError: invalid syntax",
    ]


def test_syntax_error_end_to_end(tmp_path: Path) -> None:
    """Graded: the broken function's checks are not implemented, the others still pass, and
    the problem is reported as a flag."""
    defs = reference_defs("layers")
    broken = defs["relu_forward"].replace("return", "return (", 1)
    path = write_notebook(tmp_path / "hw.ipynb", "import numpy as np",
                          "\n\n".join(d for n, d in defs.items() if n != "relu_forward"), broken)
    result = grade(path, only=["activations"])
    statuses = {c.id: c.status for c in result.checks}
    relu = {c.id for c in result.checks if "relu_forward" in c.targets}
    assert relu and {statuses[i] for i in relu} == {Status.NOT_IMPLEMENTED}
    assert {s for i, s in statuses.items() if i not in relu} == {Status.PASSED}
    assert any("relu_forward not graded" in f.message for f in result.flags)


@pytest.mark.parametrize(("content", "why"), [
    (b"{not json", "not a readable notebook (NotJSONError"),
    (b"[]", "not a readable notebook ("),
    (b'{"cells": 5}', "not a readable notebook ("),
    (b"\xff\xfe\x00garbage", "not a readable notebook ("),
])
def test_malformed_notebooks(tmp_path: Path, content: bytes, why: str) -> None:
    path = tmp_path / "hw.ipynb"
    path.write_bytes(content)
    with pytest.raises(SubmissionError) as err:
        load_submission(path, COURSE, tmp_path / "s")
    assert str(err.value).startswith(f"{path}: {why}")
    assert "\n" not in str(err.value)


def test_notebook_without_course_functions(tmp_path: Path) -> None:
    path = write_notebook(tmp_path / "hw.ipynb", "import numpy as np\nprint(1)")
    with pytest.raises(SubmissionError, match=r"hw\.ipynb: the notebook defines none of the "
                                              r"course's functions$"):
        load_submission(path, COURSE, tmp_path / "s")
    broken = write_notebook(tmp_path / "b.ipynb", "def relu_forward(x):\n    return x,,")
    with pytest.raises(SubmissionError, match=r"b\.ipynb: .* \(cell 2, line 2: SyntaxError"):
        load_submission(broken, COURSE, tmp_path / "s2")


def test_zip_of_a_notebook(tmp_path: Path) -> None:
    path = layers_notebook(tmp_path / "hw.ipynb")
    with zipfile.ZipFile(tmp_path / "hw.zip", "w") as zf:
        zf.write(path, "hw/hw.ipynb")
    loaded = load_submission(tmp_path / "hw.zip", COURSE, tmp_path / "s")
    assert loaded.kind is SubmissionKind.ARCHIVE
    assert loaded.layout.modules == {"layers": "submission.layers"}


def test_errors_point_at_the_notebook_cell(tmp_path: Path) -> None:
    """Does an exception in a notebook-defined function name its cell, not the generated file?"""
    nb = new_notebook(cells=[
        new_markdown_cell("# Activations"),
        new_code_cell("import numpy as np"),
        new_code_cell("def relu_forward(x):\n    raise RuntimeError('oops')\n"),
    ])
    path = tmp_path / "student.ipynb"
    nbformat.write(nb, path)
    result = grade(path, only=["activations"])
    errors = [c.message for c in result.checks if c.status is Status.ERROR]
    assert errors and all("notebook cell 3" in m and "_notebook.py" not in m for m in errors)
