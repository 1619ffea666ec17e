"""Fully connected classifiers built from the layers in layers.py.

Both classes follow the same interface: a `params` dict of numpy arrays (W1, b1, W2, b2, ...)
and a `loss(X, y=None)` method that returns class scores when y is None and `(loss, grads)`
otherwise, with `grads` keyed like `params`. The Solver relies on exactly this interface.
"""

import numpy as np

from .layers import (
    affine_backward,
    affine_forward,
    affine_relu_backward,
    affine_relu_forward,
    batchnorm_backward_alt,
    batchnorm_forward,
    dropout_backward,
    dropout_forward,
    layernorm_backward,
    layernorm_forward,
    relu_backward,
    relu_forward,
    softmax_loss,
)

__all__ = ["FullyConnectedNet", "TwoLayerNet"]


class TwoLayerNet:
    """A two-layer fully-connected neural network with ReLU nonlinearity and softmax loss.

    The architecture is affine - relu - affine - softmax. We assume an input dimension of D, a
    hidden dimension of H, and classification over C classes.

    Note that this class does not implement gradient descent; instead, it will interact with a
    separate Solver object that is responsible for running optimization.

    The learnable parameters of the model are stored in the dictionary self.params that maps
    parameter names to numpy arrays.
    """

    def __init__(
        self,
        input_dim=3 * 32 * 32,
        hidden_dim=100,
        num_classes=10,
        weight_scale=1e-3,
        reg=0.0,
    ):
        """Initialize a new network.

        Inputs:
        - input_dim: An integer giving the size of the input
        - hidden_dim: An integer giving the size of the hidden layer
        - num_classes: An integer giving the number of classes to classify
        - weight_scale: Scalar giving the standard deviation for random initialization of the
          weights.
        - reg: Scalar giving L2 regularization strength.
        """
        self.params = {}
        self.reg = reg

        # TODO: Initialize the weights and biases of the two-layer net. Weights should be
        # initialized from a Gaussian centered at 0.0 with standard deviation equal to
        # weight_scale (draw them with np.random.randn, W1 first), and biases should be
        # initialized to zero. Weights and biases are stored in self.params, with first layer
        # weights and biases using the keys 'W1' and 'b1' and second layer weights and biases
        # using the keys 'W2' and 'b2'.
        # BEGIN SOLUTION
        self.params["W1"] = weight_scale * np.random.randn(input_dim, hidden_dim)
        self.params["b1"] = np.zeros(hidden_dim)
        self.params["W2"] = weight_scale * np.random.randn(hidden_dim, num_classes)
        self.params["b2"] = np.zeros(num_classes)
        # END SOLUTION

    def loss(self, X, y=None):
        """Compute loss and gradient for a minibatch of data.

        Inputs:
        - X: Array of input data of shape (N, d_1, ..., d_k)
        - y: Array of labels, of shape (N,). y[i] gives the label for X[i].

        Returns:
        If y is None, then run a test-time forward pass of the model and return:
        - scores: Array of shape (N, C) giving classification scores, where scores[i, c] is the
          classification score for X[i] and class c.

        If y is not None, then run a training-time forward and backward pass and return a tuple
        of:
        - loss: Scalar value giving the loss
        - grads: Dictionary with the same keys as self.params, mapping parameter names to
          gradients of the loss with respect to those parameters.
        """
        scores = None
        # TODO: Implement the forward pass for the two-layer net, computing the class scores for
        # X and storing them in the scores variable.
        # BEGIN SOLUTION
        hidden, hidden_cache = affine_relu_forward(X, self.params["W1"], self.params["b1"])
        scores, scores_cache = affine_forward(hidden, self.params["W2"], self.params["b2"])
        # END SOLUTION

        # If y is None then we are in test mode so just return scores
        if y is None:
            return scores

        loss, grads = 0, {}
        # TODO: Implement the backward pass for the two-layer net. Store the loss in the loss
        # variable and gradients in the grads dictionary. Compute data loss using softmax, and
        # make sure that grads[k] holds the gradients for self.params[k]. Don't forget to add
        # L2 regularization!
        #
        # NOTE: To ensure that your implementation matches ours and you pass the automated
        # tests, make sure that your L2 regularization includes a factor of 0.5 to simplify the
        # expression for the gradient.
        # BEGIN SOLUTION
        W1, W2 = self.params["W1"], self.params["W2"]
        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        dhidden, grads["W2"], grads["b2"] = affine_backward(dscores, scores_cache)
        _, grads["W1"], grads["b1"] = affine_relu_backward(dhidden, hidden_cache)
        grads["W1"] = grads["W1"] + self.reg * W1
        grads["W2"] = grads["W2"] + self.reg * W2
        # END SOLUTION

        return loss, grads


class FullyConnectedNet:
    """Class for a multi-layer fully connected neural network.

    Network contains an arbitrary number of hidden layers, ReLU nonlinearities, and a softmax
    loss function. This will also implement dropout and batch/layer normalization as options.
    For a network with L layers, the architecture will be

    {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax

    where batch/layer normalization and dropout are optional and the {...} block is repeated
    L - 1 times.

    Learnable parameters are stored in the self.params dictionary and will be learned using the
    Solver class.
    """

    def __init__(
        self,
        hidden_dims,
        input_dim=3 * 32 * 32,
        num_classes=10,
        dropout_keep_ratio=1,
        normalization=None,
        reg=0.0,
        weight_scale=1e-2,
        dtype=np.float32,
        seed=None,
    ):
        """Initialize a new FullyConnectedNet.

        Inputs:
        - hidden_dims: A list of integers giving the size of each hidden layer.
        - input_dim: An integer giving the size of the input.
        - num_classes: An integer giving the number of classes to classify.
        - dropout_keep_ratio: Scalar between 0 and 1 giving dropout strength (the probability
          of keeping a unit). If dropout_keep_ratio=1 then the network should not use dropout
          at all.
        - normalization: What type of normalization the network should use. Valid values are
          "batchnorm", "layernorm", or None for no normalization (the default).
        - reg: Scalar giving L2 regularization strength.
        - weight_scale: Scalar giving the standard deviation for random initialization of the
          weights.
        - dtype: A numpy datatype object; all computations will be performed using this
          datatype. float32 is faster but less accurate, so you should use float64 for numeric
          gradient checking.
        - seed: If not None, then pass this random seed to the dropout layers. This will make
          the dropout layers deterministic so we can gradient check the model.
        """
        if normalization not in (None, "batchnorm", "layernorm"):
            raise ValueError(f'Invalid normalization "{normalization}"')
        self.normalization = normalization
        self.use_dropout = dropout_keep_ratio != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        # TODO: Initialize the parameters of the network, storing all values in the self.params
        # dictionary. Store weights and biases for the first layer in W1 and b1; for the second
        # layer use W2 and b2, etc. Weights should be initialized from a normal distribution
        # centered at 0 with standard deviation equal to weight_scale (np.random.randn, layer by
        # layer). Biases should be initialized to zero.
        #
        # When using batch normalization, store scale and shift parameters for the first layer
        # in gamma1 and beta1; for the second layer use gamma2 and beta2, etc. Scale parameters
        # should be initialized to ones and shift parameters should be initialized to zeros.
        # The output layer is never normalized.
        # BEGIN SOLUTION
        dims = [input_dim, *hidden_dims, num_classes]
        for i in range(1, self.num_layers + 1):
            self.params[f"W{i}"] = weight_scale * np.random.randn(dims[i - 1], dims[i])
            self.params[f"b{i}"] = np.zeros(dims[i])
            if self.normalization is not None and i < self.num_layers:
                self.params[f"gamma{i}"] = np.ones(dims[i])
                self.params[f"beta{i}"] = np.zeros(dims[i])
        # END SOLUTION

        # When using dropout we need to pass a dropout_param dictionary to each dropout layer so
        # that the layer knows the dropout probability and the mode (train / test). You can
        # pass the same dropout_param to each dropout layer.
        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {"mode": "train", "p": dropout_keep_ratio}
            if seed is not None:
                self.dropout_param["seed"] = seed

        # With batch normalization we need to keep track of running means and variances, so we
        # need to pass a special bn_param object to each batch normalization layer. You should
        # pass self.bn_params[0] to the forward pass of the first batch normalization layer,
        # self.bn_params[1] to the forward pass of the second batch normalization layer, etc.
        self.bn_params = []
        if self.normalization == "batchnorm":
            self.bn_params = [{"mode": "train"} for _ in range(self.num_layers - 1)]
        if self.normalization == "layernorm":
            self.bn_params = [{} for _ in range(self.num_layers - 1)]

        # Cast all parameters to the correct datatype.
        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """Compute loss and gradient for the fully connected net.

        Inputs:
        - X: Array of input data of shape (N, d_1, ..., d_k)
        - y: Array of labels, of shape (N,). y[i] gives the label for X[i].

        Returns:
        If y is None, then run a test-time forward pass of the model and return:
        - scores: Array of shape (N, C) giving classification scores, where scores[i, c] is the
          classification score for X[i] and class c.

        If y is not None, then run a training-time forward and backward pass and return a tuple
        of:
        - loss: Scalar value giving the loss
        - grads: Dictionary with the same keys as self.params, mapping parameter names to
          gradients of the loss with respect to those parameters.
        """
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        # Set train/test mode for batchnorm params and dropout param since they behave
        # differently during training and testing.
        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode
        scores = None

        # TODO: Implement the forward pass for the fully connected net, computing the class
        # scores for X and storing them in the scores variable. Keep every layer's cache for
        # the backward pass.
        # BEGIN SOLUTION
        caches = []
        out = X
        for i in range(1, self.num_layers):
            layer_cache = {}
            out, layer_cache["affine"] = affine_forward(
                out, self.params[f"W{i}"], self.params[f"b{i}"]
            )
            if self.normalization == "batchnorm":
                out, layer_cache["norm"] = batchnorm_forward(
                    out, self.params[f"gamma{i}"], self.params[f"beta{i}"], self.bn_params[i - 1]
                )
            elif self.normalization == "layernorm":
                out, layer_cache["norm"] = layernorm_forward(
                    out, self.params[f"gamma{i}"], self.params[f"beta{i}"], self.bn_params[i - 1]
                )
            out, layer_cache["relu"] = relu_forward(out)
            if self.use_dropout:
                out, layer_cache["dropout"] = dropout_forward(out, self.dropout_param)
            caches.append(layer_cache)
        L = self.num_layers
        scores, scores_cache = affine_forward(out, self.params[f"W{L}"], self.params[f"b{L}"])
        # END SOLUTION

        # If test mode return early.
        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        # TODO: Implement the backward pass for the fully connected net. Store the loss in the
        # loss variable and gradients in the grads dictionary. Compute data loss using softmax,
        # and make sure that grads[k] holds the gradients for self.params[k]. Don't forget to
        # add L2 regularization (with a factor of 0.5) on the weights only, not on biases or on
        # the normalization parameters gamma and beta.
        # BEGIN SOLUTION
        loss, dout = softmax_loss(scores, y)
        dout, grads[f"W{L}"], grads[f"b{L}"] = affine_backward(dout, scores_cache)
        for i in range(L - 1, 0, -1):
            layer_cache = caches[i - 1]
            if self.use_dropout:
                dout = dropout_backward(dout, layer_cache["dropout"])
            dout = relu_backward(dout, layer_cache["relu"])
            if self.normalization == "batchnorm":
                dout, grads[f"gamma{i}"], grads[f"beta{i}"] = batchnorm_backward_alt(
                    dout, layer_cache["norm"]
                )
            elif self.normalization == "layernorm":
                dout, grads[f"gamma{i}"], grads[f"beta{i}"] = layernorm_backward(
                    dout, layer_cache["norm"]
                )
            dout, grads[f"W{i}"], grads[f"b{i}"] = affine_backward(dout, layer_cache["affine"])
        for i in range(1, L + 1):
            W = self.params[f"W{i}"]
            loss += 0.5 * self.reg * np.sum(W * W)
            grads[f"W{i}"] = grads[f"W{i}"] + self.reg * W
        # END SOLUTION

        return loss, grads
