"""A pids and a memory cgroup per sandbox: the limits that rlimits cannot give.

RLIMIT_NPROC is never enforced for root, and RLIMIT_AS caps each process, not the sandbox: four
forked children may each take the whole limit, and a RAM-backed /tmp takes none of it. So a
root grader puts each sandbox in a fresh child of its pids cgroup (`pids.max`) and, where the
memory controller is delegated to it, of its memory cgroup (`memory.limit_in_bytes` on v1,
`memory.max` on v2: tmpfs pages count too). `kill_process_tree` reads a sandbox's
`cgroup.procs` to find stragglers and removes its cgroups afterwards.
"""

from __future__ import annotations

import contextlib
import functools
import os
from pathlib import Path

__all__ = ["CGROUP_PREFIX", "cgroup_argv", "cgroups_of", "remove_stale_cgroups"]

CGROUP_PREFIX = "grader-sandbox-"
# controller -> (v1 limit file, v2 limit file)
_LIMIT_FILES = {"pids": ("pids.max", "pids.max"),
                "memory": ("memory.limit_in_bytes", "memory.max")}


def _find_root(controller: str) -> tuple[Path, str] | None:
    """A cgroup directory of `controller` we may create children in, and its limit file."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    v1_file, v2_file = _LIMIT_FILES[controller]
    for line in lines:
        _, controllers, rel = line.split(":", 2)
        if controller in controllers.split(","):
            base, limit = Path("/sys/fs/cgroup", controller) / rel.lstrip("/"), v1_file
        elif controllers == "":
            base, limit = Path("/sys/fs/cgroup") / rel.lstrip("/"), v2_file
            with contextlib.suppress(OSError):
                if controller not in (base / "cgroup.subtree_control").read_text().split():
                    continue
        else:
            continue
        probe = base / f"{CGROUP_PREFIX}probe-{os.getpid()}"
        try:
            probe.mkdir()
            ok = (probe / limit).exists()
            probe.rmdir()
        except OSError:
            continue
        if ok:
            return base, limit
    return None


@functools.cache
def _roots() -> dict[str, tuple[Path, str]]:
    if os.geteuid() != 0:
        return {}
    return {c: found for c in _LIMIT_FILES if (found := _find_root(c)) is not None}


def cgroup_argv(max_processes: int, memory_bytes: int | None = None) -> list[str]:
    """A prefix that joins fresh pids (and memory) cgroups, then execs the rest of the argv."""
    roots = _roots()
    if not roots:
        return []
    for root, _ in roots.values():
        remove_stale_cgroups(root)
    limits = {"pids": max_processes, "memory": memory_bytes}
    args: list[str] = []
    for controller, (root, limit_file) in roots.items():
        if limits[controller] is not None:
            args += [str(root), limit_file, str(limits[controller])]
    script = (
        'n=' + CGROUP_PREFIX + '$$; while [ "$1" != -- ]; do '
        'mkdir "$1/$n" && echo "$3" > "$1/$n/$2" && echo $$ > "$1/$n/cgroup.procs" '
        '|| exit 125; shift 3; done; shift; exec "$@"'
    )
    return ["sh", "-c", script, "grader-cgroup", *args, "--"]


def remove_stale_cgroups(root: Path) -> None:
    """rmdir only succeeds on empty cgroups, so this never disturbs a running sandbox."""
    with contextlib.suppress(OSError):
        for d in root.iterdir():
            if d.name.startswith(CGROUP_PREFIX):
                with contextlib.suppress(OSError):
                    d.rmdir()


def cgroups_of(pid: int) -> list[Path]:
    """The sandbox cgroups (pids first) that `pid` runs in; empty outside any."""
    roots = _roots()
    found: list[Path] = []
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/cgroup").read_text().splitlines():
            name = line.split(":", 2)[2].rsplit("/", 1)[-1]
            if name.startswith(CGROUP_PREFIX):
                found = [root / name for root, _ in roots.values()]
                break
    return [p for p in found if p.exists()]
