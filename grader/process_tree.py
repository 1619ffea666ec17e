"""Killing a worker and everything it started, and keeping orphans within reach.

Sandboxed workers die with their PID namespace; in PROCESS isolation the worker's session and
process group, its descendants found in /proc and (as root) its pids cgroup are swept until
nothing is left.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import time
from pathlib import Path

from grader.cgroups import cgroups_of

__all__ = ["become_subreaper", "kill_process_tree"]


def become_subreaper() -> bool:
    """Make orphans of our workers reparent to us (Linux PR_SET_CHILD_SUBREAPER), not to init.

    Without it, a double-forked grandchild in PROCESS isolation leaves the worker's tree and
    only its session id betrays it; with it, it stays our descendant and `kill_process_tree`'s
    sweep and our own wait() can find and reap it. Returns whether it took effect.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # 36 = PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


def _proc_table() -> dict[int, tuple[int, int, int]]:
    """pid -> (ppid, pgid, sid) from /proc; empty where there is no /proc."""
    table: dict[int, tuple[int, int, int]] = {}
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            table[int(entry.name)] = (int(fields[1]), int(fields[2]), int(fields[3]))
    return table


def _descendants(pid: int, table: dict[int, tuple[int, int, int]]) -> set[int]:
    found = {p for p, (_, pgid, sid) in table.items() if pgid == pid or sid == pid}
    found.add(pid)
    frontier = set(found)
    while frontier:
        frontier = {p for p, (ppid, _, _) in table.items() if ppid in frontier} - found
        found |= frontier
    found.discard(os.getpid())
    return found


def kill_process_tree(pid: int, timeout: float = 2.0) -> None:
    """SIGKILL `pid` and everything it started, at every isolation level.

    Sandbox levels: the PID namespace dies with its init, and the pids cgroup lists any
    straggler. PROCESS: the worker's process group and session (start_new_session=True), plus
    its descendants found in /proc, swept until none is left; a grandchild that both calls
    setsid() and double-forks escapes unless `become_subreaper()` was called.
    """
    cgroups = cgroups_of(pid)
    # Snapshot the tree before the first kill: once a parent dies its children reparent away.
    first = _descendants(pid, _proc_table())
    with contextlib.suppress(OSError):
        if os.getpgid(pid) == pid and pid != os.getpgrp():
            os.killpg(pid, signal.SIGKILL)
    for v in first:
        with contextlib.suppress(OSError):
            os.kill(v, signal.SIGKILL)
    deadline = time.monotonic() + timeout
    while True:
        victims = _descendants(pid, _proc_table()) if os.path.isdir("/proc") else {pid}
        for cgroup in cgroups[:1]:  # every sandbox cgroup lists the same processes
            with contextlib.suppress(OSError, ValueError):
                victims |= {int(x) for x in (cgroup / "cgroup.procs").read_text().split()}
        alive = [v for v in victims if _alive(v)]
        for v in alive:
            with contextlib.suppress(OSError):
                os.kill(v, signal.SIGKILL)
        if not alive or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    for cgroup in cgroups:
        for _ in range(50):
            try:
                cgroup.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.01)


def _alive(pid: int) -> bool:
    """Zombies count as dead: they run nothing and only their parent can reap them."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    return state[state.rindex(")") + 2] not in "ZX"
