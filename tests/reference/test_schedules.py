"""reference/schedules.py: learning rate as a function of completed epochs."""

import itertools
import math
import pickle

import pytest

from reference.schedules import (
    ExponentialDecay,
    InverseTimeDecay,
    StepDecay,
    exponential_decay,
    inverse_time_decay,
    step_decay,
)


def test_step_decay():
    s = step_decay(1e-3, drop=0.5, every=5)
    assert isinstance(s, StepDecay)
    assert [s(e) for e in (0, 4, 5, 9, 10, 15)] == pytest.approx(
        [1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4, 1.25e-4]
    )
    assert step_decay(0.1)(10) == pytest.approx(0.05)  # defaults: halve every 10 epochs


def test_exponential_decay():
    s = exponential_decay(0.1, k=0.5)
    assert isinstance(s, ExponentialDecay)
    assert s(0) == 0.1
    assert s(4) == pytest.approx(0.1 * math.exp(-2.0))


def test_inverse_time_decay():
    s = inverse_time_decay(0.1, k=1.0)
    assert isinstance(s, InverseTimeDecay)
    assert [s(e) for e in (0, 1, 3)] == pytest.approx([0.1, 0.05, 0.025])


@pytest.mark.parametrize(
    "make",
    [
        lambda: step_decay(0.1, drop=0.0),
        lambda: step_decay(0.1, drop=1.5),
        lambda: step_decay(0.1, every=0),
        lambda: step_decay(0.1, every=2.5),
        lambda: step_decay(-0.1),
        lambda: exponential_decay(0.0, 0.1),
        lambda: exponential_decay(0.1, -1.0),
        lambda: inverse_time_decay(float("nan"), 0.1),
        lambda: inverse_time_decay(0.1, float("inf")),
    ],
)
def test_invalid_arguments_raise(make):
    with pytest.raises(ValueError):
        make()


@pytest.mark.parametrize(
    "s", [step_decay(0.1), exponential_decay(0.1, 0.1), inverse_time_decay(0.1, 0.1)]
)
def test_schedules_are_monotone_picklable_and_reject_negative_epochs(s):
    values = [s(e) for e in range(30)]
    assert all(a >= b > 0 for a, b in itertools.pairwise(values))
    assert pickle.loads(pickle.dumps(s)) == s
    with pytest.raises(ValueError):
        s(-1)
