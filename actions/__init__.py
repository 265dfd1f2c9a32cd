"""Rasa custom actions: thin wrappers around bot/."""

import logging

# rasa_sdk warns at every turn of a form that a slot has no validate_<slot> method; ours read and check slots in
# their extract_<slot> methods and the validation's run, so the warning says nothing.
logging.getLogger("rasa_sdk.forms").setLevel(logging.ERROR)
