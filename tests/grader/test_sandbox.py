"""The OS sandbox, exercised by running small Python snippets inside it at every level here."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from grader.process_tree import kill_process_tree
from grader.result import Isolation
from grader.sandbox import (
    SandboxPolicy,
    available_isolation,
    isolation_works,
    sandboxed_command,
)

SANDBOXES = [
    pytest.param(level, marks=pytest.mark.skipif(
        not isolation_works(level), reason=f"{level.value} does not work on this machine"))
    for level in (Isolation.BUBBLEWRAP, Isolation.NAMESPACES)
]
ALL_LEVELS = [*SANDBOXES, pytest.param(Isolation.PROCESS)]
PROJECT = Path(__file__).resolve().parents[2]
ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1"}


def run(code: str, policy: SandboxPolicy, level: Isolation) -> subprocess.CompletedProcess[str]:
    argv = sandboxed_command([sys.executable, "-c", textwrap.dedent(code)], policy, level)
    return subprocess.run(argv, capture_output=True, text=True, timeout=20, cwd=policy.scratch,
                          env={**ENV, "HOME": str(policy.scratch)}, check=False)


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    (tmp_path / "scratch").mkdir()
    return tmp_path / "scratch"


@pytest.mark.parametrize("level", ALL_LEVELS)
def test_numpy_and_grader_import_but_reference_does_not(scratch: Path, level: Isolation) -> None:
    """Can the worker import numpy and grader while the checkout holding reference/ is hidden?"""
    policy = SandboxPolicy(scratch=scratch, hidden=(PROJECT,))
    done = run("""
        import numpy, grader.result
        open("out.txt", "w").write(str(numpy.ones(2).sum()))
        try:
            import reference
            print("reference imported")
        except ImportError:
            print("no reference")
    """, policy, level)
    assert done.returncode == 0, done.stderr
    assert (scratch / "out.txt").read_text() == "2.0"
    expected = "reference imported" if level is Isolation.PROCESS else "no reference"
    assert expected in done.stdout


@pytest.mark.parametrize("level", SANDBOXES)
def test_hidden_paths_are_unreadable_and_readonly_ones_visible(tmp_path: Path, scratch: Path,
                                                               level: Isolation) -> None:
    """Is a hidden folder empty inside, while a readonly folder nested in it stays readable?"""
    batch = tmp_path / "batch"
    (batch / "alice").mkdir(parents=True)
    (batch / "alice" / "layers.py").write_text("ALICE = 1\n")
    (batch / "bob.py").write_text("BOB = 1\n")
    secret = PROJECT / "reference" / "layers.py"
    policy = SandboxPolicy(scratch=scratch, readonly=(batch / "alice",), hidden=(batch, PROJECT))
    done = run(f"""
        import os
        print(sorted(os.listdir({str(batch)!r})))
        print(open({str(batch / "alice" / "layers.py")!r}).read().strip())
        for path in ({str(batch / "bob.py")!r}, {str(secret)!r}):
            try:
                open(path).read()
                print("READ", path)
            except OSError:
                pass
    """, policy, level)
    assert done.returncode == 0, done.stderr
    assert "['alice']" in done.stdout
    assert "ALICE = 1" in done.stdout
    assert "READ" not in done.stdout


@pytest.mark.parametrize("level", SANDBOXES)
def test_writes_outside_scratch_are_denied(tmp_path: Path, scratch: Path, level: Isolation) -> None:
    """Can the submission write only into scratch: not a visible folder, the system, sysctls?"""
    visible = tmp_path / "visible"
    visible.mkdir()
    policy = SandboxPolicy(scratch=scratch, readonly=(visible,), hidden=(PROJECT,))
    done = run(f"""
        import os
        if os.access("/proc/sys/vm/swappiness", os.W_OK):  # host sysctls, not namespaced
            print("WRITABLE /proc/sys")
        for path in ({str(visible / "x")!r}, "/etc/x", {str(PROJECT / "x")!r}, "ok"):
            try:
                open(path, "w").write("x")
                print("WROTE", path)
            except OSError:
                pass
    """, policy, level)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["WROTE", "ok"]
    assert not (visible / "x").exists() and not (PROJECT / "x").exists()


@pytest.mark.parametrize("level", SANDBOXES)
def test_network_is_denied(scratch: Path, level: Isolation) -> None:
    """Can the submission reach a server listening on the grader's loopback?"""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        done = run(f"""
            import socket
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=2)
                print("CONNECTED")
            except OSError as e:
                print("denied", e)
        """, SandboxPolicy(scratch=scratch), level)
    assert done.returncode == 0, done.stderr
    assert "denied" in done.stdout


@pytest.mark.parametrize("level", SANDBOXES)
def test_process_limit_bites(scratch: Path, level: Isolation) -> None:
    """Does a fork loop stop well short of its 200 attempts?"""
    done = run("""
        import os, time
        n = 0
        for _ in range(200):
            try:
                pid = os.fork()
            except OSError:
                break
            if pid == 0:
                time.sleep(3)
                os._exit(0)
            n += 1
        print(n, flush=True)
        os._exit(0)
    """, SandboxPolicy(scratch=scratch, max_processes=16), level)
    assert done.returncode == 0, done.stderr
    assert 1 <= int(done.stdout) < 16


def _pids_with(marker: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes():
                pids.append(int(entry.name))
        except OSError:
            pass
    return pids


def _wait_gone(marker: str, seconds: float = 3.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := _pids_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.02)
    return left


SPAWN_SLEEPER = """
    import subprocess, sys
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)", {marker!r}],
                     start_new_session=True)
    print("ready", flush=True)
"""


@pytest.mark.parametrize("level", SANDBOXES)
def test_children_die_when_the_worker_exits(scratch: Path, level: Isolation) -> None:
    """Does a detached sleeper die as soon as the worker's top process exits on its own?"""
    marker = f"sleeper-{uuid.uuid4().hex}"
    done = run(SPAWN_SLEEPER.format(marker=marker), SandboxPolicy(scratch=scratch), level)
    assert "ready" in done.stdout, done.stderr
    assert _wait_gone(marker) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="looks for processes in /proc")
@pytest.mark.parametrize("level", ALL_LEVELS)
def test_kill_process_tree_leaves_nothing(scratch: Path, level: Isolation) -> None:
    """After kill_process_tree on a worker still running, is its detached grandchild gone too?"""
    marker = f"sleeper-{uuid.uuid4().hex}"
    code = SPAWN_SLEEPER.format(marker=marker) + "\n    import time; time.sleep(30)\n"
    argv = sandboxed_command([sys.executable, "-c", textwrap.dedent(code)],
                             SandboxPolicy(scratch=scratch), level)
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, cwd=scratch, env=ENV,
                            start_new_session=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        assert _pids_with(marker)
        kill_process_tree(proc.pid)
        proc.wait(timeout=5)
        assert _wait_gone(marker) == []
    finally:
        for pid in _pids_with(marker):
            os.kill(pid, 9)
        proc.kill()
        proc.wait()


def test_available_isolation_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Can tests force a level, and does a typo fail loudly?"""
    monkeypatch.setenv("GRADER_ISOLATION", "process")
    assert available_isolation() is Isolation.PROCESS
    monkeypatch.setenv("GRADER_ISOLATION", "docker")
    with pytest.raises(ValueError, match="GRADER_ISOLATION"):
        available_isolation()


def test_process_level_runs_the_command_itself(scratch: Path) -> None:
    """Does PROCESS isolation run the command as given (behind at most the cgroup prefix)?"""
    argv = ["python", "-c", "pass"]
    command = sandboxed_command(argv, SandboxPolicy(scratch=scratch), Isolation.PROCESS)
    assert command[-3:] == argv and (command == argv or command[:2] == ["sh", "-c"])


def test_in_process_cannot_run_a_worker(scratch: Path) -> None:
    """Is asking for IN_PROCESS isolation of a worker an error, not a silent downgrade?"""
    with pytest.raises(ValueError, match="in_process"):
        sandboxed_command(["true"], SandboxPolicy(scratch=scratch), Isolation.IN_PROCESS)


@pytest.mark.parametrize("level", SANDBOXES)
def test_only_what_the_worker_needs_is_visible(scratch: Path, level: Isolation) -> None:
    """Is a copy of the solutions elsewhere on the machine (not listed as hidden) invisible too?

    The view is a whitelist: system folders, Python, the grader package, the submission and
    scratch; a second checkout in /var or a home folder is masked without being named."""
    decoy = Path(f"/var/tmp/grader-decoy-{os.getpid()}")
    decoy.mkdir(parents=True, exist_ok=True)
    try:
        (decoy / "layers.py").write_text("SECRET = 1\n")
        done = run(f"""
            import os
            for path in ({str(decoy / 'layers.py')!r}, "/etc/shadow"):
                try:
                    if open(path).read():  # a mask may exist, but empty
                        print("READ", path)
                except OSError:
                    pass
            print("home", sorted(os.listdir("/root")) if os.path.isdir("/root") else None)
        """, SandboxPolicy(scratch=scratch), level)
        assert done.returncode == 0, done.stderr
        assert "READ" not in done.stdout, done.stdout
    finally:
        (decoy / "layers.py").unlink()
        decoy.rmdir()
