"""What one message says, read back from the NLU entities (bot/language/entities.py names them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.language import entities as e


def _values(entities: list[dict[str, Any]], name: str, role: str | None = None, *, any_role: bool = False) -> list[Any]:
    out: list[Any] = []
    for ent in entities:
        if ent.get("entity") != name or (not any_role and ent.get("role") != role):
            continue
        if ent.get("value") not in out:
            out.append(ent.get("value"))
    return out


def _first(entities: list[dict[str, Any]], name: str) -> Any:
    values = _values(entities, name, any_role=True)
    return values[-1] if values else None


@dataclass
class Parse:
    """The entities of one message, grouped."""

    certificates: list[str] = field(default_factory=list)  # named: P, H, N, or "training" (P or H)
    generic_certificates: list[str] = field(default_factory=list)  # named only by a general word
    implied_certificate: str | None = None  # implied by a matter only it has
    matters: list[str] = field(default_factory=list)
    matter_hint: str | None = None
    aspects: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    out_of_scope: list[str] = field(default_factory=list)
    materials: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)
    ordinal: int | None = None
    age: float | None = None
    birth_date: str | None = None
    expiry: str | None = None
    validity: str | None = None
    proxy: str | None = None
    other_registration: str | None = None
    employer_region: str | None = None
    trained_here: str | None = None
    ready: str | None = None
    specialties: float | None = None
    correction_field: str | None = None
    trip_situation: str | None = None
    asked_checks: list[str] = field(default_factory=list)  # condition checks asked about themselves
    regions: list[str] = field(default_factory=list)  # the regions of the places named
    fields: list[str] = field(default_factory=list)  # the fields of forms named ("性别这一栏")

    @classmethod
    def from_entities(cls, entities: list[dict[str, Any]] | None) -> Parse:
        """Group the entities of a message."""
        ents = [x for x in entities or [] if isinstance(x, dict)]
        implied = _values(ents, e.CERTIFICATE, e.IMPLIED)
        hints = _values(ents, e.MATTER, e.HINT)
        ordinal = _first(ents, e.ORDINAL)
        return cls(
            certificates=_values(ents, e.CERTIFICATE),
            generic_certificates=_values(ents, e.CERTIFICATE, e.GENERIC),
            implied_certificate=implied[0] if implied else None,
            matters=_values(ents, e.MATTER),
            matter_hint=hints[0] if hints else None,
            aspects=_values(ents, e.ASPECT),
            variants=_values(ents, e.VARIANT),
            forms=_values(ents, e.FORM),
            contacts=_values(ents, e.CONTACT),
            policies=_values(ents, e.POLICY),
            topics=_values(ents, e.TOPIC),
            out_of_scope=_values(ents, e.OUT_OF_SCOPE),
            materials=_values(ents, e.MATERIAL),
            missing=_values(ents, e.MATERIAL, e.MISSING),
            alternatives=_values(ents, e.MATERIAL, e.ALTERNATIVE),
            ordinal=int(ordinal) if ordinal is not None else None,
            age=_first(ents, e.AGE),
            birth_date=_first(ents, e.BIRTH_DATE),
            expiry=_first(ents, e.EXPIRY),
            validity=_first(ents, e.VALIDITY),
            proxy=_first(ents, e.PROXY),
            other_registration=_first(ents, e.OTHER_REGISTRATION),
            employer_region=_first(ents, e.EMPLOYER_REGION),
            trained_here=_first(ents, e.TRAINED_HERE),
            ready=_first(ents, e.READY),
            specialties=_first(ents, e.SPECIALTIES),
            correction_field=_first(ents, e.CORRECTION_FIELD),
            trip_situation=_first(ents, e.TRIP_SITUATION),
            asked_checks=_values(ents, e.ASKED_CHECK),
            regions=_values(ents, e.REGION),
            fields=_values(ents, e.FIELD),
        )

    def names_anything(self, generic_aspects: frozenset[str]) -> bool:
        """Say whether the message names anything of ours besides words that ask about anything ("多久", "在哪"):
        a place alone names nothing ("湖州天气怎么样", "杭州到湖州开车多久")."""
        return bool(self.certificates or self.generic_certificates or self.implied_certificate or self.matters
                    or self.matter_hint or set(self.aspects) - generic_aspects or self.variants or self.forms
                    or self.contacts or self.policies or self.topics or self.materials or self.asked_checks
                    or self.ordinal is not None or self.trip_situation or self.states_facts)

    @property
    def states_facts(self) -> bool:
        """Say whether the message tells facts of the person's case."""
        return any(getattr(self, name) is not None for name in e.FACT_ENTITIES) or bool(self.missing)
