"""Isolation for ``make verify``'s rerun of a deposited workflow. The rerun executes code that
came with the deposit, so it never sees the verifier's environment (tokens, proxies, agent
sockets) or shared temporary folder, and, where this machine allows, it has no network and can
write nowhere but its scratch folder.

Levels, strongest first: bubblewrap (Linux); a network namespace through ``unshare`` (Linux,
as root or with unprivileged user namespaces); a clean environment only (macOS, Windows, or a
container that refuses namespaces). Each is probed by running a trivial command inside it,
because a program on PATH may still be refused the namespaces it needs.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

BUBBLEWRAP = "bubblewrap"
NETWORK_NAMESPACE = "network namespace (unshare)"
CLEAN_ENVIRONMENT_ONLY = "clean environment only"

# The variables the sandbox sets itself; ``keep`` may add others but not replace these.
SANDBOX_VARIABLES = frozenset({"PATH", "LANG", "LC_ALL", "HOME", "TMPDIR"})
LOCALE = "C.UTF-8"
# Inside bubblewrap /tmp is a fresh tmpfs. A short TMPDIR keeps a Jupyter kernel's Unix socket
# path under its limit of 107 bytes.
BUBBLEWRAP_TMP = "/tmp"
# bwrap's options for every run (the writable folder and working directory are added per run).
# The tmpfs on /tmp is mounted before the writable folder is bound, so that a scratch folder
# below /tmp stays visible. --unshare-net leaves only loopback, brought up by bwrap.
BUBBLEWRAP_OPTIONS = (
    *("--ro-bind", "/", "/"),
    *("--dev", "/dev"),
    *("--proc", "/proc"),
    *("--tmpfs", BUBBLEWRAP_TMP),
    "--unshare-net",
    "--unshare-pid",
    "--die-with-parent",
    "--new-session",
)
# As root ``unshare --net`` suffices; otherwise it needs an unprivileged user namespace too.
UNSHARE_OPTIONS = (("--net",), ("--user", "--map-root-user", "--net"))
# A new network namespace starts with loopback down, and Jupyter kernels talk over local TCP
# ports: bring ``lo`` up (ioctl SIOCSIFFLAGS = 0x8914 with IFF_UP = 1), then exec the command.
LOOPBACK_UP = (
    "import fcntl, os, socket, struct, sys\n"
    "with socket.socket() as s:\n"
    "    fcntl.ioctl(s, 0x8914, struct.pack('16sh22x', b'lo', 1))\n"
    "os.execvp(sys.argv[1], sys.argv[1:])\n"
)
PROBE_SECONDS = 10


@dataclass(frozen=True)
class Isolation:
    """How a rerun is isolated. ``launcher`` is the command prefix that enters the isolation
    (empty when only the environment is cleaned)."""

    name: str
    no_network: bool
    read_only_elsewhere: bool
    launcher: tuple[str, ...] = ()

    def describe(self) -> str:
        """One sentence for REPLICATION.md: what the rerun was kept from, and what not."""
        kept_from = ["the verifier's environment variables", "the shared temporary folder"]
        not_kept_from = ["reading the files the verifying user can read"]
        if self.no_network:
            kept_from.append("the network (it had loopback only)")
        else:
            not_kept_from.append("the network")
        if self.read_only_elsewhere:
            kept_from.append("writing outside its scratch folder")
        else:
            not_kept_from.append("writing outside its scratch folder")
        return (
            f"The rerun's isolation ({self.name}) kept it from {_listed(kept_from, 'and')}, "
            f"but not from {_listed(not_kept_from, 'or')}."
        )


def _listed(items: Sequence[str], conjunction: str) -> str:
    return ", ".join(items[:-1]) + f" {conjunction} {items[-1]}" if len(items) > 1 else items[0]


def working_isolations(which: Callable[[str], str | None] = shutil.which) -> list[Isolation]:
    """Every isolation level that works on this machine, strongest first; the last, a clean
    environment only, works everywhere."""
    levels = []
    bwrap = which("bwrap")
    if bwrap and _runs([bwrap, *BUBBLEWRAP_OPTIONS, "--", "true"]):
        levels.append(Isolation(BUBBLEWRAP, True, True, (bwrap, *BUBBLEWRAP_OPTIONS)))
    unshare = which("unshare")
    if unshare:
        launchers = [
            (unshare, *options, sys.executable, "-I", "-S", "-c", LOOPBACK_UP)
            for options in UNSHARE_OPTIONS
        ]
        working = next((launcher for launcher in launchers if _runs([*launcher, "true"])), None)
        if working:
            levels.append(Isolation(NETWORK_NAMESPACE, True, False, working))
    levels.append(Isolation(CLEAN_ENVIRONMENT_ONLY, False, False))
    return levels


def available_isolation(which: Callable[[str], str | None] = shutil.which) -> Isolation:
    """The strongest isolation this machine offers."""
    return working_isolations(which)[0]


def _runs(command: Sequence[str]) -> bool:
    """Whether ``command`` exits 0 (its output discarded): a probe of what the machine allows."""
    try:
        result = subprocess.run(
            command,
            env={"PATH": os.environ.get("PATH", os.defpath)},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=PROBE_SECONDS,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def clean_environment(writable: Path, keep: Mapping[str, str], tmpdir: str) -> dict[str, str]:
    """The rerun's whole environment: the caller's PATH, a UTF-8 C locale, HOME in
    ``writable/home``, TMPDIR ``tmpdir`` (the private temporary folder), and ``keep``, what the
    caller names explicitly (SOURCE_DATE_EPOCH, caches, PKI_* settings). Nothing else of
    ``os.environ`` leaks in: no tokens, proxies or SSH agent."""
    clash = SANDBOX_VARIABLES & set(keep)
    if clash:
        raise ValueError(f"the sandbox sets {', '.join(sorted(clash))} itself")
    return {
        "PATH": os.environ.get("PATH", os.defpath),
        "LANG": LOCALE,
        "LC_ALL": LOCALE,
        "HOME": str(writable / "home"),
        "TMPDIR": tmpdir,
        **keep,
    }


def run_isolated(
    command: Sequence[str],
    cwd: Path,
    writable: Path,
    keep: Mapping[str, str],
    log: Path,
    isolation: Isolation | None = None,
    read_only: Sequence[Path] = (),
) -> tuple[int, Isolation]:
    """Run ``command`` in ``cwd`` (below ``writable``) with its stdout and stderr in ``log``
    (below ``writable`` too), in the clean environment, with a private temporary folder, under
    ``isolation`` (by default the strongest available). Returns the exit status and the
    isolation used. Outside bubblewrap the private temporary folder is a new 0700 folder in the
    system's temporary folder, removed afterwards.

    Under bubblewrap, ``read_only`` paths stay readable but not writable even below
    ``writable`` (the code a rerun runs), and the running interpreter's environment stays
    visible even if it lies in the temporary folder the sandbox replaces."""
    writable, cwd, log = writable.resolve(), cwd.resolve(), log.resolve()
    for path in (cwd, log):
        if not path.is_relative_to(writable):
            raise ValueError(f"{path} is not below the writable folder {writable}")
    isolation = isolation or available_isolation()
    launcher = list(isolation.launcher)
    private_tmp: contextlib.AbstractContextManager[str]
    if isolation.name == BUBBLEWRAP:
        if Path(BUBBLEWRAP_TMP).is_relative_to(writable):
            raise ValueError(f"the writable folder {writable} would expose {BUBBLEWRAP_TMP}")
        launcher += ["--bind", str(writable), str(writable)]
        for path in [Path(sys.prefix), *read_only]:
            launcher += ["--ro-bind", str(path.resolve()), str(path.resolve())]
        if Path(sys.prefix) != Path(sys.prefix).resolve():
            # The interpreter's environment reached through a link (a checkout's .venv linking
            # to another) is started by its unresolved path, which must exist inside too.
            launcher += ["--ro-bind", str(Path(sys.prefix).resolve()), sys.prefix]
        launcher += ["--chdir", str(cwd), "--"]
        private_tmp = contextlib.nullcontext(BUBBLEWRAP_TMP)
    else:
        private_tmp = tempfile.TemporaryDirectory(prefix="pki-", ignore_cleanup_errors=True)
    (writable / "home").mkdir(parents=True, exist_ok=True)
    log.parent.mkdir(parents=True, exist_ok=True)
    with private_tmp as tmpdir, log.open("w", encoding="utf-8") as out:
        result = subprocess.run(
            [*launcher, *command],
            cwd=cwd,
            env=clean_environment(writable, keep, tmpdir),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return result.returncode, isolation
