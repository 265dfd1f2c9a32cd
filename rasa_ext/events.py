"""Rebuilding a tracker without walking every Event subclass for every stored event.

Rasa 3.6 finds the class of each stored event by listing all subclasses of Event anew (with an
`inspect.isabstract` check for each) and comparing their type names: for a session of a few hundred
events, that was most of the time spent rebuilding the tracker. Here the class found for a type name is
remembered; a type name not found yet is looked up as Rasa does, so classes defined later still count.
"""

from __future__ import annotations

from rasa.shared.core.events import Event

_resolve_by_type = Event.resolve_by_type
_classes: dict[str, type[Event]] = {}


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """Return the event class of a type name as Event.resolve_by_type does, remembering what it found."""
    cls = _classes.get(type_name)
    if cls is None:
        cls = _resolve_by_type(type_name, default)
        if cls is not None and cls.type_name == type_name:
            _classes[type_name] = cls
    return cls
