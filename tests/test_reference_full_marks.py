"""The reference, graded as a submission, earns every point; the stubs earn none, cleanly."""

from __future__ import annotations

import pytest

import assignments
from grader.grading import grade
from grader.result import Status

from .conftest import REFERENCE, TEMPLATE

NAMES = [a.name for a in assignments.ASSIGNMENTS]


@pytest.mark.parametrize("name", NAMES)
def test_reference_earns_full_marks(name: str) -> None:
    """Does every check pass on a copy of reference/?"""
    result = grade(REFERENCE, only=[name])
    failing = [(c.id, c.status.value, c.message) for c in result.checks
               if c.status is not Status.PASSED]
    assert failing == []
    assert result.score == result.max_score > 0


@pytest.mark.parametrize("name", NAMES)
def test_template_scores_zero_without_errors(name: str) -> None:
    """Is every check of the generated stubs `not_implemented` (never error, never points)?"""
    result = grade(TEMPLATE, only=[name])
    assert result.score == 0
    assert {c.status for c in result.checks} == {Status.NOT_IMPLEMENTED}, [
        (c.id, c.status.value, c.message) for c in result.checks
        if c.status is not Status.NOT_IMPLEMENTED]
