"""Worker-side objects the initialization checks must pass to student code: seeded numpy
Generators and `functools.partial(small_random_init, scale=1.0)`.

Neither can cross the wire (the codec carries data, not objects), and the engine has no verb to
build them inside the worker yet, so they are made there from modules every worker has already
imported, reached through the builtins of a student function (any Python function carries
them). Only handles come back; nothing student-controlled is trusted: every value a check judges
is still computed, or re-derived, on this side.
"""

from __future__ import annotations

from typing import Any

from grader.codec import Handle
from grader.context import Context

__all__ = ["generator", "partial", "student_function"]


def student_function(ctx: Context, name: str) -> Handle:
    """A handle to the student's function `name` (not_implemented when the module lacks it)."""
    fn = ctx.student.get(name)
    if not isinstance(fn, Handle):
        ctx.fail(f"{name} should be a function")
    return fn


def _module(ctx: Context, anchor: Handle, module: str) -> Handle:
    importer = anchor["__globals__"]["__builtins__"]["__import__"]
    return ctx.student.call(importer, module)


def generator(ctx: Context, anchor: Handle, seed: int) -> Handle:
    """`np.random.default_rng(seed)`, living in the worker."""
    return ctx.student.call(_module(ctx, anchor, "numpy")["random"]["default_rng"], seed)


def partial(ctx: Context, fn: Handle, **kwargs: Any) -> Handle:
    """`functools.partial(fn, **kwargs)`, living in the worker."""
    return ctx.student.call(_module(ctx, fn, "functools")["partial"], fn, **kwargs)
