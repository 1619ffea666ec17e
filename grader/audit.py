"""Record suspicious behaviour inside the worker, for the trusted side to turn into flags.

The worker installs this before importing student code. It is evidence, not enforcement: the
student shares the worker's process and could tamper with the recorder, and the OS sandbox
(grader.sandbox) is what actually denies things. Records are plain (kind, detail) strings so
they cross the worker protocol without pickle; kinds are grader.result.FlagKind values, and the
trusted side (grader.flags.flags_from_audit) treats them as untrusted input.

Python has no audit event for signal.signal, and importlib.import_module bypasses the "import"
event, so those two are covered by wrapping signal's setters and by a meta-path sentinel.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from typing import Any

from grader.result import FlagKind

__all__ = ["Auditor", "drain", "install"]

_current: Auditor | None = None

_WATCHED_PACKAGES = {"grader": FlagKind.IMPORTS_GRADER.value,
                     "reference": FlagKind.IMPORTS_REFERENCE.value,
                     "assignments": FlagKind.IMPORTS_REFERENCE.value}
_PROCESS_EVENTS = frozenset({"os.system", "os.fork", "os.forkpty", "os.exec", "os.posix_spawn",
                             "os.spawn", "os.startfile", "subprocess.Popen", "pty.spawn"})
# (event, indices of path arguments that get written)
_WRITE_EVENTS = {"os.remove": (0,), "os.rmdir": (0,), "os.mkdir": (0,), "os.rename": (0, 1),
                 "os.replace": (0, 1), "os.symlink": (1,), "os.link": (1,), "os.truncate": (0,),
                 "os.chmod": (0,), "os.chown": (0,), "os.utime": (0,), "shutil.rmtree": (0,)}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_ALWAYS_WRITABLE = ("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/tty")
_PYCACHE = f"{os.sep}__pycache__"
_MAX_PER_KIND = 20  # a loop that opens a million files must not grow the reply without bound


def _imported_by_watched_code() -> bool:
    """Whether the import runs in grader, reference or assignments code, not the student's.

    Such imports are the worker importing lazily, or the consequences of an import already
    recorded. Only reached for watched names, so the stack walk costs nothing on ordinary
    imports. A student can fake a frame's module name; this is evidence, not a lock.
    """
    frame = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if not (filename.startswith("<frozen") or filename == __file__
                or "importlib" in filename):
            name = frame.f_globals.get("__name__")
            return isinstance(name, str) and name.partition(".")[0] in _WATCHED_PACKAGES
        frame = frame.f_back
    return False


class Auditor:
    """Collects (kind, detail) records; every callback swallows its own errors.

    `protected` are folders whose files count as the reference even when merely read
    (reference/, assignments/); `allowed_imports` are grader modules the worker itself may
    still import lazily after student code has loaded.
    """

    def __init__(self, scratch: Path, protected: Sequence[Path] = (),
                 allowed_imports: Iterable[str] = ()) -> None:
        self._scratch = os.path.abspath(scratch)
        self._writable = (self._scratch, *_ALWAYS_WRITABLE)
        self._protected = tuple(os.path.abspath(p) for p in protected)
        self._allowed = frozenset(allowed_imports)
        self._records: list[tuple[str, str]] = []
        self._seen: set[tuple[str, str]] = set()
        self._counts: dict[str, int] = {}
        self._drained = 0
        self._lock = threading.Lock()
        self.sink: Callable[[str, str], None] | None = None
        self._handlers: dict[str, Callable[[str, tuple[Any, ...]], None]] = {
            "import": self._on_import,
            "open": self._on_open,
            "socket.__new__": self._on_socket_new,
            "socket.connect": self._on_socket_use,
            "socket.bind": self._on_socket_use,
            "socket.sendto": self._on_socket_use,
            **{e: self._on_process for e in _PROCESS_EVENTS},
            **{e: self._on_write_event for e in _WRITE_EVENTS},
        }

    def records(self) -> list[tuple[str, str]]:
        """Everything seen so far, in order; at most a few per kind."""
        with self._lock:
            return list(self._records)

    def drain(self) -> list[tuple[str, str]]:
        """Records since the last drain."""
        with self._lock:
            fresh = self._records[self._drained:]
            self._drained = len(self._records)
        return fresh

    def record(self, kind: FlagKind, detail: str) -> None:
        self._add(kind.value, detail)

    def _add(self, kind: str, detail: str) -> None:
        key = (kind, detail[:300])
        with self._lock:
            if key in self._seen:
                return
            self._seen.add(key)
            n = self._counts.get(kind, 0) + 1
            self._counts[kind] = n
            if n <= _MAX_PER_KIND:
                self._records.append(key)
            elif n == _MAX_PER_KIND + 1:
                key = (kind, "more of the same, not recorded")
                self._records.append(key)
            else:
                return
        if self.sink is not None:
            try:
                self.sink(*key)
            except Exception:  # noqa: BLE001 - never raise into student code
                pass

    def hook(self, event: str, args: tuple[Any, ...]) -> None:
        """The audit hook: one dict lookup for the thousands of events we do not care about."""
        handler = self._handlers.get(event)
        if handler is None:
            return
        # An audit hook that raises aborts the student's call: never let that happen.
        with contextlib.suppress(Exception):
            handler(event, args)

    def _on_import(self, event: str, args: tuple[Any, ...]) -> None:
        self.saw_import(str(args[0]))

    def saw_import(self, name: str) -> None:
        top = name.partition(".")[0]
        kind = _WATCHED_PACKAGES.get(top)
        if kind is not None and name not in self._allowed and not _imported_by_watched_code():
            self._add(kind, f"import {name}")


    def _is_writable(self, path: str) -> bool:
        # Python's own bytecode cache (the worker runs with -I, which ignores
        # PYTHONDONTWRITEBYTECODE); without this every submission would be flagged.
        return _PYCACHE in path or any(path == w or path.startswith(w + os.sep)
                                       for w in self._writable)

    def _check_path(self, raw: Any, writing: bool, what: str) -> None:
        if isinstance(raw, int) or raw is None:
            return  # an fd: the open that produced it was already seen
        path = os.path.abspath(os.fsdecode(raw))
        if writing and not self._is_writable(path):
            self._add(FlagKind.WRITES_OUTSIDE_SCRATCH.value, f"{what} {path}")
        if self._protected and any(path == p or path.startswith(p + os.sep)
                                   for p in self._protected):
            self._add(FlagKind.IMPORTS_REFERENCE.value, f"{what} {path}")

    def _on_open(self, event: str, args: tuple[Any, ...]) -> None:
        path, mode, flags = args
        if isinstance(mode, str):
            writing = any(c in mode for c in "wax+")
        else:
            writing = bool((flags or 0) & _WRITE_FLAGS)
        self._check_path(path, writing, "open")

    def _on_write_event(self, event: str, args: tuple[Any, ...]) -> None:
        for i in _WRITE_EVENTS[event]:
            if i < len(args):
                self._check_path(args[i], True, event)

    def _on_socket_new(self, event: str, args: tuple[Any, ...]) -> None:
        family = args[1] if len(args) > 1 else None
        if family != getattr(socket, "AF_UNIX", -1):  # socketpair()s for pipes are harmless
            self._add(FlagKind.OPENS_SOCKET.value, f"socket family={family}")

    def _on_socket_use(self, event: str, args: tuple[Any, ...]) -> None:
        address = args[-1] if args else None
        self._add(FlagKind.OPENS_SOCKET.value, f"{event} {address!r}"[:200])

    def _on_process(self, event: str, args: tuple[Any, ...]) -> None:
        detail = event
        if event in ("os.system", "subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn"):
            detail = f"{event} {args[0]!r}"[:200]
        self._add(FlagKind.SPAWNS_PROCESSES.value, detail)


class _ImportSentinel:
    """First on sys.meta_path: sees every import that misses sys.modules, by any route."""

    def __init__(self, auditor: Auditor) -> None:
        self._auditor = auditor

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> ModuleSpec | None:
        with contextlib.suppress(Exception):
            self._auditor.saw_import(fullname)
        return None


def _wrap_signal_setters(auditor: Auditor) -> None:
    """Student code that installs handlers or alarms could swallow the worker's timeouts.

    Both `signal` and the C module `_signal` under it: `import _signal` would otherwise go
    unrecorded (signal.signal calls _signal.signal, so that route is recorded twice).
    """
    import _signal

    for module in (signal, _signal):
        for name in ("signal", "setitimer", "alarm", "pthread_sigmask", "siginterrupt"):
            original = getattr(module, name, None)
            if original is None:
                continue

            def wrapper(*args: Any, _original: Any = original,
                        _name: str = f"{module.__name__}.{name}") -> Any:
                with contextlib.suppress(Exception):
                    auditor.record(FlagKind.OVERRIDES_SIGNALS, f"{_name}{args!r}"[:200])
                return _original(*args)

            wrapper.__name__ = name
            wrapper.__doc__ = original.__doc__
            setattr(module, name, wrapper)


def install(scratch: str | Path, protected: Sequence[Path] = (),
            allowed_imports: Iterable[str] = ()) -> Auditor:
    """Start recording; call in the worker after its own imports, before student code.

    Audit hooks cannot be removed, so a second call returns the first auditor instead of
    stacking hooks.
    """
    global _current
    if _current is not None:
        return _current
    auditor = Auditor(Path(scratch), protected, allowed_imports)
    sys.addaudithook(auditor.hook)
    sys.meta_path.insert(0, _ImportSentinel(auditor))  # type: ignore[arg-type]
    _wrap_signal_setters(auditor)
    _current = auditor
    return auditor


def drain() -> list[tuple[str, str]]:
    """Records not yet drained, for the worker to ship with its next reply."""
    return _current.drain() if _current is not None else []
