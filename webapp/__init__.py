"""The web front: chat page and widget for applicants, console for phone-line staff."""
