# GENERATED from reference/optim.py by `grade build`: edit the reference, not this file.
"""First-order update rules for training neural networks.

Each update rule accepts current weights and the gradient of the loss with respect to those
weights, and produces the next set of weights. Each update rule has the same interface:

def update(w, dw, config=None):

Inputs:
  - w: A numpy array giving the current weights.
  - dw: A numpy array of the same shape as w giving the gradient of the loss with respect to w.
  - config: A dictionary containing hyperparameter values such as learning rate, momentum, etc.
    If the update rule requires caching values over many iterations, then config will also hold
    these cached values.

Returns:
  - next_w: The next point after the update (a new array; w is not modified).
  - config: The config dictionary to be passed to the next iteration of the update rule.

NOTE: For most update rules, the default learning rate will probably not perform well; however
the default values of the other hyperparameters should work well for a variety of problems.

For efficiency, update rules may store their state arrays in config; the Solver keeps one config
per parameter and passes it back on the next call.
"""

import numpy as np

__all__ = ["adagrad", "adam", "nesterov_momentum", "rmsprop", "sgd", "sgd_momentum"]


def sgd(w, dw, config=None):
    """Performs vanilla stochastic gradient descent.

    next_w = w - learning_rate * dw

    config format:
    - learning_rate: Scalar learning rate (default 1e-2).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)

    next_w = None
    # TODO: Implement the vanilla stochastic gradient descent update.
    raise NotImplementedError("sgd")
    return next_w, config


def sgd_momentum(w, dw, config=None):
    """Performs stochastic gradient descent with momentum.

    v = momentum * v - learning_rate * dw;  next_w = w + v

    config format:
    - learning_rate: Scalar learning rate (default 1e-2).
    - momentum: Scalar between 0 and 1 giving the momentum value (default 0.9).
      Setting momentum = 0 reduces to sgd.
    - velocity: A numpy array of the same shape as w and dw used to store a moving average of
      the gradients (default zeros).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))

    next_w = None
    # TODO: Implement the momentum update formula. Store the updated value in the next_w
    # variable. You should also use and update the velocity v.
    raise NotImplementedError("sgd_momentum")
    config["velocity"] = v

    return next_w, config


def nesterov_momentum(w, dw, config=None):
    """Performs stochastic gradient descent with Nesterov momentum (the CS231n notes' form).

    v_prev = v;  v = momentum * v - learning_rate * dw;
    next_w = w - momentum * v_prev + (1 + momentum) * v

    config format:
    - learning_rate: Scalar learning rate (default 1e-2).
    - momentum: Scalar between 0 and 1 giving the momentum value (default 0.9).
    - velocity: A numpy array of the same shape as w and dw (default zeros).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("momentum", 0.9)
    v = config.get("velocity", np.zeros_like(w))

    next_w = None
    # TODO: Implement the Nesterov momentum update. Store the updated value in next_w and the
    # new velocity in v.
    raise NotImplementedError("nesterov_momentum")
    config["velocity"] = v

    return next_w, config


def adagrad(w, dw, config=None):
    """Uses the Adagrad update rule: per-parameter step sizes from the sum of squared gradients.

    cache = cache + dw**2;  next_w = w - learning_rate * dw / (sqrt(cache) + epsilon)

    config format:
    - learning_rate: Scalar learning rate (default 1e-2).
    - epsilon: Small scalar used for smoothing to avoid dividing by zero (default 1e-8).
    - cache: Sum of the squared gradients so far (default zeros).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))

    next_w = None
    # TODO: Implement the Adagrad update. Store the next value of w in next_w and the new sum of
    # squared gradients in config['cache'].
    raise NotImplementedError("adagrad")

    return next_w, config


def rmsprop(w, dw, config=None):
    """Uses the RMSProp update rule: a moving average of squared gradients sets step sizes.

    cache = decay_rate * cache + (1 - decay_rate) * dw**2
    next_w = w - learning_rate * dw / (sqrt(cache) + epsilon)

    config format:
    - learning_rate: Scalar learning rate (default 1e-2).
    - decay_rate: Scalar between 0 and 1 giving the decay rate for the squared gradient cache
      (default 0.99).
    - epsilon: Small scalar used for smoothing to avoid dividing by zero (default 1e-8).
    - cache: Moving average of second moments of gradients (default zeros).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("decay_rate", 0.99)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("cache", np.zeros_like(w))

    next_w = None
    # TODO: Implement the RMSprop update formula, storing the next value of w in the next_w
    # variable. Don't forget to update cache value stored in config['cache'].
    raise NotImplementedError("rmsprop")

    return next_w, config


def adam(w, dw, config=None):
    """Uses the Adam update rule: moving averages of the gradient and its square, bias-corrected.

    t = t + 1
    m = beta1 * m + (1 - beta1) * dw;  v = beta2 * v + (1 - beta2) * dw**2
    next_w = w - learning_rate * (m / (1 - beta1**t)) / (sqrt(v / (1 - beta2**t)) + epsilon)

    config format:
    - learning_rate: Scalar learning rate (default 1e-3).
    - beta1: Decay rate for moving average of first moment of gradient (default 0.9).
    - beta2: Decay rate for moving average of second moment of gradient (default 0.999).
    - epsilon: Small scalar used for smoothing to avoid dividing by zero (default 1e-8).
    - m: Moving average of gradient (default zeros).
    - v: Moving average of squared gradient (default zeros).
    - t: Iteration number (default 0).
    """
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-3)
    config.setdefault("beta1", 0.9)
    config.setdefault("beta2", 0.999)
    config.setdefault("epsilon", 1e-8)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)

    next_w = None
    # TODO: Implement the Adam update formula, storing the next value of w in the next_w
    # variable. Don't forget to update the m, v, and t variables stored in config.
    #
    # NOTE: In order to match the reference output, please modify t _before_ using it in any
    # calculations.
    raise NotImplementedError("adam")

    return next_w, config
