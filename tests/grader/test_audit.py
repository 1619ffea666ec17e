"""The worker-side recorder: synthetic audit events first, then one real worker-like process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from grader.audit import Auditor
from grader.result import FlagKind


@pytest.fixture
def auditor(tmp_path: Path) -> Auditor:
    return Auditor(tmp_path / "scratch", protected=(tmp_path / "reference",))


def kinds(auditor: Auditor) -> list[str]:
    return [kind for kind, _ in auditor.records()]


def test_writes_inside_scratch_and_to_dev_null_are_fine(auditor: Auditor, tmp_path: Path) -> None:
    """Are ordinary writes (scratch, /dev/null, bytecode caches, reads) left alone?"""
    auditor.hook("open", (str(tmp_path / "scratch" / "model.npz"), "wb", 0))
    auditor.hook("open", ("/dev/null", "w", 0))
    auditor.hook("open", ("/etc/hosts", "r", os.O_RDONLY))
    auditor.hook("open", (3, "w", 0))
    auditor.hook("os.mkdir", ("/srv/submission/__pycache__", 0o777, None))
    auditor.hook("open", ("/srv/submission/__pycache__/layers.cpython-311.pyc.1234", None,
                          os.O_WRONLY | os.O_CREAT))
    assert auditor.records() == []


def test_writes_outside_scratch_are_recorded(auditor: Auditor, tmp_path: Path) -> None:
    """Are open-for-write, os.open flags, renames and deletes outside scratch all caught?"""
    auditor.hook("open", ("/work/gradebook.sqlite", "a", 0))
    auditor.hook("open", (b"/etc/x", None, os.O_WRONLY | os.O_CREAT))
    auditor.hook("os.rename", (str(tmp_path / "scratch" / "a"), "/tmp/b", None, None))
    auditor.hook("os.remove", ("/work/results.json", None))
    assert kinds(auditor) == [FlagKind.WRITES_OUTSIDE_SCRATCH.value] * 4
    assert "/tmp/b" in auditor.records()[2][1]


def test_a_scratch_prefix_is_not_scratch(auditor: Auditor, tmp_path: Path) -> None:
    """Is 'scratch2' outside 'scratch' (a string prefix is not a parent folder)?"""
    auditor.hook("open", (str(tmp_path / "scratch2" / "x"), "w", 0))
    assert kinds(auditor) == [FlagKind.WRITES_OUTSIDE_SCRATCH.value]


def test_reading_the_reference_is_recorded(auditor: Auditor, tmp_path: Path) -> None:
    """Does merely reading a file in a protected folder count as reaching for the reference?"""
    auditor.hook("open", (str(tmp_path / "reference" / "layers.py"), "r", 0))
    assert kinds(auditor) == [FlagKind.IMPORTS_REFERENCE.value]


def test_sockets_and_processes_are_recorded(auditor: Auditor) -> None:
    """Are inet sockets, connects and process starts caught, but not socketpairs?"""
    import socket

    auditor.hook("socket.__new__", (None, socket.AF_UNIX, socket.SOCK_STREAM, 0))
    auditor.hook("socket.__new__", (None, socket.AF_INET, socket.SOCK_STREAM, 0))
    auditor.hook("socket.connect", (None, ("10.0.0.1", 80)))
    auditor.hook("os.system", (b"curl evil",))
    auditor.hook("os.fork", ())
    auditor.hook("subprocess.Popen", ("sh", ["sh"], None, None))
    assert kinds(auditor) == ["opens_socket"] * 2 + ["spawns_processes"] * 3


def test_records_are_deduplicated_and_capped(auditor: Auditor) -> None:
    """Does a loop of a million writes still give a short reply?"""
    for i in range(1000):
        auditor.hook("open", (f"/etc/f{i % 500}", "w", 0))
    records = auditor.records()
    assert 1 < len(records) <= 25
    assert records[-1] == ("writes_outside_scratch", "more of the same, not recorded")


def test_drain_returns_each_record_once(auditor: Auditor) -> None:
    """Does the worker ship each record with exactly one reply?"""
    auditor.hook("os.fork", ())
    assert auditor.drain() == [("spawns_processes", "os.fork")]
    assert auditor.drain() == []


def test_the_hook_never_raises(auditor: Auditor) -> None:
    """Do malformed event arguments stay inside the hook instead of breaking student code?"""
    auditor.hook("open", ())
    auditor.hook("open", (object(), "w", 0))
    auditor.hook("socket.connect", ())
    auditor.hook("os.rename", (None,))


def test_unrelated_events_are_cheap(auditor: Auditor) -> None:
    """Is the common path one dict lookup (no records, no errors) for events we ignore?"""
    for _ in range(10_000):
        auditor.hook("object.__getattr__", (None, "x"))
    assert auditor.records() == []


WORKER = """
import importlib, json, os, signal, socket, subprocess, sys
sys.path.insert(0, sys.argv[1])
import grader.audit as audit
audit.install(scratch=os.getcwd())
open("fine.txt", "w").write("x")
try:
    open(sys.argv[2], "w").write("x")
except OSError:
    pass
for name in ("reference.layers", "grader.oracle"):
    try:
        importlib.import_module(name)
    except Exception:
        pass
try:
    import assignments
except Exception:
    pass
socket.socket(socket.AF_INET).close()
subprocess.run([sys.executable, "-c", "pass"])
signal.signal(signal.SIGALRM, signal.SIG_IGN)
signal.alarm(0)
audit.install(scratch="/")  # a second install must not stack hooks
print(json.dumps(audit.drain()))
"""


def test_a_worker_sees_every_kind(tmp_path: Path) -> None:
    """Installed for real, does the recorder see each behaviour the flags know about?"""
    project = Path(__file__).resolve().parents[2]
    outside = tmp_path / "outside.txt"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(WORKER), str(project),
                           str(outside)], capture_output=True, text=True, cwd=scratch, timeout=30,
                          check=False)
    assert done.returncode == 0, done.stderr
    records = [tuple(r) for r in json.loads(done.stdout.splitlines()[-1])]
    seen = {kind for kind, _ in records}
    assert seen == {"writes_outside_scratch", "imports_reference", "imports_grader",
                    "opens_socket", "spawns_processes", "overrides_signals"}
    assert ("writes_outside_scratch", f"open {outside}") in records
    assert ("imports_reference", "import reference.layers") in records
    assert ("imports_grader", "import grader.oracle") in records
    # grader.oracle's own imports are the grader's business, not the student's
    assert not any(d.startswith("import grader.") and d != "import grader.oracle"
                   for _, d in records)
    assert not any("fine.txt" in d for _, d in records)
