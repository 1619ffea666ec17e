"""Comparing what a submission returned with what was expected, in words a student can act on.

Closeness is numpy's `|got - expected| <= atol + rtol * |expected|`: a relative error with an
absolute floor, so values near zero are not failed for noise. Structures (tuples, lists, dicts)
are compared item by item, and the message names the path of the first item that differs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["describe_difference", "is_close"]


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _as_array(x: Any) -> np.ndarray | None:
    if isinstance(x, np.ndarray | np.generic | float | int) and not isinstance(x, bool):
        arr = np.asarray(x)
        return arr if arr.dtype.kind in "biuf" else None
    return None


def describe_difference(got: Any, expected: Any, *, what: str, rtol: float = 1e-7,
                        atol: float = 1e-9) -> str | None:
    """None when `got` matches `expected`; otherwise one sentence saying where and how."""
    if isinstance(expected, Mapping):
        if not isinstance(got, Mapping):
            return f"{what} should be a dict with keys {sorted(expected)}, got {_kind(got)}"
        missing = [k for k in expected if k not in got]
        if missing:
            return f"{what} lacks the key {missing[0]!r}"
        for k in expected:
            d = describe_difference(got[k], expected[k], what=f"{what}[{k!r}]", rtol=rtol, atol=atol)
            if d:
                return d
        return None
    if isinstance(expected, tuple | list):
        if not isinstance(got, tuple | list) or len(got) != len(expected):
            return f"{what} should be a tuple of {len(expected)} items, got {_kind(got)}"
        for i, (g, e) in enumerate(zip(got, expected, strict=True)):
            d = describe_difference(g, e, what=f"{what}[{i}]", rtol=rtol, atol=atol)
            if d:
                return d
        return None
    e_arr = _as_array(expected)
    if e_arr is None:
        return None if got == expected else f"{what} should be {expected!r}, got {_kind(got)}"
    g_arr = _as_array(got)
    if g_arr is None:
        return f"{what} should be a numeric array of shape {e_arr.shape}, got {_kind(got)}"
    if g_arr.shape != e_arr.shape:
        if g_arr.size == e_arr.size:
            return (f"{what} has shape {g_arr.shape}, expected {e_arr.shape} "
                    "(same number of elements: a reshape or transpose is missing?)")
        return f"{what} has shape {g_arr.shape}, expected {e_arr.shape}"
    g = g_arr.astype(np.float64)
    e = e_arr.astype(np.float64)
    bad_nan = np.isnan(g) & ~np.isnan(e)
    if bad_nan.any():
        idx = _index(np.argwhere(bad_nan)[0])
        return f"{what} is NaN at {idx} where {_fmt(e[idx])} was expected (overflow?)"
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(g - e)
        ok = (err <= atol + rtol * np.abs(e)) | ((g == e) & np.isfinite(e)) | (np.isnan(g) & np.isnan(e))
        ok |= np.isinf(e) & (g == e)
    if ok.all():
        return None
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        rel = np.where(ok, 0.0, err / np.maximum(np.abs(e), atol))
    rel = np.nan_to_num(rel, nan=np.inf)
    worst = _index(np.unravel_index(int(np.argmax(rel)), rel.shape)) if rel.ndim else ()
    n_bad = int((~ok).sum())
    where = f" at index {list(worst)}" if g.ndim else ""
    rel_w = float(rel[worst]) if rel.ndim else float(rel)
    return (f"{what} differs{where}: expected {_fmt(float(e[worst]))}, got {_fmt(float(g[worst]))} "
            f"(abs error {_fmt(float(err[worst]))}, rel error "
            f"{_fmt(rel_w) if math.isfinite(rel_w) else 'inf'}); "
            f"{n_bad} of {g.size} element{'s' if g.size != 1 else ''} outside "
            f"rtol {rtol:g} / atol {atol:g}")


def is_close(got: Any, expected: Any, *, rtol: float = 1e-7, atol: float = 1e-9) -> bool:
    return describe_difference(got, expected, what="value", rtol=rtol, atol=atol) is None


def _index(idx: Any) -> tuple[int, ...]:
    return tuple(int(i) for i in idx)


def _kind(x: Any) -> str:
    if x is None:
        return "None"
    if isinstance(x, np.ndarray):
        return f"an array of shape {x.shape} and dtype {x.dtype}"
    if isinstance(x, tuple | list):
        return f"a {type(x).__name__} of {len(x)} items"
    return f"a {type(x).__name__}"
