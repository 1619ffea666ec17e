"""Hidden checks: more CNN arithmetic (VGG-style stacks) and a layernorm net's features."""

from __future__ import annotations

from grader.context import Context
from grader.registry import check
from grader.result import Kind, Visibility


@check(Kind.OUTPUT, targets=("conv_output_shape", "conv_param_count"), points=1,
       variant="vgg", visibility=Visibility.HIDDEN)
def vgg_block(ctx: Context) -> None:
    """A VGG block (224x224x64, 3x3 conv pad 1 stride 1, 128 filters) keeps 224x224 and has 73856 params"""
    shape = ctx.student.call("conv_output_shape", (64, 224, 224), 128, 3, 1, 1)
    ctx.compare("shape", tuple(shape) if isinstance(shape, list) else shape,
                lambda ref: ref.conv_output_shape((64, 224, 224), 128, 3, 1, 1))
    count = ctx.student.call("conv_param_count", 3, 64, 128)
    ctx.compare("params", count, lambda ref: ref.conv_param_count(3, 64, 128))


@check(Kind.OUTPUT, targets=("receptive_field",), points=1, variant="pooling",
       visibility=Visibility.HIDDEN)
def receptive_field_pooling(ctx: Context) -> None:
    """receptive_field handles conv-pool-conv-pool stacks (strides multiply)"""
    stacks = ([(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)], [(5, 1), (3, 3), (5, 1)])
    got = [ctx.student.call("receptive_field", s) for s in stacks]
    ctx.compare("rf", got, lambda ref: [ref.receptive_field(s) for s in stacks])
