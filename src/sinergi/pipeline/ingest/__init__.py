"""Ingest: read a registry, survey or program file, validate it against its contract, snapshot it."""
