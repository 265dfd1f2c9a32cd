"""Which intent a message has when its entities rule out the classifier's pick.

The classifier (DIET) reads the wording; the knowledge base's entities read what the message names and tells.
Where they disagree in a way only the entities can settle ("那注销呢" is no "no"; a message with a whole ID
number is a look-up), the rules below rule intents out, and the best-ranked intent left is taken; that one is
checked by the same rules in turn. Each rule is one situation, with its own test (tests/test_routing.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.knowledge.base import COLLECTION, GUIDE, PROCESS, TRIPS, KnowledgeBase
from bot.knowledge.base import CONDITIONS as CONDITIONS_ASPECT
from bot.knowledge.base import PROXY as PROXY_ASPECT
from bot.language import entities as e
from bot.language import intents as i

# Aspects a verdict question may ask ("能一次办好吗", "满足条件吗", "能代办吗").
VERDICT_ASPECTS = frozenset({TRIPS, CONDITIONS_ASPECT, PROXY_ASPECT})
# Named besides the facts of a case, these make a verdict question of it.
VERDICT_NAMES = frozenset({e.POLICY, e.TRIP_SITUATION})
# Roles of entities that name nothing for certain (a general word, a hint).
UNCERTAIN_ROLES = frozenset({e.GENERIC, e.HINT})
# Small talk whose replies fit each other's messages ("谢谢，再见" is answered well by either).
PARTING = frozenset({i.THANK, i.GOODBYE, i.GREET})


@dataclass(frozen=True)
class Reading:
    """What a message's entities say, for the intent rules."""

    names: frozenset[str]  # the entities it has
    certain: frozenset[str]  # the entities it has in no uncertain role
    asked: frozenset[str]  # the aspects it asks (any role)
    tells: bool  # it tells a fact of the person's case (a missing material is one)
    facts_told: int  # how many facts of the case it tells
    aspect_intents: frozenset[str]  # the intents that ask one aspect (knowledge/aspects.yml)
    whole_id: bool  # it holds a whole ID number
    ranked: tuple[str, ...] = ()  # the classifier's intents, best first (the fallback left out)

    @classmethod
    def of(cls, entities: Sequence[dict[str, Any]], aspect_intents: frozenset[str],
           ranked: Sequence[str] = ()) -> Reading:
        """Read a message's entities (as Rasa keeps them), with the classifier's ranking."""
        names = frozenset(str(x.get("entity")) for x in entities)
        tells = bool(names & e.FACT_ENTITIES_SET) or any(
            x.get("entity") == e.MATERIAL and x.get("role") == e.MISSING for x in entities)
        return cls(names=names,
                   certain=frozenset(str(x.get("entity")) for x in entities if x.get("role") not in UNCERTAIN_ROLES),
                   asked=frozenset(str(x.get("value")) for x in entities if x.get("entity") == e.ASPECT),
                   tells=tells, facts_told=sum(1 for x in entities if x.get("entity") in e.FACT_ENTITIES_SET),
                   aspect_intents=aspect_intents,
                   whole_id=any(x.get("entity") == e.ID_NUMBER and x.get("value") == e.WHOLE for x in entities),
                   ranked=tuple(name for name in ranked if name != i.NLU_FALLBACK))

    @property
    def is_question(self) -> bool:
        """Say whether it names what questions are about, or asks an aspect or a material ("要登报不") without
        telling facts."""
        return bool(self.certain & e.NAMING_ENTITIES) or (
            bool({e.ASPECT, e.MATERIAL} & self.certain) and not self.certain & e.FACT_ENTITIES_SET)

    @property
    def looks_up(self) -> bool:
        """Say whether it gives an ID number or asks about progress."""
        return bool(self.names & e.STATUS_ENTITIES)


# A rule: given the intent in question and the reading, the intents the message cannot have (empty: no say).
Rule = Callable[[str | None, Reading], frozenset[str]]


def an_id_number_is_a_look_up(intent: str | None, r: Reading) -> frozenset[str]:
    """"李娜 3305…，补正要补啥？": a whole ID number makes a look-up, whatever else is asked (the report then
    answers that too)."""
    if r.whole_id and intent not in i.STATUS:
        return i.ALL - i.STATUS
    return frozenset()


def a_position_is_a_choice(intent: str | None, r: Reading) -> frozenset[str]:
    """"3", "第二个": a short reply naming a position and nothing else picks an option."""
    if e.ORDINAL in r.names and not r.names & {e.CERTIFICATE, e.MATTER} and intent != i.CHOOSE_OPTION:
        return i.ALL - {i.CHOOSE_OPTION}
    return frozenset()


def progress_is_a_look_up(intent: str | None, r: Reading) -> frozenset[str]:
    """"我的延续办好没": asking about progress, and no aspect but the whole guide, is a look-up."""
    if e.PROGRESS in r.names and intent not in i.STATUS and not r.asked - {GUIDE}:
        return i.ALL - i.STATUS
    return frozenset()


def facts_without_an_id_are_a_question(intent: str | None, r: Reading) -> frozenset[str]:
    """"我老婆帮我去交可以不": a look-up intent on a message telling facts, with no ID number or progress."""
    if intent in i.STATUS and not r.looks_up and r.names & e.FACT_ENTITIES_SET:
        return i.SMALL_TALK | i.STATUS
    return frozenset()


def finding_out_is_a_question(intent: str | None, r: Reading) -> frozenset[str]:
    """"审核结果去哪里看": how to find out a result is a question about the process (the step after approval),
    not a look-up."""
    if intent in i.STATUS and e.ID_NUMBER not in r.names and {PROCESS, COLLECTION} & r.asked:
        return i.SMALL_TALK | i.STATUS
    return frozenset()


def an_aspect_alone_is_no_verdict(intent: str | None, r: Reading) -> frozenset[str]:
    """"现在补办来得及吗": a verdict intent asking only aspects a verdict does not answer, telling no fact."""
    if intent in i.VERDICT and r.asked and not r.asked & VERDICT_ASPECTS and not r.tells \
            and not r.names & VERDICT_NAMES:
        return i.SMALL_TALK | i.STATUS | i.VERDICT
    return frozenset()


def trips_with_facts_are_a_verdict(intent: str | None, r: Reading) -> frozenset[str]:
    """"只带了…，能一次办好吗": an aspect question asking about trips while telling facts wants the verdict."""
    if intent in r.aspect_intents and TRIPS in r.asked and r.tells:
        return i.ALL - i.VERDICT - i.SITUATION
    return frozenset()


def a_situation_tells_a_fact(intent: str | None, r: Reading) -> frozenset[str]:
    """"那还差哪些材料": a situation intent that asks an aspect and tells no fact is no situation."""
    if intent in i.SITUATION and r.asked and not r.tells and e.TRIP_SITUATION not in r.names:
        return i.SITUATION
    return frozenset()


def facts_told_are_a_situation_when_unsure(intent: str | None, r: Reading) -> frozenset[str]:
    """"我自己去，东西都准备好了" the classifier was unsure of: telling facts of one's case is a situation (or a
    verdict question), not a fallback."""
    if intent == i.NLU_FALLBACK and r.tells and not r.looks_up:
        return i.ALL - i.SITUATION - i.VERDICT
    return frozenset()


def a_question_is_a_question_when_unsure(intent: str | None, r: Reading) -> frozenset[str]:
    """"那还差哪些材料" the classifier could not tell from a "no": a message asking about something of ours and
    telling no fact is a question; the best-ranked intent that is neither small talk nor a look-up is taken."""
    if intent == i.NLU_FALLBACK and r.is_question and not r.tells and not r.looks_up and \
            e.OUT_OF_SCOPE not in r.names:  # "今天天气怎么样" names another subject: left to the fallback
        return frozenset({i.NLU_FALLBACK}) | i.SMALL_TALK | i.STATUS
    return frozenset()


def parting_words_either_way_are_parting_words(intent: str | None, r: Reading) -> frozenset[str]:
    """"谢谢你，再见" the fallback took because the classifier was torn between thanks and goodbye: a message naming
    nothing, whose two best intents are both parting (or greeting) words, is the better-ranked of them."""
    if intent == i.NLU_FALLBACK and not r.names and len(r.ranked) >= 2 and set(r.ranked[:2]) <= PARTING:
        return frozenset({i.NLU_FALLBACK})
    return frozenset()


def a_yes_or_no_telling_facts_is_a_situation(intent: str | None, r: Reading) -> frozenset[str]:
    """"我自己去，东西都准备好了" read as "yes": a yes or no that tells several facts of one's case is a situation
    (the one-trip form takes both); "是的，都备全了" (one fact) stays a yes, which answers the other questions too."""
    if intent in (i.AFFIRM, i.DENY) and r.facts_told >= 2 and not r.looks_up:
        return frozenset({i.AFFIRM, i.DENY})
    return frozenset()


def a_question_is_no_small_talk_or_look_up(intent: str | None, r: Reading) -> frozenset[str]:
    """"那注销呢" read as "no": a question is neither small talk nor, without an ID number, a look-up."""
    if not r.is_question:
        return frozenset()
    if intent in i.SMALL_TALK | i.STATUS and not r.looks_up:
        return i.SMALL_TALK | i.STATUS
    if intent in i.SMALL_TALK:
        return i.SMALL_TALK
    return frozenset()


RULES: tuple[Rule, ...] = (
    an_id_number_is_a_look_up,
    a_position_is_a_choice,
    progress_is_a_look_up,
    facts_without_an_id_are_a_question,
    finding_out_is_a_question,
    an_aspect_alone_is_no_verdict,
    trips_with_facts_are_a_verdict,
    a_situation_tells_a_fact,
    facts_told_are_a_situation_when_unsure,
    a_question_is_a_question_when_unsure,
    parting_words_either_way_are_parting_words,
    a_yes_or_no_telling_facts_is_a_situation,
    a_question_is_no_small_talk_or_look_up,
)


def ruled_out(intent: str | None, r: Reading) -> frozenset[str]:
    """Return the intents the first rule that has a say rules out (empty: the intent stands)."""
    for rule in RULES:
        out = rule(intent, r)
        if out:
            return out
    return frozenset()


class IntentRouter:
    """Settle a message's intent from the classifier's ranking and the knowledge base's entities."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.aspect_of_intent = kb.aspect_of_intent()
        self.intent_of_aspect = {aspect: intent for intent, aspect in self.aspect_of_intent.items()}

    def route(self, intent: str | None, ranking: Sequence[tuple[str, float]],
              entities: Sequence[dict[str, Any]]) -> str | None:
        """Return the intent to take instead of the classifier's, or None when it stands."""
        r = Reading.of(entities, frozenset(self.aspect_of_intent), [name for name, _c in ranking])
        taken = intent
        excluded: frozenset[str] = frozenset()
        for _ in range(len(i.ALL)):  # the intent taken instead may itself be ruled out ("那还差哪些材料")
            more = ruled_out(taken, r)
            if not more or more <= excluded:
                break
            excluded |= more
            taken = next((name for name, _c in ranking if name not in excluded), None)
            if taken is None and not excluded >= i.STATUS:
                taken = i.CHECK_STATUS
            if taken is None and not excluded >= i.VERDICT:
                taken = i.ASK_ONE_TRIP
            if taken is None:
                return self.by_the_one_aspect(intent, entities)
        return self.by_the_one_aspect(taken, entities)

    def by_the_one_aspect(self, intent: str | None, entities: Sequence[dict[str, Any]]) -> str | None:
        """Name an aspect question by the one aspect it asks ("那还差哪些材料" asks for materials, whichever aspect
        intent the classifier leaned to)."""
        asked = {str(x.get("value")) for x in entities if x.get("entity") == e.ASPECT and not x.get("role")}
        if intent in self.aspect_of_intent and len(asked) == 1:
            return self.intent_of_aspect.get(next(iter(asked)), intent)
        return intent
