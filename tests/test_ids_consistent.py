"""Check ids, targets, solution markers and the contract's function list agree."""

from __future__ import annotations

import re
from pathlib import Path

import assignments
from grader.build.solutions import solution_blocks
from grader.result import Kind
from tests.conftest import REFERENCE

CHECKS = [c for a in assignments.ASSIGNMENTS for c in a.checks]
CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "CONTRACT.md"


def marked_functions() -> set[str]:
    names: set[str] = set()
    for path in REFERENCE.glob("*.py"):
        names |= {block[3] for block in solution_blocks(path.read_text(), str(path))}
    return names


def test_ids_are_unique_and_well_formed() -> None:
    """Is every id `<assignment>/<target>/<kind>[-variant]`, and unique?"""
    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids))
    kinds = "|".join(k.value for k in Kind)
    for c in CHECKS:
        assert re.fullmatch(rf"{c.assignment}/{re.escape(c.targets[-1])}/({kinds})(-[\w-]+)?",
                            c.id), c.id


def test_every_target_is_a_student_name() -> None:
    """Does every check target name something the template defines?"""
    names = assignments.COURSE.names()
    unknown = {t for c in CHECKS for t in c.targets if t.partition(".")[0] not in names}
    assert unknown == set()


def test_every_marked_function_is_checked() -> None:
    """Is every function students write targeted by at least one check?"""
    targeted = {t for c in CHECKS for t in c.targets}
    classes = {t.partition(".")[0] for t in targeted if "." in t}

    def checked(name: str) -> bool:  # a constructor is exercised by every check of its class
        return name in targeted or name.endswith(".__init__") and name.split(".")[0] in classes

    assert {name for name in marked_functions() if not checked(name)} == set()


def test_every_contract_function_is_checked() -> None:
    """Is every function of CONTRACT.md §1's tables targeted by a check?"""
    if not CONTRACT.exists():
        return
    section = CONTRACT.read_text().split("## 2.")[0]
    listed = set(re.findall(r"`(\w+)\(", section)) - {"TwoLayerNet", "FullyConnectedNet",
                                                       "Solver"}
    targets = {t for c in CHECKS for t in c.targets}
    targeted = {t.partition(".")[0] for t in targets} | {t.rpartition(".")[2] for t in targets}
    assert listed - targeted == set()


def test_backward_functions_have_gradient_checks() -> None:
    """Does every *_backward function have a numeric gradient check?"""
    backward = {n for n in marked_functions() if n.endswith("_backward")}
    with_gradient = {t for c in CHECKS if c.kind is Kind.GRADIENT for t in c.targets}
    assert backward - with_gradient == set()
