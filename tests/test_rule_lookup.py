"""Finding the rules that fit a conversation by looking back only as far as the longest rule: the same rules as
Rasa's walk over every state, on rules and conversations of the shapes our dialogue has."""

from __future__ import annotations

import json
import random

import pytest
from rasa.core.policies.rule_policy import RulePolicy

from rasa_ext import patches, rules

INTENTS = ("ask_materials", "ask_one_trip", "inform_identity", "thank", "nlu_fallback")
ACTIONS = ("action_listen", "action_answer_question", "status_form", "one_trip_form", "utter_thank")
LOOPS = ("status_form", "one_trip_form")


def a_state(rng: random.Random) -> dict:
    state: dict = {} if rng.random() < 0.1 else {"prev_action": {"action_name": rng.choice(ACTIONS)}}  # 0.1: a start
    if rng.random() < 0.6:
        state["user"] = {"intent": rng.choice(INTENTS)}
    if rng.random() < 0.4:
        state["active_loop"] = {"name": rng.choice(LOOPS)}
    return state


def a_lookup(rng: random.Random, size: int) -> dict[str, str]:
    return {json.dumps([a_state(rng) for _ in range(rng.randint(1, 3))]): rng.choice(ACTIONS) for _ in range(size)}


@pytest.fixture()
def policy() -> RulePolicy:
    return RulePolicy.__new__(RulePolicy)  # the rule matching reads no trained state of the policy


def rasa_possible_keys(policy: RulePolicy, lookup: dict, states: list) -> set[str]:
    return patches.original(next(p for p in patches.PATCHES if p.name == "_get_possible_keys"))(
        policy, lookup, states)


@pytest.mark.parametrize("seed", range(20))
def test_the_same_rules_fit_as_in_rasas_walk_over_every_state(policy, seed):
    rng = random.Random(seed)
    lookup = a_lookup(rng, 60)
    # conversations that end as rules do: a rule's own states after a longer history of other turns
    for _ in range(30):
        rule = rng.choice(list(lookup))
        states = [a_state(rng) for _ in range(rng.randint(0, 30))] + json.loads(rule)
        assert rules.possible_keys(policy, lookup, states) == rasa_possible_keys(policy, lookup, states)
        states = [a_state(rng) for _ in range(rng.randint(0, 30))]
        assert rules.possible_keys(policy, lookup, states) == rasa_possible_keys(policy, lookup, states)


def test_the_walk_stops_after_the_longest_rule(policy):
    lookup = {json.dumps([{"prev_action": {"action_name": "action_listen"}, "user": {"intent": "thank"}}]): "utter_thank"}
    looked_at: list[int] = []
    policy_class = type("Counting", (RulePolicy,), {
        "_is_rule_applicable": lambda self, key, index, state: looked_at.append(index) or True})
    after_listen = {"prev_action": {"action_name": "action_listen"}, "user": {"intent": "thank"}}
    rules.possible_keys(policy_class.__new__(policy_class), lookup, [after_listen] * 40)
    assert looked_at == [0]  # one state of forty: the rule is one state long
    assert rules.index_of(policy, lookup).depth == 1 and rules.index_of(policy, {}).depth == 0


def test_the_first_step_checks_only_rules_after_the_previous_action(policy):
    after = {name: json.dumps([{"prev_action": {"action_name": name}, "user": {"intent": "thank"}}])
             for name in ("action_listen", "utter_thank")}
    starter = json.dumps([{"user": {"intent": "thank"}}])
    index = rules.index_of(policy, {after["action_listen"]: "a", after["utter_thank"]: "b", starter: "c"})
    state = {"prev_action": {"action_name": "action_listen"}, "user": {"intent": "thank"}}
    assert index.candidates(state) == {after["action_listen"], starter}
    assert index.candidates({"user": {"intent": "thank"}}) == {starter}
