"""Smoke tests: API scenarios over HTTP (make smoke)."""
