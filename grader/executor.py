"""What the worker does with a request: import student modules, call them, keep their objects.

This module runs on the UNTRUSTED side (inside the worker process, beside student code) and in
the benchmarks' in-process floor. It decides nothing: it executes the operations the trusted
process asks for and reports what happened. Student modules are imported lazily, one at a time,
so a module that fails to import costs only the calls into that module.
"""

from __future__ import annotations

import functools
import importlib
import importlib.machinery
import re
import sys
import traceback
import types
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from grader.codec import Handle

__all__ = ["Executor", "Layout", "StudentRaised"]


@dataclass(frozen=True)
class Layout:
    """Where a submission's modules are and how to import them (built by grader.submission)."""

    root: str
    modules: dict[str, str]  # logical module ("layers") -> import name ("submission.layers")
    names: dict[str, str]  # top-level student name ("relu_forward") -> logical module
    sys_path: tuple[str, ...] = ()
    package: str | None = "submission"  # synthetic package rooted at `root`, if any
    # More synthetic packages, name -> folder, registered WITHOUT running their __init__.py:
    # a CS231n `cs231n/classifiers/__init__.py` importing a missing cnn.py must not stop
    # `cs231n.classifiers.fc_net` from importing.
    packages: dict[str, str] = field(default_factory=dict)

    def to_wire(self) -> dict[str, Any]:
        return {"root": self.root, "modules": self.modules, "names": self.names,
                "sys_path": list(self.sys_path), "package": self.package,
                "packages": self.packages}

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> Layout:
        return cls(root=str(d["root"]), modules=dict(d["modules"]), names=dict(d["names"]),
                   sys_path=tuple(d["sys_path"]), package=d["package"],
                   packages=dict(d.get("packages") or {}))


class StudentRaised(Exception):
    """Student code raised; carries a summary that is safe to ship (plain strings)."""

    def __init__(self, kind: str, type_name: str, message: str, where: str) -> None:
        super().__init__(message)
        self.kind = kind  # "not_implemented" | "error"
        self.type_name = type_name
        self.message = message
        self.where = where

    def to_wire(self) -> dict[str, str]:
        return {"kind": self.kind, "type": self.type_name, "message": self.message,
                "where": self.where}


# Generated modules (a notebook's definitions) mark where each definition came from with a
# line `# cell N`; error locations then name the notebook cell instead of the generated file.
CELL_MARK = re.compile(r"^# cell (\d+)$")


def _place(filename: str, lineno: int | None) -> str:
    path = Path(filename)
    try:
        lines = path.read_text(errors="replace").splitlines()[: lineno or 0]
    except (OSError, ValueError):  # unreadable, or not text: the plain location will do
        lines = []
    for line in reversed(lines):
        if m := CELL_MARK.match(line):
            return f"notebook cell {m.group(1)}"
    return f"{path.name}:{lineno}"


def _summarise(exc: BaseException, root: str) -> StudentRaised:
    kind = "not_implemented" if isinstance(exc, NotImplementedError) else "error"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(root)]
    if isinstance(exc, SyntaxError) and exc.filename:
        where = _place(exc.filename, exc.lineno)
    elif frames:
        last = frames[-1]
        where = f"{_place(last.filename, last.lineno)} in {last.name}: {(last.line or '').strip()}"
    else:
        where = ""
    try:
        message = str(exc)
    except Exception:  # a student exception whose __str__ itself raises
        message = "<unprintable>"
    return StudentRaised(kind, type(exc).__name__[:100], message[:2000], where[:500])


@dataclass
class Executor:
    layout: Layout
    _modules: dict[str, types.ModuleType | StudentRaised] = field(default_factory=dict)
    _objects: dict[int, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # of the last call, e.g. overflow in exp

    def __post_init__(self) -> None:
        for p in reversed(self.layout.sys_path):
            if p not in sys.path:
                sys.path.insert(0, p)
        if self.layout.package and self.layout.package not in sys.modules:
            pkg = types.ModuleType(self.layout.package)
            pkg.__path__ = [self.layout.root]
            sys.modules[self.layout.package] = pkg
        for name in sorted(self.layout.packages, key=lambda n: n.count(".")):  # parents first
            if name not in sys.modules:
                pkg = types.ModuleType(name)
                pkg.__path__ = [self.layout.packages[name]]
                pkg.__spec__ = importlib.machinery.ModuleSpec(name, None, is_package=True)
                pkg.__spec__.submodule_search_locations = pkg.__path__
                sys.modules[name] = pkg
                parent, _, child = name.rpartition(".")
                if parent in sys.modules:  # `import a.b` then `a.b` needs the attribute
                    setattr(sys.modules[parent], child, pkg)

    # ---- objects that stay on this side -------------------------------------------------
    def handle_of(self, obj: Any) -> Handle:
        key = len(self._objects) + 1
        self._objects[key] = obj
        return Handle(key)

    def resolve(self, h: Handle) -> Any:
        try:
            obj = self._objects[h.id]
        except KeyError:
            raise LookupError(f"no object {h.id} (released?)") from None
        for step in h.path:
            obj = self._step(obj, step)
        return obj

    @staticmethod
    def _step(obj: Any, step: int | str) -> Any:
        if isinstance(step, int) or isinstance(obj, dict):
            return obj[step]
        return getattr(obj, step)

    def release(self) -> None:
        self._objects.clear()

    # ---- student names ------------------------------------------------------------------
    def module(self, logical: str) -> types.ModuleType:
        cached = self._modules.get(logical)
        if cached is None:
            try:
                cached = importlib.import_module(self.layout.modules[logical])
            except BaseException as exc:  # SystemExit at import is a student failure too
                cached = _summarise(exc, self.layout.root)
                cached.message = f"importing {logical}.py failed: {cached.type_name}: {cached.message}"
                cached.kind = "error"
            self._modules[logical] = cached
        if isinstance(cached, StudentRaised):
            raise cached
        return cached

    def lookup(self, name: str) -> Any:
        """`relu_forward` or `TwoLayerNet.loss` -> the student's object."""
        top, _, rest = name.partition(".")
        logical = self.layout.names.get(top)
        if logical is None:
            raise StudentRaised("error", "LookupError", f"{top} is not a student name", "")
        if logical not in self.layout.modules:
            raise StudentRaised("not_implemented", "FileNotFoundError",
                                f"{logical}.py is not in the submission", "")
        obj = getattr(self.module(logical), top, None)
        if obj is None:
            raise StudentRaised("not_implemented", "AttributeError",
                                f"{logical}.py defines no {top}", "")
        for part in filter(None, rest.split(".")):
            obj = getattr(obj, part)
        return obj

    # ---- operations ---------------------------------------------------------------------
    def run(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
            seed: int | None) -> Any:
        if seed is not None:
            np.random.seed(seed)  # CS231n code draws from the global RNG; make that reproducible
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                return fn(*args, **kwargs)
            except BaseException as exc:  # noqa: B036 - SystemExit and friends are student failures
                raise _summarise(exc, self.layout.root) from None
            finally:
                self.warnings = [f"{w.category.__name__}: {w.message}"[:300] for w in caught[:5]]

    def target(self, target: str | Handle, method: str | None) -> Callable[..., Any]:
        obj = self.resolve(target) if isinstance(target, Handle) else self.lookup(target)
        if method is not None:
            try:
                obj = getattr(obj, method)
            except BaseException as exc:  # noqa: B036
                raise _summarise(exc, self.layout.root) from None
        if not callable(obj):
            raise StudentRaised("error", "TypeError", f"{target} is not callable", "")
        return obj

    def perform(self, op: str, fields: dict[str, Any], target: str | Handle | None,
                values: dict[str, Any]) -> Any:
        """One request, on decoded values (handles in `values` already resolved; `target` not).

        Results that are objects the wire cannot carry come back as Handles via `handle_of`.
        `release_first` (a check's first request) drops the previous check's objects.
        """
        if fields.get("release_first"):
            self.release()
        if op == "release":
            return self.release()
        if op == "import":
            return self.module(str(fields["module"])) and None
        if op == "rng":  # a numpy Generator for functions taking `rng` (it cannot be sent)
            seed = fields.get("seed")
            return self.handle_of(np.random.default_rng(seed if isinstance(seed, int) else None))
        if op == "object":  # attributes may be handles (e.g. a bound method of a put array)
            return self.handle_of(types.SimpleNamespace(**values["value"]))
        if op == "put":
            return self.handle_of(values["value"])
        if target is None:
            raise LookupError(f"{op} needs a target")
        if op == "get":
            return self.resolve(target) if isinstance(target, Handle) else self.lookup(target)
        if op == "set":
            return self.assign(target, values["value"])
        fn = self.target(target, fields.get("method"))
        if op == "partial":  # a callable cannot be sent, e.g. an initializer with a fixed scale
            return self.handle_of(functools.partial(fn, **values["kwargs"]))
        seed = fields.get("seed")
        if op == "map":
            pick = fields.get("pick")
            return [self.pick(self.run(fn, tuple(a), {}, seed), pick) for a in values["argsets"]]
        if op == "sweep":  # fn(*args) once per value assigned at `where` (gradient checks)
            pick, where, results = fields.get("pick"), values["where"], []
            for value in values["values"]:
                self.assign(where, value)
                results.append(self.pick(self.run(fn, tuple(values["args"]), {}, seed), pick))
            return results
        if op == "call":
            args = values["args"]
            result = self.keep(self.run(fn, args, values["kwargs"], seed),
                               list(fields.get("keep") or []))
            return (result, args) if fields.get("echo_args") else result
        raise LookupError(f"unknown op {op!r}")

    def assign(self, where: Handle | str, value: Any) -> None:
        """`obj.attr = value` or `obj[key] = value` through a handle's path."""
        if not isinstance(where, Handle) or not where.path:
            raise LookupError("set needs a handle with a path")
        parent = self.resolve(Handle(where.id, where.path[:-1]))
        key = where.path[-1]
        if isinstance(key, int) or isinstance(parent, dict):
            parent[key] = value
        else:
            setattr(parent, key, value)

    @staticmethod
    def pick(result: Any, index: int | None) -> Any:
        if index is None:
            return result
        if not isinstance(result, tuple | list) or len(result) <= index:
            raise StudentRaised("error", "TypeError", f"expected a tuple with item {index}", "")
        return result[index]

    def keep(self, result: Any, keep: list[int]) -> Any:
        """Replace the kept top-level items of a tuple result (e.g. a cache) by handles."""
        if not keep:
            return result
        if keep == [-1]:
            return self.handle_of(result)
        if not isinstance(result, tuple | list):
            raise StudentRaised("error", "TypeError",
                                f"expected a tuple, got {type(result).__name__}", "")
        items = list(result)
        for i in keep:
            if i < len(items):
                items[i] = self.handle_of(items[i])
        return tuple(items)
