"""Our changes to Rasa's functions: each still meets the function it was written for, and all install from one place."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import rasa

from rasa_ext import patches
from tests.conftest import ROOT


@pytest.mark.parametrize("patch", patches.PATCHES, ids=lambda p: p.label)
def test_each_patched_rasa_function_is_the_one_the_patch_was_written_for(patch):
    found = patches.source_sha256(patches.original(patch))
    assert found == patch.source_sha256, (
        f"{patch.label} changed since Rasa {patches.WRITTEN_FOR} (now Rasa {rasa.__version__}): read the new code "
        f"against the patch before trusting it ({patch.why}), then record its hash {found}")


@pytest.mark.parametrize("reliance", patches.RELIED_ON, ids=lambda r: r.label)
def test_each_rasa_function_our_code_relies_on_is_unchanged(reliance):
    found = patches.source_sha256(getattr(reliance.owner, reliance.name))
    assert found == reliance.source_sha256, (
        f"{reliance.label} changed since Rasa {patches.WRITTEN_FOR}: {reliance.why}; check it, then record {found}")


def test_the_hash_follows_the_source(tmp_path):
    def before(x: int) -> int:
        return x + 1

    def after(x: int) -> int:
        return x + 2

    assert patches.source_sha256(before) != patches.source_sha256(after)
    assert patches.source_sha256(staticmethod(before)) == patches.source_sha256(before)


def test_installing_replaces_every_patched_attribute_once():
    """Install twice in a fresh interpreter: each attribute is replaced once, and Rasa's own stays at hand."""
    script = """
import json, sys
sys.modules.setdefault("jax", None)
from rasa_ext import patches
before = {p.label: id(patches.stored(p.owner, p.name)) for p in patches.PATCHES}
patches.install()
first = {p.label: id(patches.stored(p.owner, p.name)) for p in patches.PATCHES}
patches.install()
second = {p.label: id(patches.stored(p.owner, p.name)) for p in patches.PATCHES}
originals = {p.label: patches.source_sha256(patches.original(p)) == p.source_sha256 for p in patches.PATCHES}
print(json.dumps({"replaced": [k for k in before if before[k] != first[k]], "stable": first == second,
                  "originals_kept": all(originals.values())}))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert sorted(result["replaced"]) == sorted(p.label for p in patches.PATCHES)
    assert result["stable"] and result["originals_kept"]
