"""Transfer learning (frozen features, fine-tuning) and CNN size/parameter arithmetic."""

from assignments.transfer_cnn import checks_cnn, checks_transfer, checks_transfer_train, mistakes
from grader.registry import assignment, optional_modules

ASSIGNMENT = assignment(
    "transfer_cnn",
    title="Transfer learning and CNN arithmetic",
    modules=(checks_cnn, checks_transfer, checks_transfer_train,
             *optional_modules(__name__, "hidden")),
    mistakes=mistakes.MISTAKES,
    alternatives=mistakes.ALTERNATIVES,
)
