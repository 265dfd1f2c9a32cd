"""Rasa custom actions: thin wrappers around bot/."""
