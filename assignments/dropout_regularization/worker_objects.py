"""Stub models for ensemble_predict: they must live in the worker (built with the engine's
`object` verb, so no student code runs to build them)."""

from __future__ import annotations

import numpy as np

from grader.codec import Handle
from grader.context import Context


def linear_models(ctx: Context, weights: list[np.ndarray]) -> list[Handle]:
    """Worker-side models whose loss(X) returns the class scores X @ W (the Solver's model API)."""
    models = []
    for W in weights:
        w = ctx.student.put(W)
        models.append(ctx.student.object(loss=w["__rmatmul__"], params={"W": w}))
    return models
