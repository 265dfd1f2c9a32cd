"""Rasa plumbing: the tokenizer component, the masking tracker store and the input channels."""
