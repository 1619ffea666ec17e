"""grade(): determinism, scoring arithmetic, honest partial work."""

from __future__ import annotations

import pytest

from grader.grading import grade
from grader.result import Status
from tests.conftest import REFERENCE


def test_same_submission_twice_gives_identical_results() -> None:
    """Apart from timings, is a regrade identical (hypothesis derandomized, seeds per check)?"""
    first = grade(REFERENCE, only=["activations"]).to_json()
    second = grade(REFERENCE, only=["activations"]).to_json()
    assert first == second


def test_totals_are_sums_and_scores_bounded(make_submission) -> None:
    """Is the total the sum of check scores, each within [0, max_score]?"""
    sub = make_submission(**{"layers.py": (REFERENCE / "layers.py").read_text()
                             + "\ndef relu_forward(x):\n    raise NotImplementedError\n"})
    result = grade(sub, only=["activations"])
    assert result.score == pytest.approx(sum(c.score for c in result.checks))
    assert all(0 <= c.score <= c.max_score for c in result.checks)
    relu = [c for c in result.checks if "relu_forward" in c.targets]
    others = [c for c in result.checks if "relu_forward" not in c.targets]
    assert relu and all(c.status is Status.NOT_IMPLEMENTED for c in relu)
    assert others and all(c.status is Status.PASSED for c in others)


def test_missing_module_is_not_implemented(make_submission) -> None:
    """Does a submission with only layers.py grade, other modules' checks not_implemented?"""
    sub = make_submission(base=None, **{"layers.py": (REFERENCE / "layers.py").read_text()})
    result = grade(sub, only=["activations"])
    assert result.score == result.max_score


def test_falls_back_when_the_sandbox_cannot_start(tmp_path, monkeypatch) -> None:
    """With a bubblewrap that cannot run, is the next level used and reported (and flagged)?"""
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "bwrap").write_text("#!/bin/sh\necho 'bwrap: No permissions' >&2\nexit 1\n")
    (fake / "bwrap").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:{__import__('os').environ['PATH']}")
    monkeypatch.delenv("GRADER_ISOLATION", raising=False)
    result = grade(REFERENCE, only=["activations"])
    assert result.score == result.max_score
    assert result.isolation.value in ("namespaces", "process")


def test_a_failing_submission_regrades_identically(make_submission) -> None:
    """Do failures (messages, shrunk examples, hints) repeat exactly on a regrade?"""
    sub = make_submission(**{"layers.py": (REFERENCE / "layers.py").read_text()
                             + "\ndef sigmoid_forward(x):\n    raise RuntimeError('oops')\n"
                             + "\ndef relu_backward(dout, cache):\n    return (cache > 0) * 1.0\n"})
    first = grade(sub, only=["activations"]).to_json()
    assert first["score"] < first["max_score"]
    assert grade(sub, only=["activations"]).to_json() == first
