"""make verify's rerun is isolated: each level this machine offers keeps its promises to a real
child process (writes, network, environment, temporary folder), and the strongest is chosen."""

import errno
import json
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import missing_tool

from peacekeeping_interviews.archive.sandbox import (
    BUBBLEWRAP,
    CLEAN_ENVIRONMENT_ONLY,
    NETWORK_NAMESPACE,
    Isolation,
    available_isolation,
    clean_environment,
    run_isolated,
    working_isolations,
)

KEEP = {"SOURCE_DATE_EPOCH": "1700000000", "PKI_KEPT": "kept"}
SECRET = "PKI_TEST_SECRET"
# Bubblewrap replaces /tmp, which would hide a folder there rather than show it read-only, so the
# child tries to escape to a folder in /var/tmp where there is one.
OUTSIDE_PARENT = "/var/tmp" if Path("/var/tmp").is_dir() else None
# The child writes inside and outside its writable folder, connects to the caller's loopback
# listener and to a listener of its own, and reports what it saw in report.json (in its cwd).
CHILD = """
import errno, json, os, socket, sys, tempfile
outside, port = sys.argv[1], int(sys.argv[2])
with open("inside.txt", "w") as f:
    f.write("inside")
try:
    with open(os.path.join(outside, "escaped.txt"), "w") as f:
        f.write("escaped")
    outside_errno = None
except OSError as error:
    outside_errno = error.errno
try:
    socket.create_connection(("127.0.0.1", port), timeout=2).close()
    reached_caller = True
except OSError:
    reached_caller = False
with socket.create_server(("127.0.0.1", 0)) as own:
    socket.create_connection(own.getsockname(), timeout=2).close()
tmp = tempfile.gettempdir()
tmp_entries = os.listdir(tmp)
with open("report.json", "w") as f:
    json.dump({
        "outside_errno": outside_errno,
        "reached_caller": reached_caller,
        "environ": dict(os.environ),
        "tmp": tmp,
        "tmp_entries": tmp_entries,
        "tmp_mode": os.stat(tmp).st_mode & 0o777,
    }, f)
"""


@dataclass
class Sandboxed:
    """One run of CHILD under one isolation level."""

    level: Isolation
    status: int
    writable: Path
    escaped: bool
    report: dict


def level_named(name: str) -> Isolation | None:
    return next((level for level in working_isolations() if level.name == name), None)


@pytest.fixture(scope="module", params=[BUBBLEWRAP, NETWORK_NAMESPACE, CLEAN_ENVIRONMENT_ONLY])
def sandboxed(request, tmp_path_factory) -> Sandboxed:
    level = level_named(request.param)
    if level is None:
        if request.param == BUBBLEWRAP:
            missing_tool("bubblewrap (bwrap) is missing or cannot create namespaces here")
        pytest.skip(f"{request.param} does not work on this machine")
    writable = tmp_path_factory.mktemp("sandbox") / "writable"
    writable.mkdir()
    with (
        tempfile.TemporaryDirectory(dir=OUTSIDE_PARENT) as outside,
        socket.create_server(("127.0.0.1", 0)) as caller,
        tempfile.NamedTemporaryFile() as callers_temporary,
        pytest.MonkeyPatch.context() as monkeypatch,
    ):
        monkeypatch.setenv(SECRET, "do not leak")
        status, used = run_isolated(
            [sys.executable, "-c", CHILD, outside, str(caller.getsockname()[1])],
            cwd=writable,
            writable=writable,
            keep=KEEP,
            log=writable / "logs" / "child.log",
            isolation=level,
        )
        escaped = (Path(outside) / "escaped.txt").exists()
    assert used == level
    report = json.loads((writable / "report.json").read_text(encoding="utf-8"))
    report["saw_callers_temporary"] = Path(callers_temporary.name).name in report["tmp_entries"]
    return Sandboxed(level, status, writable, escaped, report)


def test_the_child_runs_and_its_writes_inside_the_writable_folder_remain(sandboxed):
    assert sandboxed.status == 0, (sandboxed.writable / "logs" / "child.log").read_text()
    assert (sandboxed.writable / "inside.txt").read_text() == "inside"


def test_writes_elsewhere_fail_exactly_where_the_level_promises(sandboxed):
    assert sandboxed.escaped is not sandboxed.level.read_only_elsewhere
    if sandboxed.level.read_only_elsewhere:
        assert sandboxed.report["outside_errno"] == errno.EROFS


def test_the_callers_loopback_is_unreachable_exactly_where_the_level_promises(sandboxed):
    """A listener on the caller's 127.0.0.1 stands in for the network: it needs no internet."""
    assert sandboxed.report["reached_caller"] is not sandboxed.level.no_network


def test_the_environment_holds_only_the_sandboxs_variables_and_the_kept_ones(sandboxed):
    environ = sandboxed.report["environ"]
    environ.pop("PWD", None)  # bwrap sets the working directory's name
    assert SECRET not in environ
    assert set(environ) == {"PATH", "LANG", "LC_ALL", "HOME", "TMPDIR", *KEEP}
    assert {name: environ[name] for name in KEEP} == KEEP
    assert environ["HOME"] == str(sandboxed.writable.resolve() / "home")


def test_the_temporary_folder_is_private_short_and_gone_afterwards(sandboxed):
    tmp = sandboxed.report["tmp"]
    assert tmp == sandboxed.report["environ"]["TMPDIR"]
    assert not sandboxed.report["saw_callers_temporary"]
    assert len(tmp) < 40  # room for a Jupyter kernel's socket name within 107 bytes
    if sandboxed.level.name != BUBBLEWRAP:
        assert tmp != tempfile.gettempdir()
        assert sandboxed.report["tmp_mode"] == 0o700
        assert not Path(tmp).exists()


def test_bubblewrap_is_the_isolation_on_this_machine():
    isolation = available_isolation()
    if isolation.name != BUBBLEWRAP:
        missing_tool("bubblewrap (bwrap) is missing or cannot create namespaces here")
    assert isolation.no_network and isolation.read_only_elsewhere


def test_without_any_tool_only_the_environment_is_cleaned():
    isolation = available_isolation(which=lambda name: None)
    assert (isolation.name, isolation.no_network, isolation.read_only_elsewhere) == (
        CLEAN_ENVIRONMENT_ONLY,
        False,
        False,
    )
    assert isolation.describe().endswith(
        "but not from reading the files the verifying user can read, the network "
        "or writing outside its scratch folder."
    )


def test_the_exit_status_and_the_output_come_back(tmp_path):
    status, used = run_isolated(
        [sys.executable, "-c", "import sys; print('to out', flush=True); sys.exit('to err')"],
        cwd=tmp_path,
        writable=tmp_path,
        keep={},
        log=tmp_path / "run.log",
    )
    assert status == 1
    assert used == available_isolation()
    assert (tmp_path / "run.log").read_text(encoding="utf-8").splitlines() == ["to out", "to err"]


def test_a_working_folder_outside_the_writable_folder_is_refused(tmp_path):
    (tmp_path / "writable").mkdir()
    with pytest.raises(ValueError, match="not below the writable folder"):
        run_isolated(["true"], tmp_path, tmp_path / "writable", {}, tmp_path / "writable" / "log")


def test_a_writable_folder_holding_tmp_is_refused_by_bubblewrap():
    """Bound over the private /tmp, it would hand the rerun the machine's shared one."""
    bubblewrap = Isolation(BUBBLEWRAP, no_network=True, read_only_elsewhere=True)
    with pytest.raises(ValueError, match="would expose /tmp"):
        run_isolated(["true"], Path("/tmp"), Path("/tmp"), {}, Path("/tmp/log"), bubblewrap)


def test_kept_variables_cannot_replace_the_sandboxs_own(tmp_path):
    with pytest.raises(ValueError, match="TMPDIR"):
        clean_environment(tmp_path, {"TMPDIR": "/var/tmp"}, "/tmp")


def test_the_clean_environment_drops_secrets_proxies_and_agents(tmp_path, monkeypatch):
    for name in (SECRET, "SSH_AUTH_SOCK", "HTTPS_PROXY", "GITHUB_TOKEN"):
        monkeypatch.setenv(name, "x")
    monkeypatch.setenv("PATH", "/opt/tools/bin:/usr/bin")
    assert clean_environment(tmp_path, KEEP, "/tmp/pki-x") == {
        "PATH": "/opt/tools/bin:/usr/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": str(tmp_path / "home"),
        "TMPDIR": "/tmp/pki-x",
        **KEEP,
    }


def test_read_only_paths_below_the_writable_folder_stay_read_only_under_bubblewrap(tmp_path):
    """The rerun's copy of the checked code lies below its scratch folder, and stays unchanged."""
    levels = {level.name: level for level in working_isolations()}
    if BUBBLEWRAP not in levels:
        missing_tool("bwrap (Debian package bubblewrap) is not installed or does not work")
    code = tmp_path / "work" / "src"
    code.mkdir(parents=True)
    (code / "module.py").write_text("checked = True\n")
    child = "import pathlib; pathlib.Path('src/module.py').write_text('changed = True')"
    status, _ = run_isolated(
        [sys.executable, "-c", child],
        tmp_path / "work",
        tmp_path / "work",
        {},
        tmp_path / "work" / "log.txt",
        levels[BUBBLEWRAP],
        read_only=[code],
    )
    assert status != 0
    assert "Read-only file system" in (tmp_path / "work" / "log.txt").read_text()
    assert (code / "module.py").read_text() == "checked = True\n"


def test_an_environment_reached_through_a_link_in_tmp_still_runs_under_bubblewrap(tmp_path):
    """A checkout under /tmp whose .venv links to another venv: bubblewrap's private /tmp would
    hide the interpreter's unresolved path."""
    levels = {level.name: level for level in working_isolations()}
    if BUBBLEWRAP not in levels:
        missing_tool("bwrap (Debian package bubblewrap) is not installed or does not work")
    link = Path(tempfile.mkdtemp(dir="/tmp")) / "venv"
    link.symlink_to(Path(sys.prefix).resolve())
    work = Path(tempfile.mkdtemp(dir="/var/tmp"))
    probe = (
        "import sys; from pathlib import Path; "
        "from peacekeeping_interviews.archive.sandbox import run_isolated, working_isolations; "
        "level = [i for i in working_isolations() if i.name == 'bubblewrap'][0]; "
        f"w = Path({str(work)!r}); "
        "print(run_isolated([sys.executable, '-c', 'print(42)'], w, w, {}, w / 'log', level)[0])"
    )
    result = subprocess.run(
        [str(link / "bin" / "python"), "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "0", (work / "log").read_text()
    assert (work / "log").read_text().strip() == "42"
