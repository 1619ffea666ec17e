"""Reference solutions for the "Training Neural Networks" unit.

The only hand-written copy of every student file: `grade build` generates `student_template/`
from these modules by replacing each `# BEGIN SOLUTION` ... `# END SOLUTION` block with a stub.
"""
