"""The worker process: `python -m grader.worker`. Runs student code; decides nothing.

The trusted grader writes requests to this process's stdin and reads replies from its stdout.
At start the worker moves that channel to private descriptors and points fds 1 and 2 at the
capture pipe (the inherited stderr), so whatever student code prints is captured and can never
be mistaken for a reply or for the grader's own output.
"""

from __future__ import annotations

import functools
import os
import sys
import types
from typing import Any, BinaryIO

import numpy as np  # imported before student code, so their monkeypatching can't stop it

from grader.codec import (
    Handle,
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
        op = header.get("op")
        if op == "load":
            self.executor = Executor(Layout.from_wire(header["layout"]))
            if _audit is not None:
                _audit.install(scratch=header.get("scratch") or os.getcwd())
            return None
        ex = self.executor
        if ex is None:
            raise ProtocolError("no submission loaded")
        if op == "release":
            ex.release()
            return None
        if op == "import":
            ex.module(str(header["module"]))
            return None
        if op == "rng":  # a numpy Generator for functions taking `rng` (it cannot be sent)
            seed = header.get("seed")
            return encode(ex.handle_of(np.random.default_rng(seed if isinstance(seed, int)
                                                             else None)), out)
        if op == "object":  # attributes may be handles (e.g. a bound method of a put array)
            attrs = decode(header["value"], buffers, resolve=ex.resolve)
            return encode(ex.handle_of(types.SimpleNamespace(**attrs)), out)
        if op == "partial":  # functools.partial of a student callable: a callable can't be sent
            fn = ex.target(decode(header["target"], buffers), header.get("method"))
            kwargs = decode(header["kwargs"], buffers, resolve=ex.resolve)
            return encode(ex.handle_of(functools.partial(fn, **kwargs)), out)
        if op == "put":
            return encode(ex.handle_of(decode(header["value"], buffers, resolve=ex.resolve)), out)
        target = decode(header["target"], buffers)
        if op == "get":
            obj = ex.resolve(target) if isinstance(target, Handle) else ex.lookup(target)
            return encode(obj, out, handle_of=ex.handle_of)
        if op == "set":
            if not isinstance(target, Handle) or not target.path:
                raise ProtocolError("set needs a handle with a path")
            parent = ex.resolve(Handle(target.id, target.path[:-1]))
            value = decode(header["value"], buffers, resolve=ex.resolve)
            key = target.path[-1]
            if isinstance(key, int) or isinstance(parent, dict):
                parent[key] = value
            else:
                setattr(parent, key, value)
            return None
        fn = ex.target(target, header.get("method"))
        seed = header.get("seed")
        if op == "call":
            args = decode(header["args"], buffers, resolve=ex.resolve)
            kwargs = decode(header["kwargs"], buffers, resolve=ex.resolve)
            result = ex.keep(ex.run(fn, args, kwargs, seed), header.get("keep") or [])
            value = encode(result, out, handle_of=ex.handle_of)
            if header.get("echo_args"):
                return {"value": value, "args": encode(args, out, handle_of=ex.handle_of)}
            return {"value": value}
        if op == "map":
            pick = header.get("pick")
            results = []
            for argset in decode(header["argsets"], buffers, resolve=ex.resolve):
                r = ex.run(fn, tuple(argset), {}, seed)
                if pick is not None:
                    if not isinstance(r, tuple | list) or len(r) <= pick:
                        raise StudentRaised("error", "TypeError",
                                            f"expected a tuple with item {pick}", "")
                    r = r[pick]
                results.append(r)
            return {"value": encode(results, out, handle_of=ex.handle_of)}
        raise ProtocolError(f"unknown op {op!r}")


def main() -> None:
    requests = os.fdopen(os.dup(0), "rb", buffering=0)
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
        if _audit is not None:
            reply["events"] = _audit.drain()
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
