"""Babysitting the learning process: the sanity checks to run before (and while) training.

The recipe of the lecture, in order:
1. With small random weights and no regularization, the initial loss should be what a network
   that knows nothing scores: ln(C) for softmax over C classes, C - 1 for the SVM with margin 1.
   Anything else means a bug in the loss (or weights that are not small).
2. Cranking up the regularization must raise the loss.
3. The model must be able to overfit a tiny subset (e.g. 20 examples, reg 0) to 100% training
   accuracy. If it cannot, there is a bug, or the model / learning rate is hopeless; there is no
   point training on the full data yet.
4. Then, with small regularization, find a learning rate that makes the loss go down:
   loss barely changing -> too low; loss NaN or above 3x its initial value -> too high (the
   Solver stops early and says why in `solver.stop_reason`).
5. While training, the ratio of the update's size to the weights' size should be about 1e-3
   per parameter: much larger and the learning rate is probably too high, much smaller and too
   low.

Every function returns values; nothing is printed.

Models follow the Solver's model API (fc_net.py): `params` dict, `reg` attribute,
`loss(X, y=None)`.
"""

import enum

import numpy as np

from .solver import Solver


def expected_softmax_initial_loss(num_classes):
    """
    The softmax loss of a network whose scores are all (nearly) equal.

    loss = -ln(1 / C) = ln(C)

    With tiny weights every score is ~0, so softmax gives every class probability 1/C: the
    network is maximally unsure, and the cross-entropy of the correct class is -ln(1/C).

    Inputs:
    - num_classes: number of classes C (>= 2)

    Returns:
    - loss: float (ln 10 = 2.302... for C = 10)
    """
    loss = None
    # BEGIN SOLUTION
    loss = np.log(num_classes)
    # END SOLUTION
    return float(loss)


def expected_svm_initial_loss(num_classes, margin=1.0):
    """
    The multiclass SVM (hinge) loss of a network whose scores are all (nearly) equal.

    loss = sum over the C - 1 wrong classes of max(0, s_j - s_y + margin) = (C - 1) * margin

    Inputs:
    - num_classes: number of classes C (>= 2)
    - margin: the hinge's margin (1 in CS231n)

    Returns:
    - loss: float (9 for C = 10)
    """
    loss = None
    # BEGIN SOLUTION
    loss = (num_classes - 1) * margin
    # END SOLUTION
    return float(loss)


def check_initial_loss(model, X, y, expected, tol=0.1):
    """
    Compare a model's loss before training (with regularization switched off) to the expected
    value.

    The model's `reg` is set to 0 for the measurement and then restored: the check concerns the
    data loss alone.

    Inputs:
    - model: untrained model with small weights
    - X: data of shape (N, d_1, ..., d_k); y: labels of shape (N,)
    - expected: e.g. expected_softmax_initial_loss(C)
    - tol: largest acceptable absolute difference

    Returns a tuple of:
    - loss: float, the observed initial loss
    - ok: bool, abs(loss - expected) <= tol
    """
    loss, ok = None, None
    saved_reg = model.reg
    try:
        # BEGIN SOLUTION
        model.reg = 0.0
        loss, _ = model.loss(X, y)
        loss = float(loss)
        ok = bool(abs(loss - expected) <= tol)
        # END SOLUTION
    finally:
        model.reg = saved_reg
    return loss, ok


def loss_with_and_without_reg(model, X, y, reg=1e3):
    """
    The loss of the same model at reg = 0 and at a large reg.

    Sanity check: the second must be larger. If it is not, the regularization term is missing,
    has the wrong sign, or is not added to the loss.

    Inputs:
    - model: a model with a `reg` attribute (restored afterwards)
    - X, y: a batch of data and labels
    - reg: the large regularization strength

    Returns a tuple of:
    - loss_no_reg: float
    - loss_reg: float
    """
    loss_no_reg, loss_reg = None, None
    saved_reg = model.reg
    try:
        # BEGIN SOLUTION
        model.reg = 0.0
        loss_no_reg = float(model.loss(X, y)[0])
        model.reg = reg
        loss_reg = float(model.loss(X, y)[0])
        # END SOLUTION
    finally:
        model.reg = saved_reg
    return loss_no_reg, loss_reg


def overfit_small_subset(model, data, num_examples=20, num_epochs=40, update_rule="sgd",
                         learning_rate=0.3, batch_size=None, seed=None):
    """
    Train on the first num_examples training examples only, with regularization off.

    A correct model and loss can drive the training accuracy on so few examples to 100% (and
    the loss toward 0). Given code around the Solver.

    Inputs:
    - model: a fresh model (its reg is set to 0 for the run and restored afterwards)
    - data: dict with X_train, y_train (X_val/y_val are not used: the subset is its own
      validation set, since only memorization is being tested)
    - num_examples: size of the subset
    - num_epochs, update_rule, learning_rate: passed to the Solver
    - batch_size: defaults to num_examples (one minibatch per epoch)
    - seed: if not None, seeds numpy's global generator, which the Solver (like CS231n's)
      uses to sample minibatches

    Returns a tuple of:
    - train_acc: float, accuracy of the trained model on the subset
    - solver: the Solver, for its loss_history
    """
    X = data["X_train"][:num_examples]
    y = data["y_train"][:num_examples]
    small = {"X_train": X, "y_train": y, "X_val": X, "y_val": y}
    if seed is not None:
        np.random.seed(seed)
    saved_reg = model.reg
    model.reg = 0.0
    try:
        solver = Solver(model, small, update_rule=update_rule,
                        optim_config={"learning_rate": learning_rate},
                        num_epochs=num_epochs, batch_size=batch_size or num_examples,
                        num_train_samples=None, verbose=False)
        solver.train()
    finally:
        model.reg = saved_reg
    train_acc = float(solver.check_accuracy(X, y))
    return train_acc, solver


class LearningRateVerdict(enum.Enum):
    """What a short training run says about its learning rate."""

    TOO_LOW = "too low: the loss barely changes"
    TOO_HIGH = "too high: the loss exploded (NaN, inf or above 3x its initial value)"
    OK = "reasonable: the loss goes down"


def diagnose_learning_rate(loss_history, min_relative_decrease=0.01, explosion_factor=3.0):
    """
    Classify a (short) training run's learning rate from its loss history.

    - TOO_HIGH if some loss is NaN or infinite, or above explosion_factor x the first loss
      ("cost: NaN almost always means high learning rate");
    - TOO_LOW if the loss went down by less than min_relative_decrease (relative to the first
      loss) between the first and the last iterations ("loss barely changing");
    - OK otherwise.

    Minibatch losses are noisy, so compare averages: the first loss with the mean of the last
    10% of the history (at least one value).

    Inputs:
    - loss_history: sequence of floats, one per iteration (solver.loss_history)
    - min_relative_decrease: smallest decrease that counts as progress
    - explosion_factor: the "3x" of the lecture

    Returns:
    - verdict: LearningRateVerdict
    """
    losses = np.asarray(loss_history, dtype=np.float64)
    if losses.size == 0:
        raise ValueError("loss_history is empty: train for at least one iteration")
    verdict = None
    # BEGIN SOLUTION
    first = losses[0]
    if not np.all(np.isfinite(losses)) or np.any(losses > explosion_factor * first):
        verdict = LearningRateVerdict.TOO_HIGH
    else:
        tail = losses[-max(1, losses.size // 10):]
        decrease = (first - tail.mean()) / abs(first)
        verdict = (LearningRateVerdict.TOO_LOW if decrease < min_relative_decrease
                   else LearningRateVerdict.OK)
    # END SOLUTION
    return verdict


def try_learning_rate(model, data, learning_rate, num_epochs=2, batch_size=100,
                      update_rule="sgd", seed=None):
    """
    Train briefly with one learning rate and diagnose it. Given code around the Solver.

    The Solver stops by itself when the loss becomes NaN/inf or exceeds 3x its first value;
    its `stop_reason` then says why (None if training ran to the end).

    Inputs:
    - model: a fresh model
    - data: dict with X_train, y_train, X_val, y_val
    - learning_rate, num_epochs, batch_size, update_rule: passed to the Solver
    - seed: if not None, seeds numpy's global generator (minibatch sampling)

    Returns a tuple of:
    - verdict: LearningRateVerdict
    - solver: the Solver (solver.stop_reason, solver.loss_history)
    """
    if seed is not None:
        np.random.seed(seed)
    solver = Solver(model, data, update_rule=update_rule,
                    optim_config={"learning_rate": learning_rate}, num_epochs=num_epochs,
                    batch_size=batch_size, verbose=False)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        solver.train()
    return diagnose_learning_rate(solver.loss_history), solver


def update_to_weight_ratios(params_before, params_after):
    """
    Size of each parameter's last update relative to the parameter's size.

    ratio[k] = ||after[k] - before[k]|| / ||before[k]||

    About 1e-3 is healthy. Around 1e-1 or more, each step rewrites a large part of the weights
    (learning rate too high); around 1e-5 or less, the weights hardly move (too low).

    Inputs:
    - params_before, params_after: dicts name -> array with the same keys and shapes (e.g.
      copies of model.params before and after one update)

    Returns:
    - ratios: dict name -> float (inf if the weights were all zero and moved, 0 if neither)
    """
    ratios = {}
    # TODO: use the Frobenius norm of the flattened arrays. Biases start at exactly zero, so
    # guard against dividing by a zero norm.
    # BEGIN SOLUTION
    for name, before in params_before.items():
        update_norm = np.linalg.norm((params_after[name] - before).ravel())
        weight_norm = np.linalg.norm(np.ravel(before))
        if weight_norm > 0:
            ratios[name] = float(update_norm / weight_norm)
        else:
            ratios[name] = float("inf") if update_norm > 0 else 0.0
    # END SOLUTION
    return ratios


def sgd_update_ratios(params, grads, learning_rate):
    """
    Update-to-weight ratios of the vanilla SGD step w -= learning_rate * dw, without applying it.

    ratio[k] = learning_rate * ||grads[k]|| / ||params[k]||

    Inputs:
    - params: dict name -> array
    - grads: dict name -> array of the same shapes
    - learning_rate: float

    Returns:
    - ratios: dict name -> float
    """
    ratios = None
    # BEGIN SOLUTION
    after = {k: params[k] - learning_rate * grads[k] for k in params}
    ratios = update_to_weight_ratios(params, after)
    # END SOLUTION
    return ratios
