"""The wire format carries plain data only, and rejects anything malformed from the worker."""

from __future__ import annotations

import io
import json
import struct

import numpy as np
import pytest

from grader.codec import (
    Handle,
    ProtocolError,
    Unencodable,
    decode,
    encode,
    read_message,
    write_message,
)


def roundtrip(value):
    buffers: list[bytes] = []
    tree = json.loads(json.dumps(encode(value, buffers)))
    return decode(tree, buffers)


def test_plain_values_roundtrip() -> None:
    """Do numbers, strings, None, nested tuples/lists/dicts and arrays come back equal?"""
    value = {"a": (1, 2.5, None, True, "s"), "b": [np.arange(6.0).reshape(2, 3)],
             "c": float("nan"), "big": 2**80}
    back = roundtrip(value)
    assert back["a"] == (1, 2.5, None, True, "s") and back["big"] == 2**80
    assert np.array_equal(back["b"][0], value["b"][0]) and np.isnan(back["c"])


def test_numpy_scalars_keep_their_type() -> None:
    """Is np.float64(1.5) still a numpy scalar after the trip?"""
    back = roundtrip(np.float64(1.5))
    assert isinstance(back, np.float64) and back == 1.5


def test_ndarray_subclass_arrives_as_plain_ndarray() -> None:
    """Is a student's lying ndarray subclass stripped to its bytes?"""

    class Liar(np.ndarray):
        def __eq__(self, other):  # noqa: D105
            return True

    back = roundtrip(np.zeros(3).view(Liar))
    assert type(back) is np.ndarray


def test_objects_need_a_handle() -> None:
    """Is an arbitrary object refused, or replaced by a handle when a table is given?"""
    with pytest.raises(Unencodable):
        encode(object(), [])
    tree = encode((1, object()), [], handle_of=lambda obj: Handle(7))
    assert decode(tree, [])[1] == Handle(7)


@pytest.mark.parametrize("tree, buffers", [
    ({"a": "|O8", "shape": [1], "b": 0}, [b"x" * 8]),      # object dtype: pickles
    ({"a": "<f8", "shape": [2], "b": 0}, [b"x" * 8]),      # size does not match shape
    ({"a": "<f8", "shape": [1], "b": 3}, [b"x" * 8]),      # buffer index out of range
    ({"a": "<f8", "shape": [-1], "b": 0}, [b"x" * 8]),     # negative shape
    ({"zz": 1}, []),                                        # unknown node
    ([1, 2], []),                                           # bare list is not a node
])
def test_malformed_trees_are_rejected(tree, buffers) -> None:
    """Does decoding refuse object dtypes, lying sizes and unknown nodes?"""
    with pytest.raises(ProtocolError):
        decode(tree, buffers)


def test_message_framing_roundtrip_and_limits() -> None:
    """Are messages framed with their buffers, and absurd header sizes refused?"""
    stream = io.BytesIO()
    write_message(stream, {"op": "x"}, [b"abc"])
    stream.seek(0)
    header, buffers = read_message(stream.read)
    assert header["op"] == "x" and buffers == [b"abc"]
    huge = io.BytesIO(struct.pack("<Q", 1 << 40))
    with pytest.raises(ProtocolError):
        read_message(huge.read)
