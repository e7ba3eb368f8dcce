"""Visits and interactions: one resident at the counter, and each thing done for them, counted by topic."""
