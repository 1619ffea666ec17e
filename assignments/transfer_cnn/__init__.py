"""Transfer learning (frozen features, fine-tuning) and CNN size/parameter arithmetic."""

from assignments.transfer_cnn import checks_cnn, checks_transfer, checks_transfer_train
from grader.registry import assignment

ASSIGNMENT = assignment(
    "transfer_cnn",
    title="Transfer learning and CNN arithmetic",
    modules=(checks_cnn, checks_transfer, checks_transfer_train),
    package=__name__,
)
