"""Start Rasa's command line with our changes to Rasa installed first (rasa_ext/patches.py lists them).

    python -m rasa_ext.run run --model models/assistant.tar.gz ...

TensorFlow 2.12 imports jax when it is installed, only to offer a TFLite conversion from jax (a try/except
ImportError in tensorflow/lite/python/util.py); nothing here converts models, so jax is kept out: ~100 MB
less in the one process that holds the model.

Once Rasa's command has finished (the server stopped: every turn's events are committed, the stores closed),
the process ends at once: tearing down TensorFlow's objects at interpreter exit took 4 s, which held a restart.
"""

from __future__ import annotations

import logging
import os
import sys


def main() -> None:
    """Run Rasa's command line after installing our changes."""
    sys.modules.setdefault("jax", None)  # type: ignore[arg-type]  # `import jax` now raises ImportError
    from rasa.__main__ import main as rasa_main

    from rasa_ext import patches

    patches.install()
    sys.argv[0] = "rasa"
    rasa_main()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
