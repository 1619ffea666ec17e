# GENERATED from reference/weight_init.py by `grade build`: edit the reference, not this file.
"""The lecture's weight-initialization experiment.

Push one batch of unit-Gaussian data through a deep fully-connected net (by default 10 layers of
500 units, no biases) and look at the mean and standard deviation of every layer's activations:

- W = 0.01 * randn: each layer multiplies the activations' scale by about 0.01 * sqrt(500) ~ 0.22
  (and tanh only shrinks further), so the std collapses toward 0 layer after layer. The gradients
  on the weights are proportional to these activations, so the deep layers barely learn.
- W = 1.0 * randn: pre-activations have std ~ sqrt(500) ~ 22, so almost every tanh unit is
  saturated at -1 or +1 and its local gradient is ~0: nothing learns either.
- Xavier, W = randn / sqrt(fan_in): keeps the variance of a linear layer's output equal to its
  input's, so tanh activations stay in a healthy range through all layers.
- He, W = randn * sqrt(2 / fan_in): ReLU zeroes half its inputs and so halves the variance; the
  extra factor 2 compensates. With Xavier, ReLU activations shrink by ~1/sqrt(2) per layer.

The weight-drawing functions are those of initializers.py (contract: `init(fan_in, fan_out,
rng=...)` returning a (fan_in, fan_out) float64 array); pass e.g.
`functools.partial(small_random_init, scale=1.0)` for the "1.0 * randn" case.
"""

import numpy as np


def relu_activation(x):
    """
    ReLU as a plain function (the experiment needs no cache).

    out = max(x, 0)

    Inputs:
    - x: array of any shape

    Returns:
    - out: array of the same shape
    """
    return np.maximum(x, 0.0)


def tanh_activation(x):
    """
    tanh as a plain function (the experiment needs no cache).

    Inputs:
    - x: array of any shape

    Returns:
    - out: array of the same shape, values in (-1, 1)
    """
    return np.tanh(x)


def activation_statistics(X, hidden_dims=(500,) * 10, init=None, nonlinearity=tanh_activation,
                          rng=None):
    """
    Forward a batch through a deep net and record each layer's activation mean and std.

    h_0 = X;  h_l = nonlinearity(h_{l-1} @ W_l),  W_l = init(fan_in=D_{l-1}, fan_out=D_l, rng)

    No biases (they start at zero anyway). The weights are drawn in layer order from `rng`.

    Inputs:
    - X: input batch of shape (N, D)
    - hidden_dims: sizes of the layers, e.g. (500,) * 10
    - init: callable (fan_in, fan_out, rng=...) -> weights of shape (fan_in, fan_out), e.g.
      xavier_init or he_init from initializers.py; None means xavier_init
    - nonlinearity: callable applied elementwise, e.g. tanh_activation or relu_activation
    - rng: numpy.random.Generator (None: a fresh, unseeded one)

    Returns:
    - stats: float64 array of shape (len(hidden_dims), 2); stats[l] = (mean, std) of the
      activations of layer l+1 (over the whole batch and all units)
    """
    if init is None:
        from .initializers import xavier_init

        init = xavier_init
    if rng is None:
        rng = np.random.default_rng()
    stats = np.zeros((len(hidden_dims), 2))
    # TODO: one layer at a time: draw W with init(fan_in, fan_out, rng=rng), compute the
    # activations, store their mean and std in stats[layer].
    raise NotImplementedError("activation_statistics")
    return stats


def saturated_fraction(X, hidden_dims=(500,) * 10, init=None, rng=None, threshold=0.99):
    """
    Fraction of tanh units of the LAST layer whose output is saturated (|h| > threshold).

    A saturated tanh unit has local gradient 1 - h^2 ~ 0, so it passes (almost) no gradient back.
    Given code: the same forward pass as activation_statistics, with tanh.

    Inputs:
    - X, hidden_dims, init, rng: as for activation_statistics
    - threshold: |h| above which a unit counts as saturated

    Returns:
    - fraction: float in [0, 1]
    """
    if init is None:
        from .initializers import xavier_init

        init = xavier_init
    if rng is None:
        rng = np.random.default_rng()
    h = np.asarray(X, dtype=np.float64)
    for fan_out in hidden_dims:
        h = np.tanh(h @ init(h.shape[1], fan_out, rng=rng))
    return float(np.mean(np.abs(h) > threshold))
