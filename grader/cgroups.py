"""A pids cgroup per sandbox: the process limit that works when the grader runs as root.

RLIMIT_NPROC is never enforced for root, so a root grader puts each sandbox in a fresh child of
its pids cgroup (cgroup v1, or a delegated v2 subtree) with `pids.max`; `kill_process_tree`
also reads a sandbox's `cgroup.procs` to find stragglers, and removes the empty cgroup after.
"""

from __future__ import annotations

import contextlib
import functools
import os
from pathlib import Path

__all__ = ["CGROUP_PREFIX", "cgroup_argv", "cgroup_of", "cgroup_root", "remove_stale_cgroups"]

CGROUP_PREFIX = "grader-sandbox-"


def _pids_cgroup_root() -> Path | None:
    """A pids-cgroup directory we may create children in (cgroup v1 or delegated v2), or None."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, rel = line.split(":", 2)
        if "pids" in controllers.split(","):
            base = Path("/sys/fs/cgroup/pids") / rel.lstrip("/")
        elif controllers == "":
            base = Path("/sys/fs/cgroup") / rel.lstrip("/")
            with contextlib.suppress(OSError):
                if "pids" not in (base / "cgroup.subtree_control").read_text().split():
                    continue
        else:
            continue
        probe = base / f"{CGROUP_PREFIX}probe-{os.getpid()}"
        try:
            probe.mkdir()
            ok = (probe / "pids.max").exists()
            probe.rmdir()
        except OSError:
            continue
        if ok:
            return base
    return None


@functools.cache
def cgroup_root() -> Path | None:
    return _pids_cgroup_root() if os.geteuid() == 0 else None


def cgroup_argv(max_processes: int) -> list[str]:
    """As root, RLIMIT_NPROC is ignored: join a fresh pids cgroup, then exec the sandbox."""
    root = cgroup_root()
    if root is None:
        return []
    remove_stale_cgroups(root)
    script = (
        'd="$1/' + CGROUP_PREFIX + '$$"; mkdir "$d" && echo "$2" > "$d/pids.max" '
        '&& echo $$ > "$d/cgroup.procs" || exit 125; shift 2; exec "$@"'
    )
    return ["sh", "-c", script, "grader-cgroup", str(root), str(max_processes)]


def remove_stale_cgroups(root: Path) -> None:
    """rmdir only succeeds on empty cgroups, so this never disturbs a running sandbox."""
    with contextlib.suppress(OSError):
        for d in root.iterdir():
            if d.name.startswith(CGROUP_PREFIX):
                with contextlib.suppress(OSError):
                    d.rmdir()


def cgroup_of(pid: int) -> Path | None:
    """The sandbox cgroup `pid` runs in, if any."""
    root = cgroup_root()
    if root is None:
        return None
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines():
            rel = line.split(":", 2)[2]
            name = rel.rsplit("/", 1)[-1]
            if name.startswith(CGROUP_PREFIX):
                return root / name
    return None
