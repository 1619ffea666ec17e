"""Babysitting tools (babysitting.py) and hyperparameter search (hyperparams.py)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from assignments.networks.common import LN10, reference_model, student_model
from grader.context import Context, require
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind

LOG_UNIFORM_HINT = ("sample the exponent uniformly: 10 ** rng.uniform(log10(low), log10(high)); "
                    "uniform samples in linear space almost never try the small values")
CLASSES = (2, 3, 10, 100, 1000)


@check(Kind.OUTPUT, targets=("expected_softmax_initial_loss",), points=0.5)
def expected_softmax_output(ctx: Context) -> None:
    """expected_softmax_initial_loss(C) = ln C (2.3026 for C = 10)"""
    soft = [ctx.student.call("expected_softmax_initial_loss", c) for c in CLASSES]
    ctx.compare("softmax", soft, lambda ref: [ref.expected_softmax_initial_loss(c)
                                              for c in CLASSES], rtol=1e-9, atol=1e-12,
                context=f"for C in {CLASSES}: ln 10 = {LN10:.4f}")


@check(Kind.OUTPUT, targets=("expected_svm_initial_loss",), points=0.5)
def expected_svm_output(ctx: Context) -> None:
    """expected_svm_initial_loss(C, margin) = (C - 1) * margin (9 for C = 10)"""
    cases = ((10, 1.0), (3, 1.0), (5, 2.0))
    svm = [ctx.student.call("expected_svm_initial_loss", c, m) for c, m in cases]
    ctx.compare("svm", svm, lambda ref: [ref.expected_svm_initial_loss(c, m) for c, m in cases],
                rtol=1e-12, atol=1e-12, context=f"for (C, margin) in {cases}")


@check(Kind.PROPERTY, targets=("expected_softmax_initial_loss",), points=0.5)
def softmax_initial_property(ctx: Context) -> None:
    """expected_softmax_initial_loss(C) is the cross-entropy of a uniform guess, -ln(1/C)"""

    @property_check(st.integers(2, 100000), max_examples=15)
    def prop(C: int) -> None:
        got = ctx.student.call("expected_softmax_initial_loss", C)
        require(got, "the loss", ctx.target)
        ctx.ensure(abs(float(got) + np.log(1.0 / C)) < 1e-9 * np.log(C),
                   f"returned {float(got):.6g} for C={C}, expected -ln(1/C) = {np.log(C):.6g}",
                   hint="use the natural log np.log, not log10" if np.isclose(
                       float(got), np.log10(C)) else None)

    prop()


def _small_model(ctx: Context, params: dict, reg: float):
    return student_model(ctx, "TwoLayerNet", params, input_dim=6, hidden_dim=5, num_classes=4,
                         reg=reg)


@check(Kind.OUTPUT, targets=("TwoLayerNet.loss", "check_initial_loss",
                             "loss_with_and_without_reg"), points=1)
def babysitting_losses(ctx: Context) -> None:
    """check_initial_loss and loss_with_and_without_reg measure the data loss and restore reg"""
    params = {"W1": 1e-3 * ctx.rng.standard_normal((6, 5)), "b1": np.zeros(5),
              "W2": 1e-3 * ctx.rng.standard_normal((5, 4)), "b2": np.zeros(4)}
    X, y = ctx.rng.standard_normal((10, 6)), ctx.rng.integers(4, size=10)
    dims = {"input_dim": 6, "hidden_dim": 5, "num_classes": 4}
    model = _small_model(ctx, params, 7.0)
    result = ctx.student.call("check_initial_loss", model, X, y, float(np.log(4)))
    require(result, "(loss, ok)", ctx.target)
    ctx.compare("initial loss", result, lambda ref: ref.check_initial_loss(
        reference_model(ref, "TwoLayerNet", params, reg=7.0, **dims), X, y, float(np.log(4))),
        rtol=1e-8, atol=1e-10, context="check_initial_loss(model, X, y, ln 4) -> (loss, ok)")
    _, ok = ctx.student.call("check_initial_loss", model, X, y, 5.0)
    ctx.ensure(ok is False or ok == 0, "check_initial_loss(..., expected=5.0) said ok for a loss "
               "of about ln 4 = 1.39")
    reg_after = ctx.student.get(model["reg"])
    ctx.ensure(reg_after == 7.0, f"check_initial_loss left model.reg = {reg_after}, expected the "
               "original 7.0 restored")
    pair = ctx.student.call("loss_with_and_without_reg", model, X, y, 1e3)
    ctx.compare("losses", pair, lambda ref: ref.loss_with_and_without_reg(
        reference_model(ref, "TwoLayerNet", params, reg=7.0, **dims), X, y, 1e3), rtol=1e-8,
        atol=1e-10, context="loss_with_and_without_reg(model, X, y, reg=1e3)")
    reg_after = ctx.student.get(model["reg"])
    ctx.ensure(reg_after == 7.0, f"loss_with_and_without_reg left model.reg = {reg_after}")


def _histories() -> list[list[float]]:
    t = np.arange(50, dtype=float)
    return [
        list(2.3 * np.exp(-t / 20) + 0.1),                     # decreasing
        [2.3] * 49 + [2.299],                                  # flat
        [2.3, 2.0, 5.0, 50.0, 900.0],                           # exploding
        [2.3, 2.1, float("nan")],                              # NaN
        list(2.3 - 0.02 * t + 0.05 * np.sin(t)),               # noisy but going down
        [2.3, 2.31, 2.29, 2.305, 2.3],                          # noise only
        [2.3, 1.5, float("inf")],                              # inf
    ]


@check(Kind.OUTPUT, targets=("diagnose_learning_rate",), points=1)
def diagnose_output(ctx: Context) -> None:
    """diagnose_learning_rate gives the reference's verdicts on seven synthetic loss histories"""
    got = []
    for h in _histories():
        verdict = ctx.student.call("diagnose_learning_rate", h)
        require(verdict, "the verdict", ctx.target)
        got.append(str(ctx.student.get(verdict["name"])) if not isinstance(verdict, str)
                   else verdict)
    ctx.compare("verdicts", got, lambda ref: [ref.diagnose_learning_rate(h).name
                                              for h in _histories()],
                context="histories: decreasing, flat, exploding, NaN, noisy-decreasing, "
                        "noise-only, inf")


def _ratio_inputs(rng: np.random.Generator) -> tuple[dict, dict]:
    before = {"W1": rng.standard_normal((4, 3)), "b1": np.zeros(3), "b2": np.zeros(2),
              "W2": 0.01 * rng.standard_normal((3, 2))}
    after = {k: v + 1e-3 * rng.standard_normal(v.shape) for k, v in before.items()}
    after["b2"] = np.zeros(2)
    return before, after


@check(Kind.OUTPUT, targets=("update_to_weight_ratios", "sgd_update_ratios"), points=1)
def update_ratios_output(ctx: Context) -> None:
    """update_to_weight_ratios and sgd_update_ratios give ||update|| / ||w|| (inf/0 for zero w)"""
    before, after = _ratio_inputs(ctx.rng)
    got = ctx.student.call("update_to_weight_ratios", before, after)
    ctx.compare("ratios", got, lambda ref: ref.update_to_weight_ratios(before, after),
                rtol=1e-9, atol=1e-14, context="b1 starts at zero and moves (inf), b2 stays 0 (0)")
    grads = {k: ctx.rng.standard_normal(v.shape) for k, v in before.items() if k[0] == "W"}
    params = {k: before[k] for k in grads}
    got = ctx.student.call("sgd_update_ratios", params, grads, 1e-3)
    ctx.compare("sgd ratios", got, lambda ref: ref.sgd_update_ratios(params, grads, 1e-3),
                rtol=1e-9, atol=1e-14, context="learning rate 1e-3")


@check(Kind.PROPERTY, targets=("update_to_weight_ratios",), points=1)
def update_ratios_property(ctx: Context) -> None:
    """update_to_weight_ratios is scale-invariant, 0 for no update, and equals ||dw||/||w||"""

    @property_check(st.integers(1, 6), st.floats(1e-3, 1e3), st.floats(1e-6, 1.0),
                    st.integers(0, 2**16), max_examples=15)
    def prop(n: int, scale: float, step: float, seed: int) -> None:
        rng = np.random.default_rng(seed)
        w = rng.standard_normal(n) + 0.1
        d = step * rng.standard_normal(n)
        r = ctx.student.call("update_to_weight_ratios", {"w": w}, {"w": w + d})
        require(r, "ratios", ctx.target)
        want = np.linalg.norm(d) / np.linalg.norm(w)
        ctx.ensure(np.isclose(float(r["w"]), want, rtol=1e-6, atol=1e-15),
                   f"ratio {float(r['w']):.6g}, expected ||after - before|| / ||before|| = "
                   f"{want:.6g}", hint="the ratio is update size over weight size, not the "
                   "inverse" if np.isclose(float(r["w"]), 1 / want, rtol=1e-6) else None)
        rs = ctx.student.call("update_to_weight_ratios", {"w": scale * w}, {"w": scale * (w + d)})
        ctx.ensure(np.isclose(float(rs["w"]), float(r["w"]), rtol=1e-6),
                   f"scaling weights and update by {scale:.3g} changed the ratio from "
                   f"{float(r['w']):.6g} to {float(rs['w']):.6g}")
        r0 = ctx.student.call("update_to_weight_ratios", {"w": w}, {"w": w.copy()})
        ctx.ensure(float(r0["w"]) == 0.0, f"no update gave ratio {float(r0['w'])}, expected 0")

    prop()


@check(Kind.PROPERTY, targets=("log_uniform",), points=1)
def log_uniform_property(ctx: Context) -> None:
    """log_uniform returns `size` samples inside [low, high] for any positive bounds"""

    @property_check(st.floats(1e-8, 10.0), st.floats(0.1, 6.0), st.integers(1, 40),
                    max_examples=15)
    def prop(low: float, decades: float, size: int) -> None:
        high = low * 10**decades
        x = ctx.student.call("log_uniform", low, high, size, ctx.student.rng(size))
        require(x, "samples", ctx.target)
        x = np.asarray(x, dtype=float)
        ctx.ensure(x.shape == (size,), f"returned shape {x.shape} for size={size}")
        ctx.ensure(bool(np.all((x >= low) & (x <= high))), f"samples {x.min():.4g}..{x.max():.4g} "
                   f"leave [{low:.4g}, {high:.4g}]")

    prop()


@check(Kind.PROPERTY, targets=("log_uniform",), points=1.5, variant="distribution")
def log_uniform_distribution(ctx: Context) -> None:
    """log_uniform(1e-5, 1e-1) gives each decade about a quarter of the samples (median ~1e-3)"""
    x = np.asarray(ctx.student.call("log_uniform", 1e-5, 1e-1, 4000, ctx.student.rng(7)),
                   dtype=float)
    require(x, "samples", ctx.target)
    logs = np.log10(np.clip(x, 1e-300, None))
    median = float(np.median(logs))
    shares = [float(np.mean((logs >= e) & (logs < e + 1))) for e in range(-5, -1)]
    text = ", ".join(f"{s:.2f}" for s in shares)
    # 4000 samples: a share's sd is ~0.007, the median's ~0.03 decades; the bounds are > 7 sd
    ctx.ensure(abs(median + 3) < 0.25 and all(abs(s - 0.25) < 0.05 for s in shares),
               f"median sample 10^{median:.2f} (geometric mean of the bounds: 1e-3); shares of "
               f"the decades 1e-5..1e-1: {text} (expected 0.25 each)", hint=LOG_UNIFORM_HINT)
    ctx.note(f"median 10^{median:.2f}; decade shares {text}")


@check(Kind.PROPERTY, targets=("sample_hyperparams",), points=1)
def sample_hyperparams_property(ctx: Context) -> None:
    """sample_hyperparams draws every name inside its range, log ranges on a log scale"""
    lr = ctx.student.call("ParamRange", 1e-6, 1e-2, keep=(-1,))
    keep = ctx.student.call("ParamRange", 0.2, 0.8, False, keep=(-1,))
    samples = ctx.student.call("sample_hyperparams", {"lr": lr, "keep": keep}, 600,
                               ctx.student.rng(3))
    require(samples, "samples", ctx.target)
    ctx.ensure(isinstance(samples, list) and len(samples) == 600,
               f"expected a list of 600 dicts, got {type(samples).__name__}")
    lrs = np.array([float(s["lr"]) for s in samples])
    keeps = np.array([float(s["keep"]) for s in samples])
    ctx.ensure(bool(np.all((lrs >= 1e-6) & (lrs <= 1e-2))), "a learning rate left [1e-6, 1e-2]")
    ctx.ensure(bool(np.all((keeps >= 0.2) & (keeps <= 0.8))), "a keep ratio left [0.2, 0.8]")
    med_lr, med_keep = float(np.median(np.log10(lrs))), float(np.median(keeps))
    ctx.ensure(abs(med_lr + 4) < 0.35, f"median learning rate 10^{med_lr:.2f}, expected about "
               "1e-4 for a log range [1e-6, 1e-2]", hint=LOG_UNIFORM_HINT)
    ctx.ensure(abs(med_keep - 0.5) < 0.06, f"median keep ratio {med_keep:.3f}, expected about "
               "0.5 for the linear range [0.2, 0.8]")


@check(Kind.OUTPUT, targets=("grid_points",), points=0.5)
def grid_points_output(ctx: Context) -> None:
    """grid_points covers log and linear ranges evenly on their own scale, bounds included"""
    cases = ((1e-5, 1e-1, True, 5), (0.0, 1.0, False, 4), (1e-4, 1e-2, True, 1))
    for low, high, log, n in cases:
        r = ctx.student.call("ParamRange", low, high, log, keep=(-1,))
        got = ctx.student.call("grid_points", r, n)
        ctx.compare(f"points {low}-{high} log={log} n={n}", got,
                    lambda ref, a=(low, high, log, n): ref.grid_points(ref.ParamRange(*a[:3]),
                                                                       a[3]),
                    rtol=1e-9, atol=1e-15)


@check(Kind.PROPERTY, targets=("narrow_space",), points=1)
def narrow_space_property(ctx: Context) -> None:
    """narrow_space returns ranges inside the old ones that contain the top-k trials' values"""

    @property_check(st.integers(4, 20), st.integers(1, 3), st.integers(0, 2**16),
                    max_examples=12)
    def prop(n: int, top_k: int, seed: int) -> None:
        rng = np.random.default_rng(seed)
        lrs = 10 ** rng.uniform(-6, -1, n)
        keeps = rng.uniform(0.1, 0.9, n)
        scores = rng.uniform(0, 1, n)
        results = [({"lr": float(a), "keep": float(b)}, float(s))
                   for a, b, s in zip(lrs, keeps, scores, strict=True)]
        space = {"lr": ctx.student.call("ParamRange", 1e-6, 1e-1, keep=(-1,)),
                 "keep": ctx.student.call("ParamRange", 0.1, 0.9, False, keep=(-1,))}
        new = ctx.student.call("narrow_space", results, space, top_k, keep=(-1,))
        best = np.argsort(-scores)[:top_k]
        for name, (lo0, hi0), vals in (("lr", (1e-6, 1e-1), lrs), ("keep", (0.1, 0.9), keeps)):
            lo = float(ctx.student.get(new[name]["low"]))
            hi = float(ctx.student.get(new[name]["high"]))
            log = bool(ctx.student.get(new[name]["log"]))
            ctx.ensure(log == (name == "lr"), f"narrow_space changed {name}'s log flag")
            ctx.ensure(lo0 * (1 - 1e-9) <= lo < hi <= hi0 * (1 + 1e-9),
                       f"new {name} range [{lo:.4g}, {hi:.4g}] is not inside the old "
                       f"[{lo0:g}, {hi0:g}]")
            top = vals[best]
            ctx.ensure(lo * (1 - 1e-9) <= top.min() and top.max() <= hi * (1 + 1e-9),
                       f"new {name} range [{lo:.4g}, {hi:.4g}] drops some of the top-{top_k} "
                       f"values {np.round(top, 6).tolist()}")
            if top_k == 1:
                ctx.ensure((hi - lo) < (hi0 - lo0), f"new {name} range [{lo:.4g}, {hi:.4g}] "
                           "is not narrower than the old one around a single best trial")

    prop()
