"""The trusted side of isolation: start the worker, talk to it under time limits, replace it.

Student code runs only in the worker (`grader.worker`), a separate process with a memory cap,
optionally inside an OS sandbox (`grader.sandbox`). This module sends requests, waits at most
`Limits.call_seconds` for each reply, and turns every way a worker can misbehave (raising,
exiting, hanging, ignoring signals, exhausting memory, flooding output, sending garbage) into an
exception that costs the check in progress and nothing more.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.codec import ProtocolError, read_message, write_message
from grader.executor import Layout
from grader.process_tree import kill_process_tree

__all__ = [
    "GRADER_PARENT",
    "Limits",
    "StudentError",
    "StudentImportError",
    "StudentNotImplemented",
    "WorkerDied",
    "WorkerFailure",
    "WorkerProcess",
    "WorkerTimeout",
    "ChannelTampered",
    "worker_argv",
]

GRADER_PARENT = str(Path(__file__).resolve().parent.parent)
_BOOT = "import sys; sys.path.insert(0, sys.argv[1]); from grader.worker import main; main()"


def worker_argv(grader_parent: str = GRADER_PARENT) -> list[str]:
    """-I: no user site, no PYTHON* variables, no cwd on sys.path (a submission's
    sitecustomize.py is never imported); -B: never write __pycache__ into the submission."""
    return [sys.executable, "-I", "-B", "-c", _BOOT, grader_parent]


@dataclass(frozen=True)
class Limits:
    """Resource limits for student code. Defaults suit one assignment on a laptop."""

    call_seconds: float = 5.0
    memory_bytes: int = 1 << 30
    output_bytes: int = 64 * 1024
    file_bytes: int = 64 << 20  # largest file student code may write
    disk_bytes: int = 256 << 20  # all it may write (a sandbox's private scratch; not PROCESS)
    start_seconds: float = 30.0


class StudentError(BaseException):
    """Student code raised. A BaseException so hypothesis never retries or shrinks around it."""

    def __init__(self, type_name: str, message: str, where: str = "") -> None:
        super().__init__(f"{type_name}: {message}")
        self.type_name = type_name
        self.message = message
        self.where = where

    def describe(self) -> str:
        at = f" at {self.where}" if self.where else ""
        return f"raised {self.type_name}: {self.message}{at}"


class StudentImportError(StudentError):
    """A student module could not be imported: the same for every input, so never shrunk."""


class StudentNotImplemented(StudentError):
    """A stub that still raises NotImplementedError, or returns CS231n's placeholder None."""


class WorkerFailure(BaseException):
    """The worker stopped answering properly; it has been discarded."""


class WorkerTimeout(WorkerFailure):
    pass


class WorkerDied(WorkerFailure):
    pass


class ChannelTampered(WorkerDied):
    """Bytes the grader did not ask for arrived on the reply channel (a forged reply).

    `before_request`: found before the current request was sent, so the previous call wrote
    them after its own reply; otherwise the current call's reply was not the one expected.
    """

    def __init__(self, message: str, before_request: bool) -> None:
        super().__init__(message)
        self.before_request = before_request


def _limit_resources(limits: Limits) -> None:
    """Runs in the child between fork and exec: caps that survive into student code."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def worker_environment(scratch: Path) -> dict[str, str]:
    """A small environment: one BLAS thread (workers run side by side), nothing of ours leaks."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(scratch),
        "TMPDIR": str(scratch),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # some CPUs need these to run at all
        if key in os.environ:
            env[key] = os.environ[key]
    return env


@dataclass
class _Capture:
    """Drains the worker's output pipe on a thread, keeping at most `limit` bytes."""

    fd: int
    limit: int
    data: bytearray = field(default_factory=bytearray)
    dropped: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                room = self.limit - len(self.data)
                self.data += chunk[: max(room, 0)]
                self.dropped += max(len(chunk) - max(room, 0), 0)

    def take(self) -> tuple[str, int]:
        """Everything captured since the last take, and how many bytes were dropped."""
        with self.lock:
            text = self.data.decode("utf-8", "replace")
            dropped = self.dropped
            self.data = bytearray()
            self.dropped = 0
        return text, dropped


class WorkerProcess:
    """One worker process. Without a layout it boots and waits (a warm spare); `load` then
    gives it the submission."""

    def __init__(self, layout: Layout | None, scratch: Path, limits: Limits,
                 command: list[str] | None = None) -> None:
        self.limits = limits
        self.scratch = scratch
        self._rbuf = bytearray()  # bytes read from the worker, not yet consumed
        self._seq = 0
        argv = command or worker_argv()
        audit_read, audit_write = os.pipe()
        env = {**worker_environment(scratch), "GRADER_AUDIT_FD": str(audit_write)}
        try:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                cwd=scratch, env=env, start_new_session=True, pass_fds=(audit_write,),
                preexec_fn=lambda: _limit_resources(limits),  # noqa: PLW1509
            )
        finally:
            os.close(audit_write)
        self.audit = _Capture(audit_read, 64 * 1024)
        self.audit.start()
        assert self.proc.stdin and self.proc.stdout and self.proc.stderr
        self._in = self.proc.stdin.fileno()
        self._out = self.proc.stdout.fileno()
        os.set_blocking(self._in, False)
        self.capture = _Capture(self.proc.stderr.fileno(), limits.output_bytes)
        self.capture.start()
        if layout is not None:
            self.load(layout)

    def load(self, layout: Layout) -> None:
        """Hand the worker its submission (nothing of the student's is imported yet)."""
        self.request({"op": "load", "layout": layout.to_wire(), "scratch": str(self.scratch)},
                     [], seconds=self.limits.start_seconds)

    # ---- plumbing with deadlines -------------------------------------------------------
    def _write_all(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerTimeout("the worker stopped reading its requests")
            _, ready, _ = select.select([], [self._in], [], remaining)
            if ready:
                try:
                    n = os.write(self._in, view)
                except (BrokenPipeError, OSError) as exc:
                    raise self._died() from exc
                view = view[n:]

    def _wait_for_reply_bytes(self, deadline: float) -> None:
        """Block until the reply pipe is readable, or raise WorkerTimeout at the deadline."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WorkerTimeout(f"no answer within {self.limits.call_seconds:g} s")
            ready, _, _ = select.select([self._out], [], [], remaining)
            if ready:
                return

    def _fill(self, deadline: float, want: int) -> None:
        """Read until the receive buffer holds `want` bytes: big reads, few system calls."""
        while len(self._rbuf) < want:
            self._wait_for_reply_bytes(deadline)
            chunk = os.read(self._out, max(want - len(self._rbuf), 1 << 16))
            if not chunk:
                raise self._died()
            self._rbuf += chunk

    def _read_exact(self, deadline: float) -> Any:
        def read_exact(n: int) -> bytes | bytearray:
            if n <= (1 << 20):
                self._fill(deadline, n)
                out = bytes(self._rbuf[:n])
                del self._rbuf[:n]
                return out
            buf = bytearray(n)  # one buffer: a huge reply never costs twice its size here
            got = min(len(self._rbuf), n)
            buf[:got] = self._rbuf[:got]
            del self._rbuf[:got]
            view = memoryview(buf)
            while got < n:
                self._wait_for_reply_bytes(deadline)
                count = os.readv(self._out, [view[got:got + (1 << 20)]])
                if not count:
                    raise self._died()
                got += count
            return buf

        return read_exact

    def _pending_reply_bytes(self) -> bool:
        if self._rbuf:
            return True
        ready, _, _ = select.select([self._out], [], [], 0)
        return bool(ready)

    def _died(self) -> WorkerDied:
        try:
            code = self.proc.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            code = None
        self.kill()
        if code is None:
            return WorkerDied("the worker closed its channel")
        if code < 0:
            name = signal.Signals(-code).name
            why = " (probably the memory limit)" if -code in (signal.SIGKILL, signal.SIGSEGV) else ""
            return WorkerDied(f"the worker was killed by {name}{why}")
        return WorkerDied(f"the worker exited with status {code} (sys.exit/os._exit in student code?)")

    def request(self, header: dict[str, Any], buffers: list[bytes],
                seconds: float | None = None) -> tuple[dict[str, Any], list[bytes]]:
        deadline = time.monotonic() + (seconds or self.limits.call_seconds)
        if self._pending_reply_bytes():  # written after the last reply: the last call's doing
            self.kill()
            raise ChannelTampered("student code wrote to the grader's reply channel",
                                  before_request=True)
        self._seq += 1
        blob = _frame({**header, "seq": self._seq}, buffers)
        # A reply can never legitimately exceed what the worker may hold in memory.
        cap = self.limits.memory_bytes + (1 << 20)
        try:
            self._write_all(blob, deadline)
            reply, reply_buffers = read_message(self._read_exact(deadline), max_bytes=cap)
        except WorkerTimeout:
            self.kill()
            raise
        except ProtocolError as exc:
            self.kill()
            raise WorkerDied(f"the worker sent a malformed reply ({exc})") from exc
        if reply.get("seq") != self._seq:
            self.kill()
            raise ChannelTampered("a reply the grader did not ask for (forged by student code)",
                                  before_request=False)
        return reply, reply_buffers

    def audit_records(self) -> list[list[str]]:
        """Audit records streamed by the worker since the last call (see grader.audit)."""
        text, _ = self.audit.take()
        records = []
        for line in text.splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item):
                records.append(item)
        return records

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole tree: a worker that ignores SIGTERM, or a process it forked, cannot
        outlive its grading."""
        kill_process_tree(self.proc.pid)
        try:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass


class _Sink:
    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, b: bytes) -> None:
        self.parts.append(bytes(b))

    def flush(self) -> None:
        pass


def _frame(header: dict[str, Any], buffers: list[bytes]) -> bytes:
    sink = _Sink()
    write_message(sink, header, buffers)  # type: ignore[arg-type]
    return b"".join(sink.parts)
