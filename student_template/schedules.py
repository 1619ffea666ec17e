# GENERATED from reference/schedules.py by `grade build`: edit the reference, not this file.
"""Learning-rate schedules for the Solver.

A schedule is a callable mapping the number of COMPLETED EPOCHS (0 before training starts, 1
after the first epoch, ...) to the learning rate to use during the next epoch:

    schedule = step_decay(1e-3, drop=0.5, every=5)
    schedule(0) == 1e-3; schedule(5) == 5e-4; schedule(10) == 2.5e-4

Pass one to the Solver as `Solver(model, data, lr_schedule=schedule, ...)`; it then sets every
parameter's `optim_config['learning_rate']` to `schedule(epoch)` at the start of each epoch.

| schedule            | learning rate after `epoch` epochs |
|---------------------|------------------------------------|
| step_decay          | lr0 * drop ** (epoch // every)     |
| exponential_decay   | lr0 * exp(-k * epoch)              |
| inverse_time_decay  | lr0 / (1 + k * epoch)              |
"""

import math
from dataclasses import dataclass

__all__ = [
    "ExponentialDecay",
    "InverseTimeDecay",
    "StepDecay",
    "exponential_decay",
    "inverse_time_decay",
    "step_decay",
]


def _check_epoch(epoch):
    if epoch < 0:
        raise ValueError(f"epoch must be >= 0, got {epoch!r}")


def _check_lr0(lr0):
    if not (lr0 > 0 and math.isfinite(lr0)):
        raise ValueError(f"the initial learning rate lr0 must be positive, got {lr0!r}")


@dataclass(frozen=True)
class StepDecay:
    """Multiply the learning rate by `drop` every `every` epochs: lr0 * drop ** (epoch // every)."""

    lr0: float
    drop: float = 0.5
    every: int = 10

    def __post_init__(self):
        _check_lr0(self.lr0)
        if not 0 < self.drop <= 1:
            raise ValueError(f"drop must be in (0, 1], got {self.drop!r}")
        if int(self.every) != self.every or self.every < 1:
            raise ValueError(f"every must be a whole number of epochs >= 1, got {self.every!r}")

    def __call__(self, epoch):
        _check_epoch(epoch)
        return self.lr0 * self.drop ** (int(epoch) // int(self.every))


@dataclass(frozen=True)
class ExponentialDecay:
    """Decay the learning rate continuously: lr0 * exp(-k * epoch)."""

    lr0: float
    k: float

    def __post_init__(self):
        _check_lr0(self.lr0)
        if not (self.k >= 0 and math.isfinite(self.k)):
            raise ValueError(f"k must be a finite number >= 0, got {self.k!r}")

    def __call__(self, epoch):
        _check_epoch(epoch)
        return self.lr0 * math.exp(-self.k * epoch)


@dataclass(frozen=True)
class InverseTimeDecay:
    """1/t decay: lr0 / (1 + k * epoch)."""

    lr0: float
    k: float

    def __post_init__(self):
        _check_lr0(self.lr0)
        if not (self.k >= 0 and math.isfinite(self.k)):
            raise ValueError(f"k must be a finite number >= 0, got {self.k!r}")

    def __call__(self, epoch):
        _check_epoch(epoch)
        return self.lr0 / (1.0 + self.k * epoch)


def step_decay(lr0, drop=0.5, every=10):
    """Step schedule: lr0 * drop ** (epoch // every). See StepDecay."""
    return StepDecay(lr0, drop, every)


def exponential_decay(lr0, k):
    """Exponential schedule: lr0 * exp(-k * epoch). See ExponentialDecay."""
    return ExponentialDecay(lr0, k)


def inverse_time_decay(lr0, k):
    """1/t schedule: lr0 / (1 + k * epoch). See InverseTimeDecay."""
    return InverseTimeDecay(lr0, k)
