"""Data preprocessing and weight initialization: zero-centring, normalization, PCA and whitening
fitted on the training set only; small random, Xavier and He initialization; and the lecture's
experiment showing how each initialization shapes the activations of a deep net."""

from assignments.initialization import (
    checks_experiment,
    checks_initializers,
    checks_pca,
    checks_preprocessing,
)
from grader.registry import assignment

ASSIGNMENT = assignment(
    "initialization",
    title="Data preprocessing and weight initialization",
    modules=(checks_preprocessing, checks_pca, checks_initializers, checks_experiment),
    package=__name__,
)
