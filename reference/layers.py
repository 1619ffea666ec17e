"""Layers for fully connected networks: forward and backward passes.

Sections: affine · activations (relu, sigmoid, tanh, leaky_relu, prelu, elu, maxout) ·
batch/layer normalization · dropout · losses.

Every forward function returns `(out, cache)`; the matching backward function takes
`(dout, cache)` and returns the gradients of every input, in argument order. Everything is
float64 numpy, and no function modifies its input arrays.
"""

import numpy as np

__all__ = [
    "affine_backward",
    "affine_forward",
    "affine_relu_backward",
    "affine_relu_forward",
    "batchnorm_backward",
    "batchnorm_backward_alt",
    "batchnorm_forward",
    "dropout_backward",
    "dropout_forward",
    "elu_backward",
    "elu_forward",
    "layernorm_backward",
    "layernorm_forward",
    "leaky_relu_backward",
    "leaky_relu_forward",
    "maxout_backward",
    "maxout_forward",
    "prelu_backward",
    "prelu_forward",
    "relu_backward",
    "relu_forward",
    "sigmoid_backward",
    "sigmoid_forward",
    "softmax_loss",
    "svm_loss",
    "tanh_backward",
    "tanh_forward",
]


# ---------------------------------------------------------------------------------------------
# Affine
# ---------------------------------------------------------------------------------------------


def affine_forward(x, w, b):
    """Computes the forward pass for an affine (fully connected) layer.

    The input x has shape (N, d_1, ..., d_k) and contains a minibatch of N examples, where each
    example x[i] has shape (d_1, ..., d_k). We reshape each input into a vector of dimension
    D = d_1 * ... * d_k, and then transform it to an output vector of dimension M.

    out = x.reshape(N, D) @ w + b

    Inputs:
    - x: A numpy array containing input data, of shape (N, d_1, ..., d_k)
    - w: A numpy array of weights, of shape (D, M)
    - b: A numpy array of biases, of shape (M,)

    Returns a tuple of:
    - out: output, of shape (N, M)
    - cache: (x, w, b)
    """
    out = None
    # TODO: Implement the affine forward pass. Store the result in out. You will need to reshape
    # the input into rows.
    # BEGIN SOLUTION
    # An explicit row length, not -1: numpy cannot infer -1 for an empty batch.
    out = x.reshape(x.shape[0], int(np.prod(x.shape[1:]))) @ w + b
    # END SOLUTION
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """Computes the backward pass for an affine (fully connected) layer.

    Inputs:
    - dout: Upstream derivative, of shape (N, M)
    - cache: Tuple of:
      - x: Input data, of shape (N, d_1, ... d_k)
      - w: Weights, of shape (D, M)
      - b: Biases, of shape (M,)

    Returns a tuple of:
    - dx: Gradient with respect to x, of shape (N, d1, ..., d_k)
    - dw: Gradient with respect to w, of shape (D, M)
    - db: Gradient with respect to b, of shape (M,)
    """
    x, w, _ = cache
    dx, dw, db = None, None, None
    # TODO: Implement the affine backward pass. dx must have x's original shape.
    # BEGIN SOLUTION
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = dout.sum(axis=0)
    # END SOLUTION
    return dx, dw, db


# ---------------------------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------------------------


def relu_forward(x):
    """Computes the forward pass for a layer of rectified linear units (ReLUs).

    out = max(x, 0), elementwise

    Input:
    - x: Inputs, of any shape

    Returns a tuple of:
    - out: Output, of the same shape as x
    - cache: x
    """
    out = None
    # TODO: Implement the ReLU forward pass.
    # BEGIN SOLUTION
    out = np.maximum(x, 0.0)
    # END SOLUTION
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """Computes the backward pass for a layer of rectified linear units (ReLUs).

    Input:
    - dout: Upstream derivatives, of any shape
    - cache: Input x, of same shape as dout

    Returns:
    - dx: Gradient with respect to x (a single array, not a tuple)
    """
    dx, x = None, cache
    # TODO: Implement the ReLU backward pass. The gradient at x == 0 is taken to be 0.
    # BEGIN SOLUTION
    dx = dout * (x > 0)
    # END SOLUTION
    return dx


def affine_relu_forward(x, w, b):
    """Convenience layer that performs an affine transform followed by a ReLU.

    Inputs:
    - x: Input to the affine layer, of shape (N, d_1, ..., d_k)
    - w, b: Weights for the affine layer

    Returns a tuple of:
    - out: Output from the ReLU, of shape (N, M)
    - cache: Object to give to the backward pass
    """
    a, fc_cache = affine_forward(x, w, b)
    out, relu_cache = relu_forward(a)
    cache = (fc_cache, relu_cache)
    return out, cache


def affine_relu_backward(dout, cache):
    """Backward pass for the affine-relu convenience layer.

    Returns a tuple of:
    - dx, dw, db: Gradients with respect to x, w and b
    """
    fc_cache, relu_cache = cache
    da = relu_backward(dout, relu_cache)
    dx, dw, db = affine_backward(da, fc_cache)
    return dx, dw, db


def sigmoid_forward(x):
    """Computes the forward pass for a layer of sigmoid units.

    out = 1 / (1 + exp(-x)), elementwise

    Must be numerically stable: for x = -1e4 the naive formula overflows exp(-x). Write the
    function in terms of exp(-|x|), which is always in (0, 1].

    Input:
    - x: Inputs, of any shape

    Returns a tuple of:
    - out: Output, of the same shape as x, in [0, 1]
    - cache: Object to give to the backward pass
    """
    out = None
    # TODO: Implement a numerically stable sigmoid.
    # BEGIN SOLUTION
    z = np.exp(-np.abs(x))
    # sigmoid(x) = 1/(1+z) for x >= 0 and z/(1+z) for x < 0; neither can overflow.
    out = np.where(x >= 0, 1.0, z) / (1.0 + z)
    # END SOLUTION
    cache = out
    return out, cache


def sigmoid_backward(dout, cache):
    """Computes the backward pass for a layer of sigmoid units.

    dx = dout * s * (1 - s), where s = sigmoid(x)

    Input:
    - dout: Upstream derivatives, of any shape
    - cache: Object from sigmoid_forward

    Returns:
    - dx: Gradient with respect to x
    """
    dx = None
    # TODO: Implement the sigmoid backward pass, reusing the forward output.
    # BEGIN SOLUTION
    s = cache
    dx = dout * s * (1.0 - s)
    # END SOLUTION
    return dx


def tanh_forward(x):
    """Computes the forward pass for a layer of tanh units.

    out = tanh(x), elementwise

    Input:
    - x: Inputs, of any shape

    Returns a tuple of:
    - out: Output, of the same shape as x, in [-1, 1]
    - cache: Object to give to the backward pass
    """
    out = None
    # TODO: Implement the tanh forward pass.
    # BEGIN SOLUTION
    out = np.tanh(x)
    # END SOLUTION
    cache = out
    return out, cache


def tanh_backward(dout, cache):
    """Computes the backward pass for a layer of tanh units.

    dx = dout * (1 - tanh(x)**2)

    Input:
    - dout: Upstream derivatives, of any shape
    - cache: Object from tanh_forward

    Returns:
    - dx: Gradient with respect to x
    """
    dx = None
    # TODO: Implement the tanh backward pass, reusing the forward output.
    # BEGIN SOLUTION
    t = cache
    dx = dout * (1.0 - t**2)
    # END SOLUTION
    return dx


def leaky_relu_forward(x, alpha=0.01):
    """Computes the forward pass for a layer of leaky ReLUs.

    out = x if x > 0 else alpha * x, elementwise

    Inputs:
    - x: Inputs, of any shape
    - alpha: Slope for negative inputs (a fixed hyperparameter, not learned)

    Returns a tuple of:
    - out: Output, of the same shape as x
    - cache: Object to give to the backward pass
    """
    out = None
    # TODO: Implement the leaky ReLU forward pass.
    # BEGIN SOLUTION
    out = np.where(x > 0, x, alpha * x)
    # END SOLUTION
    cache = (x, alpha)
    return out, cache


def leaky_relu_backward(dout, cache):
    """Computes the backward pass for a layer of leaky ReLUs.

    dx = dout if x > 0 else alpha * dout (the slope at x == 0 is taken to be alpha)

    Input:
    - dout: Upstream derivatives, of any shape
    - cache: (x, alpha) from leaky_relu_forward

    Returns:
    - dx: Gradient with respect to x
    """
    x, alpha = cache
    dx = None
    # TODO: Implement the leaky ReLU backward pass.
    # BEGIN SOLUTION
    dx = dout * np.where(x > 0, 1.0, alpha)
    # END SOLUTION
    return dx


def prelu_forward(x, alpha):
    """Computes the forward pass for a layer of parametric ReLUs (one learned slope per feature).

    out[i, j] = x[i, j] if x[i, j] > 0 else alpha[j] * x[i, j]

    Inputs:
    - x: Inputs, of shape (N, D)
    - alpha: Learned slopes for negative inputs, of shape (D,)

    Returns a tuple of:
    - out: Output, of shape (N, D)
    - cache: Object to give to the backward pass
    """
    out = None
    # TODO: Implement the PReLU forward pass.
    # BEGIN SOLUTION
    out = np.where(x > 0, x, alpha * x)
    # END SOLUTION
    cache = (x, alpha)
    return out, cache


def prelu_backward(dout, cache):
    """Computes the backward pass for a layer of parametric ReLUs.

    Inputs:
    - dout: Upstream derivatives, of shape (N, D)
    - cache: (x, alpha) from prelu_forward

    Returns a tuple of:
    - dx: Gradient with respect to x, of shape (N, D)
    - dalpha: Gradient with respect to alpha, of shape (D,); alpha is shared by every row, so
      its gradient sums over the batch
    """
    x, alpha = cache
    dx, dalpha = None, None
    # TODO: Implement the PReLU backward pass.
    # BEGIN SOLUTION
    positive = x > 0
    dx = dout * np.where(positive, 1.0, alpha)
    dalpha = np.sum(np.where(positive, 0.0, dout * x), axis=0)
    # END SOLUTION
    return dx, dalpha


def elu_forward(x, alpha=1.0):
    """Computes the forward pass for a layer of exponential linear units (ELUs).

    out = x if x > 0 else alpha * (exp(x) - 1), elementwise

    Do not evaluate exp on large positive x (it overflows even if the result is discarded).

    Inputs:
    - x: Inputs, of any shape
    - alpha: Saturation value for very negative inputs is -alpha

    Returns a tuple of:
    - out: Output, of the same shape as x
    - cache: Object to give to the backward pass
    """
    out = None
    # TODO: Implement the ELU forward pass.
    # BEGIN SOLUTION
    # expm1 on min(x, 0) never overflows and stays accurate for x close to 0.
    out = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))
    # END SOLUTION
    cache = (x, alpha)
    return out, cache


def elu_backward(dout, cache):
    """Computes the backward pass for a layer of ELUs.

    dx = dout if x > 0 else dout * alpha * exp(x)

    Input:
    - dout: Upstream derivatives, of any shape
    - cache: (x, alpha) from elu_forward

    Returns:
    - dx: Gradient with respect to x
    """
    x, alpha = cache
    dx = None
    # TODO: Implement the ELU backward pass.
    # BEGIN SOLUTION
    dx = dout * np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))
    # END SOLUTION
    return dx


def maxout_forward(x, w1, b1, w2, b2):
    """Computes the forward pass for a maxout layer with two linear pieces.

    out = max(x @ w1 + b1, x @ w2 + b2), elementwise, with x reshaped to (N, D) as in
    affine_forward.

    Inputs:
    - x: Input data, of shape (N, d_1, ..., d_k)
    - w1, w2: Weights, each of shape (D, M)
    - b1, b2: Biases, each of shape (M,)

    Returns a tuple of:
    - out: Output, of shape (N, M)
    - cache: Object to give to the backward pass
    """
    out, cache = None, None
    # TODO: Implement the maxout forward pass. Remember which piece won each max; on a tie the
    # first piece (w1, b1) wins.
    # BEGIN SOLUTION
    x_rows = x.reshape(x.shape[0], -1)
    a1 = x_rows @ w1 + b1
    a2 = x_rows @ w2 + b2
    first_wins = a1 >= a2
    out = np.where(first_wins, a1, a2)
    cache = (x, w1, w2, first_wins)
    # END SOLUTION
    return out, cache


def maxout_backward(dout, cache):
    """Computes the backward pass for a maxout layer.

    The upstream gradient flows only into the piece that won the max (the first on ties).

    Inputs:
    - dout: Upstream derivatives, of shape (N, M)
    - cache: Object from maxout_forward

    Returns a tuple of:
    - dx: Gradient with respect to x, of shape (N, d_1, ..., d_k)
    - dw1, dw2: Gradients with respect to w1 and w2, each of shape (D, M)
    - db1, db2: Gradients with respect to b1 and b2, each of shape (M,)
    (returned in the order dx, dw1, db1, dw2, db2)
    """
    dx, dw1, db1, dw2, db2 = None, None, None, None, None
    # TODO: Implement the maxout backward pass.
    # BEGIN SOLUTION
    x, w1, w2, first_wins = cache
    x_rows = x.reshape(x.shape[0], -1)
    d1 = np.where(first_wins, dout, 0.0)
    d2 = np.where(first_wins, 0.0, dout)
    dx = (d1 @ w1.T + d2 @ w2.T).reshape(x.shape)
    dw1, db1 = x_rows.T @ d1, d1.sum(axis=0)
    dw2, db2 = x_rows.T @ d2, d2.sum(axis=0)
    # END SOLUTION
    return dx, dw1, db1, dw2, db2


# ---------------------------------------------------------------------------------------------
# Batch and layer normalization
# ---------------------------------------------------------------------------------------------


def batchnorm_forward(x, gamma, beta, bn_param):
    """Forward pass for batch normalization.

    During training the sample mean and (uncorrected, biased) sample variance are computed from
    minibatch statistics and used to normalize the incoming data:

    out = gamma * (x - mean) / sqrt(var + eps) + beta

    During training we also keep an exponentially decaying running mean of the mean and variance
    of each feature, and these averages are used to normalize data at test-time:

    running_mean = momentum * running_mean + (1 - momentum) * sample_mean
    running_var = momentum * running_var + (1 - momentum) * sample_var

    Input:
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    - bn_param: Dictionary with the following keys:
      - mode: 'train' or 'test'; required
      - eps: Constant for numeric stability (default 1e-5)
      - momentum: Constant for running mean / variance (default 0.9)
      - running_mean: Array of shape (D,) giving running mean of features
      - running_var: Array of shape (D,) giving running variance of features
      The running statistics are written back into bn_param.

    Returns a tuple of:
    - out: of shape (N, D)
    - cache: A tuple of values needed in the backward pass (train mode only; None in test mode)
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)

    D = x.shape[1]
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=x.dtype))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=x.dtype))

    out, cache = None, None
    if mode == "train":
        # TODO: Normalize with the minibatch statistics, update the running averages (build new
        # arrays; do not modify the old ones in place) and store what the backward pass needs
        # in cache. Use the biased variance and put eps inside the square root.
        # BEGIN SOLUTION
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        x_hat = (x - mu) / np.sqrt(var + eps)
        out = gamma * x_hat + beta
        running_mean = momentum * running_mean + (1 - momentum) * mu
        running_var = momentum * running_var + (1 - momentum) * var
        cache = (x, x_hat, mu, var, gamma, eps)
        # END SOLUTION
    elif mode == "test":
        # TODO: Normalize with the running statistics.
        # BEGIN SOLUTION
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
        # END SOLUTION
    else:
        raise ValueError(f'Invalid forward batchnorm mode "{mode}"')

    # Store the updated running means back into bn_param
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var

    return out, cache


def batchnorm_backward(dout, cache):
    """Backward pass for batch normalization, by backpropagating through the computation graph.

    Some intermediates have more than one outgoing branch (x - mean feeds both the numerator
    and the variance); their gradients from every branch must be summed.

    Inputs:
    - dout: Upstream derivatives, of shape (N, D)
    - cache: Variable of intermediates from batchnorm_forward (train mode).

    Returns a tuple of:
    - dx: Gradient with respect to inputs x, of shape (N, D)
    - dgamma: Gradient with respect to scale parameter gamma, of shape (D,)
    - dbeta: Gradient with respect to shift parameter beta, of shape (D,)
    """
    dx, dgamma, dbeta = None, None, None
    # TODO: Implement the backward pass step by step through the graph
    # x -> xc = x - mean -> var -> std -> x_hat = xc / std -> gamma * x_hat + beta.
    # BEGIN SOLUTION
    x, x_hat, mu, var, gamma, eps = cache
    N = x.shape[0]
    xc = x - mu
    std = np.sqrt(var + eps)
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dxc = dx_hat / std
    dstd = -np.sum(dx_hat * xc, axis=0) / std**2
    dvar = dstd / (2.0 * std)
    dxc = dxc + 2.0 * xc * dvar / N
    dmu = -dxc.sum(axis=0)
    dx = dxc + dmu / N
    # END SOLUTION
    return dx, dgamma, dbeta


def batchnorm_backward_alt(dout, cache):
    """Alternative backward pass for batch normalization, from the simplified closed form.

    dx = gamma / (N * sqrt(var + eps)) * (N * dout - sum(dout) - x_hat * sum(dout * x_hat))
    (sums over the batch axis)

    Accepts the same cache as batchnorm_backward and returns the same values, faster.

    Inputs / outputs: Same as batchnorm_backward
    """
    dx, dgamma, dbeta = None, None, None
    # TODO: Implement the closed-form backward pass in a single statement for dx.
    # BEGIN SOLUTION
    x, x_hat, _, var, gamma, eps = cache
    N = x.shape[0]
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx = (gamma / (N * np.sqrt(var + eps))) * (N * dout - dbeta - x_hat * dgamma)
    # END SOLUTION
    return dx, dgamma, dbeta


def layernorm_forward(x, gamma, beta, ln_param):
    """Forward pass for layer normalization.

    Each data point (row) is normalized by its own mean and (biased) variance, then scaled and
    shifted per feature:

    out = gamma * (x - row_mean) / sqrt(row_var + eps) + beta

    The behaviour is the same at train and test time, and no running statistics are kept; any
    'mode' key in ln_param is ignored.

    Input:
    - x: Data of shape (N, D)
    - gamma: Scale parameter of shape (D,)
    - beta: Shift paremeter of shape (D,)
    - ln_param: Dictionary with the following keys:
      - eps: Constant for numeric stability (default 1e-5)

    Returns a tuple of:
    - out: of shape (N, D)
    - cache: A tuple of values needed in the backward pass
    """
    out, cache = None, None
    eps = ln_param.get("eps", 1e-5)
    # TODO: Implement layer normalization; it is batch normalization along the other axis.
    # BEGIN SOLUTION
    mu = x.mean(axis=1, keepdims=True)
    std = np.sqrt(x.var(axis=1, keepdims=True) + eps)
    x_hat = (x - mu) / std
    out = gamma * x_hat + beta
    cache = (x_hat, std, gamma)
    # END SOLUTION
    return out, cache


def layernorm_backward(dout, cache):
    """Backward pass for layer normalization.

    Inputs:
    - dout: Upstream derivatives, of shape (N, D)
    - cache: Variable of intermediates from layernorm_forward.

    Returns a tuple of:
    - dx: Gradient with respect to inputs x, of shape (N, D)
    - dgamma: Gradient with respect to scale parameter gamma, of shape (D,)
    - dbeta: Gradient with respect to shift parameter beta, of shape (D,)
    """
    dx, dgamma, dbeta = None, None, None
    # TODO: Implement the backward pass for layer norm.
    # BEGIN SOLUTION
    x_hat, std, gamma = cache
    D = x_hat.shape[1]
    dbeta = dout.sum(axis=0)
    dgamma = np.sum(dout * x_hat, axis=0)
    dx_hat = dout * gamma
    dx = (
        D * dx_hat
        - dx_hat.sum(axis=1, keepdims=True)
        - x_hat * np.sum(dx_hat * x_hat, axis=1, keepdims=True)
    ) / (D * std)
    # END SOLUTION
    return dx, dgamma, dbeta


# ---------------------------------------------------------------------------------------------
# Dropout
# ---------------------------------------------------------------------------------------------


def dropout_forward(x, dropout_param):
    """Forward pass for inverted dropout.

    Note that this is different from the vanilla version of dropout. Here, p is the probability
    of keeping a neuron output, as opposed to the probability of dropping a neuron output.

    Inputs:
    - x: Input data, of any shape
    - dropout_param: A dictionary with the following keys:
      - p: Dropout parameter. We keep each neuron output with probability p.
      - mode: 'test' or 'train'. If the mode is train, then perform dropout; if the mode is
        test, then just return the input.
      - seed: Seed for the random number generator. Passing seed makes this function
        deterministic, which is needed for gradient checking but not in real networks.

    Outputs:
    - out: Array of the same shape as x.
    - cache: tuple (dropout_param, mask). In training mode, mask is the dropout mask that was
      used to multiply the input; in test mode, mask is None.
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    mask = None
    out = None

    if mode == "train":
        # TODO: Implement training phase forward pass for inverted dropout. Draw the mask with
        # np.random.rand, and store the dropout mask in the mask variable.
        # BEGIN SOLUTION
        # Scaling by 1/p at train time keeps the expected activation equal to the test-time one.
        mask = (np.random.rand(*x.shape) < p) / p
        out = x * mask
        # END SOLUTION
    elif mode == "test":
        # TODO: Implement the test phase forward pass for inverted dropout.
        # BEGIN SOLUTION
        out = x.copy()
        # END SOLUTION
    else:
        raise ValueError(f'Invalid forward dropout mode "{mode}"')

    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)

    return out, cache


def dropout_backward(dout, cache):
    """Backward pass for inverted dropout.

    Inputs:
    - dout: Upstream derivatives, of any shape
    - cache: (dropout_param, mask) from dropout_forward.

    Returns:
    - dx: Gradient with respect to x
    """
    dropout_param, mask = cache
    mode = dropout_param["mode"]

    dx = None
    if mode == "train":
        # TODO: Implement training phase backward pass for inverted dropout.
        # BEGIN SOLUTION
        dx = dout * mask
        # END SOLUTION
    elif mode == "test":
        dx = dout
    return dx


# ---------------------------------------------------------------------------------------------
# Losses
# ---------------------------------------------------------------------------------------------


def svm_loss(x, y):
    """Computes the loss and gradient for multiclass SVM classification.

    loss = mean over i of sum over j != y[i] of max(0, x[i, j] - x[i, y[i]] + 1)

    Inputs:
    - x: Input data, of shape (N, C) where x[i, j] is the score for the jth class for the ith
      input.
    - y: Vector of labels, of shape (N,) where y[i] is the label for x[i] and 0 <= y[i] < C

    Returns a tuple of:
    - loss: Scalar giving the loss
    - dx: Gradient of the loss with respect to x (already divided by N)
    """
    loss, dx = None, None
    # TODO: Implement the loss and gradient for multiclass SVM classification.
    # BEGIN SOLUTION
    N = x.shape[0]
    rows = np.arange(N)
    margins = np.maximum(0.0, x - x[rows, y][:, None] + 1.0)
    margins[rows, y] = 0.0
    loss = margins.sum() / N
    positive = (margins > 0).astype(np.float64)
    positive[rows, y] -= positive.sum(axis=1)
    dx = positive / N
    # END SOLUTION
    return loss, dx


def softmax_loss(x, y):
    """Computes the loss and gradient for softmax classification.

    loss = mean over i of -log(exp(x[i, y[i]]) / sum_j exp(x[i, j]))

    Must be numerically stable: subtract each row's maximum before exponentiating, and compute
    log-probabilities with log-sum-exp rather than taking the log of a probability that may have
    underflowed to 0.

    Inputs:
    - x: Input data, of shape (N, C) where x[i, j] is the score for the jth class for the ith
      input.
    - y: Vector of labels, of shape (N,) where y[i] is the label for x[i] and 0 <= y[i] < C

    Returns a tuple of:
    - loss: Scalar giving the loss
    - dx: Gradient of the loss with respect to x (already divided by N)
    """
    loss, dx = None, None
    # TODO: Implement the loss and gradient for softmax classification.
    # BEGIN SOLUTION
    N = x.shape[0]
    rows = np.arange(N)
    shifted = x - x.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[rows, y].mean()
    dx = np.exp(log_probs)
    dx[rows, y] -= 1.0
    dx /= N
    # END SOLUTION
    return loss, dx
