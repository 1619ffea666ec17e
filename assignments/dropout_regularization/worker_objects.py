"""Objects that student functions need as arguments but that cannot travel over the wire.

A numpy Generator (random_crop's `rng`) and a model with `loss(X)` (ensemble_predict's models)
must live in the worker. The engine has no verb for creating them, so they are built there from
Python's own `__import__`, reached through a student function's globals: no student code runs
to build them and nothing depends on what the student's module imports.
"""

from __future__ import annotations

import numpy as np

from grader.codec import Handle
from grader.context import Context


def _import(ctx: Context, anchor: str, module: str) -> Handle:
    fn = ctx.student.get(anchor)
    return ctx.student.call(fn["__globals__"]["__builtins__"]["__import__"], module, keep=(-1,))


def worker_rng(ctx: Context, anchor: str, seed: int) -> Handle:
    """A numpy.random.Generator seeded with `seed`, living in the worker."""
    numpy = _import(ctx, anchor, "numpy")
    return ctx.student.call(numpy["random"]["default_rng"], seed, keep=(-1,))


def linear_models(ctx: Context, anchor: str, weights: list[np.ndarray]) -> list[Handle]:
    """Worker-side models whose loss(X) returns the class scores X @ W (the Solver's model API)."""
    types = _import(ctx, anchor, "types")
    models = []
    for W in weights:
        w = ctx.student.put(W)
        models.append(ctx.student.call(types["SimpleNamespace"], keep=(-1,),
                                       loss=w["__rmatmul__"], params={"W": w}))
    return models
