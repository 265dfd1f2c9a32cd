"""Finding the rules that fit a conversation: Rasa's check, on fewer candidates.

Rasa 3.6's RulePolicy keeps the rules whose states match the conversation's last states: it walks every state of
the session, newest first, and at each step checks every rule still in the running. Two things make that walk
longer than it needs to be, at two to four predictions a turn:
- a rule shorter than the step matches it by definition (`_is_rule_applicable` returns True), so after the
  longest rule (three states in our rules) every later step keeps every rule: the walk here stops there;
- at the first step every rule is checked, although a rule that names the previous action can only match a
  state after that very action: the rules are grouped by the action their last state names, and the first step
  checks only the group of the conversation's previous action and the rules that name none.
Every rule still left is checked by Rasa's own `_is_rule_applicable`, so the rules kept are the same.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.shared.core.generator import State
from rasa.shared.nlu.constants import ACTION_NAME

ANY_ACTION = None  # the group of rules whose last state names no previous action


@dataclass(frozen=True)
class RuleIndex:
    """A lookup's rules, read once: how far back the longest reaches, and the rules by their last previous action."""

    depth: int
    by_last_action: dict[str | None, frozenset[str]]

    def candidates(self, state: State) -> frozenset[str]:
        """Return the rules that may fit a conversation whose latest state is `state`."""
        action = (state.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
        found = self.by_last_action.get(ANY_ACTION, frozenset())
        return found | self.by_last_action.get(action, frozenset()) if action else found


def named_action(rule_state: State) -> str | None:
    """Return the previous action a rule's state requires by name (None when any will do)."""
    name = (rule_state.get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
    return name if name and name != SHOULD_NOT_BE_SET else ANY_ACTION


def index_of(policy: RulePolicy, lookup: dict[str, Any]) -> RuleIndex:
    """Read a lookup's rules into an index."""
    groups: dict[str | None, set[str]] = defaultdict(set)
    depth = 0
    for key in lookup:
        states = policy._rule_key_to_state(key)
        depth = max(depth, len(states))
        groups[named_action(states[-1]) if states else ANY_ACTION].add(key)
    return RuleIndex(depth, {action: frozenset(keys) for action, keys in groups.items()})


_indexes: dict[int, tuple[dict[str, Any], RuleIndex]] = {}


def indexed(policy: RulePolicy, lookup: dict[str, Any]) -> RuleIndex:
    """Return a lookup's index, made once per lookup (a loaded model's lookups never change)."""
    known = _indexes.get(id(lookup))
    if known is None or known[0] is not lookup:
        known = (lookup, index_of(policy, lookup))
        _indexes[id(lookup)] = known
    return known[1]


def possible_keys(self: RulePolicy, lookup: dict[str, Any], states: list[State]) -> set[str]:
    """Return the rule keys of a lookup that fit the conversation's states (RulePolicy._get_possible_keys)."""
    if not states:
        return set(lookup.keys())
    index = indexed(self, lookup)
    keys: set[str] = set(index.candidates(states[-1])) if index.depth else set(lookup.keys())
    for turn, state in enumerate(reversed(states[-index.depth:] if index.depth else [])):
        keys = {key for key in keys if self._is_rule_applicable(key, turn, state)}
    return keys
