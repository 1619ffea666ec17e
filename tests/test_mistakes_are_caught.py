"""Every known mistake loses points on a check that targets its function, with its hint;
every correct alternative earns full marks (autograd's test_tests idea)."""

from __future__ import annotations

import pytest

import assignments
from grader.grading import grade
from grader.result import Status

MISTAKES = [(a.name, m) for a in assignments.ASSIGNMENTS for m in a.mistakes]
ALTERNATIVES = [(a.name, alt) for a in assignments.ASSIGNMENTS for alt in a.alternatives]


@pytest.mark.parametrize(("assignment", "mistake"), MISTAKES,
                         ids=[f"{a}:{m.target}:{m.name}" for a, m in MISTAKES])
def test_mistake_is_caught_with_its_hint(make_submission, assignment, mistake) -> None:
    """Does a submission with this one mistake fail a check targeting it, hint included?"""
    result = grade(make_submission(swap=mistake), only=[assignment])
    failing = [c for c in result.checks if c.status is not Status.PASSED]
    assert failing, f"no check caught {mistake.name}"
    on_target = [c for c in failing if mistake.target in c.targets]
    assert on_target, f"caught only by checks on other functions: {[c.id for c in failing]}"
    assert all(c.status is Status.FAILED for c in on_target), [
        (c.id, c.status.value, c.message) for c in on_target]
    assert mistake.hint in {c.hint for c in on_target}, [(c.id, c.message, c.hint)
                                                         for c in on_target]


@pytest.mark.parametrize(("assignment", "alternative"), ALTERNATIVES,
                         ids=[f"{a}:{alt.target}:{alt.name}" for a, alt in ALTERNATIVES])
def test_correct_alternative_earns_full_marks(make_submission, assignment, alternative) -> None:
    """Does a correct implementation written differently still earn every point?"""
    result = grade(make_submission(swap=alternative), only=[assignment])
    assert [(c.id, c.message) for c in result.checks if c.status is not Status.PASSED] == []
