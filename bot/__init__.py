"""Plain-Python core of the supervision-engineer certificate assistant (no Rasa imports)."""
