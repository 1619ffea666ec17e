"""Tests for reference/cnn_arithmetic.py: output sizes, parameter counts, receptive fields."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reference.cnn_arithmetic import (
    conv_output_shape,
    conv_output_size,
    conv_param_count,
    fc_param_count,
    pool_param_count,
    receptive_field,
    stacked_conv_receptive_field,
)


@pytest.mark.parametrize(
    ("W", "K", "P", "S", "expected"),
    [
        (32, 5, 0, 1, 28),  # lecture: 32x32 input, 5x5 filter
        (32, 5, 2, 1, 32),  # "same" padding (K-1)/2 keeps the size
        (7, 3, 0, 1, 5),
        (7, 3, 0, 2, 3),
        (7, 3, 1, 3, 3),
        (227, 11, 0, 4, 55),  # AlexNet CONV1
        (55, 3, 0, 2, 27),  # AlexNet POOL1
        (128, 5, 0, 1, 124),
    ],
)
def test_conv_output_size_known_cases(W, K, P, S, expected):
    """Does (W - K + 2P)/S + 1 give the lecture's numbers?"""
    assert conv_output_size(W, K, P, S) == expected


def test_conv_output_size_rejects_non_integer_with_the_numbers():
    """Does a stride that does not fit raise ValueError showing the computation?"""
    with pytest.raises(ValueError, match=r"\(7 - 3 \+ 2\*0\)/3 \+ 1 = 2.33333 is not an integer"):
        conv_output_size(7, 3, 0, 3)
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv_output_size(3, 5)
    with pytest.raises(ValueError, match="S must be an integer >= 1"):
        conv_output_size(7, 3, 0, 0)


@settings(max_examples=100, deadline=None, database=None)
@given(st.integers(1, 64), st.integers(1, 11), st.integers(0, 5), st.integers(1, 5))
def test_conv_output_size_matches_sliding_positions(W, K, P, S):
    """Is the output size the number of filter positions on the padded input?"""
    positions = list(range(0, W + 2 * P - K + 1, S))
    exact = W + 2 * P >= K and (W + 2 * P - K) % S == 0
    if exact:
        assert conv_output_size(W, K, P, S) == len(positions)
    else:
        with pytest.raises(ValueError):
            conv_output_size(W, K, P, S)


def test_conv_output_shape():
    """Is a conv layer's output volume (num_filters, W', W')?"""
    assert conv_output_shape((3, 32, 32), 10, 5, P=2, S=1) == (10, 32, 32)
    assert conv_output_shape((3, 227, 227), 96, 11, S=4) == (96, 55, 55)
    with pytest.raises(ValueError, match="square"):
        conv_output_shape((3, 32, 30), 10, 3)


def test_parameter_counts():
    """Do conv, pool and fc parameter counts match K*K*C_in*C_out + C_out, 0 and D_in*D_out+D_out?"""
    assert conv_param_count(11, 3, 96) == 96 * 11 * 11 * 3 + 96 == 34944  # AlexNet CONV1
    assert conv_param_count(5, 3, 10) == 760  # 10 filters 5x5x3: 76 params each
    assert conv_param_count(3, 64, 64, bias=False) == 36864
    assert pool_param_count(3, 96) == 0
    assert fc_param_count(4096, 1000) == 4097000
    assert fc_param_count(6 * 6 * 256, 4096) == 37752832  # AlexNet FC6
    assert fc_param_count(10, 3, bias=False) == 30


@pytest.mark.parametrize(("n", "rf"), [(0, 1), (1, 3), (2, 5), (3, 7), (10, 21)])
def test_stacked_3x3_receptive_field(n, rf):
    """Do n stacked 3x3 stride-1 convolutions see a (1 + 2n) window?"""
    assert stacked_conv_receptive_field(n) == rf
    assert receptive_field([(3, 1)] * n) == rf


def test_three_3x3_beat_one_7x7_in_parameters():
    """Same 7x7 receptive field, fewer parameters (VGG's argument)?"""
    C = 64
    assert stacked_conv_receptive_field(3) == stacked_conv_receptive_field(1, K=7) == 7
    three = 3 * conv_param_count(3, C, C, bias=False)
    one = conv_param_count(7, C, C, bias=False)
    assert three == 27 * C * C < one == 49 * C * C


def test_general_receptive_field_with_strides():
    """Do strides multiply the growth contributed by the layers above them?"""
    assert receptive_field([(2, 2), (2, 2)]) == 4  # two 2x2 stride-2 pools
    assert receptive_field([(3, 1), (2, 2), (3, 1)]) == 8
    assert receptive_field([(11, 4), (3, 2), (5, 1)]) == 11 + 2 * 4 + 4 * 8
    assert receptive_field([]) == 1
