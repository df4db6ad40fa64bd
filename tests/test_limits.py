"""The run itself under limits (issue 14, items 5 and 6), in subprocesses, each bounded in time: short of address
space, the parent killed by SIGTERM or SIGKILL, a worker stopped by SIGSTOP. No traceback, no child left behind,
the result of one process."""

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.generate import generate
from engine.report.formats import to_json
from engine.year.evaluate import evaluate_file
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc, prctl and rlimits: Linux")

CLI = [sys.executable, "-m", "engine"]


def _env(**more) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), **more}


def _padded_log(path: Path, records: int, pad: int) -> Path:
    """A generated log whose lines carry ``pad`` trailing spaces: a long file (the parallel path) of few records."""
    text = generate(max(50, records // 10), records, 12)[1]
    with path.open("w", encoding="utf-8") as handle:
        for line in text.splitlines():
            handle.write(line + " " * pad + "\n")
    return path


def _one_process(path: Path) -> dict:
    return json.loads(to_json(evaluate_file(path, keep_offers=False, workers=1).result))


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def _ended(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] in (b"Z", b"X")  # a zombie has ended
    except OSError:
        return True


def _wait_ended(pids: list[int], seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not all(map(_ended, pids)):
        time.sleep(0.05)
    return [pid for pid in pids if not _ended(pid)]


DRIVER = """
import resource, sys
from pathlib import Path
from engine.year.evaluate import evaluate_file
small, big, room = sys.argv[1], sys.argv[2], int(sys.argv[3])
evaluate_file(Path(small), keep_offers=False, workers=2)  # imports, rule set and allocator arenas made once
size = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmSize"))
resource.setrlimit(resource.RLIMIT_AS, ((size + room) * 1024, resource.getrlimit(resource.RLIMIT_AS)[1]))
from engine.cli import app
sys.argv = ["flux-rules", "evaluate", big, "--format", "json"]
app()
"""


def test_short_of_address_space_the_log_is_read_without_mapping_it(tmp_path):
    """Item 5: under RLIMIT_AS a file (100 MB) could not be mapped beside the rest; each line is read at its
    place (never mapped), in the parent and in the worker alike, and the result is the one of one process (no
    traceback)."""
    small = tmp_path / "petit.jsonl"
    small.write_text(generate(300, 4000, 12)[1], encoding="utf-8")
    big = _padded_log(tmp_path / "annee.jsonl", 4000, 25_000)

    def cap():  # the whole run within 4 GiB, whatever happens; the driver lowers the limit once warm
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    done = subprocess.run([sys.executable, "-c", DRIVER, str(small), str(big), str(60_000)], capture_output=True,
                          text=True, timeout=300, env=_env(FLUX_RULES_PROCESSUS="2"), preexec_fn=cap, cwd=ROOT)
    assert done.returncode in (0, 1), done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr[-3000:]
    assert json.loads(done.stdout) == _one_process(big)


TEAM = """
import sys, time
from engine.cores import Team
team = Team(lambda k, channel: time.sleep(120), 3)
print(" ".join(str(child.pid) for child, _ in team.children), flush=True)
time.sleep(120)
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_every_child_ends_with_its_parent(signum):
    """Item 6: SIGTERM runs the parent's handler, which kills the children; SIGKILL runs nothing in the parent,
    the kernel kills them (PR_SET_PDEATHSIG)."""
    parent = subprocess.Popen([sys.executable, "-c", TEAM], stdout=subprocess.PIPE, text=True, env=_env(), cwd=ROOT)
    try:
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert len(pids) == 2
        parent.send_signal(signum)
        assert parent.wait(timeout=30) == -signum
        assert _wait_ended(pids, 10) == []
    finally:
        parent.kill()
        parent.wait()


def test_a_stopped_worker_is_treated_as_dead_and_the_parent_evaluates_alone(tmp_path):
    """Item 6: a worker stopped by SIGSTOP is killed after a bounded wait; the parent reads and evaluates alone
    and gives the result of one process."""
    log = _padded_log(tmp_path / "annee.jsonl", 20_000, 400)
    assert log.stat().st_size > 10_000_000  # the parallel path (engine.year.read.PARALLEL_FROM)
    expected = _one_process(log)
    parent = subprocess.Popen([*CLI, "evaluate", str(log), "--format", "json"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=_env(FLUX_RULES_PROCESSUS="2"), cwd=ROOT)
    try:
        stopped = []
        deadline = time.monotonic() + 60
        while not stopped and parent.poll() is None and time.monotonic() < deadline:
            for pid in _children(parent.pid):
                os.kill(pid, signal.SIGSTOP)
                stopped.append(pid)
            time.sleep(0.005)
        assert stopped, "no worker seen"
        out, err = parent.communicate(timeout=120)
    finally:
        parent.kill()
        parent.wait()
    assert parent.returncode in (0, 1), err[-3000:]
    assert "Traceback" not in err
    assert "est arrêté" in err and "dans un seul processus" in err, err
    assert json.loads(out) == expected
    assert _wait_ended(stopped, 10) == []
