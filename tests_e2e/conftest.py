"""Order of the live tests: the abuse tests run last, because they lock the loopback address out of the console."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the abuse tests to the end, keeping every file's own order."""
    items.sort(key=lambda item: item.module.__name__.endswith("test_abuse"))
