"""Pay every one-time cost of grading once, in a process that will fork graders.

Imported by the batch forkserver (grader.batch_runners): each forked grading then starts with
the course's names parsed, the reference oracle loaded, nbformat's schema validator compiled
and hypothesis's engine initialised, instead of paying ~0.3 s for them per submission.
"""

from __future__ import annotations

import nbformat
from hypothesis import given
from hypothesis import strategies as st

from grader.grading import default_course, default_oracle
from grader.properties import GRADING

__all__: list[str] = []


def _warm() -> None:
    course = default_course()
    course.names()
    default_oracle(course)
    nbformat.validate(nbformat.v4.new_notebook())

    @GRADING
    @given(st.integers())
    def _property(_: int) -> None:
        pass

    _property()


try:
    _warm()
except Exception:  # noqa: BLE001 - an optimisation: grading works (slower) without it
    pass
