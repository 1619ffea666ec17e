"""CS231n assignment-2 folders with the bugs found in public student repositories (notes §4),
graded as they are: correct functions pass, each buggy one fails on the right check.

The bugs are re-written here in the way the notes describe them (never copied from a repo).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from grader.grading import grade
from grader.result import Status

from .test_cs231n import make_cs231n

WILD = {
    "reversed dropout convention": ("layers.py", "dropout_regularization", "dropout_forward", """
        def dropout_forward(x, dropout_param):
            p, mode = dropout_param['p'], dropout_param['mode']
            if 'seed' in dropout_param:
                np.random.seed(dropout_param['seed'])
            mask = None
            if mode == 'train':
                mask = (np.random.rand(*x.shape) >= p) / (1 - p)   # p read as DROP probability
                out = x * mask
            else:
                out = x
            return out.astype(x.dtype, copy=False), (dropout_param, mask)
        """),
    "non-inverted dropout": ("layers.py", "dropout_regularization", "dropout_forward", """
        def dropout_forward(x, dropout_param):
            p, mode = dropout_param['p'], dropout_param['mode']
            if 'seed' in dropout_param:
                np.random.seed(dropout_param['seed'])
            mask = None
            if mode == 'train':
                mask = np.random.rand(*x.shape) < p
                out = x * mask
            else:
                out = x * p                                        # scaled at test time
            return out, (dropout_param, mask)
        """),
    "adam without bias correction": ("optim.py", "optimizers", "adam", """
        def adam(w, dw, config=None):
            if config is None:
                config = {}
            config.setdefault('learning_rate', 1e-3)
            config.setdefault('beta1', 0.9)
            config.setdefault('beta2', 0.999)
            config.setdefault('epsilon', 1e-8)
            config.setdefault('m', np.zeros_like(w))
            config.setdefault('v', np.zeros_like(w))
            config.setdefault('t', 0)
            config['t'] += 1
            config['m'] = config['beta1'] * config['m'] + (1 - config['beta1']) * dw
            config['v'] = config['beta2'] * config['v'] + (1 - config['beta2']) * dw ** 2
            next_w = w - config['learning_rate'] * config['m'] / (np.sqrt(config['v']) + config['epsilon'])
            return next_w, config
        """),
    "adam without incrementing t first": ("optim.py", "optimizers", "adam", """
        def adam(w, dw, config=None):
            if config is None:
                config = {}
            config.setdefault('learning_rate', 1e-3)
            config.setdefault('beta1', 0.9)
            config.setdefault('beta2', 0.999)
            config.setdefault('epsilon', 1e-8)
            config.setdefault('m', np.zeros_like(w))
            config.setdefault('v', np.zeros_like(w))
            config.setdefault('t', 0)
            b1, b2, t = config['beta1'], config['beta2'], config['t']
            config['m'] = b1 * config['m'] + (1 - b1) * dw
            config['v'] = b2 * config['v'] + (1 - b2) * dw ** 2
            mt = config['m'] / (1 - b1 ** max(t, 1))
            vt = config['v'] / (1 - b2 ** max(t, 1))
            next_w = w - config['learning_rate'] * mt / (np.sqrt(vt) + config['epsilon'])
            config['t'] = t + 1
            return next_w, config
        """),
    "rmsprop without the square root": ("optim.py", "optimizers", "rmsprop", """
        def rmsprop(w, dw, config=None):
            if config is None:
                config = {}
            config.setdefault('learning_rate', 1e-2)
            config.setdefault('decay_rate', 0.99)
            config.setdefault('epsilon', 1e-8)
            config.setdefault('cache', np.zeros_like(w))
            dr = config['decay_rate']
            config['cache'] = dr * config['cache'] + (1 - dr) * dw ** 2
            next_w = w - config['learning_rate'] * dw / (config['cache'] + config['epsilon'])
            return next_w, config
        """),
}


@pytest.mark.parametrize("bug", sorted(WILD))
def test_wild_bug_fails_its_function_and_nothing_else(tmp_path: Path, bug: str) -> None:
    """Graded as it is, does the CS231n folder lose points on the buggy function only?"""
    module, assignment, target, source = WILD[bug]
    root = make_cs231n(tmp_path)
    path = root / "cs231n" / module
    path.write_text(path.read_text() + "\n\n" + textwrap.dedent(source))
    result = grade(root, only=[assignment])
    on_target = [c for c in result.checks if target in c.targets]
    assert any(c.status is Status.FAILED for c in on_target), [
        (c.id, c.status.value) for c in on_target]
    assert any(c.hint for c in on_target if c.status is Status.FAILED)
    others = [c for c in result.checks if target not in c.targets
              and c.status is not Status.NOT_IMPLEMENTED]
    assert all(c.status is Status.PASSED for c in others), [
        (c.id, c.status.value, c.message) for c in others if c.status is not Status.PASSED]
