"""FullyConnectedNet: init, loss vs the reference for every normalization, dropout's train/test
behaviour, numeric gradients (float64), properties, batchnorm state, input safety."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from assignments.networks.checks_twolayer import _loss_tuple, check_init_statistics
from assignments.networks.common import (
    DROPOUT_TEST_HINT,
    DROPOUT_TRAIN_HINT,
    LAST_LAYER_NORM_HINT,
    NO_NORM_HINT,
    fcn_params,
    reference_model,
    reg_hint,
    student_model,
)
from grader.context import Context, require
from grader.gradients import check_model_gradient
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind

F64 = "float64"  # a type cannot cross to the worker; astype accepts the name


@check(Kind.OUTPUT, targets=("FullyConnectedNet.__init__",), points=1)
def fcn_init(ctx: Context) -> None:
    """FullyConnectedNet.__init__ creates W/b per layer, gamma/beta for hidden layers only, cast to dtype"""
    D, hidden, C, ws = 30, [40, 25], 20, 0.05
    model = ctx.student.new("FullyConnectedNet", hidden, input_dim=D, num_classes=C,
                            weight_scale=ws, normalization="batchnorm", dtype=F64)
    params = ctx.student.get(model["params"])
    if isinstance(params, dict) and any(k in params for k in ("gamma3", "beta3")):
        ctx.fail("params has gamma3/beta3 for the output layer", hint=LAST_LAYER_NORM_HINT)
    shapes = {"W1": (D, 40), "b1": (40,), "W2": (40, 25), "b2": (25,), "W3": (25, C), "b3": (C,),
              "gamma1": (40,), "beta1": (40,), "gamma2": (25,), "beta2": (25,)}
    check_init_statistics(ctx, {k: v for k, v in params.items()
                                if not k.startswith(("gamma", "beta"))},
                          {k: s for k, s in shapes.items() if not k.startswith(("gamma", "beta"))}, ws)
    ctx.ensure(set(params) == set(shapes), f"params has keys {sorted(params)}, expected "
               f"{sorted(shapes)} with normalization='batchnorm'")
    for i in (1, 2):
        ctx.ensure(np.shape(params[f"gamma{i}"]) == shapes[f"gamma{i}"]
                   and bool(np.all(params[f"gamma{i}"] == 1)), f"gamma{i} should be ones of "
                   f"shape {shapes[f'gamma{i}']}")
        ctx.ensure(np.shape(params[f"beta{i}"]) == shapes[f"beta{i}"]
                   and bool(np.all(params[f"beta{i}"] == 0)), f"beta{i} should be zeros of "
                   f"shape {shapes[f'beta{i}']}")
    plain = ctx.student.new("FullyConnectedNet", [6], input_dim=4, num_classes=3)
    plain_params = ctx.student.get(plain["params"])
    ctx.ensure(set(plain_params) == {"W1", "b1", "W2", "b2"},
               f"without normalization params has keys {sorted(plain_params)}, expected "
               "W1, b1, W2, b2")
    ctx.ensure(all(np.asarray(v).dtype == np.float32 for v in plain_params.values()),
               "with the default dtype=np.float32 every param should be float32")


def _loss_output(ctx: Context, normalization: str | None) -> None:
    dims = [6, 7, 5, 4]
    kw = {"input_dim": 6, "num_classes": 4, "normalization": normalization, "reg": 0.4,
          "dtype": F64}
    params = fcn_params(ctx.rng, dims, normalization is not None)
    X, y = ctx.rng.standard_normal((5, 2, 3)), ctx.rng.integers(4, size=5)
    model = student_model(ctx, "FullyConnectedNet", params, hidden_dims=dims[1:-1], **kw)

    def ref_run(ref):
        m = reference_model(ref, "FullyConnectedNet", params, hidden_dims=dims[1:-1], **kw)
        loss, grads = m.loss(X, y)
        return loss, grads, m.loss(X)

    loss, grads = _loss_tuple(ctx, ctx.student.method(model, "loss", X, y))
    if normalization and not any(k.startswith("gamma") for k in grads):
        ctx.fail(f"with normalization={normalization!r} grads has no gamma/beta entries "
                 f"(keys {sorted(grads)})", hint=NO_NORM_HINT)
    ctx.compare("loss", loss, lambda ref: ref_run(ref)[0], rtol=1e-7, atol=1e-9,
                context=f"normalization={normalization!r}, reg=0.4")
    ctx.compare("grads", grads, lambda ref: ref_run(ref)[1], rtol=1e-6, atol=1e-8,
                context=f"normalization={normalization!r}, reg=0.4")
    scores = ctx.student.method(model, "loss", X)
    ctx.compare("scores", scores, lambda ref: ref_run(ref)[2], rtol=1e-6, atol=1e-8,
                context=f"test mode after one train-mode call, normalization={normalization!r}")


@check(Kind.OUTPUT, targets=("FullyConnectedNet.loss",), points=1.5)
def fcn_loss_output(ctx: Context) -> None:
    """FullyConnectedNet.loss (3 layers, no normalization, reg 0.4) matches the reference"""
    _loss_output(ctx, None)


@check(Kind.OUTPUT, targets=("FullyConnectedNet.loss",), points=1.5, variant="batchnorm")
def fcn_loss_output_batchnorm(ctx: Context) -> None:
    """FullyConnectedNet.loss with batchnorm matches the reference in train and test mode"""
    _loss_output(ctx, "batchnorm")


@check(Kind.OUTPUT, targets=("FullyConnectedNet.loss",), points=1, variant="layernorm")
def fcn_loss_output_layernorm(ctx: Context) -> None:
    """FullyConnectedNet.loss with layernorm matches the reference"""
    _loss_output(ctx, "layernorm")


@check(Kind.OUTPUT, targets=("FullyConnectedNet.loss",), points=1.5, variant="dropout")
def fcn_dropout_modes(ctx: Context) -> None:
    """FullyConnectedNet.loss drops units in train mode and is deterministic, dropout-free at test time"""
    dims = [8, 60, 60, 5]
    params = fcn_params(ctx.rng, dims, False, scale=0.4)
    X, y = ctx.rng.standard_normal((20, 8)), ctx.rng.integers(5, size=20)
    kw = {"input_dim": 8, "num_classes": 5, "dtype": F64}
    plain = student_model(ctx, "FullyConnectedNet", params, hidden_dims=dims[1:-1], **kw)
    drop = student_model(ctx, "FullyConnectedNet", params, hidden_dims=dims[1:-1],
                         dropout_keep_ratio=0.5, **kw)
    ref_scores = ctx.student.method(plain, "loss", X)
    require(ref_scores, "scores", ctx.target)
    loss_plain, _ = _loss_tuple(ctx, ctx.student.method(plain, "loss", X, y))
    loss_drop, _ = _loss_tuple(ctx, ctx.student.method(drop, "loss", X, y))
    ctx.ensure(abs(loss_drop - loss_plain) > 1e-6 * abs(loss_plain),
               f"with dropout_keep_ratio=0.5 the train-mode loss {loss_drop:.6g} equals the "
               f"loss without dropout {loss_plain:.6g}", hint=DROPOUT_TRAIN_HINT)
    for attempt in range(2):
        scores = np.asarray(ctx.student.method(drop, "loss", X), dtype=np.float64)
        if scores.shape != np.shape(ref_scores) or not np.allclose(scores, ref_scores,
                                                                   rtol=1e-9, atol=1e-9):
            worst = (float(np.max(np.abs(scores - ref_scores)))
                     if scores.shape == np.shape(ref_scores) else float("nan"))
            ctx.fail(f"test-mode scores with dropout_keep_ratio=0.5 differ from the same net "
                     f"without dropout (call {attempt + 1}, max abs difference {worst:.3g})",
                     hint=DROPOUT_TEST_HINT)
    ctx.note(f"train loss {loss_drop:.4f} with dropout vs {loss_plain:.4f} without; test "
             "scores identical")


def _gradient(ctx: Context, normalization: str | None, keep: float = 1.0, reg: float = 0.0,
              seed: int | None = None) -> None:
    dims = [5, 6, 5, 3]
    params = fcn_params(ctx.rng, dims, normalization is not None)
    model = student_model(ctx, "FullyConnectedNet", params, hidden_dims=dims[1:-1],
                          input_dim=5, num_classes=3, normalization=normalization, reg=reg,
                          dropout_keep_ratio=keep, seed=seed, dtype=F64)
    X, y = ctx.rng.standard_normal((6, 5)), ctx.rng.integers(3, size=6)
    # Biases feeding batchnorm have a true gradient of 0: the absolute floor keeps their
    # numerical noise (~1e-10) from failing correct code.
    check_model_gradient(ctx, model=model, X=X, y=y, names=tuple(params), rtol=1e-5,
                         atol=1e-7 if normalization else 1e-8)


@check(Kind.GRADIENT, targets=("FullyConnectedNet.loss",), points=1.5)
def fcn_gradient(ctx: Context) -> None:
    """FullyConnectedNet.loss grads agree with central differences (float64, reg 0.5)"""
    _gradient(ctx, None, reg=0.5)


@check(Kind.GRADIENT, targets=("FullyConnectedNet.loss",), points=1, variant="batchnorm")
def fcn_gradient_batchnorm(ctx: Context) -> None:
    """FullyConnectedNet.loss with batchnorm: grads of W, b, gamma, beta agree with central differences"""
    _gradient(ctx, "batchnorm", reg=0.1)


@check(Kind.GRADIENT, targets=("FullyConnectedNet.loss",), points=1, variant="layernorm")
def fcn_gradient_layernorm(ctx: Context) -> None:
    """FullyConnectedNet.loss with layernorm: grads agree with central differences"""
    _gradient(ctx, "layernorm")


@check(Kind.GRADIENT, targets=("FullyConnectedNet.loss",), points=1, variant="dropout")
def fcn_gradient_dropout(ctx: Context) -> None:
    """FullyConnectedNet.loss with dropout (keep 0.7, fixed seed): grads agree with central differences"""
    _gradient(ctx, None, keep=0.7, seed=123)


@check(Kind.PROPERTY, targets=("FullyConnectedNet.loss",), points=1.5)
def fcn_property(ctx: Context) -> None:
    """FullyConnectedNet.loss: (N, C) scores, grads keyed like params, reg = 0.5*reg*sum(W**2) only"""

    @property_check(st.lists(st.integers(1, 5), min_size=1, max_size=3),
                    st.sampled_from([None, "batchnorm", "layernorm"]), st.integers(2, 4),
                    st.integers(1, 4), st.integers(2, 4), st.floats(0.01, 5.0),
                    st.integers(0, 2**16), max_examples=15)
    def prop(hidden: list[int], norm: str | None, N: int, D: int, C: int, reg: float,
             seed: int) -> None:
        rng = np.random.default_rng(seed)
        params = fcn_params(rng, [D, *hidden, C], norm is not None)
        X, y = rng.standard_normal((N, D)), rng.integers(C, size=N)
        kw = {"hidden_dims": hidden, "input_dim": D, "num_classes": C, "normalization": norm,
              "dtype": F64}
        plain = student_model(ctx, "FullyConnectedNet", params, **kw)
        loss0, grads = _loss_tuple(ctx, ctx.student.method(plain, "loss", X, y))
        ctx.ensure(set(grads) == set(params), f"grads has keys {sorted(grads)}, params has "
                   f"{sorted(params)} (hidden_dims={hidden}, normalization={norm!r})",
                   hint=NO_NORM_HINT if norm and len(grads) < len(params) else None)
        for k, v in params.items():
            ctx.ensure(np.shape(grads[k]) == v.shape,
                       f"grads[{k!r}] has shape {np.shape(grads[k])}, params {v.shape}")
        scores = ctx.student.method(plain, "loss", X)
        ctx.ensure(np.shape(scores) == (N, C), f"loss(X) returned shape {np.shape(scores)}, "
                   f"expected (N, C) = {(N, C)}")
        regd = student_model(ctx, "FullyConnectedNet", params, reg=reg, **kw)
        loss_r, _ = _loss_tuple(ctx, ctx.student.method(regd, "loss", X, y))
        diff = loss_r - loss0
        want = 0.5 * reg * sum(float(np.sum(v ** 2)) for k, v in params.items()
                               if k.startswith("W"))
        ctx.ensure(abs(diff - want) <= 1e-7 * max(want, 1.0),
                   f"reg={reg:.4g} raised the loss by {diff:.6g}, expected 0.5*reg*sum(W**2) = "
                   f"{want:.6g} (hidden_dims={hidden}, normalization={norm!r})",
                   hint=reg_hint(diff, reg, params))

    prop()


@check(Kind.STATE, targets=("FullyConnectedNet.loss",), points=1.5)
def fcn_batchnorm_state(ctx: Context) -> None:
    """FullyConnectedNet with batchnorm: running stats move in train mode only; test mode is per-example"""
    dims = [4, 6, 3]
    params = fcn_params(ctx.rng, dims, True)
    model = student_model(ctx, "FullyConnectedNet", params, hidden_dims=[6], input_dim=4,
                          num_classes=3, normalization="batchnorm", dtype=F64)
    X = 2.0 + ctx.rng.standard_normal((8, 4))
    y = ctx.rng.integers(3, size=8)
    _loss_tuple(ctx, ctx.student.method(model, "loss", X, y))
    s1 = np.asarray(ctx.student.method(model, "loss", X), dtype=np.float64)
    s2 = np.asarray(ctx.student.method(model, "loss", X), dtype=np.float64)
    ctx.ensure(np.allclose(s1, s2, rtol=1e-10, atol=1e-12), "two test-mode calls loss(X) in a "
               "row gave different scores: test mode must not update the running mean/var",
               hint="update running_mean/running_var only when bn_param['mode'] == 'train'")
    one = np.asarray(ctx.student.method(model, "loss", X[:2]), dtype=np.float64)
    ctx.ensure(np.allclose(one, s1[:2], rtol=1e-8, atol=1e-10),
               "test-mode scores of X[:2] differ from the first rows of the scores of X: test "
               "mode must normalize with the running statistics, not the batch's",
               hint="in test mode batchnorm uses bn_param's running_mean and running_var")
    _loss_tuple(ctx, ctx.student.method(model, "loss", X + 1.0, y))
    s3 = np.asarray(ctx.student.method(model, "loss", X), dtype=np.float64)
    ctx.ensure(not np.allclose(s3, s1, rtol=1e-8, atol=1e-10), "a train-mode call loss(X, y) "
               "did not change later test-mode scores: the running statistics were not updated",
               hint="in train mode batchnorm must update running_mean/running_var in the "
                    "bn_param dict the model passes (self.bn_params[i])")


@check(Kind.INPUT_SAFETY, targets=("FullyConnectedNet.loss",), points=0.5)
def fcn_input_safety(ctx: Context) -> None:
    """FullyConnectedNet.loss leaves X and y unchanged (batchnorm and dropout on)"""
    X, y = ctx.rng.standard_normal((5, 2, 3)), np.array([0, 2, 1, 2, 0])
    model = ctx.student.new("FullyConnectedNet", [5, 4], input_dim=6, num_classes=3,
                            normalization="batchnorm", dropout_keep_ratio=0.8, seed=1,
                            weight_scale=0.5, dtype=F64)
    for args in ((X, y), (X,)):
        result, after = ctx.student.call(model, *args, method="loss", echo_args=True)
        require(result, "its result", ctx.target)
        for label, a, b in zip(("X", "y"), args, after, strict=False):
            ctx.ensure(isinstance(b, np.ndarray) and b.shape == a.shape and np.array_equal(a, b),
                       f"loss modified its input {label} in place; work on copies")
