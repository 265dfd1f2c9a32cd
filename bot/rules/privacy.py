"""Mask resident ID numbers wherever text leaves the process (logs, stores, replies)."""

from __future__ import annotations

import re
from typing import Any

# 17 digits and a check character, allowing full-width digits and spaces between groups.
ID_LIKE = re.compile(r"(?<![0-9０-９])((?:[0-9０-９][ \u3000]?){17}[0-9０-９xXｘＸ])(?![0-9０-９])")


def mask_id(id_number: str) -> str:
    """Return an ID number with all but the first 3 and last 2 characters hidden."""
    compact = re.sub(r"\s", "", id_number)
    if len(compact) <= 5:
        return "*" * len(compact)
    return compact[:3] + "*" * (len(compact) - 5) + compact[-2:]


def mask_text(text: str) -> str:
    """Return text with every ID-number-like sequence masked."""
    return ID_LIKE.sub(lambda m: mask_id(m.group(1)), text)


def mask_data(value: Any) -> Any:
    """Return a copy of a JSON-like value with ID numbers masked in every string."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_data(v) for v in value]
    return value
