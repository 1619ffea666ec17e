"""strip_solutions: markers become stubs naming their function; malformed markers are errors."""

from __future__ import annotations

import pytest

from grader.build.solutions import MarkerError, strip_solutions

GOOD = '''\
def relu_forward(x):
    """Doc."""
    # TODO: keep me
    # BEGIN SOLUTION
    out = x * (x > 0)
    # END SOLUTION
    return out, x


class Net:
    def loss(self, X):
        if X is None:
            # BEGIN SOLUTION
            return 0
            # END SOLUTION
        return 1
'''


def test_block_becomes_stub_at_marker_indentation() -> None:
    """Is each block replaced by a raise naming the enclosing function, at the same indent?"""
    out = strip_solutions(GOOD)
    assert '    raise NotImplementedError("relu_forward")' in out
    assert '            raise NotImplementedError("Net.loss")' in out
    assert "out = x * (x > 0)" not in out and "return 0" not in out


def test_text_outside_markers_is_kept() -> None:
    """Are docstrings, TODO comments and the code after the block kept verbatim?"""
    out = strip_solutions(GOOD)
    assert '"""Doc."""' in out and "# TODO: keep me" in out and "return out, x" in out


def test_header_is_prepended() -> None:
    """Does the generated file say where it came from?"""
    assert strip_solutions(GOOD, header="# GENERATED").startswith("# GENERATED\n")


@pytest.mark.parametrize("source, problem", [
    ("def f():\n    # BEGIN SOLUTION\n    # BEGIN SOLUTION\n    x = 1\n    # END SOLUTION\n",
     "inside the block"),
    ("def f():\n    # BEGIN SOLUTION\n    x = 1\n", "never closed"),
    ("def f():\n    x = 1\n    # END SOLUTION\n", "without a BEGIN"),
    ("# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n", "outside any function"),
    ("def f():\n    # BEGIN SOLUTION please\n    x = 1\n", "alone on its line"),
])
def test_malformed_markers_raise(source: str, problem: str) -> None:
    """Do nested, unclosed, stray, top-level and decorated markers raise MarkerError?"""
    with pytest.raises(MarkerError, match=problem):
        strip_solutions(source, "f.py")


def test_error_names_file_and_line() -> None:
    """Does a marker error say which file and line to fix?"""
    with pytest.raises(MarkerError, match=r"^f\.py:2:"):
        strip_solutions("def f():\n    # BEGIN SOLUTION\n    x = 1\n", "f.py")


def test_marker_words_in_prose_are_not_markers() -> None:
    """Can a docstring mention `# BEGIN SOLUTION` without being treated as a marker?"""
    source = 'def f():\n    """Blocks between `# BEGIN SOLUTION` lines."""\n    return 1\n'
    assert "return 1" in strip_solutions(source)
