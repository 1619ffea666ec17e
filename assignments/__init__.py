"""The course content: one subpackage per assignment, graded in the order of ASSIGNMENTS."""

from pathlib import Path

from assignments import (
                         activations,
                         affine_losses,
                         dropout_regularization,
                         initialization,
                         networks,
                         normalization,
                         optimizers,
                         transfer_cnn,
)
from grader.registry import Course

ROOT = Path(__file__).resolve().parent.parent

MODULES = ("layers", "optim", "initializers", "fc_net", "solver", "schedules", "data",
           "preprocessing", "weight_init", "regularization", "augmentation", "ensembles",
           "babysitting", "hyperparams", "transfer", "cnn_arithmetic")

ASSIGNMENTS = (activations.ASSIGNMENT, affine_losses.ASSIGNMENT, initialization.ASSIGNMENT,
               normalization.ASSIGNMENT, dropout_regularization.ASSIGNMENT,
               optimizers.ASSIGNMENT,
               networks.ASSIGNMENT, transfer_cnn.ASSIGNMENT)

COURSE = Course(
    name="Training Neural Networks",
    assignments=ASSIGNMENTS,
    template=ROOT / "student_template",
    modules=MODULES,
    stored=Path(__file__).resolve().parent / "expected_values.npz",
)
