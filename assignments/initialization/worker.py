"""`functools.partial(small_random_init, scale=1.0)` inside the worker, for the lecture's
"1.0 * randn" case of activation_statistics.

A callable cannot cross the wire, so the engine's `partial` verb builds it in the worker; only
a handle comes back, and every number a check judges is still checked on this side.
"""

from __future__ import annotations

from typing import Any

from grader.codec import Handle
from grader.context import Context

__all__ = ["partial", "student_function"]


def student_function(ctx: Context, name: str) -> Handle:
    """A handle to the student's function `name` (not_implemented when the module lacks it)."""
    fn = ctx.student.get(name)
    if not isinstance(fn, Handle):
        ctx.fail(f"{name} should be a function")
    return fn


def partial(ctx: Context, fn: Handle, **kwargs: Any) -> Handle:
    """`functools.partial(fn, **kwargs)`, living in the worker; `fn` a student function's handle."""
    return ctx.student.partial(fn, **kwargs)
