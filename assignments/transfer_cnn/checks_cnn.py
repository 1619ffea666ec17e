"""CNN arithmetic: output sizes (with a ValueError for strides that do not fit), parameter
counts and receptive fields, on the lecture's examples and as hypothesis properties."""

from __future__ import annotations

from hypothesis import strategies as st

from grader.context import Context, require
from grader.isolation import StudentError, StudentNotImplemented
from grader.properties import property_check
from grader.registry import check
from grader.result import Kind

INT_DIV_HINT = ("(W - K + 2P) / S + 1 must be an integer: check (W - K + 2P) % S and raise "
                "ValueError instead of rounding with //")

# (W, K, P, S): the lecture's 7x7 / 3x3 examples, 32x32 with 5x5 pad 2, AlexNet's conv1
SIZES = ((7, 3, 0, 1), (7, 3, 0, 2), (32, 5, 2, 1), (32, 5, 0, 1), (227, 11, 0, 4), (5, 3, 1, 2),
         (10, 3, 1, 1), (1, 1, 0, 1))


def call_or_error(ctx: Context, fn: str, *args):
    """(result, None) or (None, StudentError) when the student raised on purpose."""
    try:
        return ctx.student.call(fn, *args), None
    except StudentNotImplemented:
        raise
    except StudentError as exc:
        return None, exc


@check(Kind.OUTPUT, targets=("conv_output_size",), points=1)
def conv_output_size_output(ctx: Context) -> None:
    """conv_output_size matches (W - K + 2P)/S + 1 on the lecture's examples (7x7/3x3 stride 1 -> 5, stride 2 -> 3)"""
    got = [ctx.student.call("conv_output_size", *a) for a in SIZES]
    ctx.compare("sizes", got, lambda ref: [ref.conv_output_size(*a) for a in SIZES],
                context=f"for (W, K, P, S) in {SIZES}")


@check(Kind.OUTPUT, targets=("conv_output_size",), points=1, variant="error")
def conv_output_size_error(ctx: Context) -> None:
    """conv_output_size raises ValueError with a message for 7x7 input, 3x3 filter, stride 3"""
    for args in ((7, 3, 0, 3), (32, 5, 0, 2), (3, 5, 0, 1)):
        got, err = call_or_error(ctx, "conv_output_size", *args)
        if err is None:
            ctx.fail(f"conv_output_size{args} returned {got!r}; (W - K + 2P)/S + 1 = "
                     f"{(args[0] - args[1] + 2 * args[2]) / args[3] + 1:g} is not a positive "
                     "integer, so it should raise ValueError", hint=INT_DIV_HINT)
        ctx.ensure(err.type_name == "ValueError", f"conv_output_size{args} raised "
                   f"{err.type_name}, expected ValueError")
        ctx.ensure(len(err.message.strip()) >= 10, f"conv_output_size{args} raised ValueError "
                   f"with message {err.message!r}: say which numbers do not fit")


@check(Kind.PROPERTY, targets=("conv_output_size",), points=1.5)
def conv_output_size_property(ctx: Context) -> None:
    """conv_output_size is a positive integer exactly when (W - K + 2P) % S == 0, else ValueError"""

    @property_check(st.integers(1, 64), st.integers(1, 11), st.integers(0, 3), st.integers(1, 4),
                    max_examples=25)
    def prop(W: int, K: int, P: int, S: int) -> None:
        span = W - K + 2 * P
        got, err = call_or_error(ctx, "conv_output_size", W, K, P, S)
        if span >= 0 and span % S == 0:
            ctx.ensure(err is None, f"conv_output_size({W}, {K}, {P}, {S}) raised "
                       f"{err.describe() if err else ''} for a valid layer")
            ctx.ensure(isinstance(got, int) and got == span // S + 1,
                       f"conv_output_size({W}, {K}, {P}, {S}) = {got!r}, expected the integer "
                       f"{span // S + 1}")
        else:
            ctx.ensure(err is not None and err.type_name == "ValueError",
                       f"conv_output_size({W}, {K}, {P}, {S}) returned {got!r} where "
                       f"(W - K + 2P)/S + 1 = {span / S + 1:g} is not a positive integer",
                       hint=INT_DIV_HINT if span >= 0 else None)

    prop()


@check(Kind.OUTPUT, targets=("conv_output_shape",), points=0.5)
def conv_output_shape_output(ctx: Context) -> None:
    """conv_output_shape: 32x32x3 with 10 5x5 filters, stride 1, pad 2 -> (10, 32, 32)"""
    cases = (((3, 32, 32), 10, 5, 2, 1), ((3, 227, 227), 96, 11, 0, 4), ((64, 8, 8), 32, 1, 0, 1))
    got = [ctx.student.call("conv_output_shape", *c) for c in cases]
    ctx.compare("shapes", [tuple(g) if isinstance(g, list) else g for g in got],
                lambda ref: [ref.conv_output_shape(*c) for c in cases])


@check(Kind.OUTPUT, targets=("conv_param_count", "pool_param_count", "fc_param_count"),
       points=1)
def param_counts_output(ctx: Context) -> None:
    """Parameter counts: 10 5x5x3 filters have 760 (bias included), pooling 0, FC D_in*D_out + D_out"""
    conv = ((5, 3, 10, True), (3, 64, 128, True), (3, 64, 128, False), (1, 256, 64, True))
    got = [ctx.student.call("conv_param_count", *c) for c in conv]
    ctx.compare("conv", got, lambda ref: [ref.conv_param_count(*c) for c in conv],
                context="conv_param_count(K, C_in, C_out, bias); 5x5x3 x 10 filters = 760")
    pool = ((2, 64), (3, 16))
    got = [ctx.student.call("pool_param_count", *c) for c in pool]
    ctx.compare("pool", got, lambda ref: [ref.pool_param_count(*c) for c in pool],
                context="pooling has no weights")
    fc = ((4096, 1000, True), (10, 3, False))
    got = [ctx.student.call("fc_param_count", *c) for c in fc]
    ctx.compare("fc", got, lambda ref: [ref.fc_param_count(*c) for c in fc])


@check(Kind.OUTPUT, targets=("stacked_conv_receptive_field", "receptive_field"), points=1)
def receptive_field_output(ctx: Context) -> None:
    """Receptive fields: three stacked 3x3 convs see 7x7; strided stacks multiply the steps"""
    stacked = [ctx.student.call("stacked_conv_receptive_field", n) for n in (0, 1, 2, 3, 5)]
    ctx.compare("stacked", stacked, lambda ref: [ref.stacked_conv_receptive_field(n)
                                                 for n in (0, 1, 2, 3, 5)],
                context="n stacked 3x3 stride-1 convs, n = 0, 1, 2, 3, 5")
    stacks = ([(3, 1)] * 3, [(11, 4), (3, 2), (5, 1)], [(2, 2)] * 3, [(7, 2), (3, 2), (3, 1)])
    got = [ctx.student.call("receptive_field", s) for s in stacks]
    ctx.compare("general", got, lambda ref: [ref.receptive_field(s) for s in stacks],
                context=f"for (K, S) stacks {stacks}")


@check(Kind.PROPERTY, targets=("stacked_conv_receptive_field", "receptive_field"), points=1)
def receptive_field_property(ctx: Context) -> None:
    """n stacked 3x3 stride-1 convs see 2n+1 pixels, and receptive_field agrees with the stacked form"""

    @property_check(st.integers(0, 30), st.sampled_from([1, 3, 5, 7]), max_examples=15)
    def prop(n: int, K: int) -> None:
        rf = ctx.student.call("stacked_conv_receptive_field", n, K)
        require(rf, "rf", ctx.target)
        ctx.ensure(rf == 1 + n * (K - 1), f"stacked_conv_receptive_field({n}, K={K}) = {rf}, "
                   f"expected 1 + n(K-1) = {1 + n * (K - 1)}")
        general = ctx.student.call("receptive_field", [(K, 1)] * n)
        ctx.ensure(general == rf, f"receptive_field of {n} ({K}, 1) layers is {general}, but "
                   f"stacked_conv_receptive_field says {rf}")

    prop()
