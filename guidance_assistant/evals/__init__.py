"""Evaluation suites, scorers and reports."""
