"""Audit whole social media histories: run (run.py) and reports (report.py)."""
