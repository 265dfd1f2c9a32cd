"""The Rasa process keeps its temporary files in a folder of its own, gone when it ends or at the next start."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from rasa_ext import run
from tests.conftest import ROOT


def a_finished_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temporary_files_go_to_the_process_own_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = run.use_own_scratch()
    with tempfile.NamedTemporaryFile(prefix="__autograph_generated_file", suffix=".py", delete=False) as f:
        written = f.name
    assert os.path.dirname(written) == str(folder) and folder.parent == tmp_path
    assert folder.name.startswith(f"{run.SCRATCH_PREFIX}{os.getpid()}-")


def test_a_start_removes_only_the_folders_of_processes_that_ended(tmp_path):
    dead = tmp_path / f"{run.SCRATCH_PREFIX}{a_finished_pid()}-x1"
    living = tmp_path / f"{run.SCRATCH_PREFIX}{os.getppid()}-x2"
    own = tmp_path / f"{run.SCRATCH_PREFIX}{os.getpid()}-x3"
    other = tmp_path / "someone-else"
    for folder in (dead, living, own, other):
        (folder / "sub").mkdir(parents=True)
    run.remove_stale_scratch(tmp_path)
    assert not dead.exists() and living.exists() and own.exists() and other.exists()


def test_a_finished_command_leaves_nothing_behind(tmp_path):
    """A command that leaves a temporary file behind, as TensorFlow does when exit handlers are skipped."""
    script = """
import sys, tempfile
import rasa.__main__
def command():
    tempfile.NamedTemporaryFile(prefix="__autograph_generated_file", delete=False).write(b"x")
    print("ran in", tempfile.gettempdir())
rasa.__main__.main = command
from rasa_ext import run
run.main()
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          env={**os.environ, "TMPDIR": str(tmp_path)}, timeout=300)
    assert done.returncode == 0 and f"ran in {tmp_path}/{run.SCRATCH_PREFIX}".encode() in done.stdout
    assert list(tmp_path.iterdir()) == []


def test_only_a_server_starts_with_the_garbage_collector_off(tmp_path):
    script = """
import gc, sys
import rasa.__main__
rasa.__main__.main = lambda: print("collector", gc.isenabled())
from rasa_ext import run
sys.argv[1:] = [sys.argv[1]]
run.main()
"""
    for command, enabled in (("run", False), ("test", True)):
        done = subprocess.run([sys.executable, "-c", script, command], cwd=ROOT, capture_output=True,
                              env={**os.environ, "TMPDIR": str(tmp_path)}, timeout=300)
        assert done.returncode == 0 and f"collector {enabled}".encode() in done.stdout, done.stderr
