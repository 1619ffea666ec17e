# GENERATED from reference/ensembles.py by `grade build`: edit the reference, not this file.
"""Model ensembles and Polyak averaging.

Ensembles: train several independent models (different initializations, or snapshots of one run)
and average their predicted class probabilities at test time. Their errors are partly
independent, so the average is usually a little more accurate than the models on their own
(the lecture: about 2% on ImageNet).

Polyak averaging: instead of separate models, keep a running exponential average of ONE model's
parameters during training, and use the average at test time. SGD makes the live parameters
jitter around a good region; their average sits nearer the middle of it. The live parameters are
never touched: training continues from them, only evaluation uses the average.

Models follow the Solver's model API (fc_net.py): `params` dict and `loss(X)` returning class
scores of shape (N, C) when called without labels.
"""

import numpy as np


def ensemble_predict(models, X):
    """
    Average the class probabilities of several models and predict the most probable class.

    probs = (1/M) sum_m softmax(scores_m);  y_pred = argmax_c probs[:, c]

    Average probabilities, not raw scores: the models' scores can have very different scales,
    and a model that is merely more confident (larger scores) should not outvote the others
    just for that.

    Inputs:
    - models: non-empty sequence of M models; model.loss(X) returns scores of shape (N, C)
    - X: data of shape (N, d_1, ..., d_k)

    Returns a tuple of:
    - probs: array of shape (N, C), each row sums to 1
    - y_pred: int array of shape (N,)
    """
    if len(models) == 0:
        raise ValueError("ensemble_predict needs at least one model")
    probs, y_pred = None, None
    # TODO: compute a numerically stable softmax of each model's scores (subtract the row max).
    raise NotImplementedError("ensemble_predict")
    return probs, y_pred


def polyak_update(avg_params, params, decay=0.99):
    """
    One step of Polyak (exponential moving) averaging of parameters.

    avg[k] = decay * avg[k] + (1 - decay) * params[k]

    Inputs:
    - avg_params: dict name -> array, the running average so far, or None before the first
      step (the average then starts as a copy of params)
    - params: dict name -> array, the live parameters after the latest update
    - decay: in [0, 1); closer to 1 averages over more steps (about 1 / (1 - decay))

    Returns:
    - new_avg: a NEW dict of NEW arrays; neither avg_params nor params is modified
    """
    if not 0.0 <= decay < 1.0:
        raise ValueError(f"decay must be in [0, 1), got {decay}")
    new_avg = None
    raise NotImplementedError("polyak_update")
    return new_avg


def predict_with_params(model, params, X):
    """
    Class scores of a model evaluated with other parameters (e.g. a Polyak average), leaving
    the model's own parameters as they were. Given code.

    Inputs:
    - model: a model with a params dict and loss(X)
    - params: dict with the same keys as model.params
    - X: data of shape (N, d_1, ..., d_k)

    Returns:
    - scores: array of shape (N, C)
    """
    live = model.params
    model.params = dict(params)
    try:
        return model.loss(X)
    finally:
        model.params = live


def train_with_polyak_average(model, data, num_iterations=200, learning_rate=0.1,
                              batch_size=50, decay=0.99, rng=None):
    """
    Minibatch SGD on a model while maintaining a Polyak average of its parameters. Given code.

    Inputs:
    - model: a model with params dict and loss(X, y) -> (loss, grads)
    - data: dict with X_train and y_train
    - num_iterations, learning_rate, batch_size: plain SGD settings
    - decay: passed to polyak_update
    - rng: numpy.random.Generator for minibatch sampling (None: fresh, unseeded)

    Returns:
    - avg_params: dict, the Polyak average after the last step (model.params hold the live
      parameters)
    """
    if rng is None:
        rng = np.random.default_rng()
    X, y = data["X_train"], data["y_train"]
    avg_params = None
    for _ in range(num_iterations):
        idx = rng.choice(X.shape[0], batch_size)
        _, grads = model.loss(X[idx], y[idx])
        model.params = {k: v - learning_rate * grads[k] for k, v in model.params.items()}
        avg_params = polyak_update(avg_params, model.params, decay=decay)
    return avg_params
