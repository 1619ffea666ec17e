"""The grading engine: loading, isolation, checks, scoring, reporting. Knows nothing about any course."""
