"""Adversarial submissions, one per attack: none may earn credit it did not earn, see the
reference, harm the machine or outlive its grading, and honest work beside it keeps full marks.

Every submission is a copy of reference/ (full marks) in which one function, appended at the end
of layers.py, or the module's top level attacks. Sandbox levels (bubblewrap, namespaces) must hold
everything; PROCESS isolation (no OS sandbox) is only asked for flags and credit where the attack
is about files, network or other processes.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import stat
import threading
import time
from pathlib import Path

import pytest

from grader.isolation import Limits
from grader.result import FlagKind, Isolation, Status

from .attacks import (
    ALL_LEVELS,
    GARBAGE,
    GRADER,
    PROCESS_REASON,
    REFERENCE,
    ROOT,
    SANDBOXES,
    assert_contained,
    assert_module_lost,
    cli_grade,
    files_containing,
    flag_kinds,
    layers_file,
    marker,
    one_json_document,
    output_of,
    run_grade,
    survivors,
    tree_digest,
)

RELU = {"relu_forward"}
HONEST_RELU = "\ndef _honest_relu(x):\n    return _np_attack.maximum(x, 0), x\n"


# ---- the worker's own death, hangs and signals ---------------------------------------------
@pytest.mark.parametrize("top", [
    "import sys\nsys.exit(0)",
    "import os\nos._exit(0)",
    "raise KeyboardInterrupt",
    "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
], ids=["sys_exit", "os_exit", "keyboard_interrupt", "sigkill_self"])
def test_exit_at_import(make_submission, top: str) -> None:
    """Does exiting while layers.py is imported cost that module's checks, and only once?"""
    sub = make_submission(**layers_file("", top=top))
    result, seconds = run_grade(sub)
    assert_module_lost(result)
    assert seconds < 20
    doc = one_json_document(cli_grade(sub).stdout)
    assert doc["score"] == 0 and len(doc["checks"]) == len(result.checks)


@pytest.mark.parametrize("body", [
    "import os\n    os._exit(0)",
    "import os\n    os.abort()",
    "import sys\n    sys.exit(0)",
    "import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)",
    "raise KeyboardInterrupt",
], ids=["os_exit", "abort", "sys_exit", "sigkill_self", "keyboard_interrupt"])
def test_exit_inside_a_function(make_submission, body: str) -> None:
    """Does a function that kills its worker lose its checks and nothing else?"""
    sub = make_submission(**layers_file(f"def relu_forward(x):\n    {body}\n"))
    result, seconds = run_grade(sub)
    assert_contained(result, RELU)
    assert seconds < 20


@pytest.mark.parametrize("body", ["while True:\n        pass", "import time\n    time.sleep(1e6)"],
                         ids=["busy", "sleep"])
def test_infinite_loop(make_submission, body: str) -> None:
    """Does a hang cost one time limit, then its function's checks fail fast?"""
    sub = make_submission(**layers_file(f"def relu_forward(x):\n    {body}\n"))
    result, seconds = run_grade(sub)
    assert_contained(result, RELU, {Status.TIMEOUT, Status.ERROR})
    assert any(c.status is Status.TIMEOUT for c in result.checks)
    assert seconds < 10


@pytest.mark.parametrize("module", ["signal", "_signal"])
def test_loop_ignoring_signals(make_submission, module: str) -> None:
    """Does a loop that ignores and blocks SIGTERM/SIGINT/SIGALRM still end, and get flagged?"""
    sub = make_submission(**layers_file(f"""
        import {module} as _sig
        import signal as _signal_names

        def relu_forward(x):
            for s in (_sig.SIGTERM, _sig.SIGINT, _sig.SIGHUP, _sig.SIGALRM, _sig.SIGUSR1):
                _sig.signal(s, _sig.SIG_IGN)
            _sig.pthread_sigmask(_sig.SIG_BLOCK, {{_sig.SIGTERM, _sig.SIGINT}})
            while True:
                pass
    """))
    result, seconds = run_grade(sub)
    assert_contained(result, RELU, {Status.TIMEOUT, Status.ERROR})
    assert seconds < 10


@pytest.mark.parametrize("module", ["signal", "_signal"])
def test_signal_overrides_are_flagged(make_submission, module: str) -> None:
    """Is a function that installs signal handlers, alarms or masks flagged (by any route)?"""
    sub = make_submission(**layers_file(GARBAGE, f"""
        import {module} as _sig
        import signal as _signal_names

        def relu_forward(x):
            _sig.signal(_sig.SIGTERM, _sig.SIG_IGN)
            _sig.setitimer(_sig.ITIMER_REAL, 0)
            _sig.pthread_sigmask(_sig.SIG_BLOCK, {{_sig.SIGTERM}})
            return _garbage(x)
    """))
    result, _ = run_grade(sub)
    assert_contained(result, RELU)
    assert FlagKind.OVERRIDES_SIGNALS in flag_kinds(result), result.flags


def test_signal_overrides_are_flagged_when_the_call_hangs(make_submission) -> None:
    sub = make_submission(**layers_file("""
        import signal

        def relu_forward(x):
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            while True:
                pass
    """))
    result, _ = run_grade(sub)
    assert FlagKind.OVERRIDES_SIGNALS in flag_kinds(result), result.flags


# ---- resources: memory, processes, disk -------------------------------------------------------
@pytest.mark.parametrize("body", [
    "import numpy as np\n    a = np.ones((2**31,))\n    return a, a",
    "l = []\n    while True:\n        l.append(bytearray(2**26))",
    "s = 'x' * 2**34\n    return s, s",
    "l = [0] * 10**10\n    return l, l",
], ids=["numpy", "list_growth", "str", "list"])
def test_memory_bomb(make_submission, body: str) -> None:
    """Does allocating many GiB cost the function's checks and leave the machine alone?"""
    sub = make_submission(**layers_file(f"def relu_forward(x):\n    {body}\n"))
    result, seconds = run_grade(sub)
    assert_contained(result, RELU)
    assert seconds < 60



def test_memory_bomb_spread_over_processes(make_submission) -> None:
    """Is the memory limit one budget for the submission, not one per process it forks?

    Four children each touch 300 MB (1.2 GB together, the limit is 512 MiB); they report
    through a pipe, and the attack prints what it got."""
    sub = make_submission(**layers_file(GARBAGE, """
        import os, time

        _done = []

        def relu_forward(x):
            if _done:
                return _garbage(x)
            _done.append(1)
            r, w = os.pipe()
            kids = []
            for _ in range(4):
                pid = os.fork()
                if pid == 0:
                    try:
                        block = bytearray(300 * 2**20)
                        for i in range(0, len(block), 4096):
                            block[i] = 1
                        os.write(w, b"k")
                        time.sleep(30)
                    finally:
                        os._exit(0)
                kids.append(pid)
            os.close(w)
            got, deadline = b"", time.monotonic() + 0.8
            os.set_blocking(r, False)
            while len(got) < 4 and time.monotonic() < deadline:
                try:
                    got += os.read(r, 8)
                except BlockingIOError:
                    time.sleep(0.01)
            print(f"ATTACK children holding 300 MB each: {len(got)}")
            if len(got) * 300 > 512:
                print(f"ESCAPED memory limit: {len(got) * 300} MB held")
            return _garbage(x)
    """))
    result, _ = run_grade(sub, limits=Limits(call_seconds=2.0, memory_bytes=512 * 2**20))
    assert_contained(result, RELU)
    assert "ESCAPED" not in output_of(result), output_of(result)[:2000]


@pytest.mark.parametrize("where", [
    pytest.param("tmp"),  # RLIMIT_FSIZE bounds each file, tmpfs included
    pytest.param("scratch"),
])
def test_disk_and_tmpfs_bomb(make_submission, where: str) -> None:
    """Can a submission fill the grading machine's RAM (tmpfs /tmp) or disk (its scratch folder)
    with far more than its memory limit? It writes up to 1.5 GB once, reporting as it goes."""
    path = "/tmp/bomb" if where == "tmp" else "bomb"
    sub = make_submission(**layers_file(GARBAGE, f"""
        import os, sys
        _done = []

        def relu_forward(x):
            if _done:
                return _garbage(x)
            _done.append(1)
            chunk, written = b"\\1" * (64 * 2**20), 0
            try:
                with open({path!r}, "wb") as f:
                    for _ in range(24):
                        f.write(chunk)
                        f.flush()
                        written += len(chunk)
                        print(f"ATTACK wrote {{written >> 20}} MB", file=sys.stderr, flush=True)
            except BaseException as exc:
                print("ATTACK stopped:", type(exc).__name__)
            finally:
                try:
                    os.remove({path!r})
                except OSError:
                    pass
            return _garbage(x)
    """))
    result, _ = run_grade(sub, limits=Limits(call_seconds=4.0, memory_bytes=512 * 2**20))
    assert_contained(result, RELU)
    written = [int(n) for n in re.findall(r"ATTACK wrote (\d+) MB", output_of(result))]
    assert max(written, default=0) <= 600, f"wrote {max(written)} MB with a 512 MiB limit"


SPAWNER = """
import os, shutil, subprocess, sys, time

_SLEEP = shutil.which("sleep")
_ARG = "{arg}"
_done = []

def _sleeper():
    try:
        os.execv(_SLEEP, [_SLEEP, _ARG])
    finally:
        os._exit(0)

def relu_forward(x):
    if _done:
        return _garbage(x)
    _done.append(1)
    forks = spawned = daemons = 0
    for _ in range(80):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            _sleeper()
        forks += 1
    for _ in range(20):
        try:
            subprocess.Popen([_SLEEP, _ARG], start_new_session=True)
            spawned += 1
        except OSError:
            break
    for _ in range(3):  # classic daemon: fork, setsid, fork again, parent exits
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            try:
                os.setsid()
                if os.fork() == 0:
                    os.setsid() if False else None
                    _sleeper()
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        daemons += 1
    print(f"ATTACK forks={{forks}} spawned={{spawned}} daemons={{daemons}}")
    return _garbage(x)
"""


@pytest.mark.parametrize("level", [*SANDBOXES, pytest.param(Isolation.PROCESS, id="process")])
def test_fork_bomb_and_daemons(make_submission, level: Isolation) -> None:
    """Do forked sleepers, Popen'ed sleepers and double-forked setsid daemons all die with their
    worker, and does a sandbox cap how many processes a submission can have?"""
    arg = f"7777.{int(time.time() * 1e6) % 10**9:09d}"
    sub = make_submission(**layers_file(GARBAGE, SPAWNER.format(arg=arg)))
    result, seconds = run_grade(sub, level)
    left = survivors(arg)
    assert left == [], f"still running after grading: {left}"
    assert_contained(result, RELU)
    assert seconds < 20
    assert FlagKind.SPAWNS_PROCESSES in flag_kinds(result)
    counts = re.search(r"ATTACK forks=(\d+) spawned=(\d+) daemons=(\d+)", output_of(result))
    assert counts, output_of(result)[:2000]
    if level is not Isolation.PROCESS:
        assert sum(map(int, counts.groups())) < 64, counts.group(0)


# ---- lying to the comparison -------------------------------------------------------------------
LIAR = """
import builtins, os, sys
import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
_GRADER_FILES = ("compare.py", "context.py", "gradients.py", "gradcheck.py", "properties.py",
                 "layer_checks.py", "checks.py")

def _asked_by_grader():
    f = sys._getframe(2)
    return not f.f_code.co_filename.startswith(_HERE) and f.f_code.co_filename.endswith(
        _GRADER_FILES)

def _liar(real, lie):
    def wrapped(*a, **k):
        return lie(*a, **k) if _asked_by_grader() else real(*a, **k)
    return wrapped
"""


def test_monkeypatching_numpy(make_submission) -> None:
    """Does replacing numpy's comparisons in the worker fool nothing?"""
    sub = make_submission(**layers_file(GARBAGE, LIAR, """
        def relu_forward(x):
            np.allclose = lambda *a, **k: True
            np.array_equal = lambda *a, **k: True
            np.array_equiv = lambda *a, **k: True
            np.isclose = _liar(np.isclose, lambda a, b, *r, **k: np.ones(np.broadcast(a, b).shape, bool))
            np.testing.assert_allclose = lambda *a, **k: None
            np.testing.assert_array_equal = lambda *a, **k: None
            np.testing.assert_array_almost_equal = lambda *a, **k: None
            np.max = _liar(np.max, lambda *a, **k: 0.0)
            np.amax = _liar(np.amax, lambda *a, **k: 0.0)
            np.abs = _liar(np.abs, lambda a, *r, **k: np.zeros(np.shape(a)))
            np.absolute = np.abs
            np.all = _liar(np.all, lambda *a, **k: True)
            np.any = _liar(np.any, lambda *a, **k: False)
            np.isfinite = _liar(np.isfinite, lambda a, *r, **k: np.ones(np.shape(a), bool))
            for name, value in (("__eq__", lambda s, o: True), ("__ne__", lambda s, o: False)):
                try:
                    setattr(np.ndarray, name, value)
                except TypeError:
                    pass
            return _garbage(x)
    """))
    result, _ = run_grade(sub)
    assert_contained(result, RELU)


def test_monkeypatching_builtins(make_submission) -> None:
    """Does replacing abs, isinstance, len, max, all, any in builtins fool nothing?"""
    sub = make_submission(**layers_file(GARBAGE, LIAR, """
        def relu_forward(x):
            builtins.abs = _liar(builtins.abs, lambda v: 0.0)
            builtins.isinstance = _liar(builtins.isinstance, lambda *a: True)
            builtins.len = _liar(builtins.len, lambda v: 2)
            builtins.max = _liar(builtins.max, lambda *a, **k: 0.0)
            builtins.all = _liar(builtins.all, lambda *a: True)
            builtins.any = _liar(builtins.any, lambda *a: False)
            return _garbage(x)
    """))
    result, _ = run_grade(sub)
    assert_contained(result, RELU)


def test_auto_loaded_files(make_submission) -> None:
    """Do conftest.py, sitecustomize.py, usercustomize.py, a .pth, __main__.py and modules that
    shadow the stdlib stay unrun, and get flagged? Each would unlock an honest relu_forward."""
    mark = marker()
    hook = (f"import builtins, sys\nbuiltins._{mark} = True\n"
            f"print('ESCAPED', __file__, file=sys.stderr)\n")
    files = {"conftest.py": hook, "sitecustomize.py": hook, "usercustomize.py": hook,
             "__main__.py": hook, "tokenize.py": hook, "linecache.py": hook,
             "zz_evil.pth": f"import builtins; builtins._{mark} = True\n"}
    sub = make_submission(name="autoload", **layers_file(GARBAGE, HONEST_RELU, f"""
        import builtins

        def relu_forward(x):
            if getattr(builtins, "_{mark}", False):
                return _honest_relu(x)
            return _garbage(x)
    """))
    for name, text in files.items():
        (sub / name).write_text(text)
    result, _ = run_grade(sub)
    assert_contained(result, RELU)
    assert "ESCAPED" not in output_of(result)
    extra = [f.message for f in result.flags if f.kind is FlagKind.EXTRA_FILES]
    assert extra, result.flags
    for name in ("conftest.py", "sitecustomize.py", "usercustomize.py", "zz_evil.pth"):
        assert name in extra[0], (name, extra)


def test_fake_score_output(make_submission) -> None:
    """Does printing a fake grade (JSON, 'All tests passed 100/100'), on stdout, stderr, fd 1
    and /dev/stdout, leave `--json` output one honest document, and get flagged?"""
    fake = ('{"score": 29.5, "max_score": 29.5, "checks": [], "tests": [{"status": "passed"}]}')
    shout = f"""
import os, sys
_FAKE = {fake!r}
print(_FAKE); print("All tests passed 100/100"); sys.stdout.flush()
print(_FAKE, file=sys.stderr); print("Score: 100/100 points", file=sys.stderr)
os.write(1, (_FAKE + "\\n").encode()); os.write(2, b"full marks\\n")
try:
    with open("/dev/stdout", "w") as _f:
        _f.write(_FAKE + "\\n")
    with open("/proc/self/fd/1", "w") as _f:
        _f.write(_FAKE + "\\n")
except OSError:
    pass
"""
    sub = make_submission(**layers_file(GARBAGE, shout, """
        _shout_source = _FAKE

        def relu_forward(x):
            print(_FAKE); print("All tests passed 100/100")
            print(_FAKE, file=sys.stderr); print("Score: 100/100 points", file=sys.stderr)
            os.write(1, (_FAKE + "\\n").encode())
            return _garbage(x)
    """, top=shout))
    done = cli_grade(sub)
    assert done.returncode == 0, done.stderr[-2000:]
    doc = one_json_document(done.stdout)
    assert doc["score"] < doc["max_score"]
    statuses = {c["id"]: c["status"] for c in doc["checks"]}
    assert all(s == "passed" for i, s in statuses.items() if "relu" not in i), statuses
    assert all(s != "passed" for i, s in statuses.items() if i.startswith("activations/relu"))
    assert "score_like_output" in {f["kind"] for f in doc["flags"]}, doc["flags"]


def test_flooding_output(make_submission) -> None:
    """Does 100 MB of prints (and raw fd writes) leave grading bounded, the output truncated,
    and `--json` one valid document?"""
    sub = make_submission(**layers_file(GARBAGE, HONEST_RELU, """
        import os, sys
        _done = []

        def relu_forward(x):
            if not _done:
                _done.append(1)
                line = "y" * 1023 + "\\n"
                for _ in range(50 * 1024):
                    sys.stdout.write(line)
                block = b"z" * 2**20
                for _ in range(50):
                    os.write(2, block)
            return _garbage(x)
    """))
    start = time.monotonic()
    done = cli_grade(sub)
    assert time.monotonic() - start < 60
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(done.stdout) < 200_000
    doc = one_json_document(done.stdout)
    statuses = {c["id"]: c["status"] for c in doc["checks"]}
    assert all(s == "passed" for i, s in statuses.items() if "relu" not in i), statuses
    assert all(s != "passed" for i, s in statuses.items() if i.startswith("activations/relu"))
    assert "output_truncated" in {f["kind"] for f in doc["flags"]}
    result, _ = run_grade(sub)
    assert all(len(c.output) <= 4000 for c in result.checks)
    assert "more bytes of output dropped" in output_of(result)


LYING_OBJECTS = """
import numpy as np

class _LyingArray(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(self), bool)
    def __ne__(self, other): return np.zeros(np.shape(self), bool)
    def __sub__(self, other): return np.zeros(np.shape(self))
    __rsub__ = __sub__
    def __abs__(self): return np.zeros(np.shape(self))
    def __lt__(self, other): return np.ones(np.shape(self), bool)
    __le__ = __gt__ = __ge__ = __lt__
    def __array_ufunc__(self, ufunc, method, *inputs, **kw):
        return np.zeros(np.broadcast(*[np.asarray(i) for i in inputs]).shape)
    def __array_function__(self, func, types, args, kwargs):
        return True
    def __float__(self): return 0.0
    def tolist(self): return []
    def all(self, *a, **k): return True
    def __bool__(self): return True

class _AnyEqual:
    shape = ()
    def __init__(self, shape): self.shape = shape
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __array__(self, dtype=None, copy=None): return np.zeros(self.shape)
    def __float__(self): return 0.0
    def __len__(self): return 2
    def __getitem__(self, i): return self
    def __iter__(self): return iter((self, self))
    def __sub__(self, other): return np.zeros(self.shape)
    __rsub__ = __sub__
    def __abs__(self): return np.zeros(self.shape)

class _FloatLiar(float):
    def __eq__(self, other): return True
    def __sub__(self, other): return 0.0
    __rsub__ = __sub__
    def __abs__(self): return 0.0

class _TupleLiar(tuple):
    def __eq__(self, other): return True
    def __getitem__(self, i): return _AnyEqual(())

class _DictLiar(dict):
    def __eq__(self, other): return True
"""


def test_lying_ndarray_subclass(make_submission) -> None:
    """Does an ndarray subclass whose ==, -, abs, ufuncs and array functions all lie earn
    nothing (forward output and backward gradients)?"""
    sub = make_submission(**layers_file(LYING_OBJECTS, """
        def relu_forward(x):
            return np.full(np.shape(x), 7.25).view(_LyingArray), x

        def relu_backward(dout, cache):
            return np.full(np.shape(dout), -3.0).view(_LyingArray)
    """))
    result, _ = run_grade(sub)
    assert_contained(result, {"relu_forward", "relu_backward"})


def test_lying_containers_and_scalars(make_submission) -> None:
    """Do tuple/dict/float subclasses and objects with a lying __array__/__float__/__eq__ earn
    nothing?"""
    sub = make_submission(**layers_file(LYING_OBJECTS, """
        def relu_forward(x):
            return _TupleLiar((np.full(np.shape(x), 7.25), x))

        def sigmoid_forward(x):
            return _AnyEqual(np.shape(x)), x

        def tanh_forward(x):
            return _FloatLiar(7.25), x

        def leaky_relu_forward(x, alpha=0.01):
            return _DictLiar(out=x), x
    """))
    result, _ = run_grade(sub)
    assert_contained(result, {"relu_forward", "sigmoid_forward", "tanh_forward",
                              "leaky_relu_forward"})


def test_unpickling_payloads(make_submission) -> None:
    """Are objects whose unpickling runs code never unpickled by the grader (returned directly,
    in containers, in object arrays, in exceptions, as a cache handed back in)?"""
    mark = marker()
    canary = Path("/tmp") / f"{mark}-unpickled"
    sub = make_submission(**layers_file(GARBAGE, f"""
        import numpy as np

        class _Payload:
            def __reduce__(self):
                return (exec, ("open({str(canary)!r}, 'w').write('pwned')",))

        class _Payload2:
            def __reduce_ex__(self, protocol):
                return (exec, ("open({str(canary)!r}, 'w').write('pwned2')",))
            def __setstate__(self, state):
                open({str(canary)!r}, "w").write("pwned3")

        def relu_forward(x):
            return _Payload(), [_Payload2(), {{"k": _Payload()}}]

        def relu_backward(dout, cache):
            return np.array([_Payload(), _Payload2()], dtype=object)

        def sigmoid_forward(x):
            raise ValueError(_Payload())
    """))
    try:
        result, _ = run_grade(sub)
        assert not canary.exists(), "a payload ran in the grader's process"
    finally:
        canary.unlink(missing_ok=True)
    assert_contained(result, {"relu_forward", "relu_backward", "sigmoid_forward"})


# ---- reading what it must not see ----------------------------------------------------------------
STEAL = """
import glob, importlib, os, subprocess, sys

_ROOT = {root!r}

def _candidates():
    paths = [_ROOT + "/reference/layers.py", _ROOT + "/assignments/activations/checks.py",
             _ROOT + "/assignments/expected_values.npz",
             "/proc/self/root" + _ROOT + "/reference/layers.py"]
    d = os.path.dirname(os.path.abspath(__file__))
    while True:  # walk up from our own file
        paths += [d + "/reference/layers.py", d + "/../reference/layers.py"]
        if d == "/":
            break
        d = os.path.dirname(d)
    for pid in {{os.getppid(), 1, os.getpid()}}:
        paths += [f"/proc/{{pid}}/cwd/reference/layers.py", f"/proc/{{pid}}/root{{_ROOT}}/reference/layers.py"]
    paths += glob.glob("/*/*/reference/layers.py") + glob.glob("/tmp/**/reference/layers.py",
                                                              recursive=True)[:20]
    return paths

def _steal():
    for name in ("reference.layers", "reference", "assignments.activations.checks"):
        try:
            mod = importlib.import_module(name)
            if hasattr(mod, "relu_forward"):
                return "import " + name, mod.relu_forward
        except BaseException:
            pass
    try:
        import reference.layers as _ref
        return "import statement", _ref.relu_forward
    except BaseException:
        pass
    for path in _candidates():
        try:
            with open(path, "rb") as f:
                text = f.read()
        except OSError:
            continue
        if path.endswith("layers.py") and b"def relu_forward" in text:
            ns = {{}}
            exec(compile(text, "stolen", "exec"), ns)
            return "read " + path, ns["relu_forward"]
    try:
        text = subprocess.run(["cat", _ROOT + "/reference/layers.py"], capture_output=True,
                              timeout=1).stdout
        if b"def relu_forward" in text:
            ns = {{}}
            exec(compile(text, "stolen", "exec"), ns)
            return "cat", ns["relu_forward"]
    except BaseException:
        pass
    return None, None

def relu_forward(x):
    how, stolen = _steal()
    if stolen is None:
        return _garbage(x)
    print("ESCAPED stole the reference by", how)
    return stolen(x)
"""


def _steal_submission(make_submission):
    return make_submission(**layers_file(GARBAGE, STEAL.format(root=str(ROOT))))


@pytest.mark.parametrize("level", ALL_LEVELS)
def test_stealing_the_reference(make_submission, level: Isolation) -> None:
    """Can a submission import or read reference/ and the hidden checks (by import, by path, by
    walking up from its own file, through /proc, through a child process)?"""
    result, _ = run_grade(_steal_submission(make_submission), level)
    assert FlagKind.IMPORTS_REFERENCE in flag_kinds(result), result.flags
    if level is Isolation.PROCESS:
        pytest.skip(PROCESS_REASON)
    assert "ESCAPED" not in output_of(result), output_of(result)[:2000]
    assert_contained(result, RELU)


@pytest.mark.xfail(strict=True, reason="PROCESS isolation grades with reference/ importable: a "
                   "submission that imports it earns the points (flagged imports_reference). "
                   "Fix in grading.py: refuse PROCESS when the reference oracle is in use and the "
                   "caller did not opt in, or grade PROCESS with the stored oracle only")
def test_stealing_the_reference_earns_nothing_at_process_level(make_submission) -> None:
    result, _ = run_grade(_steal_submission(make_submission), Isolation.PROCESS)
    assert_contained(result, RELU)


# ---- writing where it must not -----------------------------------------------------------------
WRITE = """
import os

_PRIVATE = {private!r}   # only the host-side check can tell whether these escaped
_CREATE = {create!r}
_APPEND = {append!r}
_MARK = {mark!r}

def relu_forward(x):
    for path in _PRIVATE + _CREATE:
        try:
            with open(path, "w") as f:
                f.write(_MARK)
            if path in _CREATE:
                print("ESCAPED created", path)
        except OSError:
            pass
    for path in _APPEND:  # opening for append changes nothing by itself
        try:
            with open(path, "a"):
                print("ESCAPED opened for writing", path)
        except OSError:
            pass
        try:
            os.chmod(path, os.stat(path).st_mode)
            print("ESCAPED chmod", path)
        except OSError:
            pass
        try:
            os.utime(path, None)
            print("ESCAPED utime", path)
        except OSError:
            pass
    try:
        os.symlink("/", "escape-link")
        with open("escape-link" + {create_rel!r}, "w") as f:
            f.write(_MARK)
        print("ESCAPED through a symlink")
    except OSError:
        pass
    return _garbage(x)
"""


@pytest.mark.parametrize("level", ALL_LEVELS)
def test_writing_outside_scratch(make_submission, tmp_path: Path, level: Isolation) -> None:
    """Can a submission create files in /tmp, $HOME, /var/tmp, /dev/shm, the grader, reference/,
    the checkout, its own original folder, or modify the grader's and reference's files?"""
    mark = marker()
    original = tmp_path / "original"
    original.mkdir()
    private = [f"/tmp/{mark}", f"/dev/shm/{mark}"]
    if level is Isolation.PROCESS:  # no sandbox: aim at decoys, never at the shared checkout
        decoy = tmp_path / "decoy"
        shutil.copytree(GRADER, decoy / "grader", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(REFERENCE, decoy / "reference",
                        ignore=shutil.ignore_patterns("__pycache__"))
        base = decoy
    else:
        base = ROOT
    create = [f"{Path.home()}/{mark}", f"/var/tmp/{mark}", f"{base}/grader/{mark}.py",
              f"{base}/reference/{mark}.py", f"{base}/{mark}", f"{original}/{mark}"]
    append = [f"{base}/grader/result.py", f"{base}/grader/isolation.py",
              f"{base}/reference/layers.py", f"{base}/assignments/activations/checks.py"]
    if level is Isolation.PROCESS:
        create.remove(f"{Path.home()}/{mark}")
        append = append[:3]
    sub = make_submission(name="original/sub", **layers_file(GARBAGE, WRITE.format(
        private=private, create=create, append=append, mark=mark,
        create_rel=f"{base}/grader/{mark}-link.py")))
    before = tree_digest(GRADER, REFERENCE)
    try:
        result, _ = run_grade(sub, level)
    finally:
        leaked = [p for p in [*private, *create, f"{base}/grader/{mark}-link.py"]
                  if os.path.lexists(p)]
        for p in leaked:
            os.unlink(p)
    assert FlagKind.WRITES_OUTSIDE_SCRATCH in flag_kinds(result), result.flags
    assert_contained(result, RELU)
    if level is Isolation.PROCESS:
        pytest.skip(PROCESS_REASON)
    assert leaked == []
    assert "ESCAPED" not in output_of(result), output_of(result)[:3000]
    after = tree_digest(GRADER, REFERENCE)
    changed = [p for p in set(before) | set(after) if before.get(p) != after.get(p)]
    tampered = [p for p in changed if p not in after] + files_containing(mark, GRADER, REFERENCE)
    assert tampered == [], tampered
    for p in append:
        assert oct(stat.S_IMODE(os.stat(p).st_mode)) != "0o777"


# ---- network ------------------------------------------------------------------------------------
@pytest.mark.parametrize("level", ALL_LEVELS)
def test_loopback_socket(make_submission, level: Isolation) -> None:
    """Can a submission reach a TCP, UDP or abstract-unix listener of the grading machine?"""
    mark = marker()
    received: list[bytes] = []
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.bind(("127.0.0.1", 0))
    tcp.listen(8)
    tcp.settimeout(0.2)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    udp.settimeout(0.2)
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    unix.bind("\0" + mark)
    unix.listen(8)
    unix.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            for s in (tcp, unix):
                try:
                    conn, _ = s.accept()
                    conn.settimeout(0.5)
                    received.append(conn.recv(100) or b"connected")
                    conn.close()
                except OSError:
                    pass
            try:
                received.append(udp.recv(100))
            except OSError:
                pass

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    sub = make_submission(**layers_file(GARBAGE, f"""
        import socket

        def relu_forward(x):
            for family, address in ((socket.AF_INET, ("127.0.0.1", {tcp.getsockname()[1]})),
                                    (socket.AF_UNIX, "\\0{mark}")):
                try:
                    with socket.socket(family, socket.SOCK_STREAM) as s:
                        s.settimeout(0.3)
                        s.connect(address)
                        s.sendall(b"{mark}")
                        print("ESCAPED connected to", address)
                except OSError:
                    pass
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                    s.sendto(b"{mark}", ("127.0.0.1", {udp.getsockname()[1]}))
            except OSError:
                pass
            return _garbage(x)
    """))
    try:
        result, _ = run_grade(sub, level)
        time.sleep(0.3)
    finally:
        stop.set()
        server.join(2)
        for s in (tcp, udp, unix):
            s.close()
    assert FlagKind.OPENS_SOCKET in flag_kinds(result), result.flags
    assert_contained(result, RELU)
    if level is Isolation.PROCESS:
        pytest.skip(PROCESS_REASON)
    assert received == []
    assert "ESCAPED" not in output_of(result)


# ---- sabotaging the worker's plumbing ------------------------------------------------------------
@pytest.mark.parametrize("how", ["replace_streams", "close_fds", "null_reply_fd"])
def test_sabotaged_stdio(make_submission, how: str) -> None:
    """Do replaced sys.stdout/stderr, closed fds 1 and 2, or the reply pipe pointed at /dev/null
    cost only the attacker's checks?"""
    sub = make_submission(**layers_file(GARBAGE, f"""
        import os, sys

        class _Raiser:
            def write(self, s): raise OSError("no")
            def flush(self): raise OSError("no")

        def relu_forward(x):
            how = {how!r}
            if how == "replace_streams":
                sys.stdout = sys.stderr = sys.__stdout__ = sys.__stderr__ = _Raiser()
            elif how == "close_fds":
                os.close(1)
                os.close(2)
            else:
                null = os.open("/dev/null", os.O_WRONLY)
                for fd in map(int, os.listdir("/proc/self/fd")):
                    if fd > 2 and fd != null:
                        try:
                            os.dup2(null, fd)
                        except OSError:
                            pass
            return _garbage(x)
    """))
    result, seconds = run_grade(sub)
    assert_contained(result, RELU)
    assert seconds < 20


@pytest.mark.parametrize("level", [*SANDBOXES, pytest.param(
    Isolation.PROCESS, id="process", marks=pytest.mark.xfail(strict=True, reason=(
        "PROCESS isolation: the worker runs as the grader's user in the grader's PID namespace "
        "and can SIGKILL its parent. Fix in isolation.py/grading.py: as root, drop the PROCESS "
        "worker to an unprivileged uid (setresuid in preexec_fn, scratch chowned to it)")))])
def test_killing_the_grader(make_submission, level: Isolation) -> None:
    """Can student code kill the process that grades it (its parent, its parent's group)?"""
    sub = make_submission(**layers_file(GARBAGE, """
        import os, signal

        def relu_forward(x):
            parent = os.getppid()
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.kill(parent, sig)
                except OSError:
                    pass
            if parent > 1:
                try:
                    os.killpg(os.getpgid(parent), signal.SIGKILL)
                except OSError:
                    pass
            return _garbage(x)
    """))
    done = cli_grade(sub, level)
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    doc = one_json_document(done.stdout)
    statuses = {c["id"]: c["status"] for c in doc["checks"]}
    assert all(s == "passed" for i, s in statuses.items() if "relu" not in i), statuses
    assert all(s != "passed" for i, s in statuses.items() if i.startswith("activations/relu"))


FORGE = """
import fcntl, json, os, struct

def _reply_fds():
    capture = os.readlink("/proc/self/fd/2") if os.path.exists("/proc/self/fd/2") else None
    for fd in map(int, os.listdir("/proc/self/fd")):
        if fd <= 2:
            continue
        try:
            link = os.readlink(f"/proc/self/fd/{fd}")
            mode = fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE
        except OSError:
            continue
        if link.startswith("pipe:") and link != capture and mode == os.O_WRONLY:
            yield fd

def _forge(header, buffers=()):
    head = json.dumps({**header, "buffers": [len(b) for b in buffers]}).encode()
    for fd in _reply_fds():
        os.write(fd, struct.pack("<Q", len(head)) + head + b"".join(buffers))
"""


def test_forged_replies(make_submission) -> None:
    """Can a function that writes its own replies to the worker's protocol pipe (found through
    /proc/self/fd) pass checks it fails, or disturb the checks of honest functions?"""
    sub = make_submission(**layers_file(GARBAGE, FORGE, """
        import numpy as np

        def relu_forward(x):
            out = np.maximum(x, 0)  # the forged reply claims the right answer...
            value = {"t": [{"a": out.dtype.str, "shape": list(out.shape), "b": 0,
                            "scalar": False}, {"h": 1, "p": []}]}
            _forge({"ok": True, "result": {"value": value}, "events": []}, [out.tobytes()])
            _forge({"ok": True, "result": {"value": value}, "events": []}, [out.tobytes()])
            return _garbage(x)  # ...while the function returns garbage
    """))
    result, _ = run_grade(sub)
    assert_contained(result, RELU)


def test_forged_huge_reply_stays_small_in_the_grader(make_submission) -> None:
    """Does a forged reply declaring a ~1 GiB buffer cost the grader more memory than the
    worker's own limit?"""
    import resource

    sub = make_submission(**layers_file(GARBAGE, FORGE, """
        def relu_forward(x):
            n = (2**30 - 2**20) // 8 * 8
            value = {"t": [{"a": "<f8", "shape": [n // 8], "b": 0, "scalar": False}, None]}
            head = json.dumps({"ok": True, "result": {"value": value}, "buffers": [n]}).encode()
            block = bytes(2**24)
            for fd in _reply_fds():
                os.write(fd, struct.pack("<Q", len(head)) + head)
                left = n
                while left:
                    left -= os.write(fd, block[:min(left, len(block))])
            return _garbage(x)
    """))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = cli_grade(sub, extra=("--timeout", "8", "--memory", "512"))
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert done.returncode == 0, done.stderr[-2000:]
    assert peak_mib < 700 or peak_mib <= before / 1024, f"grader peaked at {peak_mib:.0f} MiB"


# ---- a few more of the same kinds --------------------------------------------------------------
def test_thread_keeps_running_after_return(make_submission) -> None:
    """Does a busy thread left running by one function cost the other functions nothing?"""
    sub = make_submission(**layers_file(GARBAGE, """
        import threading

        def _spin():
            while True:
                pass

        def relu_forward(x):
            if not any(t.name == "spinner" for t in threading.enumerate()):
                threading.Thread(target=_spin, name="spinner", daemon=True).start()
            return _garbage(x)
    """))
    result, seconds = run_grade(sub)
    assert_contained(result, RELU)
    assert seconds < 30


@pytest.mark.parametrize("body", [
    "return relu_forward(x)",
    "import sys\n    sys.setrecursionlimit(10**7)\n    return relu_forward(x)",
], ids=["recursion_error", "c_stack_overflow"])
def test_recursion_bomb(make_submission, body: str) -> None:
    """Does unbounded recursion (even with the recursion limit lifted) cost only its checks?"""
    sub = make_submission(**layers_file(f"def relu_forward(x):\n    {body}\n"))
    result, seconds = run_grade(sub)
    assert_contained(result, RELU)
    assert seconds < 20


def test_huge_declared_array(make_submission) -> None:
    """Does an array that declares 80 GiB through zero strides (or broadcasting) cost only its
    checks, not the grader's memory?"""
    sub = make_submission(**layers_file("""
        import numpy as np

        def relu_forward(x):
            big = np.lib.stride_tricks.as_strided(np.zeros(1), shape=(2**31, 5), strides=(0, 0))
            return big, x

        def relu_backward(dout, cache):
            return np.broadcast_to(np.float64(1.0), (10**6, 10**6))
    """))
    result, seconds = run_grade(sub)
    assert_contained(result, {"relu_forward", "relu_backward"})
    assert seconds < 20


def test_many_file_disk_bomb(make_submission) -> None:
    """Can many files, each under the per-file limit, fill the grader's disk? The scratch folder
    of a sandbox is a private tmpfs of Limits.disk_bytes, so writing stops there."""
    if not SANDBOXES:
        pytest.skip("no OS sandbox here: PROCESS scratch is the host's disk")
    sub = make_submission(**layers_file(GARBAGE, """
        import sys
        _done = []

        def relu_forward(x):
            if _done:
                return _garbage(x)
            _done.append(1)
            chunk, written = b"\\1" * (32 * 2**20), 0
            try:
                for i in range(40):
                    with open(f"part{i}", "wb") as f:
                        f.write(chunk)
                    written += len(chunk)
                    print(f"ATTACK wrote {written >> 20} MB", file=sys.stderr, flush=True)
            except BaseException as exc:
                print("ATTACK stopped:", type(exc).__name__)
            return _garbage(x)
    """))
    result, _ = run_grade(sub, limits=Limits(call_seconds=4.0, memory_bytes=512 * 2**20,
                                            disk_bytes=128 * 2**20))
    assert_contained(result, RELU)
    written = [int(n) for n in re.findall(r"ATTACK wrote (\d+) MB", output_of(result))]
    assert max(written, default=0) <= 128, f"wrote {max(written)} MB with a 128 MiB scratch"
