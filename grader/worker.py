"""The worker process: `python -m grader.worker`. Runs student code; decides nothing.

The trusted grader writes requests to this process's stdin and reads replies from its stdout.
At start the worker moves that channel to private descriptors and points fds 1 and 2 at the
capture pipe (the inherited stderr), so whatever student code prints is captured and can never
be mistaken for a reply or for the grader's own output.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, BinaryIO

import numpy  # noqa: F401 - imported before student code, so its monkeypatching can't stop it

from grader.codec import (
    ProtocolError,
    Unencodable,
    decode,
    encode,
    read_message,
    write_message,
)
from grader.executor import Executor, Layout, StudentRaised

try:  # the audit hook is optional hardening; the worker works without it
    from grader import audit as _audit
except ImportError:  # pragma: no cover
    _audit = None  # type: ignore[assignment]


def _reader(stream: BinaryIO) -> Any:
    def read_exact(n: int) -> bytes:
        chunks, got = [], 0
        while got < n:
            chunk = stream.read(n - got)
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    return read_exact


class Worker:
    def __init__(self) -> None:
        self.executor: Executor | None = None

    def handle(self, header: dict[str, Any], buffers: list[bytes], out: list[bytes]) -> Any:
        if header.get("op") == "load":
            self.executor = Executor(Layout.from_wire(header["layout"]))
            if _audit is not None:
                auditor = _audit.install(scratch=header.get("scratch") or os.getcwd())
                auditor.sink = _audit_sink()
            return None
        ex = self.executor
        if ex is None:
            raise ProtocolError("no submission loaded")
        target = decode(header["target"], buffers) if "target" in header else None
        values = {k: decode(header[k], buffers, resolve=ex.resolve)
                  for k in ("args", "kwargs", "argsets", "value", "values") if k in header}
        if "where" in header:  # a place to assign to: kept a Handle, not resolved
            values["where"] = decode(header["where"], buffers)
        result = ex.perform(str(header.get("op")), header, target, values)
        return encode(result, out, handle_of=ex.handle_of)


def _audit_sink() -> Any:
    """Write each audit record at once to the grader's audit pipe: a call that then hangs or
    kills the worker cannot take its flags with it."""
    try:
        fd = int(os.environ.get("GRADER_AUDIT_FD", ""))
    except ValueError:
        return None

    def sink(kind: str, detail: str) -> None:
        os.write(fd, (json.dumps([kind, detail]) + "\n").encode())

    return sink


def main() -> None:
    requests = os.fdopen(os.dup(0), "rb")  # buffered: one read usually holds a whole request
    replies = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(2, 1)  # student prints go to the capture pipe
    read_exact = _reader(requests)
    worker = Worker()
    while True:
        try:
            header, buffers = read_message(read_exact)
        except (EOFError, ProtocolError):
            os._exit(0)
        out: list[bytes] = []
        try:
            reply: dict[str, Any] = {"ok": True, "result": worker.handle(header, buffers, out)}
        except StudentRaised as exc:
            out, reply = [], {"ok": False, "error": exc.to_wire()}
        except (Unencodable, ProtocolError, LookupError, KeyError, TypeError, ValueError) as exc:
            out, reply = [], {"ok": False, "error": {"kind": "error", "type": type(exc).__name__,
                                                     "message": str(exc)[:2000], "where": ""}}
        if worker.executor is not None and header.get("op") in ("call", "map"):
            reply["warnings"] = worker.executor.warnings
        reply["seq"] = header.get("seq")
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - student may have replaced or closed them
                pass
        try:
            write_message(replies, reply, out)
        except (ValueError, OverflowError) as exc:  # e.g. a NaN slipped into the header
            write_message(replies, {"ok": False, "error": {
                "kind": "error", "type": type(exc).__name__, "message": str(exc)[:500],
                "where": ""}}, [])


if __name__ == "__main__":
    main()
