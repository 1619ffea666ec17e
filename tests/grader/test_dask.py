"""The same batch on a real Dask cluster (scheduler + worker on 127.0.0.1, started here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from grader.batch import grade_batch
from grader.gradebook import Gradebook, Outcome
from tests.grader.test_batch import LIMITS, LOOP, ONLY, _layers, small_folder

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def scheduler() -> str:
    # tcp on loopback: the client in grade_batch connects over a real socket, as it would to
    # a remote cluster; one worker thread keeps the shared 2-core machine usable.
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  protocol="tcp://", host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        yield cluster.scheduler_address


def test_dask_batch_matches_the_local_batch(tmp_path: Path, scheduler: str) -> None:
    subs = small_folder(tmp_path)
    (subs / "notes.txt").write_text("not a submission")
    remote = grade_batch(subs, only=ONLY, limits=LIMITS, scheduler=scheduler,
                         gradebook=tmp_path / "dask.sqlite")
    local = grade_batch(subs, only=ONLY, limits=LIMITS, workers=1,
                        gradebook=tmp_path / "local.sqlite")
    assert remote.backend == scheduler and remote.graded == 3
    assert [(r.entry, r.outcome, r.result.to_json()["checks"], r.error) for r in remote.records] \
        == [(r.entry, r.outcome, r.result.to_json()["checks"], r.error) for r in local.records]
    assert remote.records[0].score == remote.max_score
    # same gradebook format: a local run resumes a Dask-graded batch
    again = grade_batch(subs, only=ONLY, limits=LIMITS, workers=1,
                        gradebook=tmp_path / "dask.sqlite")
    assert (again.graded, again.reused) == (0, 3)


def test_dask_enforces_the_submission_time_limit(tmp_path: Path, scheduler: str) -> None:
    subs = tmp_path / "subs"
    _layers(subs / "erin", (Path(__file__).parents[2] / "reference" / "layers.py").read_text()
            + LOOP)
    summary = grade_batch(subs, only=ONLY, limits=LIMITS, scheduler=scheduler,
                          submission_seconds=0.6)
    (row,) = summary.records
    assert row.outcome is Outcome.TIMEOUT and "0.6 s" in row.problem
    with Gradebook(summary.gradebook) as book:
        assert [r["outcome"] for r in book.rows(str(subs.resolve()))] == ["timeout"]
