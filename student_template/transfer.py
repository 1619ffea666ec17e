# GENERATED from reference/transfer.py by `grade build`: edit the reference, not this file.
"""Transfer learning with fully-connected nets.

The lecture's recipe:
1. Train a network on a big dataset (task A; ImageNet in practice).
2. Small dataset for the new task B: FREEZE the network, use its hidden layers as a fixed
   feature extractor, and train only a new linear classifier on those features. Too few examples
   to retrain millions of weights without overfitting, but enough for a linear classifier.
3. More data for task B: FINE-TUNE: replace the top layer, then train the top layer(s) (or more)
   with a lower learning rate than for training from scratch, so that the useful pretrained
   features are adjusted rather than destroyed.

Here task A and task B are two disjoint sets of classes of the same kind of data (e.g. classes
0-4 and 5-9 of data.load_toy_dataset); the pretrained model is a TwoLayerNet or a
FullyConnectedNet from fc_net.py.
"""

import numpy as np

from .layers import affine_forward, batchnorm_forward, layernorm_forward, relu_forward, softmax_loss
from .solver import Solver


def select_classes(data, classes, max_train_per_class=None):
    """
    Keep only some classes of a dataset and relabel them 0..k-1. Given code.

    Inputs:
    - data: dict with X_train, y_train, X_val, y_val, X_test, y_test (any of the splits may be
      missing)
    - classes: sequence of k original labels; classes[j] becomes label j
    - max_train_per_class: if not None, keep only the first this-many training examples of each
      class (a small task-B training set)

    Returns:
    - subset: dict with the same keys
    """
    classes = list(classes)
    relabel = np.full(max(classes) + 1, -1, dtype=np.int64)
    relabel[classes] = np.arange(len(classes))
    subset = {}
    for split in ("train", "val", "test"):
        if f"X_{split}" not in data:
            continue
        X, y = data[f"X_{split}"], data[f"y_{split}"]
        keep = np.isin(y, classes)
        if split == "train" and max_train_per_class is not None:
            for c in classes:
                idx = np.flatnonzero(y == c)
                keep[idx[max_train_per_class:]] = False
        subset[f"X_{split}"] = X[keep]
        subset[f"y_{split}"] = relabel[y[keep]]
    return subset


def _num_layers(model):
    return sum(1 for k in model.params if k.startswith("W"))


def extract_features(model, X):
    """
    Run the FROZEN hidden layers of a trained net and return the last hidden activations.

    For layer i = 1 .. L-1:  h = relu(norm_i(h @ W_i + b_i))   (h = X to start; norm_i is
    present only if the net uses batchnorm or layernorm). The top affine layer (the task-A
    classifier) is skipped.

    This is test-time behaviour: batchnorm uses its running statistics (mode 'test', and the
    model's bn_params must not be changed), dropout is off.

    Inputs:
    - model: a trained TwoLayerNet or FullyConnectedNet (params W1..WL, b1..bL, and
      gamma_i/beta_i with normalization)
    - X: data of shape (N, d_1, ..., d_k)

    Returns:
    - features: float64 array of shape (N, H), H the size of the last hidden layer
    """
    L = _num_layers(model)
    normalization = getattr(model, "normalization", None)
    features = None
    # TODO: use affine_forward and relu_forward from layers.py; for batchnorm pass a COPY of
    # model.bn_params[i - 1] with mode 'test'.
    raise NotImplementedError("extract_features")
    return features


class LinearSoftmaxClassifier:
    """A linear classifier with a softmax loss: scores = X W + b. Follows the Solver's model API.

    It is the "new classifier" trained on frozen features.
    """

    def __init__(self, input_dim, num_classes, weight_scale=1e-3, reg=0.0, seed=None):
        """
        Inputs:
        - input_dim: feature size D
        - num_classes: number of classes C
        - weight_scale: standard deviation of the initial weights (biases start at 0)
        - reg: L2 strength, loss term 0.5 * reg * sum(W**2)
        - seed: seed of the generator drawing W (None: unseeded)
        """
        rng = np.random.default_rng(seed)
        self.reg = reg
        self.params = {
            "W": weight_scale * rng.standard_normal((input_dim, num_classes)),
            "b": np.zeros(num_classes),
        }

    def loss(self, X, y=None):
        """
        Inputs:
        - X: features of shape (N, D)
        - y: labels of shape (N,) or None

        Returns:
        - scores of shape (N, C) if y is None, else a tuple of:
        - loss: float, mean softmax loss + 0.5 * reg * sum(W**2)
        - grads: dict with W and b
        """
        loss, grads = None, {}
        raise NotImplementedError("LinearSoftmaxClassifier.loss")
        return loss, grads


def train_classifier_on_features(model, data, num_epochs=30, learning_rate=1e-1,
                                 batch_size=50, reg=1e-3, seed=None):
    """
    Feature extraction: freeze `model`, extract features, train a new linear classifier on them.
    Given code built on extract_features and LinearSoftmaxClassifier.

    Inputs:
    - model: pretrained net (not modified)
    - data: task-B dict with X_train, y_train, X_val, y_val (X_test/y_test optional)
    - num_epochs, learning_rate, batch_size: Solver settings (SGD)
    - reg: L2 strength of the new classifier
    - seed: seeds the classifier's initial weights and numpy's global generator (the Solver's
      minibatch sampling)

    Returns a tuple of:
    - classifier: the trained LinearSoftmaxClassifier (works on FEATURES: use
      classifier.loss(extract_features(model, X)))
    - solver: the Solver used
    """
    features = {f"X_{s}": extract_features(model, data[f"X_{s}"])
                for s in ("train", "val", "test") if f"X_{s}" in data}
    features.update({k: v for k, v in data.items() if k.startswith("y_")})
    num_classes = int(max(data["y_train"].max(), data["y_val"].max())) + 1
    classifier = LinearSoftmaxClassifier(features["X_train"].shape[1], num_classes, reg=reg,
                                         seed=seed)
    if seed is not None:
        np.random.seed(seed)
    solver = Solver(classifier, features, update_rule="sgd",
                    optim_config={"learning_rate": learning_rate}, num_epochs=num_epochs,
                    batch_size=min(batch_size, features["X_train"].shape[0]), verbose=False)
    solver.train()
    return classifier, solver


class TopLayersModel:
    """View of a pretrained net in which only some parameters are trainable.

    `params` holds only the trainable entries, so a Solver updates only those; the others stay
    frozen in the wrapped model. Follows the Solver's model API.
    """

    def __init__(self, model, trainable):
        """
        Inputs:
        - model: the wrapped net (its frozen params are used as they are)
        - trainable: names of the params to train, e.g. ("W2", "b2")
        """
        missing = [k for k in trainable if k not in model.params]
        if missing:
            raise ValueError(f"model has no parameter(s) {missing}")
        self.model = model
        self.params = {k: model.params[k].copy() for k in trainable}

    @property
    def reg(self):
        return self.model.reg

    @reg.setter
    def reg(self, value):
        self.model.reg = value

    def loss(self, X, y=None):
        """
        Inputs:
        - X: data of shape (N, d_1, ..., d_k)
        - y: labels of shape (N,) or None

        Returns:
        - scores if y is None, else a tuple of:
        - loss: float, the wrapped model's loss
        - grads: dict with the gradients of the TRAINABLE params only
        """
        # TODO: the Solver replaces the arrays in self.params after every step: copy them into
        # the wrapped model before using it.
        raise NotImplementedError("TopLayersModel.loss")
        return loss, grads


def trainable_top_params(model, num_top_layers):
    """
    Names of the params of the top num_top_layers layers of a net. Given code.

    Inputs:
    - model: net with W1..WL (and b_i, gamma_i, beta_i)
    - num_top_layers: 1 for the classifier layer only, 2 for it and the last hidden layer, ...

    Returns:
    - names: tuple of param names
    """
    L = _num_layers(model)
    if not 1 <= num_top_layers <= L:
        raise ValueError(f"num_top_layers must be between 1 and {L}, got {num_top_layers}")
    layers = range(L - num_top_layers + 1, L + 1)
    return tuple(k for i in layers for k in (f"W{i}", f"b{i}", f"gamma{i}", f"beta{i}")
                 if k in model.params)


def replace_top_layer(model, num_classes, weight_scale=1e-2, seed=None):
    """
    Give a pretrained net a fresh classifier layer for a task with num_classes classes.
    Given code.

    Inputs:
    - model: net with W1..WL; W_L and b_L are replaced in place
    - num_classes: classes of the new task
    - weight_scale: standard deviation of the new weights
    - seed: seed of the generator drawing them

    Returns:
    - model (the same object)
    """
    L = _num_layers(model)
    hidden = model.params[f"W{L}"].shape[0]
    rng = np.random.default_rng(seed)
    model.params[f"W{L}"] = weight_scale * rng.standard_normal((hidden, num_classes))
    model.params[f"b{L}"] = np.zeros(num_classes)
    return model


def fine_tune(model, data, num_top_layers=1, learning_rate=1e-2, num_epochs=10,
              batch_size=50, seed=None):
    """
    Fine-tuning: train only the top num_top_layers layers of a pretrained net on task B.
    Given code built on TopLayersModel.

    Use a learning rate several times lower than for training from scratch, so the pretrained
    layers are adjusted rather than overwritten. Call replace_top_layer first if task B has
    other classes than task A.

    Inputs:
    - model: pretrained net; its trainable params are updated in place, the others untouched
    - data: task-B dict with X_train, y_train, X_val, y_val
    - num_top_layers, learning_rate, num_epochs, batch_size: as named (SGD)
    - seed: seeds numpy's global generator (the Solver's minibatch sampling)

    Returns:
    - solver: the Solver used
    """
    top = TopLayersModel(model, trainable_top_params(model, num_top_layers))
    if seed is not None:
        np.random.seed(seed)
    solver = Solver(top, data, update_rule="sgd", optim_config={"learning_rate": learning_rate},
                    num_epochs=num_epochs, batch_size=min(batch_size, data["X_train"].shape[0]),
                    verbose=False)
    solver.train()
    model.params.update(top.params)  # the Solver leaves its best params in top.params
    return solver
