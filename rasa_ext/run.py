"""Start Rasa's command line with our changes to how Rasa runs a turn installed first.

- action calls carry the current turn only, and responses are checked with a schema compiled once
  (rasa_ext/action_call.py);
- a long conversation goes on in a new session carrying its slots over (rasa_ext/sessions.py);
- rebuilding a tracker finds each event's class without walking every Event subclass (rasa_ext/events.py);
- a few turns at a time are worked on, the others wait first come first served (rasa_ext/admission.py);
- with NLU_URL set, messages are understood by the NLU server there (rasa_ext/nlu_server.py).

    python -m rasa_ext.run run --model models/assistant.tar.gz ...
"""

from __future__ import annotations

import sys

from bot.settings import get_settings
from rasa_ext import action_call, admission, events, nlu_server, sessions


def install() -> None:
    """Install our changes to Rasa's turn."""
    action_call.install()
    sessions.install()
    events.install()
    admission.install()
    if get_settings().nlu_url:
        nlu_server.use(get_settings().nlu_url)


def main() -> None:
    """Run Rasa's command line after installing our changes."""
    from rasa.__main__ import main as rasa_main

    install()
    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
