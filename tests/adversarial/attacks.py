"""Building blocks for adversarial submissions and for checking that an attack was contained.

An attack submission is a copy of reference/ (honest, full-marks work) in which ONE function,
appended at the end of layers.py so it overrides the honest one, or the module's top level does
the attack. Everything here runs in the trusted test process; the attack snippets are plain
source text that only ever runs inside the grading worker.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

import pytest

from grader.grading import grade
from grader.isolation import Limits
from grader.result import FlagKind, GradeResult, Isolation, Status
from grader.sandbox import isolation_works

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "reference"
GRADER = ROOT / "grader"
ASSIGNMENT = "activations"
LIMITS = Limits(call_seconds=1.0, memory_bytes=512 * 2**20)
NO_CREDIT = {Status.FAILED, Status.ERROR, Status.TIMEOUT, Status.NOT_IMPLEMENTED}
PROCESS_REASON = ("PROCESS isolation has no OS sandbox: the worker runs as the grader's user with "
                  "the grader's view of files, network and processes; only flags and the "
                  "credit are asserted there")

SANDBOXES = [
    pytest.param(level, id=level.value, marks=pytest.mark.skipif(
        not isolation_works(level), reason=f"{level.value} isolation does not work here"))
    for level in (Isolation.BUBBLEWRAP, Isolation.NAMESPACES)
]
ALL_LEVELS = [*SANDBOXES, pytest.param(Isolation.PROCESS, id="process")]


def strongest() -> Isolation:
    return next(lvl for lvl in (Isolation.BUBBLEWRAP, Isolation.NAMESPACES, Isolation.PROCESS)
                if isolation_works(lvl))


def marker() -> str:
    """A string no other process on the machine carries (file names, argv, socket payloads)."""
    return f"advmk{uuid.uuid4().hex[:12]}"


# ---- building submissions ----------------------------------------------------------------
def reference_layers() -> str:
    return (REFERENCE / "layers.py").read_text()


def layers_with(*parts: str, top: str = "") -> str:
    """reference/layers.py with `top` inserted at the very start of the module (module-level
    attacks) and `attack` appended at the end (definitions there override the honest ones)."""
    head = textwrap.dedent(top).strip()
    body = reference_layers()
    if head:
        body = head + "\n\n" + body
    attack = "\n\n".join(textwrap.dedent(p).strip() for p in parts)
    return body + "\n\n# ---- attack ----\n" + attack + "\n"


# A relu_forward whose result is wrong unless the attack works: the "no credit beyond honest
# work" baseline. Attacks call _garbage(x) for what they return when their trick fails.
GARBAGE = """
import numpy as _np_attack

def _garbage(x):
    return _np_attack.full(_np_attack.shape(x), 7.25), ("garbage", x)
"""


# ---- grading -------------------------------------------------------------------------------
def run_grade(sub: Path, level: Isolation | None = None, limits: Limits = LIMITS,
              **kw: object) -> tuple[GradeResult, float]:
    start = time.monotonic()
    result = grade(sub, only=[ASSIGNMENT], limits=limits, isolation=level or strongest(), **kw)
    return result, time.monotonic() - start


def cli_grade(sub: Path, level: Isolation | None = None, timeout: float = 120.0,
              extra: Sequence[str] = ("--timeout", "1", "--memory", "512"),
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """`python -m grader SUB --json --assignment activations` in a subprocess (bytes out)."""
    full_env = {**os.environ, "GRADER_ISOLATION": (level or strongest()).value, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "grader", str(sub), "--json", "--assignment", ASSIGNMENT, *extra],
        cwd=ROOT, env=full_env, capture_output=True, timeout=timeout, check=False,
        start_new_session=True)  # a PROCESS-level attack on its parent's group stays there


def one_json_document(stdout: bytes) -> dict:
    """stdout is exactly one JSON document (whitespace around it allowed), nothing else."""
    text = stdout.decode("utf-8")
    doc, end = json.JSONDecoder().raw_decode(text.lstrip())
    assert text.lstrip()[end:].strip() == "", "something follows the JSON document on stdout"
    assert isinstance(doc, dict)
    return doc


def checks_by_target(result: GradeResult, attacked: Iterable[str]):
    attacked = set(attacked)
    hit = [c for c in result.checks if attacked & set(c.targets)]
    rest = [c for c in result.checks if not attacked & set(c.targets)]
    return hit, rest


def describe(checks) -> list[tuple[str, str, str]]:
    return [(c.id, c.status.value, c.message[:300]) for c in checks]


def assert_contained(result: GradeResult, attacked: Iterable[str],
                     statuses: set[Status] = NO_CREDIT) -> None:
    """The checks judging an attacked function's results earn nothing; every check that does not
    involve an attacked function earns full marks.

    A check judging a function is one named after it (`activations/relu_forward/output`), input
    safety aside: an attack that leaves its inputs alone earns that honestly. Other checks that
    merely call an attacked function (relu_backward's call relu_forward) may go either way.
    """
    attacked = set(attacked)
    judged = [c for c in result.checks if c.id.split("/")[1] in attacked
              and not c.id.endswith("input_safety")]
    hit, rest = checks_by_target(result, attacked)
    assert judged, f"no check judges {sorted(attacked)}"
    bad_hit = [c for c in judged if c.status not in statuses or c.score != 0]
    assert not bad_hit, f"attacked checks got credit: {describe(bad_hit)}"
    bad_rest = [c for c in rest if c.status is not Status.PASSED or c.score != c.max_score]
    assert not bad_rest, f"honest checks lost credit: {describe(bad_rest)}"


def assert_module_lost(result: GradeResult) -> None:
    """A module-level attack costs every check of the module, cleanly, and grading finishes."""
    assert result.checks, "grading produced no checks"
    bad = [c for c in result.checks if c.status not in NO_CREDIT or c.score != 0]
    assert not bad, describe(bad)
    assert result.score == 0


def flag_kinds(result: GradeResult) -> set[FlagKind]:
    return {f.kind for f in result.flags}


def output_of(result: GradeResult) -> str:
    return "\n".join(c.output for c in result.checks)


# ---- containment --------------------------------------------------------------------------
def processes_with(text: str) -> list[tuple[int, str]]:
    """Live (non-zombie) processes whose argv or name contains `text`."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmd = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode(
                "utf-8", "replace")
            comm = Path(entry.path, "comm").read_text().strip()
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        if stat[stat.rindex(")") + 2] in "ZX":
            continue
        if text in cmd or text[:15] in comm:
            found.append((int(entry.name), cmd or comm))
    return found


def survivors(text: str, settle: float = 1.0) -> list[tuple[int, str]]:
    """Processes carrying `text` still alive after `settle` seconds (then killed, so one failing
    test does not leave sleepers behind for the next)."""
    deadline = time.monotonic() + settle
    alive = processes_with(text)
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = processes_with(text)
    for pid, _ in alive:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    return alive


def tree_digest(*roots: Path) -> dict[str, str]:
    """sha256 of every file under `roots`, bytecode caches aside."""
    digest = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            try:
                digest[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                digest[str(path)] = "unreadable"
    return digest


def files_containing(text: str, *roots: Path) -> list[Path]:
    hits = []
    needle = text.encode()
    for root in roots:
        for path in root.rglob("*"):
            try:
                if path.is_file() and needle in path.read_bytes():
                    hits.append(path)
            except OSError:
                continue
    return hits


def layers_file(*parts: str, top: str = "") -> dict[str, str]:
    """`make_submission(**layers_file(...))`: the attacked layers.py as the fixture's file map."""
    return {"layers.py": layers_with(*parts, top=top)}
