"""The wire format between the trusted grader and the worker that runs student code.

Only plain data crosses: None, bools, ints, floats, strings, tuples, lists, dicts with string keys,
numpy arrays and scalars of numeric dtypes, and `Handle`s (opaque references to objects that stay
in the worker, such as a layer's cache). Never a pickle: decoding a reply cannot run code, and
what comes back is a fresh base-class ndarray, so a student's ndarray subclass that "equals
anything" is gone before the trusted side compares it.

A message is `<8-byte length><JSON header><raw array buffers>`; the header's "buffers" lists the
byte length of each buffer in order. Every size and dtype is validated before use, because the
worker's side of the pipe is untrusted.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np

__all__ = ["Handle", "ProtocolError", "decode", "encode", "read_message", "write_message"]

MAX_MESSAGE_BYTES = 1 << 30
_ALLOWED_KINDS = frozenset("biufc")  # bool, int, uint, float, complex: no objects, no void
_LENGTH = struct.Struct("<Q")


class ProtocolError(Exception):
    """The other side sent something that is not a well-formed message."""


@dataclass(frozen=True)
class Handle:
    """A reference to an object that lives in the worker; `path` indexes into it."""

    id: int
    path: tuple[int | str, ...] = ()

    def __getitem__(self, key: int | str) -> Handle:
        return Handle(self.id, (*self.path, key))


class Unencodable(Exception):
    """Raised by `encode` (worker side) for a value the format cannot carry."""


def encode(value: Any, buffers: list[bytes], *, handle_of: Any = None, _depth: int = 0) -> Any:
    """Turn `value` into a JSON-able tree, appending array bytes to `buffers`.

    `handle_of(obj) -> Handle` is called for objects the format cannot carry; without it such
    objects raise `Unencodable`.
    """
    if _depth > 64:
        raise Unencodable("nesting deeper than 64 levels")
    if value is None or isinstance(value, bool | str):
        return value if not isinstance(value, str) else {"s": value}
    if isinstance(value, int) and type(value) in (int,):
        return {"i": str(value)}
    if isinstance(value, float) and type(value) is float:
        return {"f": _float_token(value)}
    if isinstance(value, Handle):
        return {"h": value.id, "p": list(value.path)}
    if isinstance(value, np.ndarray | np.generic):
        arr = np.asarray(value)
        if arr.dtype.kind not in _ALLOWED_KINDS:
            if handle_of is None:
                raise Unencodable(f"array of dtype {arr.dtype}")
            return encode(handle_of(value), buffers)
        arr = np.array(arr, order="C", subok=False)  # strips subclasses: the bytes are all we send
        buffers.append(arr.tobytes())
        return {"a": arr.dtype.str, "shape": list(arr.shape), "b": len(buffers) - 1,
                "scalar": isinstance(value, np.generic)}
    kw = {"handle_of": handle_of, "_depth": _depth + 1}
    if type(value) is tuple:
        return {"t": [encode(v, buffers, **kw) for v in value]}
    if type(value) is list:
        return {"l": [encode(v, buffers, **kw) for v in value]}
    if type(value) is dict and all(type(k) is str for k in value):
        return {"d": {k: encode(v, buffers, **kw) for k, v in value.items()}}
    if handle_of is None:
        raise Unencodable(f"object of type {type(value).__name__}")
    return encode(handle_of(value), buffers)


def _float_token(x: float) -> str | float:
    return repr(x) if not math.isfinite(x) else x


def decode(tree: Any, buffers: list[bytes], *, resolve: Any = None, _depth: int = 0) -> Any:
    """Inverse of `encode`; validates everything. `resolve(Handle)` maps handles (worker side)."""
    if _depth > 64:
        raise ProtocolError("nesting deeper than 64 levels")
    if tree is None or isinstance(tree, bool):
        return tree
    if not isinstance(tree, dict) or len(tree) == 0:
        raise ProtocolError(f"unexpected node {type(tree).__name__}")
    kw = {"resolve": resolve, "_depth": _depth + 1}
    if "s" in tree:
        return _typed(tree["s"], str)
    if "i" in tree:
        text = _typed(tree["i"], str)
        if len(text) > 4300:
            raise ProtocolError("integer too long")
        return int(text)
    if "f" in tree:
        f = tree["f"]
        if isinstance(f, str) and f in ("nan", "inf", "-inf"):
            return float(f)
        if isinstance(f, int | float) and not isinstance(f, bool):
            return float(f)
        raise ProtocolError("bad float")
    if "h" in tree:
        h = Handle(_typed(tree["h"], int), tuple(_path_item(p) for p in _typed(tree["p"], list)))
        return resolve(h) if resolve is not None else h
    if "a" in tree:
        return _decode_array(tree, buffers)
    if "t" in tree:
        return tuple(decode(v, buffers, **kw) for v in _typed(tree["t"], list))
    if "l" in tree:
        return [decode(v, buffers, **kw) for v in _typed(tree["l"], list)]
    if "d" in tree:
        items = _typed(tree["d"], dict)
        return {_typed(k, str): decode(v, buffers, **kw) for k, v in items.items()}
    raise ProtocolError(f"unknown node keys {sorted(tree)[:3]}")


def _path_item(p: Any) -> int | str:
    if isinstance(p, bool) or not isinstance(p, int | str):
        raise ProtocolError("bad handle path")
    return p


def _typed(value: Any, kind: type) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ProtocolError(f"expected {kind.__name__}, got {type(value).__name__}")
    return value


def _decode_array(tree: dict[str, Any], buffers: list[bytes]) -> np.ndarray | np.generic:
    try:
        dtype = np.dtype(_typed(tree["a"], str))
    except TypeError as exc:
        raise ProtocolError(f"bad dtype {tree['a']!r}") from exc
    if dtype.kind not in _ALLOWED_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise ProtocolError(f"dtype {dtype} is not allowed")
    shape = tuple(_typed(n, int) for n in _typed(tree["shape"], list))
    if any(n < 0 for n in shape) or len(shape) > 32:
        raise ProtocolError("bad shape")
    index = _typed(tree["b"], int)
    if not 0 <= index < len(buffers):
        raise ProtocolError("buffer index out of range")
    raw = buffers[index]
    if len(raw) != math.prod(shape) * dtype.itemsize:
        raise ProtocolError("buffer size does not match shape and dtype")
    arr = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    return arr[()] if tree.get("scalar") is True else arr


def write_message(stream: BinaryIO, header: dict[str, Any], buffers: list[bytes]) -> None:
    header = {**header, "buffers": [len(b) for b in buffers]}
    head = json.dumps(header, allow_nan=False).encode()
    stream.write(_LENGTH.pack(len(head)))
    stream.write(head)
    for b in buffers:
        stream.write(b)
    stream.flush()


def read_message(read_exact: Any, max_bytes: int = MAX_MESSAGE_BYTES
                 ) -> tuple[dict[str, Any], list[bytes]]:
    """Read one message with `read_exact(n) -> bytes` (which raises on EOF or timeout);
    a message declaring more than `max_bytes` is refused before anything is allocated."""
    (n,) = _LENGTH.unpack(read_exact(_LENGTH.size))
    if n > max_bytes:
        raise ProtocolError(f"header of {n} bytes")
    try:
        header = json.loads(read_exact(n))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError("header is not JSON") from exc
    if not isinstance(header, dict):
        raise ProtocolError("header is not an object")
    sizes = header.get("buffers", [])
    if not isinstance(sizes, list) or not all(isinstance(s, int) and s >= 0 for s in sizes):
        raise ProtocolError("bad buffer sizes")
    if sum(sizes) > max_bytes:
        raise ProtocolError("message too large")
    return header, [read_exact(s) for s in sizes]
