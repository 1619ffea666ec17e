# GENERATED from reference/regularization.py by `grade build`: edit the reference, not this file.
"""Weight penalties: L2, L1 and elastic net.

Every penalty has the same interface, so it can be swapped into a model's loss:

    penalty, dW = some_penalty(W, reg, ...)

- penalty: float, the amount added to the data loss
- dW: array of W's shape, the gradient of the penalty with respect to W (added to W's gradient)

Regularize weights only, never biases (or batchnorm's gamma and beta): a bias does not multiply
an input, so shrinking it does not make the function any smoother, and doing so just fights the
data loss.
"""

import numpy as np


def l2_penalty(W, reg):
    """
    L2 penalty ("weight decay"), with CS231n's factor 0.5 so that the gradient is simply reg*W.

    R(W) = 0.5 * reg * sum(W**2);  dR/dW = reg * W

    Prefers many small weights over a few large ones: it spreads the reliance on the inputs.

    Inputs:
    - W: array of any shape
    - reg: regularization strength (>= 0)

    Returns a tuple of:
    - penalty: float
    - dW: array of W's shape
    """
    penalty, dW = None, None
    raise NotImplementedError("l2_penalty")
    return float(penalty), dW


def l1_penalty(W, reg):
    """
    L1 penalty.

    R(W) = reg * sum(|W|);  dR/dW = reg * sign(W)   (we use 0 at W == 0)

    The gradient keeps the same size however small a weight gets, so L1 pushes many weights to
    exactly zero (sparse weights: the model uses only a few inputs).

    Inputs:
    - W: array of any shape
    - reg: regularization strength (>= 0)

    Returns a tuple of:
    - penalty: float
    - dW: array of W's shape
    """
    penalty, dW = None, None
    raise NotImplementedError("l1_penalty")
    return float(penalty), dW


def elastic_net_penalty(W, reg, l1_ratio=0.5):
    """
    Elastic net: a mix of L1 and L2.

    R(W) = reg * (l1_ratio * sum(|W|) + (1 - l1_ratio) * 0.5 * sum(W**2))
    dR/dW = reg * (l1_ratio * sign(W) + (1 - l1_ratio) * W)

    l1_ratio = 1 is pure L1 and l1_ratio = 0 is pure L2 (with the 0.5 convention above).

    Inputs:
    - W: array of any shape
    - reg: overall regularization strength (>= 0)
    - l1_ratio: share of the L1 term, in [0, 1]

    Returns a tuple of:
    - penalty: float
    - dW: array of W's shape
    """
    if not 0.0 <= l1_ratio <= 1.0:
        raise ValueError(f"l1_ratio must be in [0, 1], got {l1_ratio}")
    penalty, dW = None, None
    # TODO: reuse l1_penalty and l2_penalty.
    raise NotImplementedError("elastic_net_penalty")
    return float(penalty), dW


def params_penalty(params, reg, penalty_fn=l2_penalty):
    """
    Apply a penalty to every weight matrix of a model's params dict, skipping everything else.

    Weights are the entries whose name starts with "W" (W1, W2, ...); biases (b1, ...) and
    normalization parameters (gamma1, beta1, ...) are left alone.

    Inputs:
    - params: dict name -> array, e.g. TwoLayerNet.params
    - reg: regularization strength
    - penalty_fn: one of the penalties of this module (or any function with their interface)

    Returns a tuple of:
    - penalty: float, the sum over all weight matrices
    - grads: dict with a gradient for EVERY key of params (zeros for the unregularized ones)
    """
    penalty, grads = 0.0, {}
    raise NotImplementedError("params_penalty")
    return float(penalty), grads
