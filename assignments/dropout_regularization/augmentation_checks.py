"""Data augmentation (augmentation.py): flips and crops keep the label and the image content.

Random augmentations are judged by what any correct draw satisfies: every output image is the
input or its mirror image (flips), or a window of the zero-padded input (crops), and every
choice occurs about as often as it should (6 binomial standard deviations).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from assignments.dropout_regularization.regularization_checks import unchanged
from grader.context import Context, require
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind

FLIP_PER_IMAGE_HINT = ("draw one decision per image (rng.random(N) < p) and flip exactly those "
                       "images, each as a whole")
CROP_RANGE_HINT = ("rng.integers(low, high) excludes high: the top-left corner ranges over "
                   "0 .. H + 2P - crop_h inclusive, so pass H + 2P - crop_h + 1")


def images(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    # Distinct nonzero values: every window and every mirror image is unique and unlike padding.
    return (rng.permutation(int(np.prod(shape))) + 1.0).reshape(shape)


@check(Kind.OUTPUT, targets=("horizontal_flip",))
def horizontal_flip_output(ctx: Context) -> None:
    """horizontal_flip mirrors every image left to right"""
    X = images(ctx.rng, (3, 2, 4, 5))
    out = ctx.student.call("horizontal_flip", X)
    ctx.compare("out", out, lambda ref: ref.horizontal_flip(X))


@check(Kind.PROPERTY, targets=("horizontal_flip",))
def horizontal_flip_property(ctx: Context) -> None:
    """flipping twice gives the input back, and a flip never changes the shape"""

    @property_check(st.tuples(*(st.integers(1, 4),) * 4), st.integers(0, 2**20), max_examples=10)
    def prop(shape: tuple[int, ...], seed: int) -> None:
        X = images(np.random.default_rng(seed), shape)
        once = ctx.student.call("horizontal_flip", X)
        require(once, "out", "horizontal_flip")
        ctx.ensure(np.shape(once) == X.shape, f"out has shape {np.shape(once)} for X {X.shape}")
        twice = ctx.student.call("horizontal_flip", once)
        ctx.ensure(np.array_equal(twice, X), f"flipping twice did not give X back ({shape})")

    prop()


@check(Kind.OUTPUT, targets=("random_horizontal_flip",), points=1.5)
def random_horizontal_flip_statistics(ctx: Context) -> None:
    """random_horizontal_flip flips each whole image independently with probability p"""
    X = images(ctx.rng, (1500, 1, 2, 3))
    mirrored = X[..., ::-1]
    rng = ctx.student.rng(7)
    for p in (0.0, 0.3, 1.0):
        out = ctx.student.call("random_horizontal_flip", X, rng, p)
        require(out, "out", "random_horizontal_flip")
        out = np.asarray(out)
        ctx.ensure(out.shape == X.shape, f"out has shape {out.shape} for X of shape {X.shape}")
        same = np.all(out == X, axis=(1, 2, 3))
        flipped = np.all(out == mirrored, axis=(1, 2, 3))
        bad = np.flatnonzero(~(same | flipped))
        ctx.ensure(bad.size == 0, f"out[{bad[0] if bad.size else 0}] is neither X[n] nor its "
                   f"mirror image (p={p})", hint=FLIP_PER_IMAGE_HINT)
        frac = float(flipped.mean())
        tol = 6 * np.sqrt(p * (1 - p) / len(X)) + 1e-12
        ctx.ensure(abs(frac - p) <= tol, f"with p={p} {frac:.3f} of {len(X)} images were "
                   f"flipped; expected {p} +- {tol:.3f}", hint=FLIP_PER_IMAGE_HINT)


def _positions(out: np.ndarray, X: np.ndarray, crop: tuple[int, int], pad: int) -> np.ndarray:
    """(top, left) of the window of padded X[n] that out[n] is, or (-1, -1) if none."""
    padded = np.pad(X, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    found = np.full((len(X), 2), -1)
    for top in range(padded.shape[2] - crop[0] + 1):
        for left in range(padded.shape[3] - crop[1] + 1):
            window = padded[:, :, top:top + crop[0], left:left + crop[1]]
            hit = np.all(out == window, axis=(1, 2, 3)) & (found[:, 0] < 0)
            found[hit] = (top, left)
    return found


@check(Kind.OUTPUT, targets=("random_crop",), points=2)
def random_crop_statistics(ctx: Context) -> None:
    """random_crop cuts windows of the padded images, every position about equally often"""
    X = images(ctx.rng, (600, 2, 5, 6))
    crop, pad = (4, 5), 1
    rng = ctx.student.rng(11)
    out = ctx.student.call("random_crop", X, crop, rng, pad)
    require(out, "out", "random_crop")
    out = np.asarray(out)
    want = (len(X), X.shape[1], *crop)
    ctx.ensure(out.shape == want, f"out has shape {out.shape}; crop_size {crop} of X {X.shape} "
               f"should give {want}")
    found = _positions(out, X, crop, pad)
    missing = np.flatnonzero(found[:, 0] < 0)
    ctx.ensure(missing.size == 0, f"out[{missing[0] if missing.size else 0}] is not a {crop} "
               f"window of X[n] zero-padded by {pad}")
    tops = X.shape[2] + 2 * pad - crop[0] + 1
    lefts = X.shape[3] + 2 * pad - crop[1] + 1
    counts = np.zeros((tops, lefts), dtype=int)
    np.add.at(counts, (found[:, 0], found[:, 1]), 1)
    never = np.argwhere(counts == 0)
    if len(never):
        at = tuple(int(i) for i in never[-1])
        edge = at[0] == tops - 1 or at[1] == lefts - 1
        ctx.fail(f"the window at (top, left) = {at} was never drawn in {len(X)} crops "
                 f"(valid corners: {tops} x {lefts}, about {len(X) / counts.size:.0f} each)",
                 hint=CROP_RANGE_HINT if edge else None)
    q = 1.0 / counts.size
    tol = 6 * np.sqrt(len(X) * q * (1 - q))
    worst = np.unravel_index(int(np.argmax(np.abs(counts - len(X) * q))), counts.shape)
    if abs(counts[worst] - len(X) * q) > tol:
        ctx.fail(f"the window at (top, left) = {tuple(int(i) for i in worst)} was drawn "
                 f"{counts[worst]} times in {len(X)}; expected {len(X) * q:.1f} +- {tol:.1f} "
                 f"(uniform over {tops} x {lefts} positions)")
    same = ctx.student.call("random_crop", X[:5], X.shape[2:], rng, 0)
    ctx.ensure(np.array_equal(same, X[:5]), "a full-size crop without padding must return X")


@check(Kind.OUTPUT, targets=("center_crop",))
def center_crop_output(ctx: Context) -> None:
    """center_crop cuts the central window (odd margins: the extra row/column at the end)"""
    X = images(ctx.rng, (2, 3, 7, 8))
    for crop in ((4, 5), 5):
        out = ctx.student.call("center_crop", X, crop)
        ctx.compare(f"out {crop}", out, lambda ref, crop=crop: ref.center_crop(X, crop))


@check(Kind.PROPERTY, targets=("center_crop",))
def center_crop_property(ctx: Context) -> None:
    """center_crop returns an (N, C, crop_h, crop_w) window centred within one pixel"""

    @property_check(st.integers(1, 8), st.integers(1, 8), st.integers(1, 8), st.integers(1, 8),
                    max_examples=15)
    def prop(h: int, w: int, ch: int, cw: int) -> None:
        ch, cw = min(ch, h), min(cw, w)
        X = images(np.random.default_rng(h * 100 + w), (2, 1, h, w))
        out = ctx.student.call("center_crop", X, (ch, cw))
        require(out, "out", "center_crop")
        out = np.asarray(out)
        ctx.ensure(out.shape == (2, 1, ch, cw), f"crop ({ch}, {cw}) of {h}x{w} images has "
                   f"shape {out.shape}")
        top, left = (h - ch) // 2, (w - cw) // 2
        ctx.ensure(np.array_equal(out, X[:, :, top:top + ch, left:left + cw]),
                   f"crop ({ch}, {cw}) of {h}x{w} images does not start at ({top}, {left})")

    prop()


@check(Kind.INPUT_SAFETY, targets=("horizontal_flip", "random_horizontal_flip", "random_crop",
                                   "center_crop"), points=0.5)
def augmentation_safety(ctx: Context) -> None:
    """the augmentations return new arrays and leave X unchanged"""
    X = images(ctx.rng, (4, 2, 5, 5))
    rng = ctx.student.rng(3)
    calls = (("horizontal_flip", ()), ("random_horizontal_flip", (rng, 0.5)),
             ("random_crop", (3, rng, 1)), ("center_crop", (3,)))
    for fn, extra in calls:
        out, after = ctx.student.call(fn, X, *extra, echo_args=True)
        require(out, "out", fn)
        unchanged(ctx, fn, (X,), after, ("X",))
