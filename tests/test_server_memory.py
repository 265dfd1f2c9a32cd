"""After its warm-up the server collects once and leaves what it loaded out of later garbage collections."""

from __future__ import annotations

import gc

from rasa_ext.server import keep_loaded_out_of_collection


def test_what_was_loaded_is_frozen_and_the_collector_runs_again():
    loaded = [[i] for i in range(1000)]
    gc.disable()
    try:
        keep_loaded_out_of_collection()
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(loaded)
    finally:
        gc.unfreeze()
        gc.enable()
