"""Where expected values come from. The ONLY module that imports the reference solutions.

Checks never call the reference directly; they ask for a value by key and say how to compute it:

    expected = ctx.expected("out", lambda ref: ref.relu_forward(x)[0])

`ReferenceOracle` runs the lambda on the reference. `RecordingOracle` does the same and keeps
every value, so `grade build` can store them for the student distribution, where
`StoredOracle` answers from that file and no solution code exists. Known mistakes go through
the same door: the lambda run on the reference with one function replaced by the mistake.
"""

from __future__ import annotations

import importlib
import json
import types
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from grader.codec import decode, encode
from grader.registry import Mistake

__all__ = ["Namespace", "Oracle", "OracleMissing", "RecordingOracle", "ReferenceOracle",
           "StoredOracle"]

Compute = Callable[["Namespace"], Any]


class OracleMissing(Exception):
    """No expected value is available for this key (e.g. a stored file without it)."""


class Namespace:
    """The reference's student-facing names, as attributes; one may be swapped for a mistake."""

    def __init__(self, objects: dict[str, Any]) -> None:
        self._objects = objects

    def __getattr__(self, name: str) -> Any:
        try:
            return self._objects[name]
        except KeyError:
            raise AttributeError(name) from None

    def replaced(self, target: str, impl: Callable[..., Any]) -> Namespace:
        objects = dict(self._objects)
        top, _, method = target.partition(".")
        if method:
            base = objects[top]
            objects[top] = type(base.__name__, (base,), {method: impl})
        else:
            objects[top] = impl
        return Namespace(objects)


class Oracle(Protocol):
    def expected(self, key: str, compute: Compute) -> Any: ...

    def mistaken(self, key: str, compute: Compute,
                 mistakes: Iterable[Mistake]) -> list[tuple[Mistake, Any]]: ...


class ReferenceOracle:
    """Computes expected values with the reference package (instructors, CI)."""

    def __init__(self, package: str, modules: Iterable[str]) -> None:
        objects: dict[str, Any] = {}
        self.home: dict[str, dict[str, Any]] = {}  # name -> globals of its module
        for m in modules:
            mod = importlib.import_module(f"{package}.{m}")
            for name, obj in vars(mod).items():
                if not name.startswith("_") and getattr(obj, "__module__", None) == mod.__name__:
                    objects[name] = obj
                    self.home[name] = vars(mod)
        self.namespace = Namespace(objects)

    def _as_if_pasted(self, m: Mistake) -> Callable[..., Any]:
        """The mistake's function with the globals of the module it replaces a function in:
        what a student module with this mistake would run (the tests paste it there too)."""
        home = self.home.get(m.target.partition(".")[0])
        fn = m.impl
        if home is None or not isinstance(fn, types.FunctionType):
            return fn
        return types.FunctionType(fn.__code__, home, fn.__name__, fn.__defaults__, fn.__closure__)

    def expected(self, key: str, compute: Compute) -> Any:
        return compute(self.namespace)

    def mistaken(self, key: str, compute: Compute,
                 mistakes: Iterable[Mistake]) -> list[tuple[Mistake, Any]]:
        found = []
        for m in mistakes:
            try:
                with np.errstate(all="ignore"):
                    namespace = self.namespace.replaced(m.target, self._as_if_pasted(m))
                    found.append((m, compute(namespace)))
            except Exception:  # noqa: BLE001 - a mistake that crashes here just gives no hint
                continue
        return found


class RecordingOracle:
    """A ReferenceOracle that keeps every value it hands out, for `save`."""

    records_mistakes = True  # Context asks for mistakes' values eagerly, not only on failure

    def __init__(self, inner: ReferenceOracle) -> None:
        self.inner = inner
        self.values: dict[str, Any] = {}

    def expected(self, key: str, compute: Compute) -> Any:
        value = self.inner.expected(key, compute)
        self.values[key] = value
        return value

    def mistaken(self, key: str, compute: Compute,
                 mistakes: Iterable[Mistake]) -> list[tuple[Mistake, Any]]:
        found = self.inner.mistaken(key, compute, mistakes)
        for m, value in found:
            self.values[f"{key}#mistake:{m.target}:{m.name}"] = (m.hint, value)
        return found

    def save(self, path: Path) -> None:
        buffers: list[bytes] = []
        tree = {k: encode(v, buffers) for k, v in sorted(self.values.items())}
        arrays = {f"b{i}": np.frombuffer(b, dtype=np.uint8) for i, b in enumerate(buffers)}
        np.savez_compressed(path, tree=np.frombuffer(json.dumps(tree).encode(), dtype=np.uint8),
                            **arrays)


class StoredOracle:
    """Answers from values recorded by `RecordingOracle.save` (the student distribution)."""

    def __init__(self, path: Path) -> None:
        with np.load(path, allow_pickle=False) as data:
            tree = json.loads(data["tree"].tobytes())
            buffers = [data[f"b{i}"].tobytes() for i in range(len(data.files) - 1)]
        self.values = {k: decode(v, buffers) for k, v in tree.items()}

    def expected(self, key: str, compute: Compute) -> Any:
        try:
            return self.values[key]
        except KeyError:
            raise OracleMissing(key) from None

    def mistaken(self, key: str, compute: Compute,
                 mistakes: Iterable[Mistake]) -> list[tuple[Mistake, Any]]:
        prefix = f"{key}#mistake:"
        found = []
        wanted = {(m.target, m.name) for m in mistakes}
        for k, stored in self.values.items():
            if k.startswith(prefix):
                hint, value = stored
                target, _, name = k[len(prefix):].partition(":")
                if not wanted or (target, name) in wanted:
                    found.append((Mistake(target, name, hint, impl=_absent), value))
        return found


def _absent(*_: Any, **__: Any) -> Any:
    raise OracleMissing("mistake implementations are not shipped")
