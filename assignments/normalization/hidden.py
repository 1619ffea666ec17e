"""Hidden edge cases: layer norm on a batch of one, batch norm on huge activations."""

from __future__ import annotations

import numpy as np

from assignments.layer_checks import backward_output, forward_output
from grader.result import Visibility


def single_row(rng: np.random.Generator) -> tuple:
    return 3.0 * rng.standard_normal((1, 7)), rng.uniform(0.5, 2, 7), rng.standard_normal(7), {}


def huge(rng: np.random.Generator) -> tuple:
    x = 1e6 + 1e4 * rng.standard_normal((10, 3))
    return x, np.ones(3), np.zeros(3), {"mode": "train"}


HIDDEN = Visibility.HIDDEN
layernorm_single = forward_output("layernorm_forward", inputs=single_row, variant="single-row",
                                  points=0.5, visibility=HIDDEN)
layernorm_backward_single = backward_output("layernorm_forward", "layernorm_backward",
                                            inputs=single_row, names=("dx", "dgamma", "dbeta"),
                                            variant="single-row", points=0.5, visibility=HIDDEN)
batchnorm_huge = forward_output("batchnorm_forward", inputs=huge, variant="huge", points=0.5,
                                rtol=1e-6, visibility=HIDDEN)
