# GENERATED from reference/cnn_arithmetic.py by `grade build`: edit the reference, not this file.
"""Size and parameter arithmetic of convolutional networks.

Conventions: square inputs and kernels, so one number W stands for the width and the height;
K is the kernel (filter) size, P the zero padding on each side, S the stride.
"""


def conv_output_size(W, K, P=0, S=1):
    """
    Spatial output size of a convolution (or pooling) layer.

    out = (W - K + 2P) / S + 1

    The filter must fit a whole number of times: if (W - K + 2P) is not a multiple of S the
    layer does not tile the input, and we raise instead of silently rounding.

    Inputs:
    - W: input width (= height), positive int
    - K: kernel size, positive int
    - P: zero padding on each side, int >= 0
    - S: stride, positive int

    Returns:
    - out: int, the output width (= height)

    Raises ValueError (with the numbers in the message) when the result is not a positive
    integer.
    """
    for name, value, low in (("W", W, 1), ("K", K, 1), ("P", P, 0), ("S", S, 1)):
        if int(value) != value or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, got {value}")
    out = None
    raise NotImplementedError("conv_output_size")
    return int(out)


def conv_output_shape(input_shape, num_filters, K, P=0, S=1):
    """
    Output shape of a convolution layer on a (C, W, W) volume.

    Inputs:
    - input_shape: (C_in, W, W) (the two spatial sizes must be equal)
    - num_filters: number of filters C_out
    - K, P, S: kernel size, padding, stride

    Returns:
    - shape: tuple (C_out, W_out, W_out)
    """
    _, H, W = input_shape
    if H != W:
        raise ValueError(f"expected a square input, got height {H} and width {W}")
    shape = None
    raise NotImplementedError("conv_output_shape")
    return shape


def conv_param_count(K, C_in, C_out, bias=True):
    """
    Number of learnable parameters of a convolution layer.

    params = K*K*C_in*C_out + C_out

    Each of the C_out filters spans the full depth C_in of its input and has one bias. Note the
    count does not depend on the input's width: the same filter slides over every position.

    Inputs:
    - K: kernel size
    - C_in: input depth (channels)
    - C_out: number of filters
    - bias: whether each filter has a bias

    Returns:
    - count: int
    """
    count = None
    raise NotImplementedError("conv_param_count")
    return int(count)


def pool_param_count(K, C):
    """
    Number of learnable parameters of a (max or average) pooling layer: always 0.

    Pooling applies a fixed function (max or mean) to each window; there is no weight to learn.
    Its arguments are only there to make the point.

    Inputs:
    - K: pooling window size
    - C: depth

    Returns:
    - count: int (0)
    """
    count = None
    raise NotImplementedError("pool_param_count")
    return int(count)


def fc_param_count(D_in, D_out, bias=True):
    """
    Number of learnable parameters of a fully-connected (affine) layer.

    params = D_in*D_out + D_out

    Inputs:
    - D_in: input size (for a conv volume, C*W*W)
    - D_out: output size
    - bias: whether the layer has a bias vector

    Returns:
    - count: int
    """
    count = None
    raise NotImplementedError("fc_param_count")
    return int(count)


def stacked_conv_receptive_field(n, K=3):
    """
    Receptive field of n stacked K x K convolutions with stride 1.

    rf = 1 + n*(K - 1)          (for K = 3: 1 + 2n)

    VGGNet's point: three 3x3 layers see a 7x7 window, like one 7x7 layer, with fewer parameters
    (3 * 9 C^2 vs 49 C^2 for C channels) and more nonlinearities.

    Inputs:
    - n: number of layers, >= 0
    - K: kernel size

    Returns:
    - rf: int, the side of the input window one output unit depends on
    """
    rf = None
    raise NotImplementedError("stacked_conv_receptive_field")
    return int(rf)


def receptive_field(layers):
    """
    Receptive field of a stack of conv / pooling layers with any kernel sizes and strides.

    rf = 1 + sum_l (K_l - 1) * (S_1 * ... * S_{l-1})

    Each layer widens the window by K-1 of ITS inputs, and one step of its input is worth the
    product of the strides below it in pixels of the image.

    Inputs:
    - layers: sequence of (K, S) pairs, first layer first

    Returns:
    - rf: int
    """
    rf = None
    raise NotImplementedError("receptive_field")
    return int(rf)
