"""The code base stays lint-clean (ruff, with the rules pyproject.toml selects)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_ruff_finds_nothing() -> None:
    """Does `ruff check .` pass (unused imports, undefined names, bugbear, import order)?"""
    pytest.importorskip("ruff")
    done = subprocess.run([sys.executable, "-m", "ruff", "check", ".", "--output-format",
                           "concise", "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout[-3000:]
