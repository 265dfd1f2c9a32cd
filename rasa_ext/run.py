"""Start Rasa's command line with our changes to Rasa installed first (rasa_ext/patches.py lists them).

    python -m rasa_ext.run run --model models/assistant.tar.gz ...

TensorFlow 2.12 imports jax when it is installed, only to offer a TFLite conversion from jax (a try/except
ImportError in tensorflow/lite/python/util.py); nothing here converts models, so jax is kept out: ~100 MB
less in the one process that holds the model.

Once Rasa's command has finished (the server stopped: every turn's events are committed, the stores closed),
the process ends at once: tearing down TensorFlow's objects at interpreter exit took 4 s, which held a restart.
Ending at once skips the exit handlers, among them TensorFlow's removal of the source files it generates for
each traced function (about sixty at every start, left in /tmp for good). So the process keeps its temporary
files in a folder of its own, removed when it ends, and a start removes the folders of processes that were killed.

A server (`run`) starts with the garbage collector off: what it loads lives as long as the process, and passing
over it again and again while it loaded took more than a second of the start. The server turns it on again
after its warm-up, with what was loaded left out of its passes (rasa_ext/server.py).
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

SCRATCH_PREFIX = "rasa-run-"


def _alive(pid: int) -> bool:
    """Say whether a process with this id is running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_scratch(root: Path) -> None:
    """Remove the temporary folders of earlier processes that no longer run (a killed process leaves its own)."""
    for folder in root.glob(f"{SCRATCH_PREFIX}*"):
        owner = folder.name.removeprefix(SCRATCH_PREFIX).split("-", 1)[0]
        if owner.isdigit() and int(owner) != os.getpid() and not _alive(int(owner)):
            shutil.rmtree(folder, ignore_errors=True)


def use_own_scratch() -> Path:
    """Make this process's temporary files go to a folder of its own, and return the folder."""
    root = Path(tempfile.gettempdir())
    remove_stale_scratch(root)
    folder = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-", dir=root))
    tempfile.tempdir = str(folder)
    return folder


def main() -> None:
    """Run Rasa's command line after installing our changes."""
    scratch = use_own_scratch()
    if sys.argv[1:2] == ["run"]:
        gc.disable()
    sys.modules.setdefault("jax", None)  # type: ignore[arg-type]  # `import jax` now raises ImportError
    from rasa.__main__ import main as rasa_main

    from rasa_ext import patches

    patches.install()
    sys.argv[0] = "rasa"
    try:
        rasa_main()
    finally:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        shutil.rmtree(scratch, ignore_errors=True)
    os._exit(0)


if __name__ == "__main__":
    main()
