"""The NLU intents (domain.yml lists the same names; tests/test_intents.py keeps the two equal) and their groups.

The intents that ask one aspect of a procedure (ask_materials …) are named in knowledge/aspects.yml, beside the
aspect they ask: `KnowledgeBase.aspect_of_intent()`.
"""

from __future__ import annotations

GREET = "greet"
THANK = "thank"
GOODBYE = "goodbye"
BOT_CHALLENGE = "bot_challenge"
AFFIRM = "affirm"
DENY = "deny"
STOP = "stop"
ASK_MATERIALS = "ask_materials"
ASK_CONDITIONS = "ask_conditions"
ASK_PROCESS = "ask_process"
ASK_TIME = "ask_time"
ASK_FORMS = "ask_forms"
ASK_CONTACT = "ask_contact"
ASK_POLICY = "ask_policy"
ASK_GUIDE = "ask_guide"
INFORM_CERTIFICATE = "inform_certificate"
CHOOSE_OPTION = "choose_option"
CHECK_STATUS = "check_status"
INFORM_IDENTITY = "inform_identity"
ASK_ONE_TRIP = "ask_one_trip"
INFORM_SITUATION = "inform_situation"
OUT_OF_SCOPE = "out_of_scope"
COMPLAIN = "complain"  # displeasure with the service or the answers: an apology, whom to call, the look-up
NLU_FALLBACK = "nlu_fallback"  # Rasa's FallbackClassifier names it

# Answered by a fixed response (domain.yml utter_*): greetings, thanks, yes and no.
SMALL_TALK = frozenset({GREET, THANK, GOODBYE, BOT_CHALLENGE, AFFIRM, DENY, STOP})
# Start or feed the status look-up (status_form).
STATUS = frozenset({CHECK_STATUS, INFORM_IDENTITY})
# Ask for a verdict (one_trip_form); a situation told feeds it too.
VERDICT = frozenset({ASK_ONE_TRIP})
SITUATION = frozenset({INFORM_SITUATION})
# Answered by action_answer_question (data/rules/questions.yml).
QUESTIONS = frozenset({ASK_MATERIALS, ASK_CONDITIONS, ASK_PROCESS, ASK_TIME, ASK_FORMS, ASK_CONTACT, ASK_POLICY,
                       ASK_GUIDE, INFORM_CERTIFICATE, CHOOSE_OPTION, OUT_OF_SCOPE, COMPLAIN})
ALL = SMALL_TALK | STATUS | VERDICT | SITUATION | QUESTIONS | {NLU_FALLBACK}
