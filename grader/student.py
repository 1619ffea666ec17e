"""`Student`: how checks call a submission's code without ever running it in this process.

    out, cache = student.call("relu_forward", x, keep=(1,))   # cache stays in the worker
    dx = student.call("relu_backward", dout, cache)
    model = student.new("TwoLayerNet", input_dim=5)          # a Handle to a worker-side object
    student.set(model["params"]["W1"], w1)
    scores = student.method(model, "loss", X)

Two backends share this interface: `WorkerBackend` (grading: a separate process, replaced when
it fails) and `InProcessBackend` (the benchmarks' floor, and nothing else).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from grader.codec import Handle, ProtocolError, decode, encode
from grader.executor import Executor, Layout, StudentRaised
from grader.isolation import (
    ChannelTampered,
    StudentError,
    StudentImportError,
    StudentNotImplemented,
    WorkerDied,
    WorkerFailure,
    WorkerProcess,
    WorkerTimeout,
)

__all__ = ["Backend", "InProcessBackend", "Student", "WorkerBackend"]


class Backend(Protocol):
    def op(self, op: str, fields: dict[str, Any], values: dict[str, Any], name: str) -> Any: ...

    def take_output(self) -> tuple[str, int]: ...

    def last_warnings(self) -> list[str]: ...

    def close(self) -> None: ...


def _raise_student(error: dict[str, Any]) -> None:
    cls = StudentNotImplemented if error.get("kind") == "not_implemented" else StudentError
    raise cls(str(error.get("type", "Error"))[:100], str(error.get("message", ""))[:2000],
              str(error.get("where", ""))[:500])


@dataclass
class WorkerBackend:
    """Talks to a worker process; starts a fresh one after any failure.

    A name whose call hung or killed the worker is remembered, and later calls to it fail at
    once with the same reason: one infinite loop costs the checks of that function, not five
    seconds per check for the rest of the run.
    """

    layout: Layout
    launch: Callable[[], WorkerProcess]
    worker: WorkerProcess | None = None
    poisoned: dict[str, WorkerFailure] = field(default_factory=dict)
    imported: set[str] = field(default_factory=set)
    output: list[str] = field(default_factory=list)
    dropped: int = 0
    events: list[list[str]] = field(default_factory=list)
    restarts: int = 0
    total_dropped: int = 0  # bytes of student output dropped over the whole grading
    last_name: str = ""
    warnings: list[str] = field(default_factory=list)
    generation: int = 0  # bumped whenever a worker is replaced: its objects are gone
    check_generation: int = 0

    def _worker(self) -> WorkerProcess:
        if self.worker is not None and not self.worker.alive():
            # It answered its last call, then died (e.g. that call killed its own sandbox):
            # the blame is the last call's, not the next one's.
            self._collect(self.worker)
            self.worker.kill()
            self.worker = None
            self.restarts += 1
            if self.last_name:
                self.poisoned.setdefault(self.last_name, WorkerDied(
                    f"the worker died right after {self.last_name} returned"))
        if self.worker is None:
            self.worker = self.launch()
            self.imported.clear()
            self.generation += 1
        return self.worker

    def _collect(self, w: WorkerProcess) -> None:
        text, dropped = w.capture.take()
        if text:
            self.output.append(text)
        self.dropped += dropped
        self.events.extend(w.audit_records()[:100])

    def _send(self, header: dict[str, Any], buffers: list[bytes], name: str) -> Any:
        if name in self.poisoned:
            failure = self.poisoned[name]
            raise type(failure)(f"{failure} (earlier call to {name})")
        w = self._worker()
        if name in self.poisoned:
            raise self.poisoned[name]
        if self.generation != self.check_generation:
            raise WorkerDied(f"the worker was lost earlier in this check (after a call to "
                             f"{self.last_name or 'student code'}); the objects it held are gone")
        try:
            reply, reply_buffers = w.request(header, buffers)
        except ChannelTampered as failure:
            if failure.before_request and self.last_name and self.last_name != name:
                # the previous call wrote after its reply: it is the culprit, not this one
                self._collect(w)
                self.poisoned[self.last_name] = failure
                self.worker = None
                self.restarts += 1
                return self._send(header, buffers, name)
            self._fail(w, name, failure)
            raise
        except WorkerFailure as failure:
            self._fail(w, name, failure)
            raise
        self.last_name = name
        self._collect(w)
        caught = reply.get("warnings")
        self.warnings = [str(x)[:300] for x in caught[:5]] if isinstance(caught, list) else []
        if reply.get("ok") is not True:
            error = reply.get("error")
            _raise_student(error if isinstance(error, dict) else {})
        return reply.get("result"), reply_buffers

    def _fail(self, w: WorkerProcess, name: str, failure: WorkerFailure) -> None:
        self._collect(w)
        w.kill()
        self.worker = None
        self.restarts += 1
        if name:
            self.poisoned[name] = failure

    def _ensure_module(self, name: str) -> None:
        top = name.partition(".")[0]
        module = self.layout.names.get(top)
        if module is None or module in self.imported or module not in self.layout.modules:
            return
        key = f"import {module}.py"
        try:
            self._send({"op": "import", "module": module}, [], key)
        except WorkerFailure as failure:
            raise type(failure)(f"importing {module}.py: {failure}") from None
        except StudentNotImplemented:
            raise
        except StudentError as exc:
            raise StudentImportError(exc.type_name, exc.message, exc.where) from None
        self.imported.add(module)

    def op(self, op: str, fields: dict[str, Any], values: dict[str, Any], name: str) -> Any:
        if fields.get("release_first"):  # a new check: start it on a live worker
            self._worker()
            self.check_generation = self.generation
        if name:
            self._ensure_module(name)
        buffers: list[bytes] = []
        header = {"op": op, **fields, **{k: encode(v, buffers) for k, v in values.items()}}
        result, reply_buffers = self._send(header, buffers, name)
        try:
            return _decode_result(op, result, reply_buffers)
        except (ProtocolError, KeyError, TypeError) as exc:
            raise WorkerDied(f"the worker sent a malformed reply ({exc})") from exc

    def last_warnings(self) -> list[str]:
        return self.warnings

    def take_output(self) -> tuple[str, int]:
        if self.worker is not None:
            self._collect(self.worker)
        text, dropped = "".join(self.output), self.dropped
        self.output, self.dropped = [], 0
        self.total_dropped += dropped
        return text, dropped

    def close(self) -> None:
        if self.worker is not None:
            self.worker.kill()
            self.worker = None


def _decode_result(op: str, result: Any, buffers: list[bytes]) -> Any:
    return decode(result, buffers)


@dataclass
class InProcessBackend:
    """Runs student code in this process. Only for measuring the cost of isolation."""

    layout: Layout
    executor: Executor = field(init=False)

    def __post_init__(self) -> None:
        self.executor = Executor(self.layout)

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, Handle):
            return self.executor.resolve(value)
        if type(value) in (tuple, list):
            return type(value)(self._resolve(v) for v in value)
        if type(value) is dict:
            return {k: self._resolve(v) for k, v in value.items()}
        return copy.copy(value)

    def op(self, op: str, fields: dict[str, Any], values: dict[str, Any], name: str) -> Any:
        target = values.get("target")
        copied = {k: (v if k == "where" else self._resolve(v))
                  for k, v in values.items() if k != "target"}
        try:
            return self.executor.perform(op, fields, target, copied)
        except StudentRaised as exc:
            _raise_student(exc.to_wire())

    def last_warnings(self) -> list[str]:
        return list(self.executor.warnings)

    def take_output(self) -> tuple[str, int]:
        return "", 0

    def close(self) -> None:
        pass


class Student:
    """The submission as checks see it. Every method may raise StudentError, StudentNotImplemented,
    WorkerTimeout or WorkerDied; the runner turns those into a check status."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.seed = 0
        self._calls = 0
        self._fresh = True
        self._origin: dict[int, str] = {}

    def start_check(self, seed: int) -> None:
        """Same check, same seeds: a regrade calls student code with identical global RNG state."""
        self.seed, self._calls = seed, 0
        self._fresh = True  # the check's first request tells the worker to drop old objects
        self._origin.clear()

    def _op(self, op: str, fields: dict[str, Any], values: dict[str, Any], name: str) -> Any:
        if self._fresh:
            fields, self._fresh = {**fields, "release_first": True}, False
        return self.backend.op(op, fields, values, name)

    def _next_seed(self) -> int:
        self._calls += 1
        return (self.seed * 1_000_003 + self._calls) % (2**32)

    def _name(self, target: str | Handle, method: str | None) -> str:
        base = target if isinstance(target, str) else self._origin.get(target.id, "object")
        return f"{base}.{method}" if method else base

    def call(self, target: str | Handle, *args: Any, keep: Sequence[int] = (),
             method: str | None = None, echo_args: bool = False, **kwargs: Any) -> Any:
        """Call a student function (by name) or method (on a Handle); see the module docstring."""
        name = self._name(target, method)
        result = self._op(
            "call", {"method": method, "keep": list(keep), "seed": self._next_seed(),
                     "echo_args": echo_args},
            {"target": target, "args": tuple(args), "kwargs": kwargs}, name)
        value = result[0] if echo_args else result
        for h in _handles(value):
            self._origin.setdefault(h.id, name.partition(".")[0])
        return result

    @property
    def warnings(self) -> list[str]:
        """Warnings (e.g. 'RuntimeWarning: overflow encountered in exp') of the last call."""
        return self.backend.last_warnings()

    def new(self, cls: str, *args: Any, **kwargs: Any) -> Handle:
        """Construct a student class; the instance stays in the worker."""
        h = self.call(cls, *args, keep=(-1,), **kwargs)
        self._origin[h.id] = cls
        return h

    def method(self, obj: Handle, name: str, *args: Any, keep: Sequence[int] = (),
               **kwargs: Any) -> Any:
        return self.call(obj, *args, keep=keep, method=name, **kwargs)

    def map(self, target: str | Handle, argsets: Sequence[tuple[Any, ...]], *,
            pick: int | None = None, method: str | None = None) -> list[Any]:
        """Call the same function on many argument tuples in one round trip (gradient checks)."""
        return self._op("map", {"method": method, "pick": pick, "seed": self._next_seed()},
                               {"target": target, "argsets": list(argsets)},
                               self._name(target, method))

    def sweep(self, obj: Handle, method: str, where: Handle, values: Sequence[Any],
              *args: Any, pick: int | None = None) -> list[Any]:
        """For each value: assign it at `where`, then `obj.method(*args)`; one round trip.
        What `where` holds afterwards is the last value: set it back yourself."""
        return self._op("sweep", {"method": method, "pick": pick, "seed": self._next_seed()},
                        {"target": obj, "where": where, "values": list(values), "args": args},
                        self._name(obj, method))

    def get(self, obj: Handle | str) -> Any:
        return self._op("get", {}, {"target": obj}, self._name(obj, None)
                               if isinstance(obj, str) else "")

    def set(self, where: Handle, value: Any) -> None:
        self._op("set", {}, {"target": where, "value": value}, "")

    def rng(self, seed: int) -> Handle:
        """A seeded numpy Generator in the worker, for student functions taking `rng`."""
        return self._op("rng", {"seed": int(seed)}, {}, "")

    def object(self, **attributes: Any) -> Handle:
        """A worker-side object with these attributes (values may be Handles): e.g. a stub model
        `student.object(loss=w["__rmatmul__"])` for a function that takes models."""
        return self._op("object", {}, {"value": attributes}, "")

    def partial(self, target: str | Handle, **kwargs: Any) -> Handle:
        """`functools.partial(target, **kwargs)` in the worker, e.g. an initializer with its
        scale fixed, for a student function that takes a callable."""
        return self._op("partial", {"method": None}, {"target": target, "kwargs": kwargs},
                               self._name(target, None))

    def put(self, value: Any) -> Handle:
        """Create a worker-side object (e.g. a bn_param dict that several calls share)."""
        return self._op("put", {}, {"value": value}, "")


def _handles(value: Any) -> list[Handle]:
    if isinstance(value, Handle):
        return [value]
    if type(value) in (tuple, list):
        return [h for v in value for h in _handles(v)]
    return []


__all__ += ["StudentError", "StudentNotImplemented", "WorkerDied", "WorkerTimeout"]
