"""Staff improve the assistant from real questions: the review queue, reviewed examples, the dashboard's numbers."""
