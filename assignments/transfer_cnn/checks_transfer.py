"""Transfer learning: frozen-feature extraction, the new linear classifier, and fine-tuning only
the top layers of a pretrained net."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from assignments.networks.common import fcn_params, reference_model, student_model
from grader.context import Context, require
from grader.gradients import check_model_gradient
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind

BN_MUTATED_HINT = ("extract_features must not change the net: pass a copy of each bn_param "
                   "with mode 'test' (dict(bn_param, mode='test'))")
FROZEN_HINT = ("fine-tuning trains only the top layers: the frozen params must not be part of "
               "the model's params that the Solver updates")
DIMS = [6, 7, 5, 3]


def _bn_state(rng: np.random.Generator) -> list[dict]:
    return [{"mode": "train", "running_mean": 0.3 * rng.standard_normal(d),
             "running_var": 0.5 + rng.uniform(size=d)} for d in DIMS[1:-1]]


def _pretrained(ctx: Context, params: dict, bn: list[dict]):
    model = student_model(ctx, "FullyConnectedNet", params, hidden_dims=DIMS[1:-1],
                          input_dim=DIMS[0], num_classes=DIMS[-1], normalization="batchnorm",
                          dtype="float64")
    for i, state in enumerate(bn):
        ctx.student.set(model["bn_params"][i], dict(state))
    return model


def _ref_pretrained(ref, params: dict, bn: list[dict]):
    m = reference_model(ref, "FullyConnectedNet", params, hidden_dims=DIMS[1:-1],
                        input_dim=DIMS[0], num_classes=DIMS[-1], normalization="batchnorm",
                        dtype="float64")
    m.bn_params = [dict(s) for s in bn]
    return m


@check(Kind.OUTPUT, targets=("extract_features",), points=1.5)
def extract_features_output(ctx: Context) -> None:
    """extract_features returns the last hidden layer at test time (batchnorm with running stats)"""
    params, bn = fcn_params(ctx.rng, DIMS, True), _bn_state(ctx.rng)
    X = ctx.rng.standard_normal((5, 2, 3))
    model = _pretrained(ctx, params, bn)
    feats = ctx.student.call("extract_features", model, X)
    ctx.compare("features", feats,
                lambda ref: ref.extract_features(_ref_pretrained(ref, params, bn), X),
                rtol=1e-7, atol=1e-9, context="3-layer batchnorm net, 5 examples: expected "
                                              "shape (5, 5), the second hidden layer")
    plain = student_model(ctx, "TwoLayerNet", {"W1": params["W1"], "b1": params["b1"],
                                               "W2": params["W2"], "b2": params["b2"]},
                          input_dim=6, hidden_dim=7, num_classes=5)
    got = ctx.student.call("extract_features", plain, X)
    ctx.compare("two-layer features", got, lambda ref: np.maximum(
        X.reshape(5, -1) @ params["W1"] + params["b1"], 0), rtol=1e-7, atol=1e-9,
        context="a TwoLayerNet's features are relu(X W1 + b1)")


@check(Kind.STATE, targets=("extract_features",), points=1)
def extract_features_state(ctx: Context) -> None:
    """extract_features leaves the net's params and bn_params (mode, running stats) unchanged"""
    params, bn = fcn_params(ctx.rng, DIMS, True), _bn_state(ctx.rng)
    model = _pretrained(ctx, params, bn)
    X = ctx.rng.standard_normal((6, 6))
    first = ctx.student.call("extract_features", model, X)
    require(first, "features", ctx.target)
    after = ctx.student.get(model["bn_params"])
    for i, (before, now) in enumerate(zip(bn, after, strict=False)):
        for key, value in before.items():
            same = (now.get(key) == value if isinstance(value, str) else
                    np.array_equal(np.asarray(now.get(key)), value))
            ctx.ensure(same, f"bn_params[{i}][{key!r}] changed from {value if isinstance(value, str) else 'its value'} "
                       f"to {now.get(key) if isinstance(value, str) else 'something else'}",
                       hint=BN_MUTATED_HINT)
    got = ctx.student.get(model["params"])
    ctx.ensure(all(np.array_equal(got[k], v) for k, v in params.items()),
               "extract_features changed the net's params")
    second = ctx.student.call("extract_features", model, X)
    ctx.ensure(np.allclose(first, second, rtol=1e-12, atol=1e-12),
               "two calls on the same X gave different features")


def _classifier(ctx: Context, D: int, C: int, reg: float, rng: np.random.Generator):
    params = {"W": rng.standard_normal((D, C)), "b": rng.standard_normal(C)}
    return params, student_model(ctx, "LinearSoftmaxClassifier", params, input_dim=D,
                                 num_classes=C, reg=reg)


@check(Kind.OUTPUT, targets=("LinearSoftmaxClassifier.loss",), points=1)
def linear_classifier_output(ctx: Context) -> None:
    """LinearSoftmaxClassifier.loss matches the reference: scores, loss (reg 0.3) and grads"""
    params, model = _classifier(ctx, 6, 4, 0.3, ctx.rng)
    X, y = ctx.rng.standard_normal((7, 6)), ctx.rng.integers(4, size=7)

    def ref_model(ref):
        return reference_model(ref, "LinearSoftmaxClassifier", params, input_dim=6,
                               num_classes=4, reg=0.3)

    ctx.compare("scores", ctx.student.method(model, "loss", X), lambda ref: ref_model(ref).loss(X))
    result = ctx.student.method(model, "loss", X, y)
    require(result, "(loss, grads)", ctx.target)
    ctx.compare("loss and grads", tuple(result), lambda ref: tuple(ref_model(ref).loss(X, y)),
                rtol=1e-7, atol=1e-9)


@check(Kind.GRADIENT, targets=("LinearSoftmaxClassifier.loss",), points=1)
def linear_classifier_gradient(ctx: Context) -> None:
    """LinearSoftmaxClassifier.loss grads agree with central differences (reg 0.5)"""
    _, model = _classifier(ctx, 5, 3, 0.5, ctx.rng)
    X, y = ctx.rng.standard_normal((6, 5)), ctx.rng.integers(3, size=6)
    check_model_gradient(ctx, model=model, X=X, y=y, names=("W", "b"), rtol=1e-6, atol=1e-9)


@check(Kind.PROPERTY, targets=("LinearSoftmaxClassifier.loss",), points=1)
def linear_classifier_property(ctx: Context) -> None:
    """LinearSoftmaxClassifier.loss: (N, C) scores, loss >= 0 at reg 0, reg adds 0.5*reg*sum(W**2)"""

    @property_check(st.integers(1, 5), st.integers(1, 5), st.integers(2, 5),
                    st.floats(0.01, 10.0), st.integers(0, 2**16), max_examples=12)
    def prop(N: int, D: int, C: int, reg: float, seed: int) -> None:
        rng = np.random.default_rng(seed)
        params, plain = _classifier(ctx, D, C, 0.0, rng)
        regd = student_model(ctx, "LinearSoftmaxClassifier", params, input_dim=D,
                             num_classes=C, reg=reg)
        X, y = rng.standard_normal((N, D)), rng.integers(C, size=N)
        scores = ctx.student.method(plain, "loss", X)
        require(scores, "scores", ctx.target)
        ctx.ensure(np.shape(scores) == (N, C), f"scores have shape {np.shape(scores)}, "
                   f"expected {(N, C)}")
        loss0 = float(ctx.student.method(plain, "loss", X, y)[0])
        loss_r, grads = ctx.student.method(regd, "loss", X, y)
        ctx.ensure(loss0 >= 0, f"the softmax loss is negative ({loss0:.4g})")
        want = 0.5 * reg * float(np.sum(params["W"] ** 2))
        ctx.ensure(abs(float(loss_r) - loss0 - want) <= 1e-7 * max(want, 1.0),
                   f"reg={reg:.3g} raised the loss by {float(loss_r) - loss0:.6g}, expected "
                   f"0.5*reg*sum(W**2) = {want:.6g}")
        ctx.ensure(set(grads) == {"W", "b"}, f"grads has keys {sorted(grads)}, expected W, b")

    prop()


@check(Kind.INPUT_SAFETY, targets=("LinearSoftmaxClassifier.loss",), points=0.5)
def linear_classifier_safety(ctx: Context) -> None:
    """LinearSoftmaxClassifier.loss leaves X and y unchanged"""
    _, model = _classifier(ctx, 4, 3, 0.1, ctx.rng)
    X, y = ctx.rng.standard_normal((5, 4)), np.array([0, 1, 2, 1, 0])
    result, after = ctx.student.call(model, X, y, method="loss", echo_args=True)
    require(result, "(loss, grads)", ctx.target)
    ctx.ensure(np.array_equal(after[0], X) and np.array_equal(after[1], y),
               "loss modified X or y in place")


@check(Kind.OUTPUT, targets=("TopLayersModel.loss",), points=1)
def top_layers_output(ctx: Context) -> None:
    """TopLayersModel.loss uses its own (trainable) params and returns grads for them only"""
    params = fcn_params(ctx.rng, DIMS, False)
    new_top = {"W3": ctx.rng.standard_normal((5, 3)), "b3": ctx.rng.standard_normal(3)}
    X, y = ctx.rng.standard_normal((4, 6)), ctx.rng.integers(3, size=4)
    kw = {"hidden_dims": DIMS[1:-1], "input_dim": 6, "num_classes": 3, "dtype": "float64"}
    net = student_model(ctx, "FullyConnectedNet", params, **kw)
    top = ctx.student.new("TopLayersModel", net, ("W3", "b3"))
    for k, v in new_top.items():
        ctx.student.set(top["params"][k], v)

    def ref_run(ref):
        t = ref.TopLayersModel(reference_model(ref, "FullyConnectedNet", params, **kw),
                               ("W3", "b3"))
        t.params.update({k: v.copy() for k, v in new_top.items()})
        return t.loss(X, y)

    result = ctx.student.method(top, "loss", X, y)
    require(result, "(loss, grads)", ctx.target)
    ctx.compare("loss", result[0], lambda ref: ref_run(ref)[0],
                context="after the Solver replaced top.params['W3'] and ['b3']")
    ctx.ensure(set(result[1]) == {"W3", "b3"}, f"grads has keys {sorted(result[1])}, expected "
               "only the trainable W3, b3", hint=FROZEN_HINT)
    ctx.compare("grads", result[1], lambda ref: ref_run(ref)[1], rtol=1e-7, atol=1e-9)


@check(Kind.GRADIENT, targets=("TopLayersModel.loss",), points=1)
def top_layers_gradient(ctx: Context) -> None:
    """TopLayersModel.loss grads of the top layers agree with central differences"""
    params = fcn_params(ctx.rng, DIMS, False)
    net = student_model(ctx, "FullyConnectedNet", params, hidden_dims=DIMS[1:-1], input_dim=6,
                        num_classes=3, reg=0.2, dtype="float64")
    top = ctx.student.new("TopLayersModel", net, ("W2", "b2", "W3", "b3"))
    X, y = ctx.rng.standard_normal((5, 6)), ctx.rng.integers(3, size=5)
    check_model_gradient(ctx, model=top, X=X, y=y, names=("W2", "b2", "W3", "b3"), rtol=1e-5,
                         atol=1e-8)
