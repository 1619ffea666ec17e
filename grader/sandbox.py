"""An OS sandbox around the grading worker, built on bubblewrap or util-linux `unshare`.

The worker imports student code, so everything it can reach is reachable by a student. This
module turns the worker's argv into one that runs it with no network, a read-only view of the
system, one writable scratch folder, the project checkout / gradebook / other submissions masked,
a bounded number of processes, and a PID namespace so that nothing it starts outlives it.

Levels, strongest first (grader.result.Isolation):
- BUBBLEWRAP: `bwrap`, the tool Flatpak uses; it drops every capability before exec.
- NAMESPACES: `unshare` plus a small mount script; capabilities dropped with `setpriv`.
- PROCESS: plain subprocess (macOS, Windows, containers without user namespaces). Only
  `kill_process_tree` and the audit hook help there; the result must say so.

Process limit, and why two mechanisms: RLIMIT_NPROC is never enforced for root (kernel/fork.c
exempts INIT_USER and CAP_SYS_RESOURCE), and a user namespace created by root maps the worker back
to root. So when the grader is root we put the sandbox in its own pids cgroup (`pids.max`), which
counts per sandbox whatever the uid. When the grader is not root, `prlimit --nproc` is applied
*inside* the new user namespace, where the kernel (>= 5.14) counts processes per namespace, so
parallel workers do not share one budget. Both also count threads (BLAS pools need a few).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.cgroups import cgroup_argv
from grader.result import Isolation

__all__ = [
    "SandboxPolicy",
    "available_isolation",
    "isolation_works",
    "sandboxed_command",
]

_SANDBOX_LEVELS = (Isolation.BUBBLEWRAP, Isolation.NAMESPACES)


@dataclass(frozen=True)
class SandboxPolicy:
    """What the worker may see and do.

    `readonly` paths are re-exposed even when they lie inside a `hidden` one (e.g. the
    submission's copy inside a hidden batch folder); a hidden path deeper than a readonly one
    stays hidden. Python's prefixes and the `grader` package are always visible read-only, so the
    worker can run even when the checkout holding reference/ is hidden.
    """

    scratch: Path
    readonly: tuple[Path, ...] = ()
    hidden: tuple[Path, ...] = ()
    max_processes: int = 64
    network: bool = False
    memory_bytes: int | None = None  # for the whole sandbox, where a memory cgroup is available
    # When set, scratch is a private tmpfs of this size inside the sandbox (the host folder is
    # only a mount point): a submission cannot fill the grader's disk, only this much memory.
    scratch_bytes: int | None = None


def _grader_package_dir() -> Path:
    return Path(__file__).resolve().parent


def _python_paths() -> list[Path]:
    """Everything the interpreter needs: its prefixes, site-packages and the real executable."""
    import site
    import sysconfig

    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    paths.update(site.getsitepackages())
    paths.update(sysconfig.get_paths().values())
    paths.add(os.path.dirname(os.path.realpath(sys.executable)))
    return [Path(p) for p in sorted(paths) if p and os.path.exists(p)]


# What a worker needs of the system; everything else is masked (a whitelist, not a blacklist:
# a second checkout of the solutions elsewhere on the machine is as invisible as this one).
_SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/sys",
           "/dev", "/proc", "/tmp")
_SECRETS = ("/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/ssh", "/etc/ssl/private")


def _outside_view(kept: Sequence[Path]) -> list[Path]:
    """The complement of `kept` as the fewest masks: the siblings of every folder on the way
    from / to a kept path (nothing inside a kept folder, nothing under the private /tmp)."""
    keep = set(kept)
    on_the_way = {a for k in keep for a in k.parents}
    masks: list[Path] = []
    for folder in sorted(on_the_way, key=lambda p: len(p.parts)):
        if folder in keep or any(a in keep for a in folder.parents) or \
                folder == Path("/tmp") or Path("/tmp") in folder.parents:
            continue
        try:
            children = list(folder.iterdir())
        except OSError:
            continue
        masks += [c for c in children
                  if c not in keep and c not in on_the_way and not c.is_symlink()]
    return masks


def _mount_plan(policy: SandboxPolicy) -> list[tuple[str, Path]]:
    """(op, path) with op in {"hide", "ro"}, shallow paths first, so deeper rules win."""
    visible = [p.resolve() for p in (*policy.readonly, *_python_paths(), _grader_package_dir())
               if p.exists()]
    kept = [*visible, policy.scratch.resolve(),
            *(Path(d) for d in _SYSTEM if os.path.isdir(d) and not os.path.islink(d))]
    ops: dict[Path, str] = {}
    for p in (*policy.hidden, *_outside_view(kept), *map(Path, _SECRETS)):
        if p.exists():
            ops[p.resolve()] = "hide"
    for p in visible:
        if p not in ops:
            ops[p] = "ro"
    return sorted(((op, p) for p, op in ops.items()), key=lambda t: (len(t[1].parts), str(t[1])))


def _nproc_argv(policy: SandboxPolicy) -> list[str]:
    prlimit = shutil.which("prlimit")
    n = policy.max_processes
    return [prlimit, f"--nproc={n}:{n}", "--"] if prlimit else []


def _bwrap_argv(argv: Sequence[str], policy: SandboxPolicy) -> list[str]:
    cmd = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    # bwrap 0.8 leaves /proc/sys writable here, and the worker maps to the grader's uid: as
    # root that would let it change host sysctls (checked: vm.swappiness was writable).
    for d in ("/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus"):
        cmd += ["--ro-bind-try", d, d]
    plan = _mount_plan(policy)
    for op, p in plan:
        if op == "hide":
            cmd += ["--tmpfs", str(p)] if p.is_dir() else ["--ro-bind", "/dev/null", str(p)]
        else:
            cmd += ["--ro-bind", str(p), str(p)]
    scratch = str(policy.scratch.resolve())
    if policy.scratch_bytes is not None:
        cmd += ["--perms", "1777", "--size", str(policy.scratch_bytes), "--tmpfs", scratch]
    else:
        cmd += ["--bind", scratch, scratch]
    cmd += ["--chdir", scratch]
    # The masks are empty tmpfs; remounting them read-only after every bind (mount points get
    # created in them) keeps a student from even "writing" into them.
    cmd += [a for op, p in plan if op == "hide" and p.is_dir() for a in ("--remount-ro", str(p))]
    # --unshare-all includes the network; --share-net opts back in only when the policy asks.
    cmd += ["--unshare-all", "--die-with-parent", "--new-session", "--hostname", "sandbox"]
    if policy.network:
        cmd.append("--share-net")
    return [*cmd, "--", *_nproc_argv(policy), *argv]


_UNSHARE_SCRIPT = r"""
set -e
S=$1; shift
# A view of the unmasked root, so readonly paths under hidden ones can still be re-exposed.
mount -t tmpfs tmpfs "$S"; mkdir "$S/r"; mount --rbind / "$S/r"; R=$S/r
mount -t tmpfs -o mode=1777 tmpfs /tmp
# Only harmless devices: the worker maps to the grader's uid, which may own real disks.
mount -t tmpfs -o mode=755 tmpfs /dev
for d in null zero full random urandom tty; do
  touch "/dev/$d"; mount --bind "$R/dev/$d" "/dev/$d"
done
mkdir /dev/shm /dev/pts; ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin; ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
# As bwrap does: a uid mapped to root outside could otherwise write host sysctls.
for d in sys sysrq-trigger irq bus; do
  [ -e "/proc/$d" ] && mount --bind "/proc/$d" "/proc/$d" && mount -o remount,bind,ro "/proc/$d"
done
while [ "$1" != "--" ]; do
  op=$1; p=$2; shift 2
  case $op in
    hide) if [ ! -e "$p" ]; then  # under the private /tmp or a mask: mask it there too
            mkdir -p "$p"; mount -t tmpfs -o mode=755 tmpfs "$p"
          elif [ -d "$p" ]; then mount -t tmpfs -o mode=755 tmpfs "$p"
          else mount --bind /dev/null "$p"; fi ;;
    tmp:*) mkdir -p "$p"; mount -t tmpfs -o "size=${op#tmp:},mode=1777" tmpfs "$p"
           scratch=$p ;;
    *) [ -e "$p" ] || mkdir -p "$p"; mount --rbind "$R$p" "$p"
       [ "$op" = ro ] || scratch=$p ;;
  esac
done
shift
umount -l "$S"
mount -t tmpfs -o mode=755 tmpfs "$S"
# Read-only everywhere else. Mounts inherited into a user namespace are locked, and setpriv
# below drops CAP_SYS_ADMIN, so none of this can be undone from inside.
findmnt -rn -o TARGET | while read -r m; do
  case $m in "$scratch"|/tmp|/proc|/proc/*|/dev|/dev/*) continue ;; esac
  mount -o remount,bind,ro "$m" 2>/dev/null || true
done
cd "$scratch"
exec setpriv --no-new-privs --inh-caps=-all --bounding-set=-all -- "$@"
"""


def _stage_dir(policy: SandboxPolicy) -> str:
    """An existing directory to hang the temporary root view on: one the worker must not see
    anyway (the script masks it last), never one holding or inside a path it must see."""
    touched = [p for op, p in _mount_plan(policy) if op != "hide"] + [policy.scratch.resolve()]
    for cand in ("/mnt", "/media", "/srv", "/opt", "/boot"):
        c = Path(cand)
        if c.is_dir() and not c.is_symlink() and not any(
            c == t or c in t.parents or t in c.parents for t in touched
        ):
            return cand
    raise RuntimeError("no free directory (/mnt, /media, /srv, /opt, /boot) to stage mounts on")


def _unshare_argv(argv: Sequence[str], policy: SandboxPolicy) -> list[str]:
    """util-linux only: a private mount namespace, remounted read-only in place, then masked."""
    stage = _stage_dir(policy)
    args: list[str] = []
    for op, p in _mount_plan(policy):
        if str(p) != stage:  # masked by the script itself, once it is done staging there
            args += [op, str(p)]
    scratch_op = "rw" if policy.scratch_bytes is None else f"tmp:{policy.scratch_bytes}"
    args += [scratch_op, str(policy.scratch.resolve()), "--"]
    flags = ["--user", "--map-root-user", "--mount", "--pid", "--fork", "--kill-child",
             "--ipc", "--uts", "--propagation", "private", "--mount-proc"]
    if not policy.network:
        flags.append("--net")
    return ["unshare", *flags, "sh", "-c", _UNSHARE_SCRIPT, "grader-sandbox",
            stage, *args, *_nproc_argv(policy), *argv]


@functools.cache
def isolation_works(level: Isolation) -> bool:
    """Whether `level` really runs a worker here: a trial write to scratch inside it succeeds."""
    if level is Isolation.PROCESS:
        return True
    if level not in _SANDBOX_LEVELS or not sys.platform.startswith("linux"):
        return False
    if not shutil.which("bwrap" if level is Isolation.BUBBLEWRAP else "unshare"):
        return False
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        trial = [sys.executable, "-c", "open('probe', 'w').write('ok')"]
        argv = sandboxed_command(trial, SandboxPolicy(scratch=Path(tmp)), level)
        try:
            subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=20, check=True)
        except (OSError, subprocess.SubprocessError):
            return False
        return (Path(tmp) / "probe").exists()


def available_isolation() -> Isolation:
    """The strongest level that really works here (probed once), or GRADER_ISOLATION's choice."""
    forced = os.environ.get("GRADER_ISOLATION")
    if forced:
        try:
            return Isolation(forced)
        except ValueError:
            raise ValueError(
                f"GRADER_ISOLATION={forced!r}: expected bubblewrap, namespaces or process"
            ) from None
    return next(lvl for lvl in (*_SANDBOX_LEVELS, Isolation.PROCESS) if isolation_works(lvl))


def candidate_isolations() -> list[Isolation]:
    """Levels worth trying, strongest first, without running anything (GRADER_ISOLATION wins).

    For callers that probe by starting their real worker and falling back on failure."""
    forced = os.environ.get("GRADER_ISOLATION")
    if forced:
        return [available_isolation()]
    if not sys.platform.startswith("linux"):
        return [Isolation.PROCESS]
    tools = {Isolation.BUBBLEWRAP: "bwrap", Isolation.NAMESPACES: "unshare"}
    return [lvl for lvl in _SANDBOX_LEVELS if shutil.which(tools[lvl])] + [Isolation.PROCESS]


def sandboxed_command(
    argv: Sequence[str], policy: SandboxPolicy, isolation: Isolation
) -> list[str]:
    """The argv that runs `argv` inside the sandbox; fds 0-2 (and others) pass through.

    The environment is the caller's (Popen's env=), passed through untouched, so give it a
    minimal one (isolation.worker_environment). PROCESS returns `argv` unchanged: start it with
    `start_new_session=True` so that `kill_process_tree` can reach its process group.
    """
    if policy.max_processes < 1:
        raise ValueError(f"max_processes must be >= 1, not {policy.max_processes}")
    if not policy.scratch.is_dir():
        raise ValueError(f"scratch {policy.scratch} is not a directory")
    if isolation is Isolation.BUBBLEWRAP:
        return [*cgroup_argv(policy.max_processes, policy.memory_bytes),
                *_bwrap_argv(argv, policy)]
    if isolation is Isolation.NAMESPACES:
        return [*cgroup_argv(policy.max_processes, policy.memory_bytes),
                *_unshare_argv(argv, policy)]
    if isolation is Isolation.PROCESS:  # no namespaces, but the cgroup limits still apply
        return [*cgroup_argv(policy.max_processes, policy.memory_bytes), *argv]
    raise ValueError(f"isolation {isolation.value!r} cannot run a worker")
