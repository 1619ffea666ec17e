# GENERATED from reference/initializers.py by `grade build`: edit the reference, not this file.
"""Weight initialization schemes for fully connected layers.

Each initializer returns a float64 weight matrix of shape (fan_in, fan_out) whose entries are
drawn independently from a zero-mean Gaussian; they differ only in its standard deviation:

| initializer       | std               | suited to                        |
|-------------------|-------------------|----------------------------------|
| small_random_init | scale (0.01)      | shallow nets; vanishes in deep ones |
| xavier_init       | 1 / sqrt(fan_in)  | tanh / linear units (calibrated) |
| he_init           | sqrt(2 / fan_in)  | ReLU units                       |

`rng` is a numpy.random.Generator (e.g. np.random.default_rng(0)); None means a fresh,
unseeded np.random.default_rng(). Biases are initialized to zero separately.
"""

import numpy as np

__all__ = ["he_init", "small_random_init", "xavier_init"]


def small_random_init(fan_in, fan_out, scale=0.01, rng=None):
    """Small random numbers: w ~ N(0, scale**2).

    Inputs:
    - fan_in: Number of inputs to the layer
    - fan_out: Number of outputs of the layer
    - scale: Standard deviation of the entries
    - rng: numpy.random.Generator to draw from, or None for a fresh one

    Returns:
    - w: float64 array of shape (fan_in, fan_out)
    """
    if rng is None:
        rng = np.random.default_rng()
    w = None
    # TODO: Draw the weights with rng.standard_normal.
    raise NotImplementedError("small_random_init")
    return w


def xavier_init(fan_in, fan_out, rng=None):
    """Xavier / "calibrated" initialization: w ~ N(0, 1 / fan_in).

    Keeps the variance of a linear unit's output equal to the variance of its inputs.

    Inputs:
    - fan_in: Number of inputs to the layer
    - fan_out: Number of outputs of the layer
    - rng: numpy.random.Generator to draw from, or None for a fresh one

    Returns:
    - w: float64 array of shape (fan_in, fan_out)
    """
    if rng is None:
        rng = np.random.default_rng()
    w = None
    # TODO: Draw the weights with rng.standard_normal and scale them.
    raise NotImplementedError("xavier_init")
    return w


def he_init(fan_in, fan_out, rng=None):
    """He (Kaiming) initialization for ReLU layers: w ~ N(0, 2 / fan_in).

    A ReLU zeroes half of its inputs on average, so the variance is doubled to compensate.

    Inputs:
    - fan_in: Number of inputs to the layer
    - fan_out: Number of outputs of the layer
    - rng: numpy.random.Generator to draw from, or None for a fresh one

    Returns:
    - w: float64 array of shape (fan_in, fan_out)
    """
    if rng is None:
        rng = np.random.default_rng()
    w = None
    # TODO: Draw the weights with rng.standard_normal and scale them.
    raise NotImplementedError("he_init")
    return w
