"""Verval: village operators verify families and propose missing ones; the secretariat approves."""
