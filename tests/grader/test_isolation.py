"""The worker boundary: every way student code can misbehave costs only the call it happens in."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from grader.executor import Layout
from grader.isolation import (
    Limits,
    StudentError,
    StudentNotImplemented,
    WorkerDied,
    WorkerProcess,
    WorkerTimeout,
)
from grader.student import InProcessBackend, Student, WorkerBackend

SOURCE = '''
import os, signal, sys
import numpy as np

def ok(x):
    print("student says hi")
    return np.maximum(x, 0), {"x": x}

def crash(x):
    raise ValueError("bad shape")

def leave(x):
    os._exit(3)

def exit_politely(x):
    sys.exit(0)

def spin(x):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:
        pass

def hog(x):
    return np.ones((1 << 40,))

def stub(x):
    raise NotImplementedError("stub")

def flood(x):
    for _ in range(200000):
        print("x" * 100)
    return x

class Model:
    def __init__(self, d):
        self.params = {"W": np.ones(d)}

    def loss(self, X):
        return float(X @ self.params["W"])
'''
NAMES = ("ok", "crash", "leave", "exit_politely", "spin", "hog", "stub", "flood", "Model")


@pytest.fixture
def student(tmp_path: Path):
    root = tmp_path / "sub"
    root.mkdir()
    (root / "layers.py").write_text(textwrap.dedent(SOURCE))
    layout = Layout(str(root), {"layers": "submission.layers"}, {n: "layers" for n in NAMES},
                    (str(root),))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    limits = Limits(call_seconds=1.0, memory_bytes=512 * 2**20, output_bytes=1000)
    backend = WorkerBackend(layout, lambda: WorkerProcess(layout, scratch, limits))
    s = Student(backend)
    s.start_check(0)
    yield s
    backend.close()


X = np.array([[-1.0, 2.0]])


def test_values_and_handles(student: Student) -> None:
    """Do arrays come back as data and unsendable caches stay behind as handles?"""
    out, cache = student.call("ok", X, keep=(1,))
    assert np.array_equal(out, [[0.0, 2.0]])
    assert np.array_equal(student.get(cache["x"]), X)


@pytest.mark.parametrize("name, error, words", [
    ("crash", StudentError, "ValueError: bad shape"),
    ("stub", StudentNotImplemented, "stub"),
    ("leave", WorkerDied, "status 3"),
    ("exit_politely", StudentError, "SystemExit"),
    ("spin", WorkerTimeout, "1 s"),
    ("hog", StudentError, "MemoryError"),
])
def test_each_failure_costs_one_call_and_the_next_call_works(student, name, error, words) -> None:
    """After a crash, exit, hang (ignoring SIGTERM) or memory bomb, is the next check's call
    answered (by a fresh worker when the old one was lost)?"""
    with pytest.raises(error, match=words):
        student.call(name, X)
    student.start_check(1)
    out, _ = student.call("ok", X, keep=(1,))
    assert np.array_equal(out, [[0.0, 2.0]])


def test_objects_lost_with_the_worker_fail_the_rest_of_that_check(student: Student) -> None:
    """When the worker dies mid-check, do later calls of that check say so, not 'no object'?"""
    _, cache = student.call("ok", X, keep=(1,))
    with pytest.raises(WorkerDied):
        student.call("leave", X)
    with pytest.raises(WorkerDied, match="lost earlier in this check"):
        student.get(cache["x"])


def test_a_name_that_hung_fails_fast_afterwards(student: Student) -> None:
    """Is a function that timed out not given another full time limit?"""
    with pytest.raises(WorkerTimeout):
        student.call("spin", X)
    with pytest.raises(WorkerTimeout, match="earlier call"):
        student.call("spin", X)


def test_output_is_captured_and_truncated(student: Student) -> None:
    """Is a print flood captured, capped, and kept out of the grader's own output?"""
    student.call("flood", X)
    text, dropped = student.backend.take_output()
    assert len(text) <= 1000 and dropped > 0


def test_methods_and_attribute_writes(student: Student) -> None:
    """Can checks build an object, set its params through a path and call its methods?"""
    model = student.new("Model", 2)
    student.set(model["params"]["W"], np.array([2.0, 3.0]))
    assert student.method(model, "loss", np.array([1.0, 1.0])) == 5.0


def test_in_process_backend_has_the_same_interface(tmp_path: Path) -> None:
    """Does the benchmark floor answer like the worker (same values, same errors)?"""
    root = tmp_path / "sub"
    root.mkdir()
    (root / "layers.py").write_text(textwrap.dedent(SOURCE))
    layout = Layout(str(root), {"layers": "floor_sub.layers"}, {n: "layers" for n in NAMES},
                    (), package="floor_sub")
    s = Student(InProcessBackend(layout))
    out, _ = s.call("ok", X, keep=(1,))
    assert np.array_equal(out, [[0.0, 2.0]])
    with pytest.raises(StudentError, match="bad shape"):
        s.call("crash", X)
