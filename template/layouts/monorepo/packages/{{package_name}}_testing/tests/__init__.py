"""Tests of the shared fixtures."""
