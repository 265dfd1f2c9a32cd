"""Turn what a person said about their case (entities, or the slots that keep them) into one-trip facts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from bot.knowledge.base import Procedure
from bot.language import entities as e
from bot.language.dates import RelativeDate, months_between
from bot.language.parse import Parse
from bot.rules.onetrip import Facts


def _yes(value: Any) -> bool | None:
    return None if value is None else str(value) == "yes"


def facts_from(values: Mapping[str, Any], materials: Iterable[str], missing: Iterable[str], proc: Procedure | None,
               today: date) -> Facts:
    """Return the facts of a case from fact values (entity name → value) and the materials named."""
    f = Facts()
    if values.get(e.AGE) is not None:
        f.age = float(values[e.AGE])
    elif values.get(e.BIRTH_DATE):
        born = RelativeDate.decode(str(values[e.BIRTH_DATE])).resolve(today)
        f.age = float(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))
    validity = values.get(e.VALIDITY)
    if validity == "expired":
        f.within_validity = False
    elif validity in ("valid", "near"):
        f.within_validity = True
    if values.get(e.EXPIRY):
        expires = RelativeDate.decode(str(values[e.EXPIRY])).resolve(today)
        f.months_to_expiry = round(months_between(today, expires), 1)
        f.within_validity = expires >= today  # "后天就过期了": 过期 with a date to come says when it expires
    elif validity == "near":
        f.months_to_expiry = 1.0
    f.proxy = _yes(values.get(e.PROXY))
    f.other_registration = _yes(values.get(e.OTHER_REGISTRATION))
    f.employer_region = values.get(e.EMPLOYER_REGION)
    f.employer_trained_here = _yes(values.get(e.TRAINED_HERE))
    f.correction_outside = values.get(e.CORRECTION_FIELD)
    if values.get(e.SPECIALTIES) is not None:
        f.specialties = int(float(values[e.SPECIALTIES]))
    ids = {m.id for v in proc.variants for m in v.materials} if proc else set()
    lacking = {m for m in missing if m in ids}
    named = {m for m in materials if m in ids} - lacking
    ready = values.get(e.READY)
    if ready == "yes" and not lacking:
        f.all_ready = True
        f.have = ids
    elif ready == "only" and named:
        lacking = ids - named  # "只带了申请表": the rest of the list is missing
    elif ready == "no" and not lacking:
        lacking = set(ids)  # "材料没带全": which ones is not said, so every one is to be checked
    if named and f.have is None:
        f.have = named
    f.missing = lacking
    return f


def facts_of(parse: Parse, proc: Procedure | None, today: date) -> Facts:
    """Return the facts one message tells."""
    values = {name: getattr(parse, name) for name in e.FACT_ENTITIES}
    mentioned = [m for m in parse.materials] + list(parse.alternatives)
    return facts_from(values, mentioned, parse.missing, proc, today)
